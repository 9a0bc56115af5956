"""Mutation testing of coachpro/domain: how many small, deliberate bugs do the tests catch?

Run on demand (not in CI; it takes minutes):

    .venv/bin/python scripts/mutate.py                 # every domain module
    .venv/bin/python scripts/mutate.py money occurrences

For each module it makes one mutant per change below, writes it over the module in a scratch
copy of the repository, and runs that module's tests (`tests/domain/test_<module>.py`, or the
files listed in TESTS) with `pytest -x`. A mutant the tests fail on is killed; one they pass
on survives, and is printed with its line so it can be judged: a real gap (write the test) or
equivalent (no input can tell it apart; say why in bench/mutation.md).

The changes, one at a time, on the module's own code (docstrings and comments untouched):
comparisons flipped at their boundary (< and <=, > and >=, == and !=, in and not in),
+ and -, * and //, `and` and `or`, `not x` to `x`, small integer constants moved by one,
`True` and `False` swapped, `min` and `max` swapped, and `return x` made `return None`
where x is a name or call (a function whose result nobody checks).
"""

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT / "coachpro" / "domain"
PROPS = "tests/domain/test_properties.py::"
TESTS = {
    "availability": [
        "tests/domain/test_availability.py",
        "tests/domain/test_local_time.py",
        PROPS + "test_free_slots_avoid_busy_time_dst_gaps_and_stay_inside_hours",
        PROPS + "test_busy_timeline_agrees_with_checking_every_interval",
    ],
    "invites": [
        "tests/domain/test_invites.py",
        PROPS + "test_feed_reads_back_as_icalendar_itself_would_write_it",
    ],
    "money": [
        "tests/domain/test_money.py",
        PROPS + "test_money_round_trips_exactly_and_never_goes_negative",
    ],
    "occurrences": [
        "tests/domain/test_occurrences_and_progress.py",
        PROPS + "test_occurrences_in_a_window_are_the_full_list_cut_to_it",
    ],
    "passwords": ["tests/domain/test_retry_and_passwords.py"],
    "progress": [
        "tests/domain/test_occurrences_and_progress.py",
        PROPS + "test_streaks_and_milestones_only_grow_when_practice_is_added",
    ],
    "retry": ["tests/domain/test_retry_and_passwords.py"],
}
SKIP = {"__init__", "common_passwords"}  # no logic: a word list and a package marker

FLIP_COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
FLIP_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult}


@dataclass(frozen=True)
class Mutant:
    line: int
    description: str
    source: str


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            ids.add(id(value))
    return ids


def mutants(source: str) -> list[Mutant]:
    """Every single-change mutant of `source`, each as the complete mutated module."""
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    sites = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in FLIP_COMPARE:
                    sites.append((node, "compare", i))
        elif isinstance(node, ast.BinOp) and type(node.op) in FLIP_BINOP:
            sites.append((node, "binop", None))
        elif isinstance(node, ast.BoolOp):
            sites.append((node, "boolop", None))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            sites.append((node, "not", None))
        elif isinstance(node, ast.Constant) and id(node) not in docstrings:
            if type(node.value) is bool:
                sites.append((node, "bool", None))
            elif type(node.value) is int and -1000 <= node.value <= 100_000:
                sites.append((node, "int", None))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("min", "max"):
                sites.append((node, "minmax", None))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Name | ast.Call):
            sites.append((node, "return", None))
    found = []
    for node, kind, extra in sites:
        mutated_tree = ast.parse(source)
        target = [n for n in ast.walk(mutated_tree)][_position(tree, node)]
        description = _apply(target, kind, extra)
        if description is None:
            continue
        found.append(Mutant(node.lineno, description, ast.unparse(mutated_tree)))
    return found


def _position(tree: ast.AST, wanted: ast.AST) -> int:
    for i, node in enumerate(ast.walk(tree)):
        if node is wanted:
            return i
    raise LookupError(wanted)


def _apply(node: ast.AST, kind: str, extra) -> str | None:
    if kind == "compare":
        old = node.ops[extra]
        node.ops[extra] = FLIP_COMPARE[type(old)]()
        return f"{type(old).__name__} -> {type(node.ops[extra]).__name__}"
    if kind == "binop":
        old = node.op
        node.op = FLIP_BINOP[type(old)]()
        return f"{type(old).__name__} -> {type(node.op).__name__}"
    if kind == "boolop":
        old = node.op
        node.op = ast.Or() if isinstance(old, ast.And) else ast.And()
        return f"{type(old).__name__} -> {type(node.op).__name__}"
    if kind == "not":
        node.op = ast.UAdd()  # `+x` keeps the expression's shape; on a bool it is `x` as an int
        return "not x -> x"
    if kind == "bool":
        node.value = not node.value
        return f"{not node.value} -> {node.value}"
    if kind == "int":
        node.value = node.value + 1
        return f"{node.value - 1} -> {node.value}"
    if kind == "minmax":
        old = node.func.id
        node.func.id = "max" if old == "min" else "min"
        return f"{old} -> {node.func.id}"
    if kind == "return":
        node.value = ast.Constant(None)
        return "return x -> return None"
    return None


def run_tests(workdir: Path, tests: list[str]) -> bool:
    """True if the tests pass (the mutant survives)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COACHPRO_ENV": "testing"}
    result = subprocess.run(  # noqa: S603 (our own interpreter, our own test files)
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-o",
         "addopts=", *tests],
        cwd=workdir,
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    return result.returncode == 0


def mutate_module(name: str, workdir: Path) -> tuple[int, list[Mutant]]:
    path = workdir / "coachpro" / "domain" / f"{name}.py"
    original = path.read_text()
    wanted = TESTS.get(name, [f"tests/domain/test_{name}.py"])
    tests = [t for t in wanted if (workdir / t.split("::")[0]).exists()]
    if not tests:
        raise SystemExit(f"no tests for coachpro/domain/{name}.py")
    if not run_tests(workdir, tests):
        raise SystemExit(f"the tests for {name} fail before any mutation; fix them first")
    survivors, all_mutants = [], mutants(original)
    try:
        for mutant in all_mutants:
            path.write_text(mutant.source)
            if run_tests(workdir, tests):
                survivors.append(mutant)
    finally:
        path.write_text(original)
    return len(all_mutants), survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="domain module names (default: all)")
    args = parser.parse_args()
    names = args.modules or sorted(p.stem for p in DOMAIN.glob("*.py") if p.stem not in SKIP)
    with tempfile.TemporaryDirectory(prefix="coachpro-mutants-") as scratch:
        workdir = Path(scratch) / "repo"
        skipped = shutil.ignore_patterns(".git", ".venv", "instance", "__pycache__", "*.pyc")
        shutil.copytree(ROOT, workdir, ignore=skipped)
        report = ["| module | mutants | killed | kill rate |", "|---|---:|---:|---:|"]
        details = []
        for name in names:
            started = time.monotonic()
            total, survivors = mutate_module(name, workdir)
            killed = total - len(survivors)
            rate = killed / total if total else 1.0
            report.append(f"| {name} | {total} | {killed} | {rate:.0%} |")
            print(f"{name}: {killed}/{total} killed ({rate:.0%}) in "
                  f"{time.monotonic() - started:.0f}s", flush=True)  # fmt: skip
            source = (DOMAIN / f"{name}.py").read_text().splitlines()
            for mutant in survivors:
                line = source[mutant.line - 1].strip()
                details.append(f"- `{name}.py:{mutant.line}` {mutant.description}: `{line}`")
                print(f"  survived {name}.py:{mutant.line} {mutant.description}: {line}")
        print("\n".join(["", *report, "", "Survivors:", *details]))


if __name__ == "__main__":
    main()
