"""The project pass in a child process of its own, so its memory goes back to the system when it ends.

Gathering the facts holds CPython's tree of every module of the run at once (about 340 MB for 240k lines).
When it is done, the facts are a few MB, but the allocator keeps most of the rest as free lists inside the
process; every worker forked afterwards then starts from that heap, and a run's peak memory was the
parent's leftovers plus the workers'. A forked child gathers instead, sends the facts back pickled, and
exits: the parent stays small. Where ``fork`` is not available, or the child dies (the out-of-memory
killer, a crash), or the pass raises, the caller gathers in its own process, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from typing import Any, Callable

from finfix.engine import lifelines
from finfix.project.paths import file_size

#: Runs whose files add up to less than this gather in the process itself (an editor's file, a
#: pre-commit of a few files): the fork would cost more than the memory it gives back.
MIN_BYTES = 1 << 20


def worth_isolating(paths: list[str]) -> bool:
    total = 0
    for path in paths:
        total += file_size(path)
        if total >= MIN_BYTES:
            return "fork" in multiprocessing.get_all_start_methods()
    return False


def call_in_child(job: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
    """``(True, job(*args))`` computed in a forked child; ``(False, None)`` when the child did not deliver."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    lifelines.mark_parent()
    child = ctx.Process(target=_run, args=(sender, job, args), daemon=True, name="finfix-project-pass")
    # Termination signals wait while the child starts: until it has set its own handlers, it would run the
    # parent's (a Terminated raised in a half-started child prints a traceback). Held ones arrive right after.
    blocked = _block(_STOP_SIGNALS)
    try:
        child.start()
    finally:
        _unblock(blocked)
    sender.close()
    try:
        data = receiver.recv_bytes()
    except EOFError:  # the child died without an answer
        return False, None
    except BaseException:  # Ctrl-C, SIGTERM: the child (which ignores SIGINT) stops now, not when done
        child.kill()
        raise
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    ok, value = pickle.loads(data)
    return ok, value


def _run(sender: Any, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        lifelines.die_with_parent()
        _unblock(_STOP_SIGNALS)
        try:
            answer = (True, job(*args))
        except BaseException:  # the parent runs the pass itself and meets the same error where it always did
            answer = (False, None)
        try:
            sender.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # an answer that does not pickle, a parent gone: no answer
            pass
        sender.close()
    except BaseException:  # whatever ends it, the child ends silently: the parent reports for the run
        os._exit(1)
    os._exit(0)


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _block(signals: tuple[int, ...]) -> tuple[int, ...]:
    if not hasattr(signal, "pthread_sigmask"):
        return ()
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    return signals


def _unblock(signals: tuple[int, ...]) -> None:
    if signals and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
