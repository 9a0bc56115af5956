"""The benchmark's figures as Markdown, with each target checked against them."""

import os
import platform
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import LoadResult
from bench.pages import PRIVATE, PUBLIC, InProcess, Page
from bench.pure import Timing
from bench.race import RaceResult
from bench.seed import Sizes

BARE = "bare Flask endpoint"


@dataclass
class PageResult:
    page: Page
    load: LoadResult
    costs: InProcess | None  # None for the bare endpoint
    peak_mb: float


@dataclass
class Block:
    """One database at one size."""

    database: str
    scale: float
    sizes: Sizes
    bare: PageResult
    pages: list[PageResult] = field(default_factory=list)
    race: RaceResult | None = None
    feed_not_modified: bool | None = None

    @property
    def title(self) -> str:
        s = self.sizes
        return (
            f"{self.database}, {self.scale:g}× ({s.couples:,} couples, {s.entries:,} homework "
            f"entries, {s.consults:,} consults, {s.sessions:,} coaching sessions)"
        )

    def ratio(self, result: PageResult) -> float:
        return result.load.rps / self.bare.load.rps if self.bare.load.rps else 0.0


@dataclass
class Settings:
    workers: int
    connections: int
    seconds: float
    warmup: float


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // (1024 * 1024)
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} GiB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}"
    )


def _codes(codes: dict[int, int] | Counter) -> str:
    return ", ".join(f"{code}: {count:,}" for code, count in sorted(codes.items())) or "none"


def _row(block: Block, result: PageResult) -> str:
    load = result.load
    costs = result.costs
    cold = f"{costs.cold_queries} | {costs.cold_ms:.1f}" if costs else "0 | –"
    problems = f"; {load.socket_errors} socket errors" if load.socket_errors else ""
    return (
        f"| {result.page.name} | {load.rps:,.0f} | {load.p50_ms:.1f} | {load.p95_ms:.1f} | "
        f"{block.ratio(result):.2f} | {costs.queries if costs else 0} | {cold} | "
        f"{result.peak_mb:.0f} | {_codes(load.codes)}{problems} |"
    )


def render(
    blocks: list[Block], timings: list[Timing], settings: Settings, versions: dict[str, str]
) -> str:
    lines = [
        "# CoachPro benchmark",
        "",
        f"Machine: {machine()}; " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        f"Server: `gunicorn --workers {settings.workers} --bind 127.0.0.1:PORT wsgi:app` with "
        "`COACHPRO_ENV=production` (the README's production command; throttling off). Load: "
        f"`wrk`, 1 thread, {settings.connections} connections, {settings.seconds:g} s per page "
        f"after a {settings.warmup:g} s warm-up, each page on a freshly started server. The bare "
        "endpoint is a Flask app returning a short string, served by the same command.",
        "",
        "“× bare” is the page's throughput divided by the bare endpoint's in the same block. SQL "
        "per request is counted on the engine in the steady state (the third request); “SQL "
        "cold” and “cold ms” are one request with the worker's caches empty, as after any "
        "change to what the page shows (median of five, in process, no server). Peak memory "
        "is the largest VmHWM among the workers after the run.",
        "",
        *summary(blocks),
    ]
    for block in blocks:
        lines += [
            f"## {block.title}",
            "",
            "| page | req/s | p50 ms | p95 ms | × bare | SQL/request | SQL cold | cold ms "
            "| peak MiB/worker | responses |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
            _row(block, block.bare),
            *(_row(block, result) for result in block.pages),
            "",
        ]
        if block.race:
            race = block.race
            lines += [
                f"Booking race: {race.clients} clients × {race.contested_slots} contested times "
                f"at once → {_codes(race.codes)}; {race.booked} booked, "
                f"{race.overlapping_pairs} overlapping live bookings afterwards.",
                "",
            ]
    lines += [
        "## Pure functions",
        "",
        "| function | case | best ms | median ms |",
        "|---|---|--:|--:|",
        *(f"| {t.name} | {t.what} | {t.best_ms:.1f} | {t.median_ms:.1f} |" for t in timings),
        "",
        "## Targets",
        "",
        "| target | in this run | met |",
        "|---|---|---|",
        *(
            f"| {name} | {figure} | {'yes' if met else '**no**'} |"
            for name, figure, met in targets(blocks, timings)
        ),
        "",
    ]
    return "\n".join(lines)


def summary(blocks: list[Block]) -> list[str]:
    """One line per page: req/s, × bare and p50 in every block, side by side."""
    if not blocks:
        return []
    heads = [f"{b.database} {b.scale:g}×" for b in blocks]
    lines = [
        "## Summary: req/s (× bare, p50 ms)",
        "",
        "| page | " + " | ".join(heads) + " |",
        "|---|" + "--:|" * len(blocks),
    ]
    for index, result in enumerate([blocks[0].bare, *blocks[0].pages]):
        cells = []
        for block in blocks:
            row = block.bare if index == 0 else block.pages[index - 1]
            load = row.load
            cells.append(f"{load.rps:,.0f} ({block.ratio(row):.2f}, {load.p50_ms:.1f})")
        lines.append(f"| {result.page.name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _slowdown(small: PageResult, large: PageResult) -> float:
    """How many times the larger practice's median latency is the smaller one's."""
    if not small.load.requests or not large.load.requests or not small.load.p50_ms:
        return float("inf")  # no request finished in time: as bad as it gets
    return large.load.p50_ms / small.load.p50_ms


def targets(blocks: list[Block], timings: list[Timing]) -> list[tuple[str, str, bool]]:
    found = []
    by_key = {(b.database, b.scale): b for b in blocks}
    scales = sorted({b.scale for b in blocks})
    small, large = (scales[0], scales[-1]) if len(scales) > 1 else (None, None)
    for database in sorted({b.database for b in blocks}):
        one, ten = by_key.get((database, small)), by_key.get((database, large))
        if one and ten:
            changed = [
                f"{a.page.name} {a.costs.queries}/{a.costs.cold_queries}→"
                f"{b.costs.queries}/{b.costs.cold_queries}"
                for a, b in zip(one.pages, ten.pages, strict=True)
                if (a.costs.queries, a.costs.cold_queries)
                != (b.costs.queries, b.costs.cold_queries)
            ]
            found.append(
                (
                    f"{database}: SQL per request (warm and cold) the same at {small:g}× and "
                    f"{large:g}×",
                    "; ".join(changed) or "identical on every page",
                    not changed,
                )
            )
            worst = max(zip(one.pages, ten.pages, strict=True), key=lambda p: _slowdown(*p))
            factor = _slowdown(*worst)
            found.append(
                (
                    f"{database}: {large:g}× p50 latency ≤ 1.5 × {small:g}× on every page",
                    f"worst {factor:.2f}× ({worst[0].page.name})",
                    factor <= 1.5,
                )
            )
    for block in blocks:
        where = f"{block.database} {block.scale:g}×"
        public = [r for r in block.pages if r.page.group == PUBLIC]
        if public:
            low = min(public, key=block.ratio)
            found.append(
                (
                    f"{where}: public pages ≥ 0.5 × bare throughput",
                    f"lowest {block.ratio(low):.2f} ({low.page.name})",
                    block.ratio(low) >= 0.5,
                )
            )
        private = [r for r in block.pages if r.page.group == PRIVATE]
        if private and block.scale == max(scales):
            low = min(private, key=block.ratio)
            found.append(
                (
                    f"{where}: coach and portal pages ≥ 0.2 × bare throughput",
                    f"lowest {block.ratio(low):.2f} ({low.page.name})",
                    block.ratio(low) >= 0.2,
                )
            )
        if block.feed_not_modified is not None:
            found.append(
                (
                    f"{where}: feed answers 304 to a matching If-None-Match",
                    "304" if block.feed_not_modified else "not 304",
                    block.feed_not_modified,
                )
            )
        if block.race and block.database == "PostgreSQL":
            race = block.race
            found.append(
                (
                    f"{where}: {race.clients} concurrent bookings, only 201/409, no double booking",
                    f"{_codes(race.codes)}; {race.overlapping_pairs} overlaps",
                    race.honest,
                )
            )
    for timing in timings:
        if timing.name == "calendar feed":
            found.append(
                (
                    "calendar feed of 10,000 events builds well under a second",
                    f"{timing.median_ms:.0f} ms",
                    timing.median_ms < 500,
                )
            )
    return found
