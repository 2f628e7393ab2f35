"""Time the type checker: a full check per checker, and finfix's checker stage against a cold `check`.

    python benchmarks/checker_time.py full  --checkers pyrefly,ty DIR [DIR...]
    python benchmarks/checker_time.py stage DIR [DIR...]
    python benchmarks/checker_time.py candidates DIR [DIR...] > sample.tsv

`full` copies the given package folders into one temporary project and times each checker checking all
of it once, cold (the checkers found beside this interpreter or on PATH; put an evaluation venv's bin/
first on PATH to time another). `stage` asks finfix's adapter (finfix.project.checker.infer_types) for
the candidate expressions finfix cares about (receivers of `.values` and of `inplace=` calls, callees
named `distplot`), cold then warm (cache), and times a cold `finfix check --no-cache` on the same
folders for comparison. `candidates` prints those expressions as TSV (path, line, col, end, text), the
raw material of the hand-labelled sample in docs/type-checkers.md.

Numbers depend on the machine's load: the script prints the load average beside every timing.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finfix.project import checker  # noqa: E402
from finfix.project.checker_backends import BACKENDS  # noqa: E402


def candidates(root: Path) -> dict[Path, list[tuple[int, int, int, int, str]]]:
    """Receivers of `.values` and of `inplace=` calls, and callees named `distplot`, per file."""
    found: dict[Path, list[tuple[int, int, int, int, str]]] = {}
    for path in sorted(root.rglob("*.py")):
        try:
            src = path.read_text(encoding="utf-8")
            tree = ast.parse(src)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        rows = []
        for node in ast.walk(tree):
            target = None
            if isinstance(node, ast.Attribute) and node.attr == "values" and isinstance(node.ctx, ast.Load):
                target = node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and any(
                    k.arg == "inplace" for k in node.keywords):
                target = node.func.value
            elif isinstance(node, ast.Call) and (
                    (isinstance(node.func, ast.Attribute) and node.func.attr == "distplot")
                    or (isinstance(node.func, ast.Name) and node.func.id == "distplot")):
                target = node.func
            if target is not None and target.end_lineno is not None:
                text = ast.get_source_segment(src, target) or ""
                rows.append((target.lineno, target.col_offset, target.end_lineno, target.end_col_offset,
                             " ".join(text.split())))
        if rows:
            found[path] = sorted(set(rows))
    return found


def _load() -> str:
    return "load %.1f" % os.getloadavg()[0]


def _child_cpu() -> float:
    # CPU seconds (user + system) of finished children: less at the mercy of the machine's load than wall time.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _merged(dirs: list[Path]) -> tuple[Path, int]:
    tmp = Path(tempfile.mkdtemp(prefix="finfix-bench-"))
    lines = 0
    for d in dirs:
        shutil.copytree(d, tmp / d.name, ignore=shutil.ignore_patterns("__pycache__"))
    for p in tmp.rglob("*.py"):
        lines += p.read_bytes().count(b"\n")
    return tmp, lines


def full(args: argparse.Namespace) -> None:
    root, lines = _merged([Path(d).resolve() for d in args.dirs])
    try:
        print(f"project: {', '.join(args.dirs)} ({lines} lines), {os.cpu_count()} cores")
        for name in args.checkers.split(","):
            backend = BACKENDS[name]
            exe = backend.find()
            if exe is None:
                print(f"{name:13} not installed")
                continue
            argv = backend.command(exe, root, [d.name for d in map(Path, args.dirs)], sys.executable)
            before = _load()
            cpu0 = _child_cpu()
            start = time.perf_counter()
            done = subprocess.run(argv, cwd=root, capture_output=True, text=True, errors="replace",
                                  timeout=args.timeout)
            took = time.perf_counter() - start
            cpu = _child_cpu() - cpu0
            print(f"{name:13} {took:7.1f} s wall, {cpu:7.1f} s CPU  exit {done.returncode}  "
                  f"({before} before, {_load()} after)", flush=True)
            shutil.rmtree(root / ".mypy_cache", ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def stage(args: argparse.Namespace) -> None:
    root, lines = _merged([Path(d).resolve() for d in args.dirs])
    try:
        queries = {p: [c[:4] for c in rows] for p, rows in candidates(root).items()}
        n = sum(map(len, queries.values()))
        print(f"project: {', '.join(args.dirs)} ({lines} lines, {n} candidate expressions in {len(queries)} files)")
        cpu0 = _child_cpu()
        start = time.perf_counter()
        answers = checker.infer_types(root, [], queries)
        cold = time.perf_counter() - start
        cold_cpu = _child_cpu() - cpu0
        start = time.perf_counter()
        checker.infer_types(root, [], queries)
        warm = time.perf_counter() - start
        typed = sum(1 for t in answers.values() if t not in ("Unknown", "Any"))
        print(f"checker stage: cold {cold:.2f} s ({cold_cpu:.1f} s CPU), warm (cache) {warm:.3f} s; {len(answers)} answers, "
              f"{typed} with a type ({_load()})")
        finfix = [sys.executable, "-m", "finfix", "check", "--no-cache", "."]
        cpu0 = _child_cpu()
        start = time.perf_counter()
        subprocess.run(finfix, cwd=root, capture_output=True)
        check = time.perf_counter() - start
        check_cpu = _child_cpu() - cpu0
        print(f"cold `finfix check --no-cache`: {check:.2f} s ({check_cpu:.1f} s CPU); checker stage = "
              f"{100 * cold / check:.0f}% of it by wall time, {100 * cold_cpu / check_cpu:.0f}% by CPU ({_load()})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


PANDAS_LEAVES = {"DataFrame", "Series", "Index", "DatetimeIndex", "MultiIndex", "RangeIndex", "PeriodIndex",
                 "TimedeltaIndex", "CategoricalIndex", "IntervalIndex"}


_UNKNOWN = {"Unknown", "Any", "typing.Any", "None", "Top"}


def says(text: str | None) -> str:
    """What a consumer reads in an answer: "pandas", "not" (some other type), or "" (no answer)."""
    if text is None or text.startswith(("Unknown", "Any")):
        return ""
    if re.match(r"^(def |\(.*\) ->)", text):
        return "not"  # a function
    kinds = set()
    for part in text.split(" | "):
        # ty's intersections, "(Unknown & Series[Unknown])": the known member is what narrowing proved.
        members = [m.strip() for m in part.strip().strip("()").split(" & ")]
        members = [m for m in members if m not in _UNKNOWN and not m.startswith("~")] or ["Unknown"]
        for member in members:
            head = member.split("[", 1)[0]
            if head.startswith("pandas.") or head in PANDAS_LEAVES:
                kinds.add("pandas")
            elif head in _UNKNOWN:
                kinds.add("")
            else:
                kinds.add("not")
    return kinds.pop() if len(kinds) == 1 else ""


def evaluate(args: argparse.Namespace) -> None:
    sample = [line.rstrip("\n").split("\t") for line in Path(args.sample).read_text().splitlines()
              if line and not line.startswith(("#", "path\t"))]
    packages = sorted({row[0].split("/", 1)[0] for row in sample})
    tmp = Path(tempfile.mkdtemp(prefix="finfix-eval-"))
    try:
        for pkg in packages:  # one project holding every sampled package, checked once per checker
            for child in (Path(args.corpus) / pkg).iterdir():
                if child.is_dir() and not child.name.endswith((".dist-info", ".data")):
                    shutil.copytree(child, tmp / child.name, ignore=shutil.ignore_patterns("__pycache__"))
                elif child.suffix == ".py":
                    shutil.copy(child, tmp / child.name)
        queries: dict[Path, list[tuple[int, int, int, int]]] = {}
        truth = {}
        for row in sample:
            path = tmp / row[0].split("/", 1)[1]
            span = tuple(int(x) for x in row[1:5])
            queries.setdefault(path, []).append(span)
            truth[(str(path), span[0], span[1])] = row[6]
        n_pandas = sum(1 for t in truth.values() if t == "pandas")
        print(f"sample: {len(truth)} expressions ({n_pandas} pandas) in {len(queries)} files of {len(packages)} packages")
        print("checker        time                 pandas: recall precision (right/wrong)   not-pandas: right wrong-'not'   no answer")
        for name in args.checkers.split(","):
            if BACKENDS[name].find() is None:
                print(f"{name:13} not installed")
                continue
            os.environ["FINFIX_TYPE_CHECKER"] = name
            shutil.rmtree(tmp / ".finfix_cache", ignore_errors=True)
            shutil.rmtree(tmp / ".mypy_cache", ignore_errors=True)
            cpu0 = _child_cpu()
            start = time.perf_counter()
            answers = checker.infer_types(tmp, [], queries)
            took = time.perf_counter() - start
            cpu = _child_cpu() - cpu0
            tally = {"pp": 0, "np": 0, "nn": 0, "pn": 0, "none": 0}
            for key, label in truth.items():
                said = says(answers.get(key))
                if not said:
                    tally["none"] += 1
                else:
                    tally[("p" if label == "pandas" else "n") + ("p" if said == "pandas" else "n")] += 1
                if args.verbose:
                    mark = "WRONG" if said and (said == "pandas") != (label == "pandas") else "     "
                    print(f"  {mark} {key[0].removeprefix(str(tmp))}:{key[1]} {label}: {answers.get(key)}")
            answered = tally["pp"] + tally["np"]
            print(f"{name:13} {took:5.1f} s wall {cpu:5.1f} s CPU   {100 * tally['pp'] / n_pandas:5.0f}%  "
                  f"{(100 * tally['pp'] / answered) if answered else 0:6.0f}%  ({tally['pp']}/{tally['np']})"
                  f"           {tally['nn']:3d}    {tally['pn']:3d}            {tally['none']:3d}  ({_load()})",
                  flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def list_candidates(args: argparse.Namespace) -> None:
    for d in args.dirs:
        for path, rows in candidates(Path(d)).items():
            for line, col, end_line, end_col, text in rows:
                print(f"{path}\t{line}\t{col}\t{end_line}\t{end_col}\t{text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("full")
    f.add_argument("--checkers", default="pyrefly,ty,basedpyright,pyright,mypy")
    f.add_argument("--timeout", type=float, default=900)
    f.add_argument("dirs", nargs="+")
    s = sub.add_parser("stage")
    s.add_argument("dirs", nargs="+")
    e = sub.add_parser("eval")
    e.add_argument("--checkers", default="pyrefly,ty,basedpyright,pyright,mypy")
    e.add_argument("--sample", default=str(Path(__file__).with_name("checker_sample.tsv")))
    e.add_argument("--corpus", default="/work/corpora/src")
    e.add_argument("-v", "--verbose", action="store_true")
    c = sub.add_parser("candidates")
    c.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    {"full": full, "stage": stage, "eval": evaluate, "candidates": list_candidates}[args.cmd](args)


if __name__ == "__main__":
    main()
