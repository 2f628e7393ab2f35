"""Probe copies of source files: each queried expression wrapped in ``reveal_type(...)``.

``reveal_type(x)`` has the type of ``x`` for every checker, so wrapping an expression in place keeps its
scope, its narrowing and the types of everything around it; only columns move (no line is added), so
the checker's report for each wrapper maps back to the original expression exactly.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Sequence

Span = tuple[int, int, int, int]  # line, col, end_line, end_col: 1-based lines, 0-based columns

OPEN = "reveal_type("
CLOSE = ")"


@dataclass(frozen=True)
class Probe:
    text: str
    #: (line, 0-based column of the wrapped expression in the probe text) -> the original span
    where: dict[tuple[int, int], Span]


def wrap(source: str, spans: Sequence[Span]) -> Probe:
    """Wrap every span that can be wrapped; a span that would not parse wrapped is left out (no answer)."""
    lines = source.splitlines(keepends=True)
    good = [s for s in dict.fromkeys(spans) if _in_bounds(lines, s)]
    probe = _build(lines, good)
    if _parses(probe.text):
        return probe
    # Some span is not a loadable expression (an assignment target, half a token...): keep the ones
    # that parse on their own; the rest get no answer rather than a wrong one.
    good = [s for s in good if _parses(_build(lines, [s]).text)]
    probe = _build(lines, good)
    return probe if _parses(probe.text) else Probe(source, {})


def _in_bounds(lines: list[str], span: Span) -> bool:
    line, col, end_line, end_col = span
    if not (1 <= line <= end_line <= len(lines)) or col < 0 or end_col < 0:
        return False
    if line == end_line and end_col <= col:
        return False
    return col <= len(lines[line - 1].rstrip("\r\n")) and end_col <= len(lines[end_line - 1].rstrip("\r\n"))


def _build(lines: list[str], spans: Sequence[Span]) -> Probe:
    # Events per line: (col, order, text, span-or-None). At one column a closer comes before an opener
    # (the earlier expression ends where the next begins), and of two openers the outer (longer) first.
    events: dict[int, list[tuple[int, int, tuple[int, int], str, Span | None]]] = {}
    for span in spans:
        line, col, end_line, end_col = span
        events.setdefault(line, []).append((col, 1, (-end_line, -end_col), OPEN, span))
        events.setdefault(end_line, []).append((end_col, 0, (0, 0), CLOSE, None))
    out = list(lines)
    where: dict[tuple[int, int], Span] = {}
    for line, evs in events.items():
        text = lines[line - 1]
        pieces: list[str] = []
        last = 0
        shift = 0
        for col, _order, _outer, insert, span in sorted(evs, key=lambda e: (e[0], e[1], e[2])):
            pieces.append(text[last:col])
            pieces.append(insert)
            last = col
            shift += len(insert)
            if span is not None:
                where[(line, col + shift)] = span
        pieces.append(text[last:])
        out[line - 1] = "".join(pieces)
    return Probe("".join(out), where)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True
