"""The progress bar: only after ~2 s of run, per file, never off a terminal."""

from __future__ import annotations

import time

from finfix.engine import runner
from finfix.progress import RunProgress


def test_a_quick_run_draws_nothing():
    with RunProgress(True, delay=0.5) as bar:
        bar.files(3)
        bar.advance(3)
    time.sleep(0.6)
    assert bar._bar is None and not bar._shown


def test_a_long_run_shows_the_bar_with_the_files_done(monkeypatch):
    with RunProgress(True, delay=0.05) as bar:
        bar.step("project evidence")
        deadline = time.monotonic() + 10  # importing rich can take a while on a loaded machine
        while bar._bar is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert bar._shown
        bar.files(4)
        bar.advance(1)
        task = bar._bar.tasks[0]
        assert (task.description, task.total, task.completed) == ("files", 4, 1)
    assert bar._bar is None  # stopped (transient: the line goes away)


def test_disabled_never_starts_a_timer():
    with RunProgress(False, delay=0.0) as bar:
        bar.files(2)
        bar.advance(2)
    time.sleep(0.05)
    assert bar._timer is None and not bar._shown


def test_not_a_terminal_prints_nothing_on_stderr(tmp_path, capfd):
    from finfix import session

    (tmp_path / "a.py").write_text("import os\n")
    plan = session.plan([str(tmp_path / "a.py")], cache=False)
    session.execute(plan, fix=False, jobs=1)
    assert capfd.readouterr().err == ""


def test_files_are_counted_one_by_one():
    chunks = runner._chunks([f"f{i}.py" for i in range(40)], 2)
    assert all(len(c) == 1 for c in chunks) and len(chunks) == 40
