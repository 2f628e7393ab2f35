"""`finfix check --add-noqa`: a `# finfix: ignore[CODE]` comment on every line that has a finding, so a
large codebase can adopt finfix and fix gradually.

A comment is only added where it cannot change the code: not where the line ends inside a string or
after a backslash continuation. The edited file must parse to the same AST as before (comments are
not in the AST), and is written atomically; otherwise it is left as it was, with the reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from finfix.engine import writer
from finfix.results import FileResult

_MARK = re.compile(r"#\s*finfix:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)


@dataclass
class Added:
    comments: int = 0
    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)


def add_noqa(results: Sequence[FileResult]) -> Added:
    out = Added()
    for r in results:
        if r.error or not r.findings:
            continue
        try:
            with open(r.path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            out.skipped.append((r.path, f"cannot read: {exc.strerror or exc}"))
            continue
        codes: dict[int, list[str]] = defaultdict(list)
        for f in r.findings:
            if f.code not in codes[f.line]:
                codes[f.line].append(f.code)
        new, count, why = annotate(raw, codes)
        if why:
            out.skipped.append((r.path, why))
        if count:
            try:
                writer.write_atomic(r.path, new, raw)
            except writer.WriteError as exc:
                out.skipped.append((r.path, str(exc)))
                continue
            out.comments += count
            out.files.append(r.path)
    return out


def annotate(raw: bytes, codes: dict[int, list[str]]) -> tuple[bytes, int, str]:
    """``raw`` with the comments added; (new bytes, comments added, why some line was skipped)."""
    encoding = _encoding(raw)
    text = raw.decode(encoding)
    lines = text.splitlines(keepends=True)
    open_ends = _lines_ending_inside_tokens(text)
    count, skipped = 0, []
    for number in sorted(codes):
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if number in open_ends or body.rstrip().endswith("\\"):
            skipped.append(str(number))
            continue
        mark = _MARK.search(body)
        if mark:
            have = [c.strip() for c in mark["codes"].split(",") if c.strip()]
            wanted = have + [c for c in codes[number] if c not in have]
            if wanted == have:
                continue
            body = body[: mark.start()] + f"# finfix: ignore[{', '.join(wanted)}]" + body[mark.end():]
        else:
            body = body.rstrip() + f"  # finfix: ignore[{', '.join(codes[number])}]"
        lines[number - 1] = body + ending
        count += 1
    new_text = "".join(lines)
    why = f"line(s) {', '.join(skipped)} end inside a string or a continuation; no comment there" if skipped else ""
    if count and not _same_code(text, new_text):
        return raw, 0, "adding the comments would change the code; file left as it was"
    return new_text.encode(encoding), count, why


def _encoding(raw: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError:
        return "utf-8"
    return encoding


def _lines_ending_inside_tokens(text: str) -> set[int]:
    """Lines whose end is inside a token (a triple-quoted string, an f-string) spanning lines."""
    inside: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.end[0] > tok.start[0] and tok.type not in (tokenize.NL, tokenize.NEWLINE):
                inside.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, text.count("\n") + 2))  # cannot tell: touch nothing
    return inside


def _same_code(old: str, new: str) -> bool:
    try:
        return ast.dump(ast.parse(old)) == ast.dump(ast.parse(new))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
