"""Many files: a process pool of engine workers, yielding :class:`FileResult` values.

Workers receive the rule classes and :class:`Settings` once (at start-up, with the rules imported before
the pool forks; classes pickle by reference where the pool spawns), then chunks of paths; they return results and never print or write. With one job, or one
file, everything runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any, Callable, Iterator, Sequence

from finfix.engine import heap, lifelines
from finfix.engine.core import FileResult, Settings, process_file, process_source
from finfix.sdk.rule import Rule

_worker_rules: tuple[type[Rule], ...] = ()
_worker_settings: Settings = Settings()
_worker_paths: Sequence[str] = ()
_worker_state: Any = None


def _init_worker(
    rules: Sequence[type[Rule]], settings: Settings, parse_lock: Any, paths: Sequence[str], state: Any
) -> None:
    global _worker_rules, _worker_settings, _worker_paths, _worker_state
    _worker_rules = tuple(rules)
    _worker_settings = settings
    _worker_paths, _worker_state = paths, state
    heap.share_parse_lock(parse_lock)
    lifelines.die_with_parent()


def _slim(result: FileResult) -> FileResult:
    """Unchanged files need not send their bytes back to the parent."""
    if result.changed:
        return result
    return replace(result, old=None, new=None)


def _run_chunk(indexes: Sequence[int]) -> list[FileResult]:
    results = []
    for i in indexes:
        _worker_state[i] = 1  # in progress: if this process dies now, the parent knows which file did it
        results.append(_slim(process_file(_worker_paths[i], _worker_rules, _worker_settings)))
        _worker_state[i] = 2
    return results


def _warm(rules: Sequence[type[Rule]]) -> None:
    """Parse and resolve metadata once before forking, so workers inherit LibCST's lazily loaded parts."""
    process_source("<warm-up>", b"import os\ndef f(x=[]):\n    return x.values\n", rules, Settings())


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _chunks(paths: Sequence[str], jobs: int) -> list[list[str]]:
    """Largest files first, one file per task, so one worker is not left with `frame.py`, `generic.py`
    and `series.py` at the end while the others idle (callers sort results by path), and the progress
    bar counts files as they finish, not chunks of 16 of the largest files (a task costs ~0.1 ms)."""
    ordered = sorted(paths, key=_size, reverse=True)
    return [[p] for p in ordered]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run(
    paths: Sequence[str],
    rules: Sequence[type[Rule]],
    settings: Settings,
    *,
    jobs: int | None = None,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[FileResult]:
    """Process ``paths``; results come back in completion order. ``on_done(n)`` reports progress."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(paths) <= 1:
        for p in paths:
            yield _slim(process_file(p, rules, settings))
            if on_done:
                on_done(1)
        return
    chunks = _chunks(paths, jobs)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    forking = ctx.get_start_method() == "fork"
    lifelines.mark_parent()
    if forking:
        _warm(rules)
        # Workers share the parent's pages until they write to them; a garbage collection writes to
        # every object it visits, copying the parent's whole heap into each worker. Frozen objects
        # are never visited (about 40 MB less per worker).
        gc.collect()
        gc.freeze()
    try:
        yield from _run_pool(ctx, chunks, rules, settings, jobs, on_done)
    finally:
        if forking:
            gc.unfreeze()


def _run_pool(
    ctx: Any,
    chunks: list[list[str]],
    rules: Sequence[type[Rule]],
    settings: Settings,
    jobs: int,
    on_done: Callable[[int], None] | None,
) -> Iterator[FileResult]:
    """Run the chunks in a pool; a worker that dies takes only the file it was processing with it.

    When a worker dies (a crash in native code, the out-of-memory killer), the pool breaks and every
    unfinished chunk fails with it. Each worker marks the file it is on in a shared array, so the files
    that were in progress are known: they are run again one at a time in a one-worker pool, where a
    death names its file exactly, and the files not yet started go to a new pool.
    """
    paths = [p for chunk in chunks for p in chunk]
    state = ctx.Array("b", len(paths), lock=False)  # per file: 0 waiting, 1 in progress, 2 done
    index = {p: i for i, p in enumerate(paths)}
    todo = [[index[p] for p in chunk] for chunk in chunks]
    suspects: list[int] = []
    fruitless = 0  # passes broken with no file in progress (a worker killed between files)
    while todo:
        broken = yield from _pool_pass(ctx, todo, paths, state, rules, settings, min(jobs, len(todo)), on_done)
        found = [i for chunk in broken for i in chunk if state[i] == 1]
        fruitless = 0 if found or not broken else fruitless + 1
        if fruitless == 2:  # workers keep dying whatever they run: give up on these files, say so
            for i in (i for chunk in broken for i in chunk):
                yield FileResult(paths[i], error="internal error: worker processes keep dying; file not processed",
                                 internal=True)
            if on_done:
                on_done(sum(map(len, broken)))
            break
        suspects += found
        todo = [[i for i in chunk if state[i] != 1] for chunk in broken]
        todo = [chunk for chunk in todo if chunk]
    for i in suspects:  # alone, so a death is this file's
        broken = yield from _pool_pass(ctx, [[i]], paths, state, rules, settings, 1, on_done)
        if broken:
            yield FileResult(paths[i], error=CRASHED, internal=True)
            if on_done:
                on_done(1)


CRASHED = ("the worker process died while processing this file (a crash in native code such as LibCST's "
           "parser, or out of memory); file not processed")


def _pool_pass(
    ctx: Any,
    chunks: list[list[int]],
    paths: list[str],
    state: Any,
    rules: Sequence[type[Rule]],
    settings: Settings,
    workers: int,
    on_done: Callable[[int], None] | None,
) -> Iterator[FileResult]:
    """One pool over ``chunks`` (indexes into ``paths``); returns the chunks lost to a broken pool."""
    broken: list[list[int]] = []
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker,
        initargs=(tuple(rules), settings, ctx.Lock(), paths, state),
    )
    try:
        with lifelines.signals_held():  # the first submit forks the workers: no signal inside at-fork callbacks
            chunk_of: dict[Future[list[FileResult]], list[int]] = {pool.submit(_run_chunk, c): c for c in chunks}
        pending: set[Future[list[FileResult]]] = set(chunk_of)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken.append(chunk_of[fut])
                    continue
                except Exception as exc:  # cannot happen (workers catch everything), but never lose files
                    reason = f"internal error: worker failed ({type(exc).__name__}); file not processed"
                    results = [FileResult(paths[i], error=reason, internal=True) for i in chunk_of[fut]]
                yield from results
                if on_done:
                    on_done(len(results))
    except BaseException:
        stop_pool(pool)  # Ctrl-C, SIGTERM, a closed generator: the workers must not outlive the run
        raise
    pool.shutdown(wait=True)
    return broken


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers now, not after the tasks they are running (shutdown() would wait)."""
    for proc in list(getattr(pool, "_processes", {}).values()):  # no public API to reach the workers
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except RuntimeError:  # the signal came while the pool was starting: its manager thread never ran
        pass
