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
from dataclasses import replace
from typing import Any, Callable, Iterator, Sequence

from finfix.engine import heap
from finfix.engine.core import FileResult, Settings, process_file, process_source
from finfix.sdk.rule import Rule

_worker_rules: tuple[type[Rule], ...] = ()
_worker_settings: Settings = Settings()


def _init_worker(rules: Sequence[type[Rule]], settings: Settings, parse_lock: Any) -> None:
    global _worker_rules, _worker_settings
    _worker_rules = tuple(rules)
    _worker_settings = settings
    heap.share_parse_lock(parse_lock)


def _slim(result: FileResult) -> FileResult:
    """Unchanged files need not send their bytes back to the parent."""
    if result.changed:
        return result
    return replace(result, old=None, new=None)


def _run_chunk(paths: Sequence[str]) -> list[FileResult]:
    return [_slim(process_file(p, _worker_rules, _worker_settings)) for p in paths]


def _warm(rules: Sequence[type[Rule]]) -> None:
    """Parse and resolve metadata once before forking, so workers inherit LibCST's lazily loaded parts."""
    process_source("<warm-up>", b"import os\ndef f(x=[]):\n    return x.values\n", rules, Settings())


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _chunks(paths: Sequence[str], jobs: int) -> list[list[str]]:
    """Largest files first, in small chunks, so one worker is not left with `frame.py`,
    `generic.py` and `series.py` at the end while the others idle (callers sort results by path)."""
    ordered = sorted(paths, key=_size, reverse=True)
    size = max(1, min(16, len(ordered) // (jobs * 16) or 1))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


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
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)), mp_context=ctx, initializer=_init_worker,
        initargs=(tuple(rules), settings, ctx.Lock()),
    ) as pool:
        chunk_of: dict[Future[list[FileResult]], Sequence[str]] = {pool.submit(_run_chunk, c): c for c in chunks}
        pending: set[Future[list[FileResult]]] = set(chunk_of)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    results = fut.result()
                except Exception as exc:  # a worker died (killed, out of memory, a crash in native code)
                    reason = f"internal error: worker process failed ({type(exc).__name__}); file not processed"
                    results = [FileResult(p, error=reason, internal=True) for p in chunk_of[fut]]
                yield from results
                if on_done:
                    on_done(len(results))
