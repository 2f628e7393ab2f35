"""Code quoted in messages: one line, cut at a token boundary, with an ellipsis when cut.

Every rule quotes source through :func:`snippet`, so a message never pastes a multi-line decorator
or stops in the middle of a name: `@njit(parallel=True, cache=True, fastmath=…)`.
"""

from __future__ import annotations

import io
import tokenize

import libcst as cst

_EMPTY_MODULE = cst.Module(body=[])
ELLIPSIS = "…"


def snippet(code: cst.CSTNode | str, limit: int = 40) -> str:
    """``code`` on one line (runs of whitespace, line breaks and comments collapsed to one space),
    at most ``limit`` characters: cut after the last whole token that fits, then ``…``."""
    text = code if isinstance(code, str) else _EMPTY_MODULE.code_for_node(code)
    one_line = " ".join(_without_comments(text).split())
    if len(one_line) <= limit:
        return one_line
    room = max(limit - len(ELLIPSIS), 1)
    cut = _token_boundary(one_line, room)
    return one_line[:cut].rstrip() + ELLIPSIS


def _without_comments(text: str) -> str:
    if "#" not in text:
        return text
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    lines = text.splitlines(keepends=True)
    for tok in reversed(tokens):  # from the end, so earlier columns stay valid
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            line = lines[row - 1]
            lines[row - 1] = line[:col] + line[tok.end[1]:]
    return "".join(lines)


def _token_boundary(text: str, room: int) -> int:
    """The largest end offset <= ``room`` of a token of ``text`` (a word is never split); ``room``
    when no token ends in time (one very long name or string)."""
    best = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
                continue
            end = tok.end[1]
            if end > room:
                break
            best = end
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # a snippet cut mid-bracket: tokens read so far are enough
    return best or room
