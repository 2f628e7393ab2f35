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
    first: int = 0  # first line (decorators included), 1-based
    last: int = 0


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
        found[prefix + node.name] = FunctionSource(
            prefix + node.name, text, frozenset(refs), first, node.end_lineno or node.lineno
        )

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


def revert(before: str, after: str, names: set[str]) -> str | None:
    """``after`` with the functions ``names`` put back as they were in ``before``; None when unsafe.

    Unsafe: a function is missing on either side, the result does not parse, a reverted function needs
    a module-level name the rewrite removed (an import FX005 dropped), or a function kept from the
    rewrite refers to a reverted one (it was verified against the rewritten version).
    """
    old, new = functions(before), functions(after)
    if not names or any(q not in old or q not in new for q in names):
        return None
    short = {q.rsplit(".", 1)[-1] for q in names}
    if any(q not in names and fn.calls & short for q, fn in new.items()):
        return None
    lines = after.splitlines(keepends=True)
    for q in sorted(names, key=lambda q: new[q].first, reverse=True):
        lines[new[q].first - 1 : new[q].last] = [old[q].text]
    result = "".join(lines)
    try:
        tree = ast.parse(result)
    except (SyntaxError, ValueError):
        return None
    bound = _module_names(tree)
    needed = set().union(*(old[q].calls for q in names))
    lost = (needed & _module_names(ast.parse(before))) - bound
    return None if lost else result


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        else:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return names
