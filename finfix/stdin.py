"""`finfix check -` and `finfix apply -`: source from stdin, configured as --stdin-filename would be."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, List, Optional

if TYPE_CHECKING:
    from finfix.session import Plan


def stdin_name(paths: Optional[List[str]], stdin_filename: Optional[str]) -> Optional[str]:
    """The name stdin's source goes by, or None when the run reads files."""
    from finfix.session import UsageError

    if paths and "-" in paths:
        if len(paths) > 1:
            raise UsageError("`-` (stdin) cannot be combined with other paths")
        return stdin_filename or "-"
    if stdin_filename and not paths:
        return stdin_filename
    if stdin_filename:
        raise UsageError("--stdin-filename reads stdin: give `-` or no path")
    return None


def apply_stdin(plan: Plan, *, dry_run: bool, quiet: bool = False) -> tuple[int, bool]:
    """`finfix apply -`: the fixed source (or, --dry-run, the diff) on stdout; the footer on stderr.

    The source comes back unchanged when it cannot be fixed, so an editor that replaces its buffer
    with the output never loses it. Returns (exit code, whether the source changed)."""
    from finfix import session
    from finfix.apply import summarize
    from finfix.console import print_diff, print_errors, stderr
    from finfix.report import diff
    from finfix.report import text as report

    raw = sys.stdin.buffer.read()
    r = session.run_source(plan, raw, fix=True)
    if dry_run:
        if r.changed:
            print_diff(diff.unified(r.path, raw, r.new or b""))
    else:
        sys.stdout.buffer.write(r.new if r.changed and r.new is not None else raw)
        sys.stdout.flush()
    summary = summarize([r])
    print_errors(summary.errors)
    if not quiet:
        stderr().print(report.apply_footer(summary, dry_run=dry_run), markup=False)
    if r.internal:
        return 2, r.changed
    return (1 if r.error or (dry_run and r.changed) else 0), r.changed
