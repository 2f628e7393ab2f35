"""The result cache (.finfix_cache/) and --shard K/N."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import CLEAN, MUTABLE, MUTABLE_FIXED
from finfix.engine import cache

SEL = ("--select", "FX101", "--jobs", "1")


@pytest.fixture
def processed(monkeypatch):
    """The paths each run has to process (cache misses); a run with none never starts the engine."""
    from finfix.engine import cache

    calls: list[list[str]] = []
    real = cache.Cache.lookup

    def spy(self, paths):
        hits, misses = real(self, paths)
        calls.append(sorted(misses))
        return hits, misses

    monkeypatch.setattr(cache.Cache, "lookup", spy)
    return calls


def findings(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: FX\d{3} ", line)]


def cache_files(project) -> list:
    return sorted((project.root / ".finfix_cache").glob("results-*.json"))


def test_warm_check_reads_nothing_and_reports_the_same(project, processed):
    project.write("a.py", MUTABLE)
    project.write("b.py", CLEAN)
    project.write("bad.py", "def f(:\n")
    cold = project.cli("check", *SEL, ".")
    warm = project.cli("check", *SEL, ".")
    assert processed == [["a.py", "b.py", "bad.py"], []]
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    assert findings(warm.stdout) == ["a.py:1:7: FX101 mutable default `x=[]` is shared between calls [*]"]
    assert "error: bad.py: syntax error" in warm.stderr  # source errors are cached too


def test_json_cache_with_gitignore_and_cachedir_tag(project):
    project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    directory = project.root / ".finfix_cache"
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (directory / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    [f] = cache_files(project)
    doc = json.loads(f.read_text())  # JSON, never pickle: a cloned repository cannot run code through it
    assert doc["format"] == cache.FORMAT and str(project.root / "a.py") in doc["index"]


def test_an_edit_invalidates_only_that_file(project, processed):
    project.write("a.py", MUTABLE)
    project.write("b.py", CLEAN)
    project.cli("check", *SEL, ".")
    project.write("b.py", MUTABLE.replace("f(", "g("))
    run = project.cli("check", *SEL, ".")
    assert processed[-1] == ["b.py"]
    assert len(findings(run.stdout)) == 2


def test_same_bytes_new_mtime_is_a_hit(project, processed):
    a = project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    os.utime(a, ns=(1_000_000_000, 1_000_000_000))  # touched: stat differs, content does not
    run = project.cli("check", *SEL, ".")
    assert processed[-1] == [] and len(findings(run.stdout)) == 1


def test_fresh_files_are_rehashed_next_time(project):
    """A file written within two seconds of being read may change again unseen by mtime: never trust it."""
    project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    [f] = cache_files(project)
    [row] = json.loads(f.read_text())["index"].values()
    assert row[0] == -1


def test_same_size_edit_within_the_clock_tick_is_seen(project):
    a = project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    st = a.stat()
    a.write_text(MUTABLE.replace("x", "y"))  # same size
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime
    run = project.cli("check", *SEL, ".")
    assert "`y=[]`" in run.stdout


@pytest.mark.parametrize(
    "second",
    [
        ("check", "--select", "FX101,FX102", "--jobs", "1"),  # another rule set
        ("apply", "--dry-run", *SEL),  # fix mode
    ],
    ids=["rules", "fix-mode"],
)
def test_other_runs_do_not_share_results(project, processed, second):
    project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    project.cli(*second, ".")
    assert processed[-1] == ["a.py"]
    assert len(cache_files(project)) == 2


def test_rule_options_are_part_of_the_key(project, processed):
    project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    (project.root / "pyproject.toml").write_text('[tool.finfix]\ntarget-version = "py39"\n')
    project.cli("check", *SEL, ".")
    assert processed[-1] == ["a.py"]


def test_apply_from_the_cache(project, processed):
    project.write("a.py", MUTABLE)
    project.write("b.py", CLEAN)
    dry = project.cli("apply", "--dry-run", *SEL, ".")
    assert dry.exit_code == 1 and "+def f(x=None):" in dry.stdout
    run = project.cli("apply", *SEL, ".")
    assert processed == [["a.py", "b.py"], []]  # the fix itself came from the cache
    assert run.exit_code == 0, run
    assert project.text("a.py") == MUTABLE_FIXED and project.text("b.py") == CLEAN
    assert project.cli("apply", *SEL, ".").exit_code == 0  # the fixed file is new content: processed once
    assert processed[-1] == ["a.py"]


@pytest.mark.parametrize("how", ["flag", "config"])
def test_cache_can_be_turned_off(project, monkeypatch, how):
    from finfix.engine import runner

    processed: list[list[str]] = []
    real = runner.run
    monkeypatch.setattr(runner, "run", lambda paths, *a, **k: processed.append(sorted(paths)) or real(paths, *a, **k))
    project.write("a.py", MUTABLE)
    args = ("check", *SEL, ".")
    if how == "flag":
        args = ("check", "--no-cache", *SEL, ".")
    else:
        (project.root / "pyproject.toml").write_text("[tool.finfix]\ncache = false\n")
    project.cli(*args)
    project.cli(*args)
    assert processed == [["a.py"], ["a.py"]]
    assert not (project.root / ".finfix_cache").exists()


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": 2, "index": 3}', b"[1, 2]"])
def test_a_damaged_cache_is_ignored_and_replaced(project, garbage):
    project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    [f] = cache_files(project)
    f.write_bytes(garbage)
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 1 and len(findings(run.stdout)) == 1, run
    assert json.loads(f.read_text())["format"] == cache.FORMAT


def test_an_unwritable_cache_only_costs_speed(project):
    project.write("a.py", MUTABLE)
    (project.root / ".finfix_cache").write_text("a file where the directory should be")
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 1 and len(findings(run.stdout)) == 1, run


def test_a_rule_edit_invalidates(project, processed, tmp_path):
    from finfix import registry
    from finfix.engine import cache
    from finfix.engine.core import Settings

    rules = registry.select(["FX101"])
    before = cache.run_key(["FX101"], [], Settings())
    module = __import__(rules[0].__module__, fromlist=["x"]).__file__
    st = os.stat(module)
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert cache.run_key(["FX101"], [], Settings()) != before
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.run_key(["FX101"], [], Settings()) == before
    # another selection, other settings: another key
    assert cache.run_key(["FX1"], [], Settings()) != before
    assert cache.run_key(["FX101"], ["FX2"], Settings()) != before
    assert cache.run_key(["FX101"], [], Settings(fix=True)) != before


# -- --shard K/N ------------------------------------------------------------------------------------------


def _tree(project, n: int = 23) -> set[str]:
    names = set()
    for i in range(n):
        rel = f"pkg{i % 4}/m{i:02d}.py"
        project.write(rel, MUTABLE)
        names.add(rel)
    return names


def _shard_files(project, k: int, n: int, *extra: str) -> list[str]:
    run = project.cli("check", "--shard", f"{k}/{n}", "--no-cache", *SEL, *extra, ".")
    assert run.exit_code == 1, run
    return [line.split(":")[0] for line in findings(run.stdout)]


def test_shards_partition_the_files_evenly(project):
    names = _tree(project)
    shards = [_shard_files(project, k, 3) for k in (1, 2, 3)]
    assert sorted(sum(shards, [])) == sorted(names)  # every file once
    assert sorted(len(s) for s in shards) == [7, 8, 8]


def test_shards_are_deterministic_whatever_the_order_of_the_targets(project):
    _tree(project, 10)
    first = _shard_files(project, 2, 3)
    run = project.cli("check", "--shard", "2/3", "--no-cache", *SEL, "pkg3", "pkg2", "pkg1", "pkg0")
    assert sorted(line.split(":")[0] for line in findings(run.stdout)) == sorted(first)


def test_shard_of_one_is_everything_and_shards_work_for_apply(project):
    names = _tree(project, 5)
    assert sorted(_shard_files(project, 1, 1)) == sorted(names)
    run = project.cli("apply", "--shard", "1/2", "--no-cache", *SEL, ".")
    assert run.exit_code == 0, run
    fixed = sorted(n for n in names if project.text(n) == MUTABLE_FIXED)
    assert fixed and len(fixed) < len(names)


@pytest.mark.parametrize("bad", ["0/3", "4/3", "1", "a/b", "1/0", "-1/2"])
def test_bad_shard_is_a_usage_error(project, bad):
    project.write("a.py", MUTABLE)
    run = project.cli("check", "--shard", bad, *SEL, ".")
    assert run.exit_code == 2, run
    assert "--shard takes K/N" in run.stderr


def test_a_warm_check_imports_neither_libcst_nor_the_rules(tmp_path):
    (tmp_path / "a.py").write_text(MUTABLE)
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['finfix', 'check', '--select', 'FX101', '.']\n"
        "try:\n    runpy.run_module('finfix', run_name='__main__')\n"
        "except SystemExit as exit:\n    code = exit.code\n"
        "print(code, 'libcst' in sys.modules, 'finfix.codemods' in sys.modules, file=sys.stderr)\n"
    )

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
        return done.stderr.strip().splitlines()[-1]

    assert run() == "1 True True"  # cold: parsed with LibCST
    assert run() == "1 False False"  # warm: the finding comes from the cache
