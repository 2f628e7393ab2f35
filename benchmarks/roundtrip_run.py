"""The round trip that runs the code (issue 14): fixed code must behave like the original.

Two checks, used by `benchmarks/roundtrip.py --run-code`:

* imports: every module of each corpus package (`/work/corpora/src/<pkg>`) is imported in a fresh
  interpreter, one subprocess per package, before and after `finfix apply` (safe fixes) on a copy;
  a module that imported before and fails after is a wrong fix.
* test suites: real packages' own tests, from their sdists (downloaded from PyPI at the pins in
  SUITES into `/tmp/finfix-roundtrip/dl` on first use), run in the benchmark's own venv
  (`/tmp/finfix-roundtrip/venv`, created on first use: it sees finfix's venv packages through a .pth
  file and adds SUITE_DEPS from PyPI). Three copies of each sdist: as shipped, after `finfix apply`
  (safe fixes) and after `finfix apply --unsafe-fixes`; the three suites run at once (a copy that does
  not finish within FINFIX_ROUNDTRIP_SUITE_TIMEOUT seconds, default 5400, fails). Per test (JUnit XML):
  the outcome after safe fixes must be identical; after unsafe fixes every difference must be one an
  applied unsafe finding announced (the test's traceback passes through a line an unsafe fix rewrote).
  Every module of the package that imports as shipped must still import in both fixed copies.

One command, from the repository root with finfix's venv; nothing to prepare, nothing committed (the
first run downloads the sdists and builds the venv, a few minutes):

    python benchmarks/roundtrip.py --run-code --packages    # every suite in SUITES, no corpus imports
    python benchmarks/roundtrip.py --run-code --packages --suites vectorbt
    python benchmarks/roundtrip.py --run-code   # also imports the corpus in /work/corpora/src, if present
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path("/work/corpora/src")
WORK = Path("/tmp/finfix-roundtrip")
DOWNLOADS = WORK / "dl"
VENV = WORK / "venv"
#: PyPI name -> (pinned version, test paths inside the sdist, the folder to put on sys.path).
#: Chosen because their sdists ship tests that run offline here; the last two are ones where finfix's
#: safe fixes change files (empyrical and stockstats get none, kept as controls). Not usable: the
#: pyportfolioopt 1.6.0 sdist ships tests/ without tests/utilities_for_tests.py (every module errors).
#: The vectorbt 1.2.0 sdist lacks tests/utils.py too: test_engine, test_portfolio, test_records,
#: test_returns and test_signals do not collect (the same in all three copies); its other eight modules run.
SUITES = {
    "empyrical-reloaded": ("0.7.1", ["tests"], "src"),
    "stockstats": ("0.6.10", ["test.py"], "."),
    "pyfolio-reloaded": ("0.10.1", ["tests"], "src"),
    "vectorbt": ("1.2.0", ["tests"], "."),
}
SUITE_DEPS = ["PyHamcrest", "yfinance", "bottleneck", "pytz", "peewee<3.17.4",
              # what the corpus packages import besides finfix's own test dependencies
              "scikit-learn", "tabulate", "statsmodels",
              # pyfolio-reloaded, vectorbt
              "ipython", "empyrical-reloaded", "parameterized", "dill", "tqdm",
              "dateparser", "imageio", "schedule", "requests", "mypy_extensions", "nbformat", "ipywidgets",
              "anywidget"]
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "ignore"}

_IMPORT_ALL = r"""
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
out = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
        out[name] = "ok"
    except BaseException as exc:  # SystemExit from a script-like module counts as a failure too
        out[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
print("\n@@RESULT@@" + json.dumps(out))
"""


# -- fixing a tree the way a user does --------------------------------------------------------------
def apply(tree: Path, unsafe: bool) -> list[dict]:
    """`finfix apply` on ``tree`` as a user runs it; the fixes it made (path, line range, code, safety)."""
    cmd = [sys.executable, "-m", "finfix", "apply", ".", "-j", "1", "--no-cache", "--format", "json"]
    run = subprocess.run(cmd + (["--unsafe-fixes"] if unsafe else []), capture_output=True, text=True, env=ENV,
                         cwd=tree, timeout=1800)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"finfix apply failed in {tree}: {run.stderr.strip()[-500:]}")
    return [{"path": f["path"], "line": f["line"], "end": f["end_line"] or f["line"], "code": f["code"],
             "fix": f["fix"]["safety"], "message": f["message"]}
            for f in json.loads(run.stdout)["findings"] if f["applied"]]


# -- imports --------------------------------------------------------------------------------------------
def top_packages(root: Path) -> list[Path]:
    """Folders with an `__init__.py` whose parent has none: the importable top-level packages."""
    found = []
    for init in sorted(root.rglob("__init__.py")):
        pkg = init.parent
        if not (pkg.parent / "__init__.py").exists() and not any(
            part in ("tests", "test", "docs", "examples", "build") for part in pkg.relative_to(root).parts[:-1]
        ):
            found.append(pkg)
    return found


def modules_of(pkg: Path) -> list[str]:
    names = []
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] == "__main__" or not all(p.isidentifier() for p in parts):
            continue
        if not all((pkg.parent.joinpath(*parts[:i]) / "__init__.py").exists() for i in range(1, len(parts))):
            continue  # a folder without __init__.py inside the package: not importable by that name
        names.append(".".join(parts))
    return names


def import_all(python: str, sys_path: list[Path], modules: list[str], cwd: Path) -> dict[str, str]:
    env = {**ENV, "PYTHONPATH": os.pathsep.join(str(p) for p in sys_path)}
    try:
        run = subprocess.run([python, "-c", _IMPORT_ALL, json.dumps(modules)], capture_output=True, text=True,
                             env=env, cwd=cwd, timeout=900)
    except subprocess.TimeoutExpired:
        return {m: "timeout" for m in modules}
    marker = run.stdout.rfind("@@RESULT@@")
    if marker < 0:
        return {m: f"crashed: {run.stderr.strip().splitlines()[-1:] or run.returncode}" for m in modules}
    return json.loads(run.stdout[marker + len("@@RESULT@@"):])


@dataclass
class ImportReport:
    package: str
    modules: int = 0
    imported_before: int = 0
    broken: list[tuple[str, str]] = field(default_factory=list)  # imported before, not after
    fixes: int = 0
    secs: float = 0.0


def check_imports(package_dir: Path, unsafe: bool = False) -> ImportReport:
    t0 = time.perf_counter()
    report = ImportReport(package_dir.name)
    work = WORK / "imports" / package_dir.name
    shutil.rmtree(work, ignore_errors=True)
    before, after = work / "before", work / "after"
    shutil.copytree(package_dir, before, symlinks=True)
    shutil.copytree(package_dir, after, symlinks=True)
    report.fixes = len(apply(after, unsafe))
    python = ensure_venv()
    # the other corpus packages stay importable as they are (alphalens and pyfolio need empyrical)
    others = [p.parent for d in sorted(CORPUS.iterdir()) if d != package_dir for p in top_packages(d)]
    for pkg_before in top_packages(before):
        pkg_after = after / pkg_before.relative_to(before)
        modules = modules_of(pkg_before)
        report.modules += len(modules)
        old = import_all(python, [pkg_before.parent, *others], modules, work)
        new = import_all(python, [pkg_after.parent, *others], modules, work)
        for name, status in old.items():
            if status == "ok":
                report.imported_before += 1
                if new.get(name) != "ok":
                    report.broken.append((name, new.get(name, "missing")))
    report.secs = time.perf_counter() - t0
    return report


# -- test suites --------------------------------------------------------------------------------------------
def ensure_venv() -> str:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(VENV)], check=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        Path(site, "finfix-base.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    stamp = VENV / "finfix-suite-deps.txt"  # SUITE_DEPS as last installed: a new entry installs again
    if not stamp.exists() or stamp.read_text() != "\n".join(SUITE_DEPS):
        subprocess.run([str(python), "-m", "pip", "install", "-q", *SUITE_DEPS], check=True, timeout=1800)
        stamp.write_text("\n".join(SUITE_DEPS))
    return str(python)


#: Seconds one copy's test suite may take (vectorbt's, with three copies at once on two loaded cores, takes
#: longer than pyfolio's ~330 s alone); a copy that runs out of time fails the benchmark, it never passes.
SUITE_TIMEOUT = float(os.environ.get("FINFIX_ROUNDTRIP_SUITE_TIMEOUT", 5400))


def start_suite(python: str, tree: Path, tests: list[str], source_root: str) -> subprocess.Popen:
    """pytest on one copy, in the background: the three copies run at once (each its own folder, venv-wide
    state is read-only), so a suite costs the wall time of its slowest copy, not of all three."""
    env = {**ENV, "PYTHONPATH": str(tree / source_root)}
    # --continue-on-collection-errors: vectorbt's sdist leaves out tests/utils.py, and the five modules that
    # import it must not stop the other eight from running (pytest's default runs nothing at all then)
    return subprocess.Popen([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                             "--continue-on-collection-errors", "--junitxml", str(tree / "junit.xml"), *tests],
                            cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def wait_suite(proc: subprocess.Popen, deadline: float) -> bool:
    """False when the copy ran out of time (its process group is then killed)."""
    try:
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
        return False


def results_of(xml: Path) -> dict[str, tuple[str, str]]:
    """Test id -> (outcome, failure text) from pytest's JUnit XML."""
    results: dict[str, tuple[str, str]] = {}
    if not xml.exists():
        return results
    for case in ET.parse(xml).getroot().iter("testcase"):
        key = f"{case.get('classname')}::{case.get('name')}"
        outcome, text = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
                text = (child.get("message") or "") + "\n" + (child.text or "")
                break
        results[key] = (outcome, text)
    return results


_FRAME = re.compile(r"([\w./\\-]+\.py):(\d+)")


def announced(texts: list[str], fixes: list[dict], tree_names: tuple[str, ...]) -> bool:
    """Does a traceback pass through a line (give or take 3) that an applied unsafe fix rewrote?"""
    unsafe = [f for f in fixes if f["fix"] == "unsafe"]
    for text in texts:
        for path, line in _FRAME.findall(text):
            for f in unsafe:
                if path.endswith(f["path"]) and f["line"] - 3 <= int(line) <= f["end"] + 3:
                    return True
    return False


@dataclass
class SuiteReport:
    package: str
    tests: int = 0
    passed_before: int = 0
    changed_safe: list[str] = field(default_factory=list)
    changed_unsafe: list[str] = field(default_factory=list)
    unannounced_unsafe: list[str] = field(default_factory=list)
    fixes_safe: int = 0
    fixes_unsafe: int = 0
    fixed_files: tuple[int, int] = (0, 0)
    broken_imports: list[tuple[str, str]] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)  # copies whose suite did not finish: a failure
    secs: float = 0.0


def sdist(package: str) -> Path:
    """The pinned sdist of ``package``, downloaded from PyPI on first use."""
    version = SUITES[package][0]
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    stem = f"{package.replace('-', '_')}-{version}".lower()
    found = [p for p in DOWNLOADS.iterdir() if p.name.lower().startswith(stem) and p.name.endswith(".tar.gz")]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", str(DOWNLOADS), f"{package}=={version}"], check=True, timeout=1800)
        found = [p for p in DOWNLOADS.iterdir() if p.name.lower().startswith(stem) and p.name.endswith(".tar.gz")]
    [path] = found
    return path


def suite_imports(python: str, trees: dict[str, Path], source_root: str) -> list[tuple[str, str]]:
    """Modules of the package that import as shipped and not in a fixed copy: (copy: module, error)."""
    broken = []
    for pkg in top_packages(trees["before"] / source_root):
        if pkg.name in ("tests", "test", "docs", "examples", "benchmarks"):
            continue
        modules = modules_of(pkg)
        status = {name: import_all(python, [tree / source_root], modules, tree) for name, tree in trees.items()}
        for module, result in status["before"].items():
            for name in ("safe", "unsafe"):
                if result == "ok" and status[name].get(module) != "ok":
                    broken.append((f"{name}: {module}", status[name].get(module, "missing")))
    return broken


def check_suite(package: str) -> SuiteReport:
    t0 = time.perf_counter()
    version, tests, source_root = SUITES[package]
    report = SuiteReport(f"{package} {version}")
    python = ensure_venv()
    work = WORK / "suites" / package
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with tarfile.open(sdist(package)) as tar:
        tar.extractall(work / "x", filter="data")
    [root] = list((work / "x").iterdir())
    trees = {name: work / name for name in ("before", "safe", "unsafe")}
    for tree in trees.values():
        shutil.copytree(root, tree, symlinks=True)
    with ThreadPoolExecutor(2) as pool:  # two `finfix apply` processes at once, like the three suites below
        safe_run, unsafe_run = pool.submit(apply, trees["safe"], False), pool.submit(apply, trees["unsafe"], True)
        safe_fixes, unsafe_fixes = safe_run.result(), unsafe_run.result()
    report.fixes_safe, report.fixes_unsafe = len(safe_fixes), len(unsafe_fixes)
    report.fixed_files = len({f["path"] for f in safe_fixes}), len({f["path"] for f in unsafe_fixes})
    report.broken_imports = suite_imports(python, trees, source_root)
    procs = {name: start_suite(python, tree, tests, source_root) for name, tree in trees.items()}
    deadline = time.monotonic() + SUITE_TIMEOUT
    report.timed_out = [name for name, proc in procs.items() if not wait_suite(proc, deadline)]
    results = {name: results_of(tree / "junit.xml") for name, tree in trees.items()}
    before = results["before"]
    report.tests = len(before)
    report.passed_before = sum(outcome == "passed" for outcome, _ in before.values())
    for key, (outcome, text) in before.items():
        safe = results["safe"].get(key, ("missing", ""))
        unsafe = results["unsafe"].get(key, ("missing", ""))
        if safe[0] != outcome:
            report.changed_safe.append(f"{key}: {outcome} -> {safe[0]}: {safe[1].strip()[:300]}")
        if unsafe[0] != outcome:
            report.changed_unsafe.append(f"{key}: {outcome} -> {unsafe[0]}: {unsafe[1].strip()[:300]}")
            if not announced([text, unsafe[1]], unsafe_fixes, ()):
                report.unannounced_unsafe.append(key)
    report.secs = time.perf_counter() - t0
    return report


def main(packages: list[str] | None = None, suites: list[str] | None = None) -> int:
    if packages is None:
        dirs = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
    else:
        dirs = [CORPUS / p for p in packages]
    t0 = time.perf_counter()
    print(f"imports: {len(dirs)} packages from {CORPUS} (a subprocess per package, before and after safe fixes)")
    broken = 0
    totals = [0, 0, 0]
    for d in dirs:
        r = check_imports(d)
        totals[0] += r.modules
        totals[1] += r.imported_before
        totals[2] += r.fixes
        broken += len(r.broken)
        print(f"  {r.package:<22} modules {r.modules:>4}  imported before {r.imported_before:>4}  "
              f"fixes {r.fixes:>4}  stop importing {len(r.broken)}  ({r.secs:.0f} s)", flush=True)
        for name, why in r.broken:
            print(f"    BROKEN {name}: {why}")
    print(f"  total: {totals[0]} modules, {totals[1]} imported before, {totals[2]} safe fixes applied, "
          f"{broken} stop importing (must be 0)")
    changed = unannounced = 0
    for package in (suites if suites is not None else list(SUITES)):
        r = check_suite(package)
        changed += len(r.changed_safe)
        unannounced += len(r.unannounced_unsafe)
        broken += len(r.broken_imports) + len(r.timed_out) + (r.passed_before == 0)
        print(f"suite {r.package}: {r.tests} tests ({r.passed_before} passed before); safe fixes {r.fixes_safe} "
              f"in {r.fixed_files[0]} files: {len(r.changed_safe)} results changed (must be 0); unsafe fixes "
              f"{r.fixes_unsafe} in {r.fixed_files[1]} files: {len(r.changed_unsafe)} changed, "
              f"{len(r.unannounced_unsafe)} not announced; {len(r.broken_imports)} modules stop importing "
              f"({r.secs:.0f} s)", flush=True)
        for line in r.changed_safe + [f"(unsafe) {c}" for c in r.changed_unsafe]:
            print(f"    {line}")
        for name, why in r.broken_imports:
            print(f"    BROKEN {name}: {why}")
        if r.passed_before == 0:
            print("    NO TEST PASSED as shipped: the suite proves nothing (fails)")
        for name in r.timed_out:
            print(f"    TIMEOUT: the {name} copy's suite took over {SUITE_TIMEOUT:.0f} s (no result: fails)")
    print(f"run-code time: {time.perf_counter() - t0:.0f} s")
    return 1 if broken or changed or unannounced else 0
