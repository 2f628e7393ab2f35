"""Expressions of FX001's race analysis: the index form and the array each value may refer to.

A mixin of :class:`finfix.sdk.numba.races.LoopAnalysis`; statements live in ``races``, verdicts in
``race_verdict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

import libcst as cst

from finfix.sdk.names import code_of
from finfix.sdk.numba.race_forms import (
    AFF, CHUNK, DEP, DEP_DATA, DEP_MAP, INV, PRIVATE, RACY, SLICE, SUGGEST_CONTAINER, UNPROVEN, Access, Idx,
    Ref, Val, Verdict, add, flatten, inv, join, scale,
)


REDUCTION_OPS = {"+", "-", "*", "/", "max", "min"}
_AUG_OPS = {
    cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//", cst.ModuloAssign: "%", cst.PowerAssign: "**", cst.BitOrAssign: "|",
    cst.BitAndAssign: "&", cst.BitXorAssign: "^", cst.LeftShiftAssign: "<<", cst.RightShiftAssign: ">>",
    cst.MatrixMultiplyAssign: "@",
}
_BIN_OPS = {
    cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/", cst.FloorDivide: "//",
    cst.Modulo: "%", cst.Power: "**", cst.BitOr: "|", cst.BitAnd: "&", cst.BitXor: "^",
    cst.LeftShift: "<<", cst.RightShift: ">>", cst.MatrixMultiply: "@",
}
META_ATTRS = {"shape", "size", "ndim", "dtype", "itemsize", "nbytes", "strides"}
VIEW_ATTRS = {"T", "real", "imag", "flat"}
ARRAY_MUTATORS = {"fill", "sort", "put", "resize", "itemset", "partition", "setfield"}
CONTAINER_MUTATORS = {
    "append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard", "setdefault",
    "popitem", "appendleft", "popleft",
}
ARRAY_READ_METHODS = {
    "sum", "mean", "min", "max", "argmin", "argmax", "std", "var", "prod", "cumsum", "cumprod", "dot",
    "any", "all", "item", "nonzero", "conj", "conjugate", "round", "clip", "take", "repeat", "searchsorted",
    "argsort", "trace", "diagonal", "get", "keys", "values", "items", "count", "index", "__contains__",
}
VIEW_METHODS = {"reshape", "ravel", "view", "transpose", "squeeze", "swapaxes"}
COPY_METHODS = {"copy", "astype", "flatten", "tolist"}
VIEW_FUNCS = {
    "numpy.asarray", "numpy.ascontiguousarray", "numpy.asfortranarray", "numpy.reshape", "numpy.ravel",
    "numpy.transpose", "numpy.squeeze", "numpy.expand_dims", "numpy.atleast_1d", "numpy.atleast_2d",
    "numpy.atleast_3d", "numpy.swapaxes", "numpy.moveaxis", "numpy.broadcast_to",
}
CONTAINER_CALLS = {
    "builtins.list", "builtins.dict", "builtins.set", "numba.typed.List", "numba.typed.Dict",
    "numba.typed.Dict.empty", "numba.typed.List.empty_list", "numba.typed.typeddict.Dict.empty",
    "numba.typed.typedlist.List", "collections.deque", "collections.defaultdict",
}
PURE_PREFIXES = ("numpy.", "math.", "cmath.", "builtins.", "numba.")
RANGE_NAMES = {"builtins.range", "numba.prange", "numba.parfors.parfor.internal_prange"}



@dataclass
class Frame:
    env: dict[str, Val]
    top: bool
    stack: tuple[str, ...] = ()
    chain: str = ""  # "work(P, t) -> " when inside a callee
    returns: list[Val] = field(default_factory=list)



class ExprMixin:
    """Expression evaluation, index arithmetic and bookkeeping of the loop analysis."""

    # -- expressions ----------------------------------------------------------------------------------
    def expr(self, node: cst.BaseExpression, frame: Frame, as_base: bool = False) -> Val:
        if isinstance(node, cst.Integer):
            try:
                return Val(inv(const=int(node.value.replace("_", ""), 0), literal=True))
            except ValueError:
                return Val(inv(code_of(node)))
        if isinstance(node, (cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
            return Val(inv(code_of(node)))
        if isinstance(node, cst.Name):
            return self._name(node.value, frame, as_base)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, frame)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, frame)
        if isinstance(node, cst.Call):
            return self._call(node, frame)
        if isinstance(node, cst.BinaryOperation):
            left, right = self.expr(node.left, frame), self.expr(node.right, frame)
            op = _BIN_OPS.get(type(node.operator), "?")
            return Val(self._arith(op, left.idx, right.idx, node), PRIVATE)
        if isinstance(node, cst.UnaryOperation):
            inner = self.expr(node.expression, frame)
            if isinstance(node.operator, cst.Minus):
                return Val(scale(inner.idx, -1, node), PRIVATE)
            if isinstance(node.operator, cst.Plus):
                return inner
            return Val(flatten([inner.idx], node), PRIVATE)
        if isinstance(node, (cst.BooleanOperation, cst.Comparison)):
            parts = [self.expr(c, frame).idx for c in _children_exprs(node)]
            return Val(flatten(parts, node))
        if isinstance(node, cst.IfExp):
            self.expr(node.test, frame)
            return join(self.expr(node.body, frame), self.expr(node.orelse, frame), widen=False)
        if isinstance(node, cst.Tuple):
            items = tuple(self.expr(el.value, frame) for el in node.elements)
            return Val(flatten([v.idx for v in items], node), PRIVATE, items)
        if isinstance(node, (cst.List, cst.Set, cst.Dict)):
            for child in _children_exprs(node):
                self.expr(child, frame)
            return Val(DEP_DATA, Ref("", container=True))
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            self._comprehension(node, frame)
            return Val(DEP_DATA, PRIVATE)
        self._unproven(self._stmt, f"the expression `{code_of(node).strip()[:40]}` is not analysed")
        return Val(DEP_DATA)

    def _name(self, name: str, frame: Frame, as_base: bool) -> Val:
        if name in ("True", "False", "None"):
            return Val(inv(name))
        if name in frame.env:
            value = frame.env[name]
            if not as_base and value.ref is not None and value.ref.base and not value.ref.container:
                self.accesses.append(Access(value.ref.base, value.ref.prefix, False, self._stmt,
                                            frame.chain + name))
            return value
        if not frame.top:  # a global of the callee's module: numba freezes globals, read-only
            return Val(inv(f"global:{name}"))
        self.outer_reads.setdefault(name, []).append((self._stmt, self.scenario))
        ref = Ref(name, (), container=name in self.containers)
        if not as_base and not ref.container:
            self.accesses.append(Access(name, (), False, self._stmt, name))
        return Val(inv(name), ref)

    def _attribute(self, node: cst.Attribute, frame: Frame) -> Val:
        names = self._names(node)
        if any(n.startswith(PURE_PREFIXES) for n in names):
            return Val(inv(code_of(node)))  # np.pi, math.inf, np.float64
        attr = node.attr.value
        if attr in META_ATTRS:
            base = self.expr(node.value, frame, as_base=True)
            return Val(base.idx if base.idx.kind == INV else DEP_DATA)
        base = self.expr(node.value, frame, as_base=attr in VIEW_ATTRS)
        if attr in VIEW_ATTRS and base.ref is not None:
            return Val(DEP_DATA, replace(base.ref, prefix=None) if base.ref.base else base.ref)
        return Val(base.idx if base.idx.kind == INV else DEP_DATA)

    def _indices(self, node: cst.Subscript, frame: Frame) -> tuple[Idx, ...]:
        out: list[Idx] = []
        for el in node.slice:
            if isinstance(el.slice, cst.Slice):
                parts = [self.expr(p, frame).idx for p in (el.slice.lower, el.slice.upper, el.slice.step) if p]
                out.append(Idx(SLICE, note="chunk" if any(p.kind != INV for p in parts) else ""))
            else:
                val = self.expr(el.slice.value, frame)
                if val.items is not None and len(node.slice) == 1:
                    out.extend(v.idx for v in val.items)
                else:
                    out.append(val.idx)
        return tuple(out)

    def _subscript(self, node: cst.Subscript, frame: Frame) -> Val:
        base = self.expr(node.value, frame, as_base=True)
        idxs = self._indices(node, frame)
        ref = base.ref
        varying = any(i.kind != INV for i in idxs) or base.idx.kind != INV
        if ref is not None and ref.base and not ref.container:
            full = None if ref.prefix is None else ref.prefix + idxs
            self.accesses.append(Access(ref.base, full, False, self._stmt, frame.chain + code_of(node)))
            view = Ref(ref.base, full)
        else:
            view = PRIVATE if ref is not None and not ref.base else None
            varying = varying or view is not None
        if varying:
            return Val(DEP_DATA, view)
        return Val(inv(code_of(node)), view)

    def _call(self, node: cst.Call, frame: Frame) -> Val:
        func = node.func
        names = self._names(func)
        if isinstance(func, cst.Name) and func.value in self.resolver.functions and func.value in names:
            return self._callee(self.resolver.functions[func.value], node, frame)
        if isinstance(func, cst.Attribute) and not any(n.startswith(PURE_PREFIXES) for n in names):
            return self._method(node, func, frame)
        if not any(n.startswith(PURE_PREFIXES) for n in names):
            shown = code_of(func)
            self._unproven(self._stmt, f"calls `{shown}()`, which finfix cannot see "
                           "(not a jitted function of this module)", f"{shown}(...)")
        as_base = bool(names & {"builtins.len"})
        args = []
        for arg in node.args:
            val = self.expr(arg.value, frame, as_base=as_base)
            args.append(val)
            if arg.keyword is not None and arg.keyword.value == "out" and val.ref is not None and val.ref.base:
                text = frame.chain + code_of(node)
                self.accesses.append(Access(val.ref.base, val.ref.prefix, True, self._stmt, text))
        idxs = [a.idx for a in args]
        if names & {"builtins.int", "numpy.int64", "numpy.intp", "numpy.int32"} and len(args) == 1:
            result = args[0].idx
        else:
            result = flatten(idxs, node)
        if names & VIEW_FUNCS and args and args[0].ref is not None:
            ref = args[0].ref
            return Val(result, replace(ref, prefix=None) if ref.base else ref)
        if any(n.startswith("numpy.") for n in names):
            return Val(result, PRIVATE)
        if names & CONTAINER_CALLS:
            return Val(result, Ref("", container=True))
        return Val(result)

    def _method(self, node: cst.Call, func: cst.Attribute, frame: Frame) -> Val:
        method = func.attr.value
        receiver = self.expr(func.value, frame, as_base=True)
        args = [self.expr(a.value, frame) for a in node.args]
        ref = receiver.ref
        text = frame.chain + code_of(node)
        shared = ref is not None and bool(ref.base)
        if method in CONTAINER_MUTATORS and (shared or ref is None):
            if ref is None:
                self._unproven(self._stmt, f"`{text}` may mutate an object finfix cannot follow", text)
            else:
                self._racy(text, f"it mutates the container `{ref.base}` shared by all iterations "
                           "(not thread-safe in prange)", SUGGEST_CONTAINER, ("name", ref.base))
            return Val(DEP_DATA)
        if method in ARRAY_MUTATORS and ref is not None and shared:
            self.accesses.append(Access(ref.base, ref.prefix, True, self._stmt, text))
            return Val(DEP_DATA)
        if shared and not ref.container and method not in ARRAY_READ_METHODS | VIEW_METHODS | COPY_METHODS:
            self._unproven(self._stmt, f"calls the method `{code_of(func)}()`, which finfix does not know "
                           "(a jitclass method may write shared state)", text)
        if shared:
            self.accesses.append(Access(ref.base, ref.prefix, False, self._stmt, text))
        result = flatten([receiver.idx, *[a.idx for a in args]], node)
        if method in VIEW_METHODS and ref is not None:
            return Val(DEP_DATA, replace(ref, prefix=None) if ref.base else ref)
        if method in COPY_METHODS:
            return Val(result, PRIVATE)
        return Val(result, PRIVATE if ref is not None else None)

    def _callee(self, fdef: cst.FunctionDef, call: cst.Call, frame: Frame) -> Val:
        name = fdef.name.value
        if name in frame.stack or len(frame.stack) > 4:
            self._unproven(self._stmt, f"`{name}` is recursive or nested too deeply to follow")
            return Val(DEP_DATA)
        params = fdef.params
        if params.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or params.star_kwarg is not None or any(
            a.star for a in call.args
        ):
            self._unproven(self._stmt, f"cannot bind the arguments of `{name}` (star arguments)")
            return Val(DEP_DATA)
        positional = [*params.posonly_params, *params.params]
        env: dict[str, Val] = {}
        for k, arg in enumerate(call.args):
            val = self.expr(arg.value, frame, as_base=True)
            if arg.keyword is not None:
                env[arg.keyword.value] = val
            elif k < len(positional):
                env[positional[k].name.value] = val
        for p in [*positional, *params.kwonly_params]:
            if p.name.value not in env:
                env[p.name.value] = Val(inv(f"default:{name}.{p.name.value}"))
        chain = f"{frame.chain}{code_of(call)} -> "
        inner = Frame(env=env, top=False, stack=frame.stack + (name,), chain=chain)
        saved = self._stmt
        self.block(fdef.body, inner, saved)
        self._stmt = saved
        if not inner.returns:
            return Val(inv("None"))
        result = inner.returns[0]
        for other in inner.returns[1:]:
            result = join(result, other, widen=False)
        return Val(result.idx if result.idx.kind == INV else DEP_DATA, result.ref, result.items)

    def _comprehension(self, node, frame: Frame) -> None:
        inner = self._copy(frame)
        comp = node.for_in
        while comp is not None:
            self.expr(comp.iter, inner)
            self._bind_target(comp.target, Val(DEP_DATA), inner)
            for cond in comp.ifs:
                self.expr(cond.test, inner)
            comp = comp.inner_for_in
        for child in ("elt", "key", "value"):
            if hasattr(node, child):
                self.expr(getattr(node, child), inner)

    # -- index arithmetic ------------------------------------------------------------------------------
    def _arith(self, op: str, a: Idx, b: Idx, node: cst.CSTNode) -> Idx:
        if a.kind == INV and b.kind == INV:
            if op in ("+", "-"):
                return add(a, b, 1 if op == "+" else -1)
            if op == "*" and (a.literal or b.literal):
                lit, other = (a, b) if a.literal else (b, a)
                return scale(other, lit.const, node)
            return inv(code_of(node))
        if op in ("+", "-") and {a.kind, b.kind} <= {INV, AFF}:
            return add(a, b, 1 if op == "+" else -1)
        if op in ("+", "-") and {a.kind, b.kind} == {INV, CHUNK}:
            return Idx(CHUNK)
        if op == "*" and a.kind == AFF and b.literal:
            return scale(a, b.const, node)
        if op == "*" and b.kind == AFF and a.literal:
            return scale(b, a.const, node)
        if DEP in (a.kind, b.kind) and "data" in (a.note, b.note):
            return DEP_DATA
        return DEP_MAP

    # -- bookkeeping ----------------------------------------------------------------------------------
    def _names(self, node: cst.CSTNode) -> set[str]:
        return self.resolver.names(node)

    def _copy(self, frame: Frame) -> Frame:
        return Frame(dict(frame.env), frame.top, frame.stack, frame.chain, frame.returns)

    def _join_env(self, a: dict[str, Val], b: dict[str, Val], widen: bool = False) -> dict[str, Val]:
        out: dict[str, Val] = {}
        for key in a.keys() | b.keys():
            if key in a and key in b:
                out[key] = join(a[key], b[key], widen)
            else:
                out[key] = a.get(key) or b[key]
        return out

    def _racy(self, text: str, reason: str, suggestion: str, subject: tuple[str, str] = ("", "")) -> None:
        self.problems.append(Verdict(RACY, reason, self._stmt, text, suggestion, subject))

    def _unproven(self, stmt, reason: str, text: str = "") -> None:
        if not text and stmt is not None:
            text = (code_of(stmt).strip().splitlines() or [""])[0]
        self.problems.append(Verdict(UNPROVEN, reason, stmt, text))


def _children_exprs(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    if isinstance(node, cst.BooleanOperation):
        yield node.left
        yield node.right
    elif isinstance(node, cst.Comparison):
        yield node.left
        for c in node.comparisons:
            yield c.comparator
    elif isinstance(node, (cst.List, cst.Set)):
        for el in node.elements:
            yield el.value
    elif isinstance(node, cst.Dict):
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                yield el.key
            yield el.value


