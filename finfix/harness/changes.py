"""Which functions a pair of module sources asks to verify.

A function is named by its qualified name inside the module (`vwap`, `ExchangeClient.fetch_trades`).
The ones to verify are those whose source text (decorators included) differs between the two versions,
plus the functions of the module that call them. Nested functions are verified through the function
that holds them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class FunctionSource:
    qualname: str
    text: str
    calls: frozenset[str]  # names called or referenced: `f(...)`, `self.f(...)`, `mod.f`


def functions(source: str) -> dict[str, FunctionSource]:
    """Top-level functions and methods of top-level classes, by qualified name."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    lines = source.splitlines(keepends=True)
    found: dict[str, FunctionSource] = {}

    def add(node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str) -> None:
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        text = "".join(lines[first - 1 : node.end_lineno])
        refs = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                refs.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                refs.add(sub.attr)
        found[prefix + node.name] = FunctionSource(prefix + node.name, text, frozenset(refs))

    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(stmt, "")
        elif isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    add(inner, stmt.name + ".")
    return found


@dataclass(frozen=True)
class Selection:
    changed: tuple[str, ...]  # source text differs
    callers: tuple[str, ...]  # call a changed function (and did not change themselves)
    only_before: tuple[str, ...]  # removed by the change
    only_after: tuple[str, ...]  # added by the change

    @property
    def to_verify(self) -> tuple[str, ...]:
        return (*self.changed, *self.callers)


def select(before: str, after: str) -> Selection:
    old, new = functions(before), functions(after)
    changed = [q for q in new if q in old and old[q].text != new[q].text]
    short = {q.rsplit(".", 1)[-1] for q in changed}
    callers = [
        q for q, fn in new.items()
        if q in old and q not in changed and fn.calls & short
    ]
    return Selection(
        changed=tuple(changed),
        callers=tuple(callers),
        only_before=tuple(q for q in old if q not in new),
        only_after=tuple(q for q in new if q not in old),
    )
