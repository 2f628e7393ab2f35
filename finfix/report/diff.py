"""Unified diffs of a file before and after its fixes."""

from __future__ import annotations

import difflib

from finfix.engine.core import SourceError, decode


def _text(raw: bytes) -> str:
    try:
        return decode(raw).text
    except SourceError:
        return raw.decode("utf-8", errors="replace")


def unified(path: str, old: bytes, new: bytes, context: int = 3) -> str:
    """``--- a/path`` / ``+++ b/path`` diff; line endings shown as ``\\n`` whatever the file uses."""
    a = [line.rstrip("\r\n") + "\n" for line in _text(old).splitlines()]
    b = [line.rstrip("\r\n") + "\n" for line in _text(new).splitlines()]
    shown = path.replace("\\", "/").lstrip("/")
    return "".join(difflib.unified_diff(a, b, f"a/{shown}", f"b/{shown}", n=context))


def hunks(old_lines: list[str], new_lines: list[str], context: int = 3) -> list[list[tuple[str, int, int, int, int]]]:
    """Grouped opcodes, one group per hunk (used by ``apply --interactive``)."""
    return list(difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_grouped_opcodes(context))
