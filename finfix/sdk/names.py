"""Small helpers rules share: qualified-name look-ups and node tests.

Names are resolved with LibCST's QualifiedNameProvider, never by text, so ``np.float_``,
``numpy.float_``, ``from numpy import float_ as F; F`` all resolve to ``numpy.float_``.
"""

from __future__ import annotations

import os
from typing import Collection, Iterable

import libcst as cst
from libcst.metadata import QualifiedNameProvider, ScopeProvider

from finfix.sdk.evidence.project import facts_of
from finfix.sdk.rule import Rule

_EMPTY_MODULE = cst.Module(body=[])


class QualifiedNames(set):
    """A node's qualified names, iterated in a fixed order: LibCST's (alphabetically), then where project
    re-exports lead. A set of strings iterates in the order of their hashes, which differ from process to
    process (PYTHONHASHSEED): code that takes the first name that matches decided differently from run to
    run and from worker to worker (in pandas' own sources, `pd.MultiIndex.from_product(...)` was a known
    constructor in one run and an unknown call in the next: 40 of 1,500 findings came and went).

    Still a set (``in``, ``&``, ``|`` give plain sets); names a caller adds iterate last, alphabetically."""

    def __init__(self, ordered: Iterable[str] = ()) -> None:
        order = tuple(dict.fromkeys(ordered))
        super().__init__(order)
        self._order = order

    def __iter__(self):  # noqa: ANN204
        ordered = [n for n in self._order if set.__contains__(self, n)]
        if len(ordered) != set.__len__(self):
            ordered += sorted(set(set.__iter__(self)).difference(ordered))
        return iter(ordered)

    def __repr__(self) -> str:
        return f"QualifiedNames({list(self)!r})"


def qualified_names(rule: Rule, node: cst.CSTNode) -> QualifiedNames:
    """LibCST's qualified names of ``node``, plus where project re-exports lead (``from . import _sns as sns``
    where ``_sns.py`` does ``from seaborn import *``: ``sns.distplot`` is also ``seaborn.distplot``), in a
    fixed order (:class:`QualifiedNames`)."""
    found = sorted({q.name for q in rule.get_metadata(QualifiedNameProvider, node, set())})
    project = facts_of(rule)
    if found and project.defined:
        module = project.module_of(os.path.abspath(rule.session.path))
        if module is not None:
            led = []
            for q in found:
                if "<locals>" not in q:
                    canonical = project.canonical(project.absolute(module, q))
                    if canonical != q:
                        led.append(canonical)
            found += sorted(led)
    return QualifiedNames(found)


def may_resolve_to(rule: Rule, node: cst.CSTNode, leaves: Collection[str]) -> bool:
    """Can ``node`` possibly resolve to a qualified name ending in one of ``leaves``?

    A syntactic test to run before ``qualified_names``: the first qualified-name query on a file
    runs LibCST's scope analysis over the whole module, the most expensive step finfix has, and most
    calls and attributes in a file are plainly not candidates. An attribute is named by its last
    part whatever its receiver; a bare name can also be an alias (`from pandas import read_csv as
    rc`), so any name bound with ``as`` in the file stays a candidate.
    """
    if isinstance(node, cst.Attribute):
        return node.attr.value in leaves
    if isinstance(node, cst.Name):
        return node.value in leaves or node.value in rule.session.as_names
    return False


def leaves_of(qualified: Iterable[str]) -> frozenset[str]:
    """``{"pandas.read_csv", "numpy.trapz"}`` → ``{"read_csv", "trapz"}``."""
    return frozenset(q.rpartition(".")[2] for q in qualified)


def resolves_to(rule: Rule, node: cst.CSTNode, names: Iterable[str]) -> str | None:
    """The first of ``names`` that ``node`` resolves to, or None."""
    found = qualified_names(rule, node)
    for name in names:
        if name in found:
            return name
    return None


def assignments_of(rule: Rule, name: cst.Name) -> list:
    """What binds ``name`` where it is used (LibCST ``Assignment``/``BuiltinAssignment`` ...); empty when
    the name is unbound or its scope is unknown (a node the rule built)."""
    try:
        scope = rule.get_metadata(ScopeProvider, name)
    except KeyError:
        return []
    return list(scope[name.value]) if scope is not None else []


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def short_code(node: cst.CSTNode, limit: int = 40) -> str:
    """One-line source of ``node`` for messages (see `finfix.sdk.snippets.snippet`)."""
    from finfix.sdk.snippets import snippet

    return snippet(node, limit)


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_dotted_name(expr: cst.BaseExpression) -> bool:
    """`pd.read_csv`, `np.zeros`, `x`: a name or a chain of attributes of names (no call or subscript)."""
    while isinstance(expr, cst.Attribute):
        expr = expr.value
    return isinstance(expr, cst.Name)


def is_none(expr: cst.BaseExpression | None) -> bool:
    """Is ``expr`` the literal `None` (False for a missing argument, ``expr is None``)?"""
    return isinstance(expr, cst.Name) and expr.value == "None"


def is_true(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def is_false(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "False"


def remove_arg(args: Iterable[cst.Arg], target: cst.Arg | None) -> list[cst.Arg]:
    """Drop ``target`` from an argument list, leaving every other byte as it was.

    When ``target`` is the last argument, the new last argument takes over its punctuation: its
    trailing comma (or none) and the whitespace before the closing parenthesis, so `f(\n    a,\n
    inplace=True,\n)` becomes `f(\n    a,\n)` and `f(a, inplace=True)` becomes `f(a)`.
    """
    args = list(args)
    kept = [a for a in args if a is not target]
    if target is None or not kept or len(kept) == len(args) or args[-1] is not target:
        return kept
    last = kept[-1]
    if "#" in code_of(last.comma) if isinstance(last.comma, cst.Comma) else False:
        return kept  # the comma's line holds a comment: keep it (a trailing comma is valid)
    kept[-1] = last.with_changes(comma=target.comma, whitespace_after_arg=target.whitespace_after_arg)
    return kept


def replace_callee(rule: Rule, func: cst.BaseExpression, qualified: str, new_leaf: str) -> cst.BaseExpression:
    """``func`` (which resolves to ``qualified``) renamed to ``new_leaf`` in the same module.

    `integrate.simps` → `integrate.simpson`; a from-imported `simps` becomes `simpson`, with
    ``from <module> import simpson`` queued and the old from-import dropped once nothing uses it.
    Only call it when the fix is applied.
    """
    if isinstance(func, cst.Attribute):
        return func.with_changes(attr=cst.Name(new_leaf))
    module, _, old_leaf = qualified.rpartition(".")
    if isinstance(func, cst.Name):
        from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

        asname = func.value if func.value != old_leaf else None
        RemoveImportsVisitor.remove_unused_import(rule.context, module, old_leaf, asname)
        AddImportsVisitor.add_needed_import(rule.context, module, new_leaf)
    return cst.Name(new_leaf)
