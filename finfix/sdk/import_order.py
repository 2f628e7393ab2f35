"""Where an added import goes: the place isort (and ruff's `I001`) would give it.

A fix that needs `import logging` or `timezone` adds it inside the module's first import block, in its
section (`__future__`, standard library, third party, local) and in sorted order: straight `import x`
statements before `from x import y` ones, names of a from-import sorted by ruff's default
`order-by-type` (CONSTANTS, Classes, functions). So a formatter run after finfix changes nothing
that finfix wrote, in a file that was sorted before.
"""

from __future__ import annotations

import sys
from typing import Sequence

import libcst as cst

from finfix.sdk.names import code_of, is_docstring

FUTURE, STDLIB, THIRD_PARTY, LOCAL = range(4)


def section(module: str, relative: int = 0) -> int:
    if relative:
        return LOCAL
    top = module.partition(".")[0]
    if top == "__future__":
        return FUTURE
    return STDLIB if top in sys.stdlib_module_names else THIRD_PARTY


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


def _key(stmt: cst.SimpleStatementLine) -> tuple[int, int, str]:
    first = stmt.body[0]
    if isinstance(first, cst.Import):
        name = code_of(first.names[0].name)
        return section(name), 0, name.lower()
    assert isinstance(first, cst.ImportFrom)
    dots = len(first.relative)
    name = code_of(first.module) if first.module is not None else ""
    return section(name, dots), 1, "." * dots + name.lower()


def member_key(name: str) -> tuple[int, str]:
    """ruff's `order-by-type`: CONSTANTS first, then Classes, then everything else; then by name."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name.lower()


def first_block(body: Sequence[cst.BaseStatement]) -> tuple[int, int]:
    """``(start, end)``: the module's first run of import lines (after its docstring); empty at the
    docstring's end (or 0) when the module does not start with imports."""
    start = 1 if body and is_docstring(body[0]) else 0
    end = start
    while end < len(body) and _is_import_line(body[end]):
        end += 1
    return start, end


def _split_blank_prefix(lines: Sequence[cst.EmptyLine]) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    blanks: list[cst.EmptyLine] = []
    for line in lines:
        if line.comment is not None:
            break
        blanks.append(line)
    return blanks, list(lines[len(blanks):])


def insert_import(body: list[cst.BaseStatement], stmt: cst.SimpleStatementLine) -> int:
    """Insert ``stmt`` (one import) into ``body``'s first import block, in place; its index."""
    start, end = first_block(body)
    key = _key(stmt)
    at = end
    for index in range(start, end):
        if _key(body[index]) > key:  # type: ignore[arg-type]
            at = index
            break
    same_before = at > start and _key(body[at - 1])[0] == key[0]  # type: ignore[arg-type]
    same_after = at < end and _key(body[at])[0] == key[0]  # type: ignore[arg-type]
    if at < end:
        displaced = body[at]
        blanks, rest = _split_blank_prefix(displaced.leading_lines)
        if same_before:  # after a name of its section: the displaced line keeps its blank lines
            stmt = stmt.with_changes(leading_lines=[])
        elif same_after:  # the new head of its section takes the blank lines that open it
            body[at] = displaced.with_changes(leading_lines=rest)
            stmt = stmt.with_changes(leading_lines=blanks)
        else:  # a section of its own, before the displaced one's
            body[at] = displaced.with_changes(leading_lines=[cst.EmptyLine(), *rest])
            stmt = stmt.with_changes(leading_lines=blanks)
    elif end > start and not same_before:
        stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
    elif end == start and at < len(body) and start > 0:
        stmt = stmt.with_changes(leading_lines=list(body[at].leading_lines))
        body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine()])
    elif end == start and at < len(body):  # no imports at all: the import block starts the module
        blanks, rest = _split_blank_prefix(body[at].leading_lines)
        stmt = stmt.with_changes(leading_lines=rest)
        body[at] = body[at].with_changes(leading_lines=blanks or [cst.EmptyLine()])
    body.insert(at, stmt)
    return at


def add_member(stmt: cst.SimpleStatementLine, name: str, asname: str | None) -> cst.SimpleStatementLine:
    """``from m import a, c`` + ``b`` → ``from m import a, b, c`` (sorted position, same punctuation)."""
    node = stmt.body[0]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    alias = cst.ImportAlias(
        name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)) if asname else None
    )
    at = len(names)
    for index, existing in enumerate(names):
        if member_key(code_of(existing.name)) > member_key(name):
            at = index
            break
    separator = _separator(names)
    if at < len(names):
        alias = alias.with_changes(comma=separator)
    else:  # a trailing comma (parenthesised, one name a line) moves to the new last name
        alias = alias.with_changes(comma=names[-1].comma)
        names[-1] = names[-1].with_changes(comma=separator)
    names.insert(at, alias)
    return stmt.with_changes(body=[node.with_changes(names=names), *stmt.body[1:]])


def _separator(names: Sequence[cst.ImportAlias]) -> cst.Comma:
    """The comma between two names as this import writes it (`, ` or a comma and a new line)."""
    if len(names) > 1 and isinstance(names[0].comma, cst.Comma):
        return names[0].comma
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
