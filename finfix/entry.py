"""The `finfix` command's entry point.

``finfix check [PATH ...]`` (no options) is the invocation of pre-commit hooks, editors' save hooks and
most hands, and a warm run of it is served from the cache in a few hundredths of a second; typer, click
and pydantic take about 0.1 s to import and parse. So that one shape is recognised here and run directly,
with the defaults of the full command line (tests/test_entry.py holds the two to the same options and the
same output); every other invocation, options included, goes to :mod:`finfix.cli`.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence

from finfix.check_command import CheckOptions, run_check


def plain_check(argv: Sequence[str]) -> CheckOptions | None:
    """The options of ``check`` followed only by paths, else None (for the full parser). Anything that
    starts with ``-`` (an option, ``-`` for stdin, ``--``) is the full parser's."""
    if not argv or argv[0] != "check":
        return None
    paths = list(argv[1:])
    if any(a.startswith("-") or not a for a in paths):
        return None
    return CheckOptions(paths=paths or None)


def main() -> None:
    options = plain_check(sys.argv[1:])
    if options is None:
        from finfix.cli import main as full

        full()
        return
    from finfix.console import degrade_unencodable_output
    from finfix.engine import lifelines

    lifelines.handle_termination()  # as finfix.cli.main: SIGTERM/SIGHUP stop the run as Ctrl-C does
    degrade_unencodable_output()
    try:
        code = run_check(options)
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `finfix check | head`: the reader left; say nothing more, as click does
        try:  # (and let the interpreter's last flush of stdout write nowhere instead of failing)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        code = 1
    raise SystemExit(lifelines.exit_code(code))
