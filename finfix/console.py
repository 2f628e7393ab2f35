"""Rich consoles, created on first use (importing rich costs start-up time)."""

from __future__ import annotations

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

    return Console(highlight=False, soft_wrap=True, **_options())


@lru_cache(maxsize=None)
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, **_options())


def colored() -> bool:
    """Whether stdout shows colours (a terminal, or --color always; never with --color never)."""
    console = stdout()
    return console.is_terminal and console.color_system is not None


def print_diff(diff: str) -> None:
    """A unified diff: coloured on a terminal, byte-for-byte plain when piped."""
    import sys

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
        stderr().print(error_line(path, message), markup=False, style="red")


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
    import sys

    codecs.register_error("finfix-degrade", _degrade)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.errors or "strict") == "strict":
            try:
                reconfigure(errors="finfix-degrade")
            except (ValueError, OSError):
                pass
