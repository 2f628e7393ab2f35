"""What `finfix check` does, given its options: report, print, and return the exit code.

Kept apart from :mod:`finfix.cli` (typer) so that :mod:`finfix.entry` can run the commonest invocation,
``finfix check [PATH ...]``, without importing typer, click and pydantic: about 0.1 s that a warm run,
served whole from the cache in a few hundredths of a second, would otherwise spend starting up.
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple, Optional, Sequence

FORMATS = ("text", "json", "sarif", "github")


class CheckOptions(NamedTuple):
    """`finfix check`'s options; the defaults are the command line's (tests/test_entry.py compares them).
    A named tuple, not a dataclass: a warm run starts here, and a frozen dataclass of 17 fields takes a
    millisecond or more to build its methods at import."""

    paths: Optional[Sequence[str]] = None
    select: Optional[Sequence[str]] = None
    ignore: Optional[Sequence[str]] = None
    output_format: str = "text"
    output_file: Optional[str] = None
    statistics: bool = False
    exit_zero: bool = False
    add_noqa: bool = False
    jobs: Optional[int] = None
    no_cache: bool = False
    shard: Optional[str] = None
    stdin_filename: Optional[str] = None
    config_file: Optional[str] = None
    target: Optional[Sequence[str]] = None
    quiet: bool = False
    verbose: bool = False
    color: str = "auto"


def run_check(o: CheckOptions) -> int:
    """Run `check` as the options say; the exit code: 0 clean, 1 findings or unreadable files, 2 usage or
    internal error."""
    import time

    from finfix import session
    from finfix import stdin as stdin_mod
    from finfix.console import print_errors, say, set_color
    from finfix.output import emit, source_lines
    from finfix.report import text as report

    set_color(o.color)
    started = time.perf_counter()
    try:
        stdin = stdin_mod.stdin_name(o.paths, o.stdin_filename)
        if stdin is not None:
            if o.add_noqa:
                raise session.UsageError("--add-noqa edits files, not stdin")
            plan = session.plan_stdin(stdin, select=o.select, ignore=o.ignore, config_file=o.config_file,
                                      target=o.target)
            from finfix.apply import summarize

            results = [session.run_source(plan, sys.stdin.buffer.read(), fix=False)]
            summary = summarize(results)
        else:
            # lazy_rules: a run served from the cache never imports the rules (nor LibCST)
            plan = session.plan(
                o.paths or [], select=o.select, ignore=o.ignore, shard=o.shard,
                cache=False if o.no_cache else None, lazy_rules=True, config_file=o.config_file, target=o.target,
            )
            if o.verbose:
                describe(plan)
            summary, results = session.execute(plan, fix=False, jobs=o.jobs)
    except session.UsageError as exc:
        usage_error(str(exc))
        return 2
    if o.add_noqa:
        return _add_noqa(results, quiet=o.quiet)
    if o.statistics:
        emit(report.statistics(summary), o.output_file)
    elif o.output_format == "json":
        from finfix.fix_edits import finding_edits
        from finfix.report.edits import json_report

        edits = finding_edits(plan, results, jobs=_jobs(o.jobs))
        emit(json_report(summary.findings, summary.errors, summary.scanned, edits), o.output_file)
    elif o.output_format == "sarif":
        from finfix.fix_edits import finding_edits
        from finfix.report import ci as ci_formats

        edits = finding_edits(plan, results, jobs=_jobs(o.jobs))
        emit(ci_formats.sarif(summary, plan.rules, source=source_lines(results), edits=edits,
                              kind=session.finding_kinds(plan)), o.output_file)
    elif o.output_format == "github":
        from finfix.report import ci as ci_formats

        emit(ci_formats.github(summary, plan.rules), o.output_file)
    else:
        text = report.text_report(summary, source=source_lines(results))
        if text or o.output_file:
            emit(text, o.output_file)
    if o.output_format == "text" and not o.quiet:
        say(report.check_footer(summary))
    if o.output_format != "json" or o.output_file:
        print_errors(summary.errors)
    if o.verbose:
        say(f"finfix: done in {time.perf_counter() - started:.2f}s")
    if any(r.internal for r in results):
        return 2
    if o.exit_zero:
        return 0
    return 1 if summary.findings or summary.errors else 0


def usage_error(message: str) -> None:
    from finfix.console import say

    say(f"error: {message}")


def describe(plan: Any) -> None:
    """--verbose: what the run covers and where its configuration comes from."""
    from finfix import __version__
    from finfix.console import say

    sources = sorted({str(c.source) for c in (plan.config, *plan.configs.values()) if c.source})
    say(f"finfix {__version__}: {len(plan.paths)} file(s); configuration from "
        + (", ".join(sources) if sources else "defaults (no pyproject.toml)"))


def _add_noqa(results: Any, *, quiet: bool) -> int:
    from finfix.console import print_errors, say
    from finfix.noqa import add_noqa

    added = add_noqa(results)
    for path, why in added.skipped:
        say(f"note: {path}: {why}")
    errors = [(r.path, r.error) for r in results if r.error]
    print_errors(errors)
    if not quiet:
        say(f"Added {added.comments} suppression comment(s) to {len(added.files)} file(s).")
    return 2 if any(r.internal for r in results) else (1 if errors else 0)


def _jobs(asked: int | None) -> int:
    from finfix.engine.runner import default_jobs

    return asked or default_jobs()
