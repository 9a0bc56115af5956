"""Serve an app with gunicorn and drive it with wrk; read what each worker's memory peaked at."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# wrk calls these in every run: count responses by status, and print one JSON line at the end
# with the percentiles we report (wrk's own --latency prints p50/p75/p90/p99, not p95).
_REPORT_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local codes = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do codes[code] = (codes[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(codes) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "codes": {%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""

_GET_LUA = """
function init(args) statuses = {} end
"""

# Each request books the next start from a file of free slots, so every POST asks for a
# different time; the list wraps (and then answers 409) only if the run outlasts it.
_BOOK_LUA = """
local starts = {}
local n = 0
function init(args)
  statuses = {}
  for line in io.lines("%(slots)s") do starts[#starts + 1] = line end
end
function request()
  n = n + 1
  local body = string.format(
    '{"start": "%%s", "timezone": "America/New_York", "partner_names": ["Ana", "Ben"], ' ..
    '"email": "visitor%%d@bench.example"}', starts[((n - 1) %% #starts) + 1], n)
  return wrk.format("POST", "/api/v1/consults", {["Content-Type"] = "application/json"}, body)
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    socket_errors: int
    codes: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the ")" that closes the command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def peak_worker_mb(self) -> float:
        """The largest peak resident memory (VmHWM) among the workers, in MiB."""
        peaks = [0]
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]))
            except OSError:
                continue
        return max(peaks) / 1024


@contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int, log: Path) -> Iterator[Server]:
    """`gunicorn --workers N --bind 127.0.0.1:PORT target`, the README's production command."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", target,
    ]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = Server(port, process)
    try:
        _wait_until_serving(server, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(server: Server, workers: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}; see the log")
        try:
            urllib.request.urlopen(server.base + "/", timeout=2).read()
            if len(server.worker_pids()) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving in time")


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    book_from: Path | None = None,
) -> LoadResult:
    """One wrk run at a fixed concurrency (one wrk thread: the second core is the server's)."""
    script = (_BOOK_LUA % {"slots": book_from} if book_from else _GET_LUA) + _REPORT_LUA
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        "wrk", "--threads", "1", "--connections", str(connections),
        "--duration", f"{max(1, round(seconds))}s", "--timeout", "10s", "--script", handle.name,
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    try:
        done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    finally:
        os.unlink(handle.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        socket_errors=data["socket_errors"],
        codes={int(k): v for k, v in data["codes"].items()},
    )
