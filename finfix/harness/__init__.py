"""The differential harness: run the functions a change touches, before and after, and compare.

Public API (used by `finfix verify`, `finfix apply --verify` and `finfix pr --verify`)::

    results = verify_pairs([(path, before_source, after_source), ...], examples=200, ulps=0)
    print(render_markdown(results))

Modules: ``changes`` (which functions changed, and their callers), ``loading`` (both versions in a child
process with a timeout), ``inputs`` (strategies without annotations), ``compare`` (outcomes, ULPs),
``differential`` (one function's verdict), ``report`` (table, JSON, Markdown).

Verification executes the user's code (imports, kernels, methods) in a subprocess.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from finfix.harness.report import (
    DEFAULT_EXAMPLES,
    DEFAULT_TIMEOUT,
    VerifyResult,
    exit_code,
    render_json,
    render_markdown,
    render_table,
    totals,
)

__all__ = [
    "VerifyResult", "verify_pairs", "render_json", "render_markdown", "render_table", "exit_code", "totals",
    "DEFAULT_TIMEOUT", "DEFAULT_EXAMPLES",
]


def verify_pairs(
    pairs: Sequence[tuple[str, str, str]],
    *,
    examples: int = DEFAULT_EXAMPLES,
    ulps: int = 0,
    timeout: float = DEFAULT_TIMEOUT,
    project_root: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    on_result: Callable[[VerifyResult], None] | None = None,
    pass_env: Sequence[str] = (),
    effects: Mapping[str, Sequence[tuple[int, str, list[dict[str, str]]]]] | None = None,
) -> list[VerifyResult]:
    """Verify the functions that differ between ``before_source`` and ``after_source`` of each path.

    ``path`` locates the module in its package (for relative imports) and names it in the results; it
    need not hold either source. The functions verified are those whose source text changed, plus the
    functions of the module that call them. Results come back in the order of ``pairs``, then of the
    functions in the module. ``on_result`` is called with each file's results as they arrive (from
    worker threads, in any order). The child process that runs the code gets the environment without
    its secrets (``*TOKEN*``, ``*SECRET*``, ``*PASSWORD*``, ``*KEY*``, cloud credentials), except the
    names in ``pass_env``. ``effects`` are, per path, the ``(line, rule code, effects)`` of the fixes
    applied (line in ``before_source``): a function whose only difference is one of the effects of a fix
    inside it is *intended* (or *fixed*), not *different* (harness/intent.py).
    """
    from finfix.harness import changes
    from finfix.harness.race_witness import race_witnesses

    root = Path(project_root).resolve() if project_root is not None else None
    jobs_list: list[tuple[str, dict[str, Any] | None, list[VerifyResult]]] = []
    for path, before, after in pairs:
        if before == after:
            continue
        broken = [(side, exc) for side, text in (("before", before), ("after", after)) if (exc := _syntax(text))]
        if broken:
            side, exc = broken[0]
            jobs_list.append((path, None, [VerifyResult(path, "<module>", "error",
                                                        note=f"the {side} version does not parse: {exc}")]))
            continue
        selection = changes.select(before, after)
        early: list[VerifyResult] = [
            VerifyResult(path, q, "skipped", note="removed by the change") for q in selection.only_before
        ]
        if not selection.to_verify:
            if not early:
                early.append(VerifyResult(path, "<module>", "skipped",
                                          note="only module-level code changed: no function to call"))
            jobs_list.append((path, None, early))
            continue
        job = _job(path, before, after, list(selection.to_verify), examples, ulps, root)
        job["effects"] = _effects_by_function(before, (effects or {}).get(path, ()))
        job["timeout"] = timeout
        job["race_witnesses"] = race_witnesses(before)
        jobs_list.append((path, job, early))

    def run(item: tuple[str, dict[str, Any] | None, list[VerifyResult]]) -> list[VerifyResult]:
        path, job, early = item
        done = early if job is None else _run_job(path, job, timeout, pass_env) + early
        if on_result is not None:
            for r in done:
                on_result(r)
        return done

    workers = jobs or max(1, min(4, os.cpu_count() or 1, len(jobs_list)))
    if workers == 1 or len(jobs_list) <= 1:
        return [r for item in jobs_list for r in run(item)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [r for batch in pool.map(run, jobs_list) for r in batch]


def _effects_by_function(before: str, fixes: Sequence[tuple[int, str, list[dict[str, str]]]]) -> dict[str, list]:
    """The announced effects of the fixes inside each function (by the innermost function's span)."""
    from finfix.harness import changes

    spans = changes.functions(before)
    found: dict[str, list] = {}
    for line, code, effects in fixes:
        holders = [f for f in spans.values() if f.first <= line <= f.last]
        if holders:
            inner = min(holders, key=lambda f: f.last - f.first)
            found.setdefault(inner.qualname, []).extend({**e, "code": code} for e in effects)
    return found


def _syntax(source: str) -> str:
    import ast

    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        return f"line {getattr(exc, 'lineno', '?')}: {getattr(exc, 'msg', exc)}"
    return ""


def _job(path: str, before: str, after: str, functions: list[str], examples: int, ulps: int,
         root: Path | None) -> dict[str, Any]:
    from finfix import config as config_mod
    from finfix.harness.loading import locate

    file = Path(path)
    try:
        cfg = config_mod.load(file if file.exists() else (root or Path.cwd()))
        verify_config = dict(cfg.verify)
        project = root or cfg.root
    except config_mod.ConfigError:
        verify_config, project = {}, root or Path.cwd()
    location = locate(file, project)
    return {
        "path": str(file.resolve()),
        "location": {"sys_path": location.sys_path, "package": location.package, "stem": location.stem},
        "before": before,
        "after": after,
        "functions": functions,
        "examples": examples,
        "ulps": ulps,
        "project_root": str(project),
        "config": {k: v for k, v in verify_config.items() if k == "strategies"},
    }


def _run_job(path: str, job: dict[str, Any], timeout: float, pass_env: Sequence[str]) -> list[VerifyResult]:
    from finfix.harness.loading import WorkerFailed, run_worker

    fields = set(VerifyResult.__dataclass_fields__)
    done: list[VerifyResult] = []
    try:
        for record in run_worker(job, timeout=timeout, pass_env=pass_env):
            done.append(VerifyResult(path=path, **{k: v for k, v in record.items() if k in fields and k != "path"}))
    except WorkerFailed as exc:
        seen = {r.function for r in done}
        done += [VerifyResult(path, q, "error", note=str(exc)) for q in job["functions"] if q not in seen]
    return done
