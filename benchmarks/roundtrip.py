"""Round trip on real code: every rule, unsafe fixes included, over installed library sources.

Independent of the test suite. For each file: run finfix's engine in fix mode in memory (nothing is
written), check the output parses, run the engine again on the output and check nothing changes.

    python benchmarks/roundtrip.py                 # pandas numpy scipy matplotlib seaborn + stdlib
    python benchmarks/roundtrip.py --jobs 2 --limit 500 path/to/tree ...
    python benchmarks/roundtrip.py --json out.json
    python benchmarks/roundtrip.py --run-code      # run the fixed code too (see roundtrip_run.py)
    python benchmarks/roundtrip.py --run-code --packages ffn ta --suites stockstats

Exit status 1 when any output fails to parse, a fix is not idempotent, or a rule crashes; with
--run-code, when a module stops importing, a test result changes under safe fixes, or an unsafe fix
changes a result no finding announced.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import multiprocessing
import os
import sys
import sysconfig
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finfix import registry  # noqa: E402
from finfix.engine.core import Settings, process_source  # noqa: E402

LIBRARIES = ("pandas", "numpy", "scipy", "matplotlib", "seaborn")
SETTINGS = Settings(fix=True, unsafe_fixes=True)


def default_roots() -> list[Path]:
    roots = []
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            roots.append(Path(list(spec.submodule_search_locations)[0]))
    roots.append(Path(sysconfig.get_paths()["stdlib"]))
    return roots


def collect(roots: list[Path]) -> list[str]:
    out: list[str] = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__", "dist-packages"))
            out.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    return out


_RULES: tuple = ()


def _init() -> None:
    global _RULES
    _RULES = registry.all_rules()


def check_file(path: str) -> dict:
    """One file through the engine twice; a dict of plain values for the parent."""
    t0 = time.perf_counter()
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return {"path": path, "lines": 0, "status": "unreadable", "detail": str(exc), "secs": 0.0}
    lines = raw.count(b"\n")
    rec: dict = {"path": path, "lines": lines, "findings": 0, "fixes": 0, "status": "ok", "detail": "", "codes": {}}
    try:
        first = process_source(path, raw, _RULES, SETTINGS)
    except BaseException as exc:  # process_source must never raise; if it does, that is the bug
        rec.update(status="internal", detail=f"process_source raised {type(exc).__name__}: {exc}\n"
                   + traceback.format_exc(limit=6))
        rec["secs"] = time.perf_counter() - t0
        return rec
    rec["findings"] = len(first.findings)
    rec["fixes"] = sum(f.applied for f in first.findings)
    rec["codes"] = dict(Counter(f.code for f in first.findings))
    if first.error:
        if "does not parse" in first.error:
            rec.update(status="broken", detail=first.error)
        elif first.internal:
            rec.update(status="internal", detail=first.error)
        else:
            rec.update(status="source-error", detail=first.error)
    elif first.changed:
        new = first.new or b""
        try:
            ast.parse(new)
        except (SyntaxError, ValueError) as exc:
            rec.update(status="broken", detail=f"output does not parse: {exc}")
        else:
            second = process_source(path, new, _RULES, SETTINGS)
            if second.error:
                rec.update(status="internal", detail=f"second run: {second.error}")
            elif second.changed:
                import difflib

                diff = "".join(difflib.unified_diff(
                    new.decode("utf-8", "replace").splitlines(True),
                    (second.new or b"").decode("utf-8", "replace").splitlines(True), "first", "second", n=1))
                rec.update(status="not-idempotent", detail=diff[:3000])
        rec["changed"] = True
    rec["secs"] = time.perf_counter() - t0
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("roots", nargs="*", type=Path, help="trees to scan (default: the libraries and the stdlib)")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (every k-th, deterministic)")
    ap.add_argument("--json", type=Path, help="write every non-ok record here")
    ap.add_argument("--show", type=int, default=20, help="problems to print in full")
    ap.add_argument("--budget", type=float, default=0, help="stop after this many seconds and report the files "
                    "done so far (labelled PARTIAL); files are taken in an order interleaving the roots")
    ap.add_argument("--run-code", action="store_true", help="instead: import every corpus module and run real "
                    "packages' test suites before and after the fixes (benchmarks/roundtrip_run.py)")
    ap.add_argument("--packages", nargs="*", help="with --run-code: corpus packages to import (default: all)")
    ap.add_argument("--suites", nargs="*", help="with --run-code: test suites to run (default: all)")
    args = ap.parse_args(argv)
    if args.run_code:
        import roundtrip_run

        return roundtrip_run.main(args.packages, args.suites)

    roots = args.roots or default_roots()
    paths = collect(roots)
    if args.limit and args.limit < len(paths):
        step = len(paths) / args.limit
        paths = [paths[int(i * step)] for i in range(args.limit)]
    if args.budget:  # interleave (every k-th file first) so a partial run still samples every library
        k = 37
        paths = [p for i in range(k) for p in paths[i::k]]
    rules = registry.all_rules()
    print(f"rules ({len(rules)}): {', '.join(r.code for r in rules)}")
    print(f"roots: {', '.join(str(r) for r in roots)}")
    print(f"files: {len(paths)}  jobs: {args.jobs}", flush=True)

    t0 = time.perf_counter()
    records: list[dict] = []
    ctx = multiprocessing.get_context("fork")
    partial = False
    with ctx.Pool(args.jobs, initializer=_init) as pool:
        for i, rec in enumerate(pool.imap_unordered(check_file, paths, chunksize=2), 1):
            if args.budget and time.perf_counter() - t0 > args.budget:
                partial = True
                pool.terminate()
                break
            records.append(rec)
            if rec["status"] not in ("ok", "source-error"):
                print(f"  {rec['status']}: {rec['path']}: {rec['detail'].splitlines()[0] if rec['detail'] else ''}",
                      flush=True)
            if i % 200 == 0:
                print(f"  ... {i}/{len(paths)} files, {time.perf_counter() - t0:.0f} s", flush=True)
    elapsed = time.perf_counter() - t0

    status = Counter(r["status"] for r in records)
    codes: Counter[str] = Counter()
    for r in records:
        codes.update(r.get("codes", {}))
    lines = sum(r["lines"] for r in records)
    print()
    if partial:
        print(f"PARTIAL: time budget of {args.budget:.0f} s reached; {len(records):,} of {len(paths):,} files done")
    print(f"files                 {len(records):>10,}")
    print(f"lines                 {lines:>10,}")
    print(f"findings              {sum(r.get('findings', 0) for r in records):>10,}  "
          + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))
    print(f"fixes applied         {sum(r.get('fixes', 0) for r in records):>10,}  "
          f"in {sum(1 for r in records if r.get('changed')):,} files")
    print(f"broken outputs        {status['broken']:>10,}   (must be 0)")
    print(f"not idempotent        {status['not-idempotent']:>10,}   (must be 0)")
    print(f"internal errors       {status['internal']:>10,}")
    print(f"source errors         {status['source-error']:>10,}   (files finfix rightly refuses: bad syntax etc.)")
    print(f"unreadable            {status['unreadable']:>10,}")
    print(f"time                  {elapsed:>10.1f} s  ({args.jobs} jobs)")
    slow = sorted(records, key=lambda r: -r.get("secs", 0))[:5]
    print("slowest: " + ", ".join(f"{Path(r['path']).name} {r['secs']:.1f}s" for r in slow))
    problems = [r for r in records if r["status"] in ("broken", "not-idempotent", "internal")]
    for r in problems[: args.show]:
        print(f"\n=== {r['status']}: {r['path']}\n{r['detail']}")
    if args.json:
        args.json.write_text(json.dumps([r for r in records if r["status"] != "ok"], indent=1))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
