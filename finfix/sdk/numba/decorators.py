"""Shared helpers of the numba rules: which decorators compile with numba, and with which options.

Decorators are resolved by qualified name, so ``jax.jit``, ``torch.jit.script`` and ``numba.cuda.jit``
never match. Options may be keywords or come from a module-level dict (``@jit(**JIT_SETTINGS)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from finfix.sdk.names import keyword, qualified_names, remove_arg
from finfix.sdk.rule import Rule

JIT = ("numba.jit", "numba.core.decorators.jit")
NJIT = ("numba.njit", "numba.core.decorators.njit")
CPU_COMPILERS = JIT + NJIT
PRANGE = ("numba.prange", "numba.parfors.parfor.internal_prange")


@dataclass(frozen=True)
class JitDecorator:
    decorator: cst.Decorator
    call: cst.Call | None  # None for a bare `@njit`
    kind: str  # "jit" or "njit"


@dataclass(frozen=True)
class Option:
    """Where a decorator option comes from: a keyword, a module-level dict, or nowhere."""

    value: cst.BaseExpression | None  # None: not set (or unknown, see ``known``)
    arg: cst.Arg | None = None  # the keyword argument, when it is one
    dict_name: str = ""  # the dict it comes from, when it does
    known: bool = True  # False: a `**dict` finfix cannot read may set it


def jit_decorator(rule: Rule, fn: cst.FunctionDef) -> JitDecorator | None:
    """The numba CPU decorator of ``fn`` (`@njit`, `@numba.jit(...)`, any alias), if any."""
    for dec in fn.decorators:
        expr = dec.decorator
        call = expr if isinstance(expr, cst.Call) else None
        target = call.func if call is not None else expr
        names = qualified_names(rule, target)
        if names & set(NJIT):
            return JitDecorator(dec, call, "njit")
        if names & set(JIT):
            return JitDecorator(dec, call, "jit")
    return None


def module_dicts(module: cst.Module) -> dict[str, dict[str, cst.BaseExpression] | None]:
    """Module-level ``NAME = {...}`` / ``NAME = dict(...)``: their string keys, or None if unreadable."""
    found: dict[str, dict[str, cst.BaseExpression] | None] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                name = small.targets[0].target.value
                found[name] = _read_dict(small.value)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                found[small.target.value] = _read_dict(small.value)
    return {k: v for k, v in found.items() if v is not None or k.isupper()}


def _read_dict(value: cst.BaseExpression) -> dict[str, cst.BaseExpression] | None:
    if isinstance(value, cst.Dict):
        out: dict[str, cst.BaseExpression] = {}
        for el in value.elements:
            if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.SimpleString):
                return None
            out[el.key.evaluated_value] = el.value  # type: ignore[index]
        return out
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
        out = {}
        for arg in value.args:
            if arg.keyword is None:
                return None
            out[arg.keyword.value] = arg.value
        return out
    return None


def option(call: cst.Call | None, name: str, dicts: dict[str, dict[str, cst.BaseExpression] | None]) -> Option:
    """The value of decorator option ``name``; a later `**dict` or keyword wins, as in a call."""
    if call is None:
        return Option(None)
    result = Option(None)
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            result = Option(arg.value, arg=arg)
        elif arg.star == "**":
            dict_name = arg.value.value if isinstance(arg.value, cst.Name) else ""
            content = dicts.get(dict_name) if dict_name else None
            if content is None:
                result = Option(None, dict_name=dict_name, known=False)
            elif name in content:
                result = Option(content[name], dict_name=dict_name)
    return result


def is_true(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def parallel_state(call: cst.Call | None, dicts) -> str:
    """'yes' (parallel=True), 'no', or 'maybe' (set by something finfix cannot read)."""
    opt = option(call, "parallel", dicts)
    if not opt.known:
        return "maybe"
    if opt.value is None:
        return "no"
    if is_true(opt.value):
        return "yes"
    if isinstance(opt.value, cst.Name) and opt.value.value == "False":
        return "no"
    return "maybe"


def drop_keyword(dec: cst.Decorator, name: str) -> cst.Decorator:
    """``@njit(parallel=True, cache=True)`` -> ``@njit(cache=True)``; ``@njit(parallel=True)`` -> ``@njit``."""
    call = dec.decorator
    assert isinstance(call, cst.Call)
    arg = keyword(call, name)
    if arg is None:
        return dec
    kept = remove_arg(call.args, arg)
    if not kept:
        return dec.with_changes(decorator=call.func)
    return dec.with_changes(decorator=call.with_changes(args=kept))
