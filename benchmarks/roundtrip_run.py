"""The round trip that runs the code (issue 14): fixed code must behave like the original.

Two checks, used by `benchmarks/roundtrip.py --run-code`:

* imports: every module of each corpus package (`/work/corpora/src/<pkg>`) is imported in a fresh
  interpreter, one subprocess per package, before and after `finfix apply` (safe fixes) on a copy;
  a module that imported before and fails after is a wrong fix.
* test suites: real packages' own tests, from their sdists in `/work/corpora/dl`, run in the
  benchmark's own venv (`/tmp/finfix-roundtrip/venv`, created on first use: it sees finfix's venv
  packages through a .pth file and adds the suites' extra dependencies from PyPI). Per test, the
  outcome before, after safe fixes (must be identical) and after `--unsafe-fixes` (every difference
  must be one an applied unsafe finding announced: the test's traceback passes through a line an unsafe
  fix rewrote).
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
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path("/work/corpora/src")
DOWNLOADS = Path("/work/corpora/dl")
WORK = Path("/tmp/finfix-roundtrip")
VENV = WORK / "venv"
#: sdist, test paths inside it, the folder to put on sys.path (the package's source root).
SUITES = {
    "empyrical-reloaded": ("empyrical_reloaded-0.7.1.tar.gz", ["tests"], "src"),
    "stockstats": ("stockstats-0.6.10.tar.gz", ["test.py"], "."),
}
SUITE_DEPS = ["PyHamcrest", "yfinance", "bottleneck", "pytz", "peewee<3.17.4",
              # what the corpus packages import besides finfix's own test dependencies
              "scikit-learn", "tabulate", "statsmodels"]
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
def apply(tree: Path, unsafe: bool) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "finfix", "apply", str(tree), "-j", "1"] + (["--unsafe-fixes"] if unsafe else [])
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=1800)


def findings(tree: Path, unsafe: bool, write: bool = False) -> list[dict]:
    """The fixes `finfix apply` makes on ``tree`` (its engine, in memory): path, line range, safety.
    With ``write``, the fixed files are written too (what `finfix apply` writes, without its CLI)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from finfix import registry
    from finfix.engine.core import Settings, process_file

    rules = registry.all_rules()
    settings = Settings(fix=True, unsafe_fixes=unsafe)
    out = []
    for path in sorted(tree.rglob("*.py")):
        result = process_file(str(path), rules, settings)
        if write and result.changed and result.new is not None:
            path.write_bytes(result.new)
        for f in result.findings:
            if f.applied:
                out.append({"path": str(path.relative_to(tree)), "line": f.line, "end": f.end_line or f.line,
                            "code": f.code, "fix": f.fix.value, "message": f.message})
    return out


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
    report.fixes = len(findings(after, unsafe, write=True))
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
        subprocess.run([str(python), "-m", "pip", "install", "-q", *SUITE_DEPS], check=True, timeout=900)
    return str(python)


def run_suite(python: str, tree: Path, tests: list[str], source_root: str) -> dict[str, tuple[str, str]]:
    """Test id -> (outcome, failure text) from pytest's JUnit XML."""
    xml = tree / "junit.xml"
    env = {**ENV, "PYTHONPATH": str(tree / source_root)}
    subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--junitxml",
                    str(xml), *tests], cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
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
    secs: float = 0.0


def check_suite(package: str) -> SuiteReport:
    t0 = time.perf_counter()
    sdist, tests, source_root = SUITES[package]
    report = SuiteReport(package)
    python = ensure_venv()
    work = WORK / "suites" / package
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with tarfile.open(DOWNLOADS / sdist) as tar:
        tar.extractall(work / "x", filter="data")
    [root] = list((work / "x").iterdir())
    trees = {name: work / name for name in ("before", "safe", "unsafe")}
    for tree in trees.values():
        shutil.copytree(root, tree, symlinks=True)
    safe_fixes = findings(trees["safe"], unsafe=False)
    unsafe_fixes = findings(trees["unsafe"], unsafe=True)
    report.fixes_safe, report.fixes_unsafe = len(safe_fixes), len(unsafe_fixes)
    apply(trees["safe"], unsafe=False)
    apply(trees["unsafe"], unsafe=True)
    results = {name: run_suite(python, tree, tests, source_root) for name, tree in trees.items()}
    before = results["before"]
    report.tests = len(before)
    report.passed_before = sum(outcome == "passed" for outcome, _ in before.values())
    for key, (outcome, text) in before.items():
        safe = results["safe"].get(key, ("missing", ""))
        unsafe = results["unsafe"].get(key, ("missing", ""))
        if safe[0] != outcome:
            report.changed_safe.append(f"{key}: {outcome} -> {safe[0]}")
        if unsafe[0] != outcome:
            report.changed_unsafe.append(f"{key}: {outcome} -> {unsafe[0]}")
            if not announced([text, unsafe[1]], unsafe_fixes, ()):
                report.unannounced_unsafe.append(key)
    report.secs = time.perf_counter() - t0
    return report


def main(packages: list[str] | None = None, suites: list[str] | None = None) -> int:
    dirs = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if packages is None else [CORPUS / p for p in packages]
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
        print(f"suite {r.package}: {r.tests} tests ({r.passed_before} passed before); safe fixes {r.fixes_safe}: "
              f"{len(r.changed_safe)} results changed (must be 0); unsafe fixes {r.fixes_unsafe}: "
              f"{len(r.changed_unsafe)} changed, {len(r.unannounced_unsafe)} not announced ({r.secs:.0f} s)",
              flush=True)
        for line in r.changed_safe + [f"(unsafe) {c}" for c in r.changed_unsafe]:
            print(f"    {line}")
    print(f"run-code time: {time.perf_counter() - t0:.0f} s")
    return 1 if broken or changed or unannounced else 0
