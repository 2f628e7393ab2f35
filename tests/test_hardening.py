"""Bad input and bad luck are one file's error: special files, huge files, parser crashes, dying workers,
termination signals, stale temporary files and an output encoding that cannot show finfix's messages."""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MUTABLE, MUTABLE_FIXED
from finfix.engine import lifelines, runner
from finfix.results import Settings

SEL = ("--select", "FX101")
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and signals are POSIX")


def _error_lines(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if name in line and "error" in line]


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
def test_a_special_file_named_on_the_command_line_is_one_error_not_a_hang(project, kind):
    good = project.write("good.py", MUTABLE)
    special = project.root / "special.py"
    if kind == "fifo":
        os.mkfifo(special)
    else:
        special.symlink_to("/dev/zero")
    for command in ("check", "apply"):
        run = project.subprocess(command, *SEL, "--jobs", "1", "special.py", "good.py", timeout=60)
        [line] = _error_lines(run.stderr, "special.py")
        assert "not a regular file" in line and ("FIFO" in line or "character device" in line), run
        assert "Traceback" not in run.stderr and run.exit_code != 0, run
    assert good.read_text() == MUTABLE_FIXED  # the rest of the run went on


def test_a_file_over_max_file_size_is_skipped_with_its_size(project):
    project.write("pyproject.toml", '[tool.finfix]\nmax-file-size = "1 KB"\n')
    big = project.write("big.py", MUTABLE + "# padding\n" * 300)
    small = project.write("small.py", MUTABLE)
    run = project.cli("apply", *SEL, "--jobs", "1", ".")
    [line] = _error_lines(run.stderr, "big.py")
    assert "skipped: 3.0 KB is over max-file-size (1.0 KB)" in line, run
    assert big.read_text().startswith(MUTABLE) and small.read_text() == MUTABLE_FIXED
    assert run.exit_code != 0


def test_max_file_size_zero_means_no_limit(project):
    project.write("pyproject.toml", "[tool.finfix]\nmax-file-size = 0\n")
    big = project.write("big.py", MUTABLE + "# padding\n" * 300)
    run = project.cli("apply", *SEL, "--jobs", "1", ".")
    assert run.exit_code == 0 and big.read_text().startswith(MUTABLE_FIXED), run


@pytest.mark.parametrize("value", ['"many"', "-1", "true", '"5 parsecs"'])
def test_a_bad_max_file_size_is_exit_2_naming_the_file(project, value):
    project.write("pyproject.toml", f"[tool.finfix]\nmax-file-size = {value}\n")
    project.write("a.py", MUTABLE)
    run = project.cli("check", ".")
    assert run.exit_code == 2 and "pyproject.toml: max-file-size must be" in run.stderr, run
    assert len(run.stderr.strip().splitlines()) == 1


def test_deep_nesting_that_crashes_libcst_is_a_syntax_error_and_the_run_goes_on(project):
    """5,000 nested parentheses end LibCST's native parser with SIGSEGV; CPython's parser, run first,
    rejects them. In a subprocess, with two workers, so a crash could not take the test runner down."""
    project.write("deep.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    fixed = [project.write(f"m{i}.py", MUTABLE) for i in range(6)]
    run = project.subprocess("apply", *SEL, "--jobs", "2", ".", timeout=120)
    [line] = _error_lines(run.stderr, "deep.py")
    assert "too many nested parentheses" in line and "Traceback" not in run.stderr, run
    assert all(f.read_text() == MUTABLE_FIXED for f in fixed), run


def test_five_thousand_chained_operators_are_one_line(project):
    project.write("chain.py", "def f(x=[]):\n    return " + " + ".join(["1"] * 5000) + "\n")
    ok = project.write("ok.py", MUTABLE)
    run = project.subprocess("apply", *SEL, "--jobs", "1", ".", timeout=120)
    [line] = _error_lines(run.stderr, "chain.py")
    assert "nested too deeply" in line and "Traceback" not in run.stderr, run
    assert ok.read_text() == MUTABLE_FIXED


def _crash_on_marker(real):
    def process_file(path, rules, settings):
        with open(path) as fh:
            if "CRASH_HERE" in fh.read():
                faulthandler.disable()  # pytest's handler, inherited by the fork, would print a dump
                os.kill(os.getpid(), signal.SIGSEGV)  # as a crash in native code would
        return real(path, rules, settings)

    return process_file


@posix_only
def test_a_worker_that_dies_takes_only_its_file(tmp_path, monkeypatch):
    from finfix import registry

    monkeypatch.setattr(runner, "process_file", _crash_on_marker(runner.process_file))  # forked workers inherit it
    paths = []
    for i in range(24):
        body = "CRASH_HERE = 1\n" if i in (5, 17) else ""
        f = tmp_path / f"f{i:02}.py"
        f.write_text(body + f"def f{i}(x=[]):\n    return len(x)\n")
        paths.append(str(f))
    results = list(runner.run(paths, registry.resolve(["FX101"]), Settings(), jobs=2))
    assert sorted(r.path for r in results) == sorted(paths)  # every file once
    crashed = sorted(Path(r.path).name for r in results if r.error)
    assert crashed == ["f05.py", "f17.py"]
    assert all("worker process died while processing this file" in r.error for r in results if r.error)
    assert all(len(r.findings) == 1 for r in results if not r.error)


def _tree_of_work(root: Path, files: int = 160) -> None:
    body = "".join(f"def f{i}(x=[], y={{}}):\n    x.append(1)\n    return len(x) + len(y)\n\n" for i in range(120))
    for i in range(files):
        (root / f"m{i:03}.py").write_text(body)
    (root / "pyproject.toml").write_text("[tool.finfix]\n")


def _session_alive(sid: int) -> list[int]:
    alive = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                alive.append(int(d))
    return alive


def _start(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "finfix", "apply", "--unsafe-fixes", "--select", "FX101", "--jobs", "2", "."],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "NO_COLOR": "1", "FINFIX_CHECKER": "off"},
    )


def _wait_for_workers(proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while len(_session_alive(proc.pid)) < 3:  # the main process and its two workers
        assert proc.poll() is None, "the run ended before its workers started"
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGKILL, -9)])
@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_a_signal_ends_the_run_and_its_workers_and_keeps_files_whole(tmp_path, sig, code):
    _tree_of_work(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.py")}
    proc = _start(tmp_path)
    _wait_for_workers(proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)  # a worker holding the pipe open would hang here
    assert proc.returncode == code, err
    time.sleep(0.5)
    assert _session_alive(proc.pid) == []
    assert b"Traceback" not in err, err
    assert list(tmp_path.glob(".finfix-*")) == []
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.py")} == before  # stopped before any write


def test_temp_files_of_a_dead_run_are_removed_by_the_next_run(project):
    project.write("a.py", MUTABLE)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = project.write(f".finfix-{dead.pid}-abc123.tmp", "half a file")
    live = project.write(f".finfix-{os.getpid()}-def456.tmp", "a running run's file")
    other = project.write(".finfix-notes.tmp", "not ours")
    project.cli("check", *SEL, ".")
    assert not stale.exists()
    assert live.exists() and other.exists()  # a live process's file, and names finfix does not make


def test_dead_temp_files_are_found_in_walked_folders_next_to_named_files_and_in_the_cache(project):
    project.write("pkg/sub/a.py", MUTABLE)
    project.write("named/b.py", MUTABLE)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = [project.write(f"{where}/.finfix-{dead.pid}-x.tmp", "half a file")
             for where in ("pkg/sub", "named", ".finfix_cache")]
    unwalked = project.write(f"elsewhere/.finfix-{dead.pid}-x.tmp", "not in this run's folders")
    project.cli("check", *SEL, "pkg", "named/b.py")
    assert [p.exists() for p in stale] == [False, False, False]
    assert unwalked.exists()


def test_writes_use_temp_names_the_next_run_recognises(tmp_path, monkeypatch):
    from finfix.engine import writer

    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (seen.append(os.path.basename(a)), real(a, b)))
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    writer.write_atomic(str(f), b"x = 2\n", b"x = 1\n")
    [name] = seen
    assert name.startswith(f".finfix-{os.getpid()}-") and lifelines._TEMP.match(name)


def test_output_the_terminal_cannot_encode_degrades_to_ascii(project):
    project.write("a.py", "def f(x=[]):  # \u00e9\n    x.append(1)\n    return x\n")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1"}
    for args in (("check", "--no-cache", "a.py"), ("explain", "FX201")):
        proc = subprocess.run([sys.executable, "-m", "finfix", *args], cwd=project.root, env=env,
                              capture_output=True, timeout=120)
        assert b"Traceback" not in proc.stderr and b"UnicodeEncodeError" not in proc.stderr, proc.stderr
        proc.stdout.decode("ascii")  # every byte is ASCII
    assert b"->" in proc.stdout  # FX201's docs say `inplace=True` -> `df = ...`: the arrow degraded


@posix_only
def test_a_signal_while_the_pool_starts_is_still_a_clean_stop(tmp_path, monkeypatch):
    """SIGTERM between the workers' start and the pool's manager thread's start (a narrow window a CI
    run hit): the run stops with Terminated, not a RuntimeError from joining a thread never started."""
    import multiprocessing
    from concurrent.futures import process

    from finfix import registry

    def interrupted_start(self):
        raise lifelines.Terminated(signal.SIGTERM)

    monkeypatch.setattr(process._ExecutorManagerThread, "start", interrupted_start)
    paths = []
    for i in range(4):
        f = tmp_path / f"m{i}.py"
        f.write_text(MUTABLE)
        paths.append(str(f))
    with pytest.raises(lifelines.Terminated):
        list(runner.run(paths, registry.resolve(["FX101"]), Settings(), jobs=2))
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_child_forked_before_it_sets_its_own_handlers_ends_silently_on_sigterm():
    """A pool worker or the project pass's child between its fork and its own signal handlers still runs the
    main process's: SIGTERM then ended it with a Terminated traceback on stderr (CI saw one)."""
    script = (
        "import os, signal, time\n"
        "from finfix.engine import lifelines\n"
        "lifelines.handle_termination()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    time.sleep(5)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"
        "os.kill(pid, signal.SIGTERM)\n"
        "print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "143" and "Traceback" not in out.stderr, out
