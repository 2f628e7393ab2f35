"""finfix against ruff and LibCST's codemod runner, side by side in one run, with the issue's targets.

    python benchmarks/bench_speed.py            # full: LibCST's runner over every file (~5 min on 2 cores)
    python benchmarks/bench_speed.py --quick    # every tool on every 10th file (ratios on that subset)
    python benchmarks/bench_speed.py --corpus DIR --corpus PANDAS_DIR --jobs 2   # several corpora, one run

Default corpus: the installed pandas sources. Every command runs in a fresh temporary directory (LibCST
runs a no-op command with ``--unified-diff``, which writes nothing). finfix keeps its caches beside the
``pyproject.toml`` that configures a run, the temporary directory's unless the corpus has one (pandas'
installed sources do): then ``<corpus>/.finfix_cache`` (results, facts, the type checker's answers) is
emptied before the cold runs, so that they are cold, and removed at the end. The type checker is asked
only about files under the configuration's root: the table says whether it ran. Peak memory is the largest sum of the PSS (proportional set
size: shared pages split between the processes sharing them) of a command's process tree, sampled
every 20 ms with psutil (RSS where there is no PSS; ru_maxrss of children without psutil).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from finfix.engine.runner import default_jobs

try:
    import psutil
except ImportError:  # pragma: no cover
    psutil = None


WARM_RUNS = 7


@dataclass
class Run:
    label: str
    secs: float
    peak_mb: float
    rc: int
    note: str = ""
    cpu: float = 0.0  # user + system seconds of the command and every process it waited for


def _mem(proc: "psutil.Process") -> int:
    """PSS where the OS has it (forked workers share the parent's pages: RSS would count them twice)."""
    try:
        return proc.memory_full_info().pss
    except (AttributeError, psutil.Error):
        return proc.memory_info().rss


def _tree_rss(proc: "psutil.Process") -> int:
    total = 0
    try:
        total += _mem(proc)
        for child in proc.children(recursive=True):
            try:
                total += _mem(child)
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return total


def measure(label: str, cmd: list[str], cwd: Path, note: str = "", sampled: bool = True) -> Run:
    """One run of ``cmd``: wall and CPU seconds, and (``sampled``) the peak memory of its process tree. The
    sampler is a thread of this process: for runs of a few hundredths of a second (warm ones) it is left
    out, so that it does not take a share of the time it measures."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        if psutil is None or not sampled:
            return
        try:
            p = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            peak = max(peak, _tree_rss(p))
            done.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    secs = time.perf_counter() - t0
    done.set()
    th.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu0
    peak_mb = peak / 2**20 if peak else max(after, before) / 1024
    text = err.decode(errors="replace")
    if "Failed to codemod" in text:  # LibCST's runner: say how many files it really processed
        note = " ".join(x.strip(" -") for x in text.splitlines() if "files" in x and x.strip().startswith("-"))
    if proc.returncode not in (0, 1):
        tail = err.decode(errors="replace").strip().splitlines()[-3:]
        note = (note + " " if note else "") + f"rc={proc.returncode}: {' | '.join(tail)}"
    print(f"  {label:<44} {secs:8.2f} s  {cpu:8.2f} CPU-s  {peak_mb:7.0f} MB", flush=True)
    return Run(label, secs, peak_mb, proc.returncode, note, cpu)


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def count_lines(files: list[Path]) -> int:
    return sum(f.read_bytes().count(b"\n") for f in files)


#: ruff's rules that check what finfix's do (the peer codes finfix's `# noqa` accepts).
RUFF_PEERS = "B006,PD002,PD011,NPY001,NPY201,S110,DTZ003,DTZ004"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append",
                    help="a folder of Python files; repeat for several (default: the installed pandas package)")
    ap.add_argument("--quick", action="store_true", help="every tool on every 10th file; LibCST's time is also "
                    "extrapolated to the corpus by lines")
    ap.add_argument("--every", type=int, default=10, help="--quick takes every N-th file (default 10)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--python", type=Path, default=Path(sys.executable),
                    help="the interpreter whose finfix (and LibCST) to time, e.g. a virtualenv's where finfix is "
                    "installed as the README installs it (`pip install .`); default: this one")
    args = ap.parse_args(argv)

    pandas_dir = Path(importlib.util.find_spec("pandas").submodule_search_locations[0]).resolve()
    corpora = [c.resolve() for c in (args.corpus or [pandas_dir])]
    ruff = shutil.which("ruff")
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    from finfix import __version__

    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    ruff_v = subprocess.run([ruff, "--version"], capture_output=True, text=True).stdout.strip() if ruff else "none"
    print(f"versions: finfix {__version__}, libcst {importlib.metadata.version('libcst')}, "
          f"pandas {importlib.metadata.version('pandas')}, {ruff_v} (--select {RUFF_PEERS})")
    tables = [(corpus, bench(corpus, args, ruff, pandas_dir)) for corpus in corpora]
    for corpus, rows in tables:
        print(f"\n{corpus}")
        widths = [max(len(r[i]) for r in rows + [("measure", "result", "target", "status", "")]) for i in range(4)]
        head = ("measure", "result", "target", "status")
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        print("  ".join("-" * w for w in widths))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + (f"  ({r[4]})" if r[4] else ""))
    return 0


def bench(corpus: Path, args: argparse.Namespace, ruff: str | None, pandas_dir: Path) -> list[tuple[str, ...]]:
    """Every tool on ``corpus``; the rows of its table against issue 18's targets."""
    files = corpus_files(corpus)
    lines = count_lines(files)
    python = str(args.python)
    # `finfix ...` as users type it: the console script beside the interpreter (`python -m finfix` also
    # starts runpy), when there is one
    script = args.python.parent / "finfix"
    finfix = [str(script)] if script.is_file() else [python, "-m", "finfix"]
    where = subprocess.run([python, "-c", "import finfix; print(finfix.__file__)"], capture_output=True,
                           text=True).stdout.strip()
    print(f"\ncorpus: {corpus} ({len(files):,} files, {lines:,} lines); jobs {args.jobs}")
    print(f"finfix timed: {' '.join(finfix)} ({where})")
    targets = [str(corpus)]
    if args.quick:
        subset = files[:: args.every]
        sub_lines = count_lines(subset)
        targets = [str(f) for f in subset]
        print(f"QUICK: every tool runs on every {args.every}th file: {len(subset)} files, {sub_lines:,} lines")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(flush=True)

    runs: dict[str, Run] = {}
    from finfix import config

    config_root = config.load(corpus).root.resolve()
    corpus_cache = config_root / ".finfix_cache" if corpus.resolve().is_relative_to(config_root) else None
    if corpus_cache is not None:
        print(f"finfix's caches for this corpus: {corpus_cache} (configured by {config_root}/pyproject.toml): "
              "emptied before the cold runs, removed at the end")
        shutil.rmtree(corpus_cache, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="finfix-bench-") as tmp_s:
        tmp = Path(tmp_s)
        ruff_dir = tmp / "ruff"
        fx_dir = tmp / "finfix"
        cst_dir = tmp / "libcst"
        for d in (ruff_dir, fx_dir, cst_dir):
            d.mkdir()
        if ruff:
            rsel = [ruff, "check", "--select", RUFF_PEERS, "--exit-zero", "--quiet"]
            runs["ruff_cold"] = measure("ruff check --no-cache", [*rsel, "--no-cache", *targets], ruff_dir)
            measure("ruff check (filling its cache)", [*rsel, "--cache-dir", str(tmp / "rc"), *targets], ruff_dir)
            # warm runs: both tools the best of WARM_RUNS, unsampled (a single run of a 0.05 s tool is noise)
            runs["ruff_warm"] = min((measure("ruff check (warm cache)", [*rsel, "--cache-dir", str(tmp / "rc"),
                                                                         *targets], ruff_dir, sampled=False)
                                     for _ in range(WARM_RUNS)), key=lambda r: r.secs)
        # LibCST's runner, no-op command
        # (the command must come right after `codemod`: LibCST's tool reads it before the options)
        cst_cmd = [python, "-m", "libcst.tool", "codemod", "noop.NOOPCommand", "-j", str(args.jobs),
                   "--no-format", "--unified-diff", "--hide-progress"]
        if args.quick:
            r = measure(f"libcst codemod noop ({len(subset)} files)", [*cst_cmd, *targets], cst_dir)
            runs["libcst"] = Run(r.label, r.secs, r.peak_mb, r.rc,
                                 f"QUICK: {len(subset)}/{len(files)} files, {sub_lines:,} lines", r.cpu)
            print(f"  {'  -> extrapolated to the corpus by lines':<44} {r.secs * lines / max(1, sub_lines):8.2f} s")
        else:
            runs["libcst"] = measure("libcst codemod noop (all files)", [*cst_cmd, str(corpus)], cst_dir)
        runs["apply"] = measure("finfix apply --dry-run --no-cache",
                                [*finfix, "apply", "--dry-run", "--no-cache", "-j", str(args.jobs), *targets],
                                fx_dir)
        # `finfix check PATH` as users type it when -j is the default (its commonest form starts without
        # typer: finfix.entry); ruff's runs, too, use its default threads
        jobs = [] if args.jobs == default_jobs() else ["-j", str(args.jobs)]
        if corpus_cache is not None:
            shutil.rmtree(corpus_cache, ignore_errors=True)  # apply --dry-run --no-cache filled the checker's
        runs["check_cold"] = measure("finfix check (empty cache)", [*finfix, "check", *jobs, *targets], fx_dir)
        checker_ran = corpus_cache is not None and any((corpus_cache / "checker").glob("*.json"))
        # the first warm run's memory is sampled (the peak row covers it), the others only timed
        warm = [measure("finfix check (warm cache)", [*finfix, "check", *jobs, *targets], fx_dir, sampled=i == 0)
                for i in range(WARM_RUNS + 1)]
        runs["check_warm"] = min(warm[1:], key=lambda r: r.secs)
        runs["check_warm"].peak_mb = warm[0].peak_mb
        helps = [measure("finfix --help", [python, "-m", "finfix", "--help"], fx_dir) for _ in range(3)]
        if script.is_file():
            helps += [measure("finfix --help (console script)", [str(script), "--help"], fx_dir) for _ in range(3)]
        runs["help"] = min(helps, key=lambda r: r.secs)

    if corpus_cache is not None:
        shutil.rmtree(corpus_cache, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    rows: list[tuple[str, ...]] = []

    def row(name: str, value: str, target: str, ok: bool | None, note: str = "") -> None:
        rows.append((name, value, target, "met" if ok else ("n/a" if ok is None else "NOT MET"), note))

    # issue 18's targets
    lc, ap_ = runs["libcst"], runs["apply"]
    row("apply --dry-run vs LibCST no-op", f"{ap_.secs / lc.secs:.2f}x LibCST's time ({ap_.secs:.1f} s vs "
        f"{lc.secs:.1f} s)", "<= 1/3 of LibCST's", ap_.secs <= lc.secs / 3,
        f"CPU {ap_.cpu:.1f} s vs {lc.cpu:.1f} s" + (f"; {lc.note}" if lc.note else ""))
    if "ruff_cold" in runs:
        cold_target = 40 if corpus == pandas_dir else 20
        rc, cc = runs["ruff_cold"], runs["check_cold"]
        row("check cold vs ruff --no-cache", f"{cc.secs / rc.secs:.0f}x ruff ({cc.secs:.2f} s vs {rc.secs:.2f} s)",
            f"<= {cold_target}x", cc.secs / rc.secs <= cold_target, f"CPU {cc.cpu:.1f} s vs {rc.cpu:.2f} s; "
            + ("the type checker ran" if checker_ran else "the type checker did not run" if corpus_cache else
               "the type checker was not asked (the files are outside the configuration's root)"))
        rw, cw = runs["ruff_warm"], runs["check_warm"]
        row("check warm vs ruff warm", f"{cw.secs / rw.secs:.2f}x ruff ({cw.secs:.3f} s vs {rw.secs:.3f} s)",
            "<= 1.5x", cw.secs / rw.secs <= 1.5)
    peak = max(runs[k].peak_mb for k in ("apply", "check_cold", "check_warm"))
    row("peak memory (finfix runs)", f"{peak:.0f} MB", "<= 300 MB", peak <= 300)
    row("finfix --help start-up", f"{runs['help'].secs:.3f} s", "<= 0.3 s", runs["help"].secs <= 0.3,
        runs["help"].label)
    for r in (r for r in runs.values() if r.rc not in (0, 1)):
        print(f"warning: {r.label}: {r.note}")
    return rows


if __name__ == "__main__":
    sys.exit(main())
