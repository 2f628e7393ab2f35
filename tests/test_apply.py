"""`finfix.apply`: the one write path of `apply`, `apply -i` and `pr`, and the summary built from what
ended on disk; `Settings.fix_only`, which interactive review re-runs files with."""

from __future__ import annotations

import os
import stat
import types
from pathlib import Path

import pytest

import finfix.engine.writer as writer_mod
from finfix import apply as applying
from finfix import registry
from finfix.engine.core import process_source
from finfix.results import Settings

FX101 = registry.resolve(["FX101"])
MUTABLE = "def f(x=[]):\n    return len(x)\n\n\ndef g(y={}):\n    return len(y)\n"


def results_for(tmp_path: Path, *names: str):
    out = []
    for name in names:
        path = tmp_path / name
        path.write_text(MUTABLE)
        out.append(process_source(str(path), path.read_bytes(), FX101, Settings(fix=True, unsafe_fixes=True)))
    return out


def test_summary_counts_what_was_written(tmp_path: Path):
    good, ro = results_for(tmp_path, "good.py", "ro.py")
    (tmp_path / "ro.py").chmod(stat.S_IRUSR)
    done = applying.write([good, ro])
    assert done.written == [good.path]
    assert done.summary.changed == 1 and done.summary.fixes == {"FX101": 2}
    assert done.summary.errors == [(ro.path, "file is read-only; not modified")]
    # the file that was not written has no finding counted as fixed
    assert [f.applied for f in done.results[1].findings] == [False, False]
    assert (tmp_path / "ro.py").read_text() == MUTABLE
    assert "def f(x=None):" in (tmp_path / "good.py").read_text()


def test_dry_run_writes_nothing_and_shows_each_diff(tmp_path: Path):
    shown = []
    done = applying.write(results_for(tmp_path, "a.py", "b.py"), dry_run=True, show_diff=shown.append)
    assert done.summary.changed == 2 and not done.written
    shown_paths = [s.splitlines()[0].removeprefix("--- a/") for s in shown]
    assert shown_paths == [str(tmp_path / n).lstrip("/") for n in ("a.py", "b.py")]
    assert (tmp_path / "a.py").read_text() == MUTABLE


def test_ctrl_c_before_a_rename_leaves_that_file_and_the_rest_untouched(tmp_path: Path, monkeypatch):
    results = results_for(tmp_path, "a.py", "b.py", "c.py")
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(writer_mod.os, "replace", replace)
    done = applying.write(results)
    assert done.written == [results[0].path]
    assert done.interrupted == [results[1].path, results[2].path]
    assert done.summary.changed == 1 and done.summary.fixes == {"FX101": 2}
    assert [(tmp_path / n).read_text() == MUTABLE for n in ("a.py", "b.py", "c.py")] == [False, True, True]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".finfix-")]
    assert "1 file(s) were written completely" in applying.interrupted_message(done)


def test_ctrl_c_just_after_a_rename_counts_that_file_as_written(tmp_path: Path, monkeypatch):
    results = results_for(tmp_path, "a.py", "b.py")
    real_replace = os.replace

    def replace(src, dst):
        real_replace(src, dst)
        raise KeyboardInterrupt  # after the rename: the file is complete on disk

    monkeypatch.setattr(writer_mod.os, "replace", replace)
    done = applying.write(results)
    assert done.written == [results[0].path] and done.interrupted == [results[1].path]
    assert done.summary.changed == 1


def test_apply_holds_back_functions_that_did_not_verify(tmp_path: Path):
    (r,) = results_for(tmp_path, "m.py")
    verdicts = [
        types.SimpleNamespace(path=r.path, function="f", verdict="equivalent"),
        types.SimpleNamespace(path=r.path, function="g", verdict="different"),
    ]
    done = applying.apply([r], verdicts=verdicts)
    text = (tmp_path / "m.py").read_text()
    assert "def f(x=None):" in text and "def g(y={}):" in text
    assert done.summary.fixes == {"FX101": 1}
    ((path, why),) = done.notes
    assert path == r.path and "g (different)" in why


def test_review_sees_the_verified_results_and_its_notes_are_kept(tmp_path: Path):
    results = results_for(tmp_path, "m.py")
    seen = []

    def decline_all(rs):
        seen.extend(rs)
        return [applying.unapplied(x) for x in rs], [(x.path, "declined") for x in rs]

    done = applying.apply(results, verdicts=[], review=decline_all)
    assert seen == results and done.notes == [(results[0].path, "declined")]
    assert done.summary.changed == 0 and not done.summary.fixes
    assert (tmp_path / "m.py").read_text() == MUTABLE


@pytest.mark.parametrize("keep", [0, 1])
def test_fix_only_applies_just_the_named_findings(keep: int):
    full = process_source("m.py", MUTABLE.encode(), FX101, Settings(fix=True, unsafe_fixes=True))
    key = sorted(f.key for f in full.findings)[keep]
    only = Settings(fix=True, unsafe_fixes=True, fix_only=frozenset({key}))
    one = process_source("m.py", MUTABLE.encode(), FX101, only)
    assert [f.key for f in one.findings if f.applied] == [key]
    namespace: dict = {}
    exec(one.new.decode(), namespace)
    fixed, kept = ("f", "g") if keep == 0 else ("g", "f")
    assert namespace[fixed].__defaults__ == (None,)
    assert namespace[kept].__defaults__ in (([],), ({},))
