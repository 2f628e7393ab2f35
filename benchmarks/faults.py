"""Fault injection: `finfix apply` killed at random moments with random signals, over damaged caches.

    python benchmarks/faults.py --kills 200                     # a few hundred files of real code
    python benchmarks/faults.py --corpus DIR --kills 50 --seed 7
    python benchmarks/faults.py --corpus examples/quantdesk --copies 25 --kills 200   # 250 files, all fixed

The corpus (default: the .py files of installed quant/data packages found in this environment, else
finfix's own sources) is copied into a temporary folder. One undisturbed `apply --unsafe-fixes` gives
each file's fully fixed version. Then each round starts from the original files, sometimes with the
cache of a full run (so kills land in the write phase too) and sometimes with that cache damaged
(entries with NUL bytes, other text, wrong types), runs `apply` in its own session, sends it SIGINT,
SIGTERM, SIGHUP or SIGKILL after a random delay, and checks:

- every file is its original or its fully fixed version, and parses;
- no finfix temporary file is left (after SIGKILL, which no process can clean up after, the next
  run must remove them: it is checked after the follow-up run);
- no process of the run's session is alive a second after the main process ended;
- no traceback on stderr.

Every tenth round (and every round that left a temporary file) ends with a follow-up `apply` that must
reach the fully fixed state and remove the temporary files.
Exit status 1 on any violation.
"""

from __future__ import annotations

import argparse
import ast
import base64
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL)
PACKAGES = ("empyrical", "ffn", "ta", "stockstats", "finta", "pyfolio", "quantstats", "alphalens", "bt",
            "mplfinance", "pypfopt", "seaborn")


@dataclass
class Tally:
    rounds: int = 0
    by_signal: dict[str, int] = field(default_factory=dict)
    exit_codes: dict[int, int] = field(default_factory=dict)
    damaged_caches: int = 0
    lost_or_corrupt: int = 0
    temp_left_after_catchable: int = 0
    temp_left_after_sigkill: int = 0
    temp_left_after_next_run: int = 0
    processes_left: int = 0
    tracebacks: int = 0
    hangs: int = 0
    follow_ups_not_fixed: int = 0
    files_fixed_in_killed_runs: int = 0
    problems: list[str] = field(default_factory=list)


def default_corpus() -> list[Path]:
    import importlib.util

    roots = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            roots += [Path(p) for p in spec.submodule_search_locations]
    return roots or [Path(__file__).resolve().parents[1] / "finfix"]


def copy_corpus(sources: list[Path], dest: Path, limit: int, copies: int) -> int:
    """At most ``limit`` files, each source tree copied ``copies`` times (copy-1/, copy-2/, ...)."""
    n = 0
    for k in range(1, copies + 1):
        for root in sources:
            for f in sorted(root.rglob("*.py")):
                if n >= limit:
                    return n
                rel = Path(f"copy-{k}") / root.name / f.relative_to(root)
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, dest / rel)
                n += 1
    return n


def snapshot(tree: Path) -> dict[str, bytes]:
    return {str(p.relative_to(tree)): p.read_bytes() for p in sorted(tree.rglob("*.py"))}


def command(tree: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "finfix", "apply", "--unsafe-fixes", "-q", "--jobs", str(jobs), str(tree)]


def run_env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "FINFIX_CHECKER": os.environ.get("FINFIX_CHECKER", "off")}


def damage(cache_dir: Path, rng: random.Random) -> bool:
    hit = False
    for f in cache_dir.glob("results-*.json"):
        doc = json.loads(f.read_text())
        for entry in doc.get("entries", {}).values():
            if rng.random() > 0.3:
                continue
            hit = True
            kind = rng.randrange(5)
            if kind == 0:
                entry["n"] = base64.b64encode(b"\0\0\0").decode()
            elif kind == 1:
                entry["n"] = base64.b64encode(b"print('garbage')\n").decode()
            elif kind == 2:
                entry["f"] = "not a list"
            elif kind == 3:
                entry["n"] = "%%% not base64"
            else:
                entry["f"] = [[1, 2, 3]]
        f.write_text(json.dumps(doc))
    return hit


def session_processes(sid: int) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid and fields[0] != "Z":  # field 6 of stat: the session id
                pids.append(int(d))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def temp_files(tree: Path) -> list[Path]:
    return [p for p in tree.rglob(".finfix-*") if p.is_file()] + list(tree.rglob(".results-*.tmp"))


def check_files(tree: Path, original: dict[str, bytes], fixed: dict[str, bytes], tally: Tally, label: str) -> int:
    now = snapshot(tree)
    fixed_count = 0
    for rel, before in original.items():
        data = now.get(rel)
        if data is None or (data != before and data != fixed[rel]):
            tally.lost_or_corrupt += 1
            tally.problems.append(f"{label}: {rel} is neither original nor fixed")
            continue
        try:
            ast.parse(data)
        except SyntaxError:
            if data != before:  # some corpus files may not parse to begin with
                tally.lost_or_corrupt += 1
                tally.problems.append(f"{label}: {rel} does not parse")
        fixed_count += data != before
    return fixed_count


def one_round(i: int, rng: random.Random, work: Path, pristine: Path, warm_cache: Path, original, fixed,
              full_secs: float, jobs: int, tally: Tally) -> None:
    tree = work / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(pristine, tree)
    mode = rng.choice(("cold", "warm", "damaged"))
    if mode != "cold":
        shutil.copytree(warm_cache, tree / ".finfix_cache")
        if mode == "damaged" and damage(tree / ".finfix_cache", rng):
            tally.damaged_caches += 1
    sig = rng.choice(SIGNALS)
    delay = rng.uniform(0.05, full_secs * (0.3 if mode != "cold" else 1.0))
    err_path = work / "stderr.txt"
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(command(tree, jobs), cwd=tree, stdout=subprocess.DEVNULL, stderr=err,
                                env=run_env(), start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(sig)
        try:
            code = proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            tally.hangs += 1
            tally.problems.append(f"round {i}: no exit 120 s after {sig.name}")
            os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
    time.sleep(1.0)
    left = session_processes(proc.pid)
    if left:
        tally.processes_left += len(left)
        tally.problems.append(f"round {i}: {len(left)} process(es) left after {sig.name}")
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    tally.rounds += 1
    tally.by_signal[sig.name] = tally.by_signal.get(sig.name, 0) + 1
    tally.exit_codes[code] = tally.exit_codes.get(code, 0) + 1
    stderr = err_path.read_text(errors="replace")
    if "Traceback" in stderr:
        tally.tracebacks += 1
        tally.problems.append(f"round {i}: traceback after {sig.name}: {stderr.strip().splitlines()[-1]}")
    tally.files_fixed_in_killed_runs += check_files(tree, original, fixed, tally, f"round {i} ({sig.name})")
    temps = temp_files(tree)
    if temps:
        if sig == signal.SIGKILL:
            tally.temp_left_after_sigkill += len(temps)
        else:
            tally.temp_left_after_catchable += len(temps)
            tally.problems.append(f"round {i}: {len(temps)} temp file(s) after {sig.name}")
    if temps or i % 10 == 0:
        done = subprocess.run(command(tree, jobs), cwd=tree, capture_output=True, env=run_env(), timeout=600)
        if "Traceback" in done.stderr.decode(errors="replace"):
            tally.tracebacks += 1
            tally.problems.append(f"round {i}: traceback in the follow-up run")
        left_temps = temp_files(tree)
        tally.temp_left_after_next_run += len(left_temps)
        if left_temps:
            tally.problems.append(f"round {i}: the next run left {len(left_temps)} temp file(s)")
        if snapshot(tree) != fixed:
            tally.follow_ups_not_fixed += 1
            tally.problems.append(f"round {i}: the follow-up run did not reach the fixed state")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", type=Path, help="folder(s) of .py files (default: see above)")
    ap.add_argument("--files", type=int, default=300, help="at most this many files (default 300)")
    ap.add_argument("--copies", type=int, default=1,
                    help="copy the corpus this many times (a small tree full of fixes, such as examples/, "
                         "makes a few hundred files that all change)")
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="write the tally here too")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="finfix-faults-") as tmp:
        work = Path(tmp)
        pristine = work / "pristine"
        n = copy_corpus(args.corpus or default_corpus(), pristine, args.files, args.copies)
        (pristine / "pyproject.toml").write_text("[tool.finfix]\n")
        original = snapshot(pristine)
        ref = work / "reference"
        shutil.copytree(pristine, ref)
        t0 = time.perf_counter()
        subprocess.run(command(ref, args.jobs), cwd=ref, capture_output=True, env=run_env(), check=False)
        full_secs = time.perf_counter() - t0
        fixed = snapshot(ref)
        changed = sum(fixed[k] != original[k] for k in original)
        warm_cache = work / "warm-cache"
        shutil.copytree(pristine, work / "warm-src")
        subprocess.run(command(work / "warm-src", args.jobs) + ["--dry-run"], cwd=work / "warm-src",
                       capture_output=True, env=run_env())
        shutil.copytree(work / "warm-src" / ".finfix_cache", warm_cache)
        print(f"{n} files ({sum(map(len, original.values())) // 1024} KB), {changed} changed by a full run "
              f"of {full_secs:.1f} s; {args.kills} kills, -j {args.jobs}, seed {args.seed}", flush=True)
        tally = Tally()
        for i in range(1, args.kills + 1):
            one_round(i, rng, work, pristine, warm_cache, original, fixed, full_secs, args.jobs, tally)
            if i % 20 == 0:
                print(f"  {i} rounds: {tally.lost_or_corrupt} lost/corrupt, {tally.processes_left} processes, "
                      f"{tally.temp_left_after_catchable} temp files, {tally.tracebacks} tracebacks", flush=True)
    summary = {k: v for k, v in vars(tally).items() if k != "problems"}
    print(json.dumps(summary, indent=2))
    for p in tally.problems[:40]:
        print("problem:", p)
    if args.json:
        args.json.write_text(json.dumps({**summary, "problems": tally.problems}, indent=2))
    bad = (tally.lost_or_corrupt or tally.processes_left or tally.temp_left_after_catchable
           or tally.temp_left_after_next_run or tally.tracebacks or tally.hangs or tally.follow_ups_not_fixed)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
