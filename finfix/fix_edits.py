"""The edits of each fix, one fix at a time, for `check --format json|sarif` (and the language server
to come): the file is fixed again with that fix alone (:attr:`Settings.fix_only`), so a fix's edits
include the imports it adds. This re-runs the finding's rule once per fixable finding: it is only
done for the machine-readable formats, a file per task in a pool of forked workers (the 14 quant
packages' 275 fixable findings: 73 s in one process), and each file parsed once for all its findings."""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from finfix.report.edits import Edit, edits_between
from finfix.results import FileResult

if TYPE_CHECKING:
    from finfix.session import Plan

Edits = dict[tuple[str, tuple[str, int, int]], list[Edit]]

#: What forked workers compute from: (plan, [(result, its fixable keys)]); set only while a pool runs.
_job: tuple[Plan, list[tuple[FileResult, list[tuple[str, int, int]]]]] | None = None


def finding_edits(plan: Plan, results: Sequence[FileResult], jobs: int = 1) -> Edits:
    """``(path, finding key) -> edits`` of every fixable finding of ``results``, fixed alone; ``jobs``
    processes (forked; one when fork is unavailable or the pool breaks); a progress bar on a terminal."""
    from finfix.progress import RunProgress

    todo = []
    for r in results:
        keys = list(dict.fromkeys(f.key for f in r.findings if f.fixable))
        if keys and not (r.error and not r.findings):
            todo.append((r, keys))
    todo.sort(key=lambda item: -len(item[1]))  # the files with most findings first: none left for the end
    out: Edits = {}
    with RunProgress(sys.stderr.isatty()) as bar:
        bar.step("edits of each fix")
        bar.files(len(todo))
        done: set[int] = set()
        if jobs > 1 and len(todo) > 1 and "fork" in multiprocessing.get_all_start_methods():
            _in_pool(plan, todo, jobs, out, done, bar.advance)
        for i in range(len(todo)):  # all of them without a pool; the rest after a broken one
            if i not in done:
                out.update(_edits_of(plan, *todo[i]))
                bar.advance(1)
    return out


def _in_pool(plan: Plan, todo: list, jobs: int, out: Edits, done: set[int], advance) -> None:
    from finfix.engine import lifelines
    from finfix.engine.runner import stop_pool

    global _job
    _job = (plan, todo)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=multiprocessing.get_context("fork"),
                               initializer=lifelines.die_with_parent)
    try:
        with lifelines.signals_held():  # map submits every task, and the first submit forks the workers
            answers = pool.map(_edits_at, range(len(todo)))
        for i, edits in enumerate(answers):
            out.update(edits)
            done.add(i)
            advance(1)
    except Exception:  # a worker died (BrokenProcessPool) or the pool failed: the rest is done here, one by one
        pool.shutdown(wait=False, cancel_futures=True)
        return
    except BaseException:  # Ctrl-C, SIGTERM: the workers must not outlive the run
        stop_pool(pool)
        raise
    finally:
        _job = None
    pool.shutdown(wait=True)


def _edits_at(i: int) -> Edits:
    assert _job is not None
    plan, todo = _job
    return _edits_of(plan, *todo[i])


def _edits_of(plan: Plan, r: FileResult, keys: list[tuple[str, int, int]]) -> Edits:
    from finfix import session
    from finfix.engine.core import SourceError, decode, process_source
    from finfix.engine.reparse import reusing_parses

    raw = r.old
    if raw is None:
        try:
            with open(r.path, "rb") as fh:
                raw = fh.read()
        except OSError:
            return {}
    try:
        text = decode(raw).text
    except SourceError:
        return {}
    own = plan.for_path(r.path)
    settings = replace(session.settings_for(own, fix=True), unsafe_fixes=True)
    out: Edits = {}
    with reusing_parses():  # every key of the file starts from the same trees
        for key in keys:
            # only the finding's own rule: with one fix allowed, no other rule changes the tree it sees
            rule = [rule for rule in own.rules if rule.code == key[0]]
            alone = process_source(r.path, raw, rule, replace(settings, fix_only=frozenset({key})))
            if alone.changed and not alone.error and alone.new is not None:
                out[(r.path, key)] = edits_between(text, decode(alone.new).text)
    return out
