"""What a function's body says about its parameters: shapes, compared literals, record fields, counts.

Names lie (``shift`` compared with ``"left"`` is a string; ``T`` is not always a matrix); the body does
not. For each parameter this collects:

- the number of dimensions its subscripts use (``T[i, j]`` is 2-D, ``x.shape[1]`` at least 2-D);
- the literals it is compared with (``side == "left"``, ``how in ("inner", "outer")``, ``n > 3``);
- the record fields read from it (``ticks[i]["price"]``, ``ticks["ts"][i]``, ``ticks[i].price``);
- whether it is used as a count or a limit (``range(n)``, ``x[i - window:i]``, ``if k >= len(x)``);
- whether it is iterated, called, used as a string, and which attributes are read from it;
- whether it (or its elements, ``if entries[i]``) is used as a truth value, and whether it is compared
  with a number without any sign of being an array (``if open <= stop_price``): a scalar.

The function's numeric literals (and their neighbours +-1) are collected too: thresholds and bounds
that generated scalars should hit exactly.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

_INT_FIELDS = re.compile(r"(^|_)(ts|time|timestamp|id|count|seq|qty_int|flag|flags|side|n|idx|index)$", re.I)

_ARRAY_ATTRS = {"shape", "size", "ndim", "dtype", "T", "real", "imag", "flat", "sum", "mean", "max", "min",
                "copy", "astype", "item", "any", "all", "argmax", "argmin", "cumsum", "std", "var"}


@dataclass
class ParamHints:
    ndim: int = 0  # 0: not subscripted; else the most dimensions a subscript uses
    indexed: bool = False  # subscripted with an integer-like index or slice
    fields: dict[str, str] = field(default_factory=dict)  # record field -> dtype guess
    keys: set[str] = field(default_factory=set)  # string subscripts (dict keys, DataFrame columns)
    literals: list[Any] = field(default_factory=list)  # constants compared with it, in order of appearance
    count: bool = False  # a count, bound or window
    iterated: bool = False
    called: bool = False
    stringy: bool = False  # compared with a string, or string methods used
    floaty: bool = False  # compared with a float literal, or used in float arithmetic only
    attrs: set[str] = field(default_factory=set)
    length_of: bool = False  # len(p) or p.shape / p.size
    truthy: bool = False  # used as a truth value itself: `if p`, `p and q`, `not p`
    elements_truthy: bool = False  # its elements are: `if p[i]`, `p[i] and q[i]`
    elements_numeric: bool = False  # its elements are compared with or computed on: `p[i] > 0`, `p[i] * 2`
    compared: bool = False  # compared itself, as a number: `p > 0`, `open <= p`

    @property
    def array_like(self) -> bool:
        return self.indexed or self.length_of or bool({"shape", "size", "ndim", "dtype"} & self.attrs)

    @property
    def scalar(self) -> bool:
        """Compared as a number, and nothing says it is an array (no subscript, length, iteration, fields)."""
        return self.compared and not (self.array_like or self.iterated or self.fields or self.keys or self.attrs
                                     or self.called or self.stringy)


@dataclass
class BodyHints:
    params: dict[str, ParamHints]
    numbers: list[float]  # numeric literals of the body, and +-1 around the integers


def function_def(fn: Callable) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    fn = getattr(fn, "py_func", fn)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    return next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)


def _const(node: ast.AST) -> tuple[bool, Any]:
    if isinstance(node, ast.Constant) and not isinstance(node.value, bytes):
        return True, node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        v = node.operand.value
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return True, -v
    return False, None


def _name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _subscript_dims(sl: ast.AST) -> int:
    if isinstance(sl, ast.Tuple):
        return len(sl.elts)
    return 1


def _is_indexish(sl: ast.AST) -> bool:
    """An integer-like index: a name, a number, arithmetic, a slice (not a string key)."""
    if isinstance(sl, ast.Tuple):
        return all(_is_indexish(e) for e in sl.elts)
    if isinstance(sl, ast.Constant):
        return isinstance(sl.value, int)
    return isinstance(sl, (ast.Name, ast.BinOp, ast.Slice, ast.UnaryOp, ast.Call, ast.Attribute, ast.Subscript))


def analyse(fn: Callable) -> BodyHints:
    fdef = function_def(fn)
    if fdef is None:
        return BodyHints({}, [])
    names = [a.arg for a in (*fdef.args.posonlyargs, *fdef.args.args, *fdef.args.kwonlyargs)]
    hints = {n: ParamHints() for n in names}
    numbers: list[float] = []
    # Names bound by `for i in range(...)`: loop indices, to recognise `i - window` as a bound.
    indices = {
        n.target.id for n in ast.walk(fdef)
        if isinstance(n, ast.For) and isinstance(n.target, ast.Name) and isinstance(n.iter, ast.Call)
        and _name(n.iter.func) in ("range", "prange")
    }
    aliases = _aliases(fdef, set(names))

    def param(node: ast.AST) -> ParamHints | None:
        n = _name(node)
        n = aliases.get(n, n) if n else n
        return hints.get(n) if n else None

    for node in ast.walk(fdef):
        ok, value = _const(node)
        if ok and isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers.append(float(value))
        if isinstance(node, ast.Subscript):
            _subscript(node, param, indices)
        elif isinstance(node, ast.Attribute):
            inner = node.value
            if isinstance(inner, ast.Subscript) and _is_indexish(inner.slice) and node.attr not in _ARRAY_ATTRS:
                outer = param(inner.value)
                if outer is not None:  # ticks[i].price: a record field
                    outer.fields.setdefault(node.attr, "int64" if _INT_FIELDS.search(node.attr) else "float64")
                    outer.indexed = True
            h = param(node.value)
            if h is not None:
                h.attrs.add(node.attr)
                if node.attr in ("shape", "size", "ndim"):
                    h.length_of = True
                if node.attr in ("upper", "lower", "startswith", "endswith", "strip", "split", "replace"):
                    h.stringy = True
        elif isinstance(node, ast.Compare):
            _compare(node, param, indices)
        elif isinstance(node, ast.Call):
            _call(node, param)
        elif isinstance(node, (ast.For, ast.comprehension)):
            h = param(node.iter)
            if h is not None:
                h.iterated = True
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            # `i - window`, `i + lag`, `n - 1` as an index: a bound
            sides = (node.left, node.right)
            if any(_name(s) in indices for s in sides):
                for s in sides:
                    h = param(s)
                    if h is not None and not h.indexed:
                        h.count = True
        elif isinstance(node, ast.JoinedStr):
            pass
        if isinstance(node, (ast.BinOp, ast.Compare)):
            operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.left, *node.comparators]
            if isinstance(node, ast.Compare) and (
                    any(isinstance(o, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for o in node.ops)
                    or any(isinstance(o, ast.Constant) and (o.value is None or isinstance(o.value, str))
                           for o in operands)):
                operands = []  # `p is None`, `how == "left"`, `k in keys`: not a number
            for operand in operands:
                _numeric(operand, param, compared=isinstance(node, ast.Compare))
        for test in _truth_values(node):
            _truthy(test, param)
    for h in hints.values():
        if h.fields:
            h.ndim = max(h.ndim, 1)
    grown = sorted({v + d for v in numbers if v == int(v) and abs(v) < 1e6 for d in (-1.0, 0.0, 1.0)} | set(numbers))
    return BodyHints(hints, grown[:40])


def _truth_values(node: ast.AST) -> list[ast.AST]:
    """The expressions ``node`` uses as truth values: an ``if``/``while`` test, ``and``/``or`` operands,
    the operand of ``not``, a conditional expression's test."""
    if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return [node.test]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return [node.operand]
    return []


def _truthy(node: ast.AST, param: Callable[[ast.AST], ParamHints | None]) -> None:
    h = param(node)
    if h is not None:
        h.truthy = True
    elif isinstance(node, ast.Subscript) and _is_indexish(node.slice):
        h = param(node.value)
        if h is not None:
            h.elements_truthy = True


def _numeric(node: ast.AST, param: Callable[[ast.AST], ParamHints | None], *, compared: bool) -> None:
    """``node`` is an operand of a comparison (``compared``) or of arithmetic."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    h = param(node)
    if h is not None:
        h.compared = h.compared or compared
    elif isinstance(node, ast.Subscript) and _is_indexish(node.slice):
        h = param(node.value)
        if h is not None:
            h.elements_numeric = True


def _aliases(fdef: ast.AST, names: set[str]) -> dict[str, str]:
    """Local names that are a parameter under another name (`x = prices`, `arr = np.asarray(prices)`)."""
    out: dict[str, str] = {}
    for node in ast.walk(fdef):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call) and value.args and _attr_tail(value.func) in (
                    "asarray", "ascontiguousarray", "array", "copy", "astype", "to_numpy"):
                value = value.args[0] if _attr_tail(value.func) not in ("copy", "astype", "to_numpy") else value.func
                if isinstance(value, ast.Attribute):
                    value = value.value
            source = _name(value)
            target = node.targets[0].id
            if source in names and target not in names:
                out[target] = source
    return out


def _attr_tail(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return _name(node) or ""


def _subscript(node: ast.Subscript, param: Callable[[ast.AST], ParamHints | None], indices: set[str]) -> None:
    sl = node.slice
    # ticks[i]["price"] / ticks[i].price are handled from the outer node; here: x[...] on a parameter
    h = param(node.value)
    if h is not None:
        ok, value = _const(sl)
        if ok and isinstance(value, str):
            h.keys.add(value)
        elif _is_indexish(sl):
            h.indexed = True
            h.ndim = max(h.ndim, _subscript_dims(sl))
        elif isinstance(sl, ast.List):
            h.keys.update(e.value for e in sl.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
        for part in (sl.elts if isinstance(sl, ast.Tuple) else [sl]):
            for bound in ([part.lower, part.upper] if isinstance(part, ast.Slice) else []):
                for sub in ast.walk(bound) if bound is not None else []:
                    ph = param(sub)
                    if ph is not None and ph is not h:
                        ph.count = True
            ph = param(part)
            if ph is not None and ph is not h:
                ph.count = True  # x[k] with k a parameter: an index
    # record fields: ticks[i]["price"], ticks["price"][i]
    inner = node.value
    if isinstance(inner, ast.Subscript):
        ok, value = _const(sl)
        outer = param(inner.value)
        if outer is not None and ok and isinstance(value, str) and _is_indexish(inner.slice):
            outer.fields.setdefault(value, "int64" if _INT_FIELDS.search(value) else "float64")
            outer.indexed = True
        ok, value = _const(inner.slice)
        if outer is not None and ok and isinstance(value, str) and _is_indexish(sl):
            outer.fields.setdefault(value, "int64" if _INT_FIELDS.search(value) else "float64")
            outer.indexed = True


def _compare(node: ast.Compare, param: Callable[[ast.AST], ParamHints | None], indices: set[str]) -> None:
    operands = [node.left, *node.comparators]
    for i, op in enumerate(node.ops):
        left, right = operands[i], operands[i + 1]
        for mine, other in ((left, right), (right, left)):
            h = param(mine)
            if h is None:
                continue
            ok, value = _const(other)
            if ok:
                if value not in h.literals:
                    h.literals.append(value)
                if isinstance(value, str):
                    h.stringy = True
                elif isinstance(value, float):
                    h.floaty = True
            elif isinstance(op, (ast.In, ast.NotIn)) and mine is left and isinstance(other, (ast.Tuple, ast.List, ast.Set)):
                for e in other.elts:
                    ok, value = _const(e)
                    if ok and value not in h.literals:
                        h.literals.append(value)
                        h.stringy = h.stringy or isinstance(value, str)
            elif _name(other) in indices or _is_length(other):
                h.count = True  # `if i >= limit`, `if n > len(x)`


def _is_length(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and _name(node.func) == "len":
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        return True
    return isinstance(node, ast.Attribute) and node.attr in ("size",)


def _call(node: ast.Call, param: Callable[[ast.AST], ParamHints | None]) -> None:
    h = param(node.func)
    if h is not None:
        h.called = True
    fname = _attr_tail(node.func)
    if fname == "len" and node.args:
        h = param(node.args[0])
        if h is not None:
            h.length_of = True
    if fname in ("range", "prange"):
        for a in node.args:
            for sub in ast.walk(a):
                h = param(sub)
                if h is not None and not h.indexed:
                    h.count = True
    if fname in ("empty", "zeros", "ones", "full", "arange") and node.args:
        for sub in ast.walk(node.args[0]):
            h = param(sub)
            if h is not None and not h.indexed:
                h.count = True
