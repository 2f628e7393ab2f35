"""distplot's arguments as the call gives them, and keyword arguments for the calls that replace it.

The replacement calls are built from nodes: every user expression is reused as its own (cloned) node,
so it keeps its spelling, and nothing is assembled from source text.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from finfix.sdk.names import code_of, is_false, is_none, is_true
from finfix.sdk.nodes import keyword_arg

# distplot's signature in seaborn 0.13.2, in order (all may be given positionally).
PARAMS = (
    "a", "bins", "hist", "kde", "rug", "fit", "hist_kws", "kde_kws", "rug_kws", "fit_kws",
    "color", "vertical", "norm_hist", "axlabel", "label", "ax", "x",
)


class NoFix(Exception):
    """The call cannot be rewritten; the message says why (and what to write instead)."""


def bind(call: cst.Call) -> dict[str, cst.BaseExpression]:
    """distplot's parameters as given in ``call``; raises NoFix for */** or unknown keywords."""
    bound: dict[str, cst.BaseExpression] = {}
    for i, arg in enumerate(call.args):
        if arg.star:
            raise NoFix("arguments passed with * or **: the mapping needs to see each one")
        if arg.keyword is None:
            if i >= len(PARAMS):
                raise NoFix("too many positional arguments")
            bound[PARAMS[i]] = arg.value
        else:
            name = arg.keyword.value
            if name not in PARAMS:
                raise NoFix(f"unknown keyword argument `{name}`")
            bound[name] = arg.value
    return bound


def flag(args: dict[str, cst.BaseExpression], name: str, default: bool) -> bool:
    value = args.get(name)
    if value is None:
        return default
    if is_true(value):
        return True
    if is_false(value) or is_none(value):
        return False
    if isinstance(value, cst.Integer):
        return value.evaluated_value != 0
    raise NoFix(f"`{name}={code_of(value)}` is not a literal True/False, so the right replacement is unknown")


def given(args: dict[str, cst.BaseExpression], name: str) -> cst.BaseExpression | None:
    """The argument ``name`` unless it is missing or the literal None."""
    value = args.get(name)
    return None if value is None or is_none(value) else value


def pure(expr: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """``expr`` if evaluating it twice is harmless (a name, attribute or constant subscript), else None."""
    def ok(e: cst.BaseExpression) -> bool:
        if isinstance(e, (cst.Name, cst.Integer, cst.SimpleString)):
            return True
        if isinstance(e, cst.Attribute):
            return ok(e.value)
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
            return ok(e.expression)
        if isinstance(e, cst.Subscript):
            return ok(e.value) and all(
                isinstance(s.slice, cst.Index) and ok(s.slice.value) for s in e.slice
            )
        if isinstance(e, cst.Tuple):
            return all(ok(el.value) for el in e.elements)
        return False

    return expr if expr is not None and ok(expr) else None


def dict_items(expr: cst.BaseExpression | None, what: str) -> list[tuple[str, cst.BaseExpression]]:
    """The items of a literal dict (`{"k": v}` or `dict(k=v)`) with string keys."""
    if expr is None or is_none(expr):
        return []
    items: list[tuple[str, cst.BaseExpression]] = []
    if isinstance(expr, cst.Dict):
        for el in expr.elements:
            if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.SimpleString):
                raise NoFix(f"`{what}` has keys that are not string literals")
            items.append((str(el.key.evaluated_value), el.value))
        return items
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "dict":
        for arg in expr.args:
            if arg.keyword is None or arg.star:
                raise NoFix(f"`{what}` is built from something other than keywords")
            items.append((arg.keyword.value, arg.value))
        return items
    raise NoFix(f"`{what}={code_of(expr)}` is not a literal dict, so its keys cannot be mapped")


def reuse(expr: cst.BaseExpression) -> cst.BaseExpression:
    """A copy of the user's ``expr`` to place in a new call: a node appears once in a tree.

    An unparenthesised walrus or generator (`distplot(a := r)`, `distplot(x for x in y)`) needs
    parentheses once it becomes the value of a keyword argument.
    """
    copy = expr.deep_clone()
    if isinstance(copy, (cst.NamedExpr, cst.GeneratorExp)) and not copy.lpar:
        copy = copy.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return copy


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=<a copy of the user's value>`."""
    return keyword_arg(name, reuse(value))


def const(name: str, source: str) -> cst.Arg:
    """`name=<literal>` for a constant finfix writes (`stat="density"`, `kde=True`)."""
    return keyword_arg(name, cst.parse_expression(source))


def string_dict(items: Sequence[tuple[str, cst.BaseExpression]]) -> cst.Dict:
    """`{"key": value, ...}` with double-quoted keys."""
    elements = [
        cst.DictElement(cst.SimpleString(f'"{key}"'), value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        for key, value in items
    ]
    if elements:
        elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return cst.Dict(elements)


def merge(*groups: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Keyword arguments where a later group overrides an earlier one's key (`**` ones are all kept)."""
    out: list[cst.Arg] = []
    for group in groups:
        for arg in group:
            if arg.keyword is not None:
                out = [o for o in out if o.keyword is None or o.keyword.value != arg.keyword.value]
            out.append(arg)
    return out
