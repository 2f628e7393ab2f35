"""Processes that end together: termination signals, workers that die with their parent, and temporary
files that a killed run leaves behind.

- SIGTERM and SIGHUP in the main process raise :class:`Terminated` (a KeyboardInterrupt, so every
  path that keeps files whole on Ctrl-C does so on them too); the command then exits 128 + the signal
  (143, 129), as a shell reports a process ended by it.
- Pool workers ignore SIGINT (the parent stops them), take SIGTERM's default action, and ask the
  kernel to kill them when their parent dies (Linux ``PR_SET_PDEATHSIG``; elsewhere a watcher thread),
  so a ``kill -9`` of finfix leaves no worker holding its pipes open.
- A temporary file is named ``.finfix-<pid>-<random>.tmp``; one whose process no longer exists is
  debris of a killed run, removed by the next run.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import sys
import time
from contextlib import contextmanager
from typing import Iterable, Iterator

TEMP_PREFIX = ".finfix-"
_TEMP = re.compile(r"^\.finfix-(\d+)-[^/]*\.tmp$")

#: The signal that ended the run, once one arrived (the exit code is 128 + it).
received: int | None = None
_parent_pid: int | None = None
_main_pid: int | None = None  # the process whose termination signals raise Terminated


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: stop as on Ctrl-C, with every file whole."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: Set while :func:`signals_held` runs: a termination signal then waits for the block's end.
_holding = False
_held: int | None = None


def _raise_terminated(signum: int, frame: object) -> None:
    global received, _held
    if _holding and os.getpid() == _main_pid:
        _held = _held or signum
        return
    if _main_pid is not None and os.getpid() != _main_pid:
        # a process forked from the main one that has not set its own handlers yet (a pool worker between
        # its fork and its initializer): it ends as the signal's default action would, without a traceback
        os._exit(128 + signum)
    if received is None:
        received = signum
        raise Terminated(signum)
    # a second signal while cleaning up: the cleanup runs on; the exit code already says why


@contextmanager
def signals_held() -> Iterator[None]:
    """Termination signals that arrive in the block raise :class:`Terminated` when it ends: a pool forking
    its workers runs at-fork callbacks (logging's lock release), where an exception is printed as a
    traceback and swallowed instead of stopping the run."""
    global _holding, _held
    before = _holding
    _holding = True
    try:
        yield
    finally:
        _holding = before
        if not before and _held is not None:
            signum, _held = _held, None
            _raise_terminated(signum, None)


def handle_termination() -> None:
    """In the main process, before anything starts: termination signals become :class:`Terminated`."""
    global _main_pid
    _main_pid = os.getpid()
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            try:
                signal.signal(signum, _raise_terminated)
            except (ValueError, OSError):  # not the main thread (embedded use): keep the defaults
                pass


def exit_code(default: int) -> int:
    return 128 + received if received is not None else default


def mark_parent() -> None:
    """Called in the parent before a pool starts, so its workers know whom to outlive not."""
    global _parent_pid
    _parent_pid = os.getpid()


def die_with_parent() -> None:
    """In a pool worker: default signal actions, and an end when the parent process ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, signal.SIG_DFL)
    parent = _parent_pid or os.getppid()
    if sys.platform.startswith("linux") and _set_pdeathsig():
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return
    import threading  # here, not at the top: a warm run in the parent never starts a thread

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="finfix-parent-watch").start()


def kill_me_with_parent() -> None:
    """``preexec_fn`` of a child in its own session (``verify``'s): killed when finfix dies, however.
    Only the kernel request: no threads, no imports beyond ctypes, as a pre-exec function must be."""
    if sys.platform.startswith("linux"):
        _set_pdeathsig()


def _set_pdeathsig() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def temp_name_prefix() -> str:
    return f"{TEMP_PREFIX}{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep its files
    return True


def remove_stale_temps(directories: Iterable[str], *, known: Iterable[str] = ()) -> list[str]:
    """Remove ``.finfix-<pid>-*.tmp`` files whose process is gone, in ``directories`` and among ``known``
    (temporary files a directory walk already saw); returns the paths removed."""
    removed = []
    candidates = [(os.path.basename(path), path) for path in known]
    for directory in set(directories):
        try:
            candidates += [(entry.name, entry.path) for entry in os.scandir(directory or ".")]
        except OSError:
            continue
    for name, path in candidates:
        m = _TEMP.match(name)
        if not m or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
                removed.append(path)
        except OSError:
            pass
    return removed
