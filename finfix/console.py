"""Rich consoles, created on first use (importing rich costs start-up time), and plain lines that spare it:
output that goes to a file or a pipe needs no rich at all."""

from __future__ import annotations

import os
import sys

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


_color = "auto"  # --color: "auto" (on a terminal, unless NO_COLOR is set), "always" or "never"


def set_color(mode: str) -> None:
    """``--color``; call before the first output (the consoles are made once)."""
    global _color
    _color = mode
    stdout.cache_clear()
    stderr.cache_clear()


def _options() -> dict:
    if _color == "always":
        return {"force_terminal": True}
    if _color == "never":
        return {"color_system": None}
    return {}


@lru_cache(maxsize=None)
def stdout() -> Console:
    from rich.console import Console

    # emoji=False: rich would turn `:smile:` in a path or a message into an emoji
    return Console(highlight=False, soft_wrap=True, emoji=False, **_options())


@lru_cache(maxsize=None)
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, **_options())


def _surely_plain(stream) -> bool:  # noqa: ANN001
    """Whether rich would write to ``stream`` with no colours or terminal codes, decided without importing
    it: not a terminal, and neither ``--color always`` nor FORCE_COLOR / TTY_COMPATIBLE say otherwise.
    False when unsure; rich then decides."""
    if _color == "always" or "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream: let rich decide
        return False


def say(text: str, *, style: str | None = None) -> None:
    """One line of finfix's own on stderr (a summary, an error): as written when stderr is a file or a pipe,
    through rich (colours, ``style``) on a terminal."""
    if _surely_plain(sys.stderr):
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
        return
    stderr().print(text, markup=False, style=style)


def colored() -> bool:
    """Whether stdout shows colours (a terminal, or --color always; never with --color never)."""
    if _surely_plain(sys.stdout):
        return False
    console = stdout()
    return console.is_terminal and console.color_system is not None


def print_diff(diff: str) -> None:
    """A unified diff: coloured on a terminal, byte-for-byte plain when piped."""
    console = stdout()
    if not colored():
        sys.stdout.write(diff)
        sys.stdout.flush()
        return
    from rich.text import Text

    styles = {"+++": "bold", "---": "bold", "@@": "cyan", "+": "green", "-": "red"}
    for line in diff.splitlines():
        style = next((s for prefix, s in styles.items() if line.startswith(prefix)), "")
        console.print(Text(line, style=style))


def print_errors(errors: list[tuple[str, str]]) -> None:
    """One line per file that could not be processed, on stderr."""
    from finfix.report.text import error_line

    for path, message in errors:
        say(error_line(path, message), style="red")


#: What finfix's own messages use beyond ASCII, as a terminal that cannot show it should see it.
_ASCII = {"→": "->", "←": "<-", "…": "...", "—": "--", "–": "-", "“": '"', "”": '"', "‘": "'", "’": "'",
          "≤": "<=", "≥": ">=", "≠": "!=", "×": "x", "•": "*", "✓": "ok", "✗": "x", "≈": "~", "·": "."}


def _degrade(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(_ASCII.get(ch) or ch.encode("ascii", "backslashreplace").decode() for ch in bad), err.end


def degrade_unencodable_output() -> None:
    """Characters the output's encoding cannot show (``PYTHONIOENCODING=ascii``, a C locale) become
    ASCII (``→`` as ``->``, others as ``\\u2192`` escapes) instead of a UnicodeEncodeError traceback."""
    import codecs

    codecs.register_error("finfix-degrade", _degrade)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.errors or "strict") == "strict":
            try:
                reconfigure(errors="finfix-degrade")
            except (ValueError, OSError):
                pass
