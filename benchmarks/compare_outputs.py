"""Do two finfix installations give the same answers? `check --format json` and `apply --dry-run
--unsafe-fixes` (every fix, as a diff), byte for byte, over the same files.

    python benchmarks/compare_outputs.py --before /work/venv/bin/python --after .venv/bin/python \\
        --every 3 examples/ /path/to/site-packages/pandas

Each tool runs in a fresh temporary directory (empty caches, nothing written near the sources) with
``--no-cache``; ``--every N`` takes every N-th file of each directory (sorted), passed to both sides as
the same explicit paths. The seconds in FX001's witnesses are left out of the comparison. ``FINFIX_CHECKER=off`` in the environment is passed on (the type checker's
answers are then not part of the comparison). Exit 0 when every output is identical.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def files_of(target: Path, every: int) -> list[str]:
    if target.is_file():
        return [str(target.resolve())]
    found = sorted(p for p in target.rglob("*.py") if "__pycache__" not in p.parts)
    return [str(p.resolve()) for p in found[::every]]


_TIMING = re.compile(r'"(?:search_)?seconds": [0-9.e-]+,?')


def untimed(text: str) -> str:
    """Witnesses carry the seconds their search took (FX001): not an answer, so not compared."""
    return _TIMING.sub('"seconds": _', text)


def run(python: str, args: list[str]) -> tuple[str, str, float]:
    with tempfile.TemporaryDirectory(prefix="finfix-compare-") as cwd:
        t0 = time.perf_counter()
        proc = subprocess.run([python, "-m", "finfix", *args], cwd=cwd, capture_output=True, text=True)
        return proc.stdout, f"rc={proc.returncode}\n{proc.stderr}", time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--jobs", "-j", default="2")
    ap.add_argument("--keep", type=Path, help="write each output to this folder")
    ap.add_argument("targets", nargs="+", type=Path)
    args = ap.parse_args(argv)
    same = True
    for target in args.targets:
        paths = files_of(target, args.every)
        commands = {
            "check-json": ["check", "--format", "json", "--no-cache", "--exit-zero", "-j", args.jobs, *paths],
            "apply-diff": ["apply", "--dry-run", "--unsafe-fixes", "--no-cache", "-j", args.jobs, *paths],
        }
        for name, cmd in commands.items():
            outs = {}
            for side in ("before", "after"):
                out, err, secs = run(getattr(args, side), cmd)
                outs[side] = (out, err)
                print(f"{target} [{len(paths)} files] {name} {side}: {secs:.1f} s, {len(out):,} bytes", flush=True)
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    stem = f"{target.name}-{name}-{side}"
                    (args.keep / f"{stem}.out").write_text(out)
                    (args.keep / f"{stem}.err").write_text(err)
            if untimed(outs["before"][0]) != untimed(outs["after"][0]):
                same = False
                diff = difflib.unified_diff(outs["before"][0].splitlines(), outs["after"][0].splitlines(),
                                            "before", "after", lineterm="", n=1)
                print("DIFFERENT:\n" + "\n".join(list(diff)[:60]))
            else:
                print(f"  identical ({name})")
    print("ALL IDENTICAL" if same else "OUTPUTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
