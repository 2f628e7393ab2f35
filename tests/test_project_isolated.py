"""The project pass of a large run happens in a forked child, which hands back the same facts; when the
child dies or the pass fails there, the parent gathers itself, so the run is never worse off."""

from __future__ import annotations

import os

import pytest

import finfix.project.gather as gather_mod
from finfix.project import evidence_for, isolated
from finfix.results import Settings

HELPERS = "import pandas as pd\n\n\ndef load(path):\n    return pd.read_csv(path)\n"
USE = "from .helpers import load\n\n\ndef prices(path):\n    return load(path).values\n"


@pytest.fixture
def pkg(project, monkeypatch):
    monkeypatch.setenv("FINFIX_CHECKER", "off")
    monkeypatch.setattr(isolated, "MIN_BYTES", 0)  # every run counts as large
    project.write("pkg/__init__.py", "")
    project.write("pkg/helpers.py", HELPERS)
    project.write("pkg/use.py", USE)
    return project


def facts(pkg, isolate):
    return evidence_for([str(pkg.root / "pkg/use.py")], pkg.root, Settings(), isolate=isolate).project


def gathered_in(monkeypatch, tmp_path, then=None):
    """Record the pid of each process that gathers (in a file: a child's list would die with it)."""
    log = tmp_path / "pids"
    real = gather_mod.gather_undigested

    def recording(*args, **kw):
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        if then is not None:
            then()
        return real(*args, **kw)

    monkeypatch.setattr(gather_mod, "gather_undigested", recording)
    return lambda: [int(line) for line in log.read_text().split()] if log.exists() else []


def test_a_large_run_gathers_in_a_child_and_gets_the_same_facts(pkg, monkeypatch, tmp_path):
    pids = gathered_in(monkeypatch, tmp_path)
    apart = facts(pkg, isolate=True)
    assert pids() and os.getpid() not in pids()
    assert apart == facts(pkg, isolate=False)
    assert any("read_csv" in f.why for f in apart.values.values())


def test_the_checker_is_asked_once_in_the_parent_after_the_child_is_gone(pkg, monkeypatch, tmp_path):
    """The child's trees were half of a pandas run's peak next to the checker's own memory: the child only
    lists what the checker is to be asked, and the parent asks it once the child has exited."""
    from finfix.project import sources

    asked = []

    def fake_checker(root, queries, failures=None):
        asked.append((os.getpid(), {os.path.basename(p): spans for p, spans in queries.items()}))
        return {(p, s[0], s[1]): "pandas.core.frame.DataFrame" for p, spans in queries.items() for s in spans}

    pkg.write("pkg/use.py", USE + "\n\ndef raw(x):\n    return x.values\n")  # `x`: no call site, no type
    monkeypatch.setattr(sources, "checker_wanted", lambda: True)
    monkeypatch.setattr(sources, "checker_answers", fake_checker)
    pids = gathered_in(monkeypatch, tmp_path)
    got = facts(pkg, isolate=True)
    assert os.getpid() not in pids()
    assert [pid for pid, _ in asked] == [os.getpid()]
    assert list(asked[0][1]) == ["use.py"] and asked[0][1]["use.py"] == [(9, 11, 9, 12)]  # `x` of `x.values`
    assert got.checker and set(got.checker.values()) == {"pandas.core.frame.DataFrame"}


def test_a_child_that_dies_leaves_the_gathering_to_the_parent(pkg, monkeypatch, tmp_path):
    parent = os.getpid()
    pids = gathered_in(monkeypatch, tmp_path, then=lambda: os.getpid() != parent and os._exit(9))
    got = facts(pkg, isolate=True)
    assert len(pids()) == 2 and pids()[1] == parent
    assert got == facts(pkg, isolate=False)


def test_an_error_in_the_child_is_met_again_in_the_parent(pkg, monkeypatch, tmp_path, capfd):
    def fail():
        raise ValueError("project pass bug")

    pids = gathered_in(monkeypatch, tmp_path, then=fail)
    with pytest.raises(ValueError, match="project pass bug"):
        facts(pkg, isolate=True)
    assert len(pids()) == 2 and pids()[1] == os.getpid()
    assert "Traceback" not in capfd.readouterr().err  # the child printed nothing


def test_small_runs_stay_in_the_process(pkg, monkeypatch, tmp_path):
    monkeypatch.setattr(isolated, "MIN_BYTES", 1 << 20)
    pids = gathered_in(monkeypatch, tmp_path)
    facts(pkg, isolate=True)
    assert pids() == [os.getpid()]


def _sleep_long():
    import time

    time.sleep(60)


def test_ctrl_c_during_the_pass_stops_the_child_at_once(monkeypatch):
    """The child ignores SIGINT (the parent decides); on Ctrl-C the parent kills it instead of waiting.
    (Ctrl-C arrives as a KeyboardInterrupt in the parent's wait; a signal cannot be used here: pytest-xdist's
    workers ignore SIGINT.)"""
    import multiprocessing
    import multiprocessing.connection
    import time

    def interrupted(self, *args, **kw):
        time.sleep(0.3)  # the child is running by now
        raise KeyboardInterrupt

    monkeypatch.setattr(multiprocessing.connection.Connection, "recv_bytes", interrupted)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        isolated.call_in_child(_sleep_long)
    assert time.monotonic() - started < 5
    assert not multiprocessing.active_children()
