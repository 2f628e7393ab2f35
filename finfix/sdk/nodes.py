"""Node builders rules share: keyword arguments written the way PEP 8 writes them (`f(x, key=value)`).

Rules build replacement code from nodes, not from strings: a node keeps the user's spelling of every
sub-expression it reuses (comments and line breaks inside it included) and cannot fail to parse.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst


def tight_equal() -> cst.AssignEqual:
    """The `=` of a keyword argument, without spaces (LibCST's default has one on each side)."""
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def comma() -> cst.Comma:
    """`, ` between arguments."""
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`."""
    return cst.Arg(value=value, keyword=cst.Name(name), equal=tight_equal())


def append_arg(args: Sequence[cst.Arg], arg: cst.Arg) -> list[cst.Arg]:
    """``args`` with ``arg`` added last; a trailing comma of the old last argument moves to the new one."""
    out = list(args)
    if out:
        last = out[-1]
        if last.comma is not cst.MaybeSentinel.DEFAULT:
            arg = arg.with_changes(comma=last.comma)
        out[-1] = last.with_changes(comma=comma())
    out.append(arg)
    return out


def arg_list(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """``args`` separated by `, `, the last one without a comma."""
    out = [a.with_changes(comma=comma()) for a in args]
    if out:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out
