"""Static race analysis of one numba ``prange`` loop (used by FX001).

A small abstract interpreter walks the loop body in program order. Every integer expression gets an
*index form* relative to the loop variable ``i``:

* ``invariant``: the same in every iteration (constants, names bound outside the loop, inner ``range``
  variables whose bounds do not depend on ``i``);
* ``affine``: ``c*i + k`` with a literal ``c != 0`` and a loop-invariant ``k`` (injective in ``i``);
* ``chunk``: an inner ``range`` variable whose start and stop both depend on ``i`` (a chunked loop,
  CSR row segments);
* ``dependent``: anything else that varies with ``i``: values read through ``i`` (``b = int(x[i] / w)``)
  or non-injective maps (``i % k``, ``i // 2``, ``i * m + j``).

Every subscript read or write of an array that lives outside the loop is recorded with its index forms
(views such as ``row = X[i]`` and callee parameters keep the prefix they were bound with). An array is
race-free when some index position holds the *same* affine form in every access to it; everything
else written from several iterations is a race. Scalars follow numba's reduction rules. The verdict is
``racy`` (rewrite to ``range``), ``race-free`` (leave it) or ``unproven`` (leave it, report why).
The analysis is conservative: "race-free" is only said when it is proven under the assumption that
distinct array names do not alias each other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

import libcst as cst

from finfix.sdk.numba.race_forms import (
    AFF, CHUNK, DEP, DEP_DATA, DEP_MAP, INV, PRIVATE, RACE_FREE, RACY, SLICE, SUGGEST_CONTAINER, SUGGEST_LASTPRIVATE,
    SUGGEST_SCALAR, UNPROVEN, Access, Idx, Ref, Val, Verdict, add, flatten, inv, join, judge_array, scale,
)
from finfix.sdk.names import code_of

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
class _Frame:
    env: dict[str, Val]
    top: bool
    stack: tuple[str, ...] = ()
    chain: str = ""  # "work(P, t) -> " when inside a callee
    returns: list[Val] = field(default_factory=list)


class Resolver:
    """What the analysis asks the rule: qualified names and the module's functions."""

    def __init__(
        self,
        names: Callable[[cst.CSTNode], set[str]],
        functions: dict[str, cst.FunctionDef],
    ) -> None:
        self.names = names
        self.functions = functions


def loop_variable(loop: cst.For) -> str | None:
    return loop.target.value if isinstance(loop.target, cst.Name) else None


def analyse_loop(loop: cst.For, fn: cst.FunctionDef, resolver: Resolver) -> Verdict:
    """Classify the prange loop ``loop`` of function ``fn``."""
    var = loop_variable(loop)
    if var is None:
        return Verdict(UNPROVEN, "the loop target is not a single name (numba supports `for i in prange(n)`)")
    analysis = _Analysis(var, resolver, containers=_containers(fn, loop, resolver))
    frame = _Frame(env={var: Val(Idx(AFF, coef=1))}, top=True, stack=(fn.name.value,))
    assert isinstance(loop.body, (cst.IndentedBlock, cst.SimpleStatementSuite))
    analysis.block(loop.body, frame, None)
    return analysis.judge(live_after(fn, loop))


class _Analysis:
    def __init__(self, var: str, resolver: Resolver, containers: set[str]) -> None:
        self.var = var
        self.resolver = resolver
        self.containers = containers
        self.accesses: list[Access] = []
        self.reductions: dict[str, list[tuple[str, cst.CSTNode]]] = {}
        self.assigns: dict[str, list[cst.CSTNode]] = {}
        self.outer_reads: dict[str, list[cst.CSTNode]] = {}
        self.problems: list[Verdict] = []
        self._fresh = itertools.count()
        self._stmt: cst.CSTNode | None = None  # current statement of the loop body

    # -- statements -----------------------------------------------------------------------------------
    def block(self, body: cst.BaseSuite | cst.BaseStatement, frame: _Frame, top_stmt) -> None:
        if isinstance(body, cst.IndentedBlock):
            for stmt in body.body:
                self.statement(stmt, frame, top_stmt)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.small(small, frame, top_stmt or small)
        else:
            self.statement(body, frame, top_stmt)

    def statement(self, stmt: cst.BaseStatement, frame: _Frame, top_stmt) -> None:
        here = top_stmt or stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small(small, frame, top_stmt or stmt)
        elif isinstance(stmt, cst.If):
            self._stmt = here
            self.expr(stmt.test, frame)
            then = self._copy(frame)
            self.block(stmt.body, then, top_stmt)
            other = self._copy(frame)
            if isinstance(stmt.orelse, cst.If):  # elif
                self.statement(stmt.orelse, other, top_stmt)
            elif stmt.orelse is not None:
                self.block(stmt.orelse.body, other, top_stmt)
            frame.env = self._join_env(then.env, other.env)
        elif isinstance(stmt, cst.For):
            self._for(stmt, frame, here, top_stmt)
        elif isinstance(stmt, cst.While):
            self._stmt = here
            self.expr(stmt.test, frame)
            self._loop_body(stmt.body, frame, top_stmt, lambda f: self.expr(stmt.test, f))
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.expr(item.item, frame)
            self.block(stmt.body, frame, top_stmt)
        elif isinstance(stmt, cst.Try):
            self.block(stmt.body, frame, top_stmt)
            for handler in stmt.handlers:
                self.block(handler.body, frame, top_stmt)
            for extra in (stmt.orelse, stmt.finalbody):
                if extra is not None:
                    self.block(extra.body, frame, top_stmt)
        else:
            what = type(stmt).__name__
            self._unproven(here, f"the loop body contains a `{what}` statement finfix does not analyse")

    def small(self, small: cst.BaseSmallStatement, frame: _Frame, top_stmt) -> None:
        self._stmt = top_stmt
        if isinstance(small, cst.Assign):
            if frame.top and self._reduction_assign(small, frame):
                return
            value = self.expr(small.value, frame)
            for target in small.targets:
                self.store(target.target, value, frame, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.store(small.target, self.expr(small.value, frame), frame, small)
        elif isinstance(small, cst.AugAssign):
            self._aug(small, frame)
        elif isinstance(small, cst.Expr):
            self.expr(small.value, frame)
        elif isinstance(small, cst.Return):
            if small.value is not None:
                frame.returns.append(self.expr(small.value, frame))
        elif isinstance(small, (cst.Raise, cst.Assert)):
            for child in (getattr(small, "exc", None), getattr(small, "test", None)):
                if child is not None:
                    self.expr(child, frame)
        elif isinstance(small, (cst.Pass, cst.Break, cst.Continue, cst.Del, cst.Import, cst.ImportFrom)):
            pass
        else:
            self._unproven(top_stmt, f"`{code_of(small).strip()}` is not analysed")

    def _for(self, stmt: cst.For, frame: _Frame, here, top_stmt) -> None:
        self._stmt = here
        it = stmt.iter
        var_val: Val
        if isinstance(it, cst.Call) and self._names(it.func) & RANGE_NAMES:
            bounds = [self.expr(a.value, frame).idx for a in it.args]
            kinds = {b.kind for b in bounds}
            if kinds <= {INV}:
                var_val = Val(inv(f"{_target_text(stmt)}#{next(self._fresh)}"))
            elif len(bounds) >= 2 and bounds[0].kind != INV and bounds[1].kind != INV:
                var_val = Val(Idx(CHUNK))  # a segment per iteration: `range(c * size, c * size + size)`
            else:
                var_val = Val(DEP_MAP)
        else:
            source = self.expr(it, frame)
            var_val = Val(DEP_DATA if source.idx.kind != INV else inv(f"item#{next(self._fresh)}"))

        def bind(f: _Frame) -> None:
            self._bind_target(stmt.target, var_val, f)

        bind(frame)
        self._loop_body(stmt.body, frame, top_stmt, bind)
        if stmt.orelse is not None:
            self.block(stmt.orelse.body, frame, top_stmt)

    def _loop_body(self, body, frame: _Frame, top_stmt, rebind: Callable[[_Frame], None]) -> None:
        """Run an inner loop body twice so that values carried between its iterations are joined."""
        before = dict(frame.env)
        self.block(body, frame, top_stmt)
        frame.env = self._join_env(before, frame.env, widen=True)
        rebind(frame)
        self.block(body, frame, top_stmt)
        frame.env = self._join_env(before, frame.env, widen=True)

    def _bind_target(self, target: cst.BaseExpression, value: Val, frame: _Frame) -> None:
        if isinstance(target, cst.Name):
            frame.env[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._bind_target(el.value, Val(DEP_DATA), frame)
        else:
            self.store(target, value, frame, self._stmt)

    def _aug(self, node: cst.AugAssign, frame: _Frame) -> None:
        op = _AUG_OPS.get(type(node.operator), "?")
        target = node.target
        if isinstance(target, cst.Name):
            name = target.value
            value = self.expr(node.value, frame)
            if frame.top and name not in frame.env:
                self.reductions.setdefault(name, []).append((op, node))
            elif name in frame.env:
                frame.env[name] = Val(self._arith(op, frame.env[name].idx, value.idx, node), PRIVATE)
            else:  # a callee's parameter or local: private to the call
                frame.env[name] = Val(DEP_DATA, PRIVATE)
        elif isinstance(target, cst.Subscript):
            value = self.expr(node.value, frame)
            self.store(target, value, frame, node, aug=True)
        else:
            self.store(target, Val(DEP_DATA), frame, node)

    def _reduction_assign(self, node: cst.Assign, frame: _Frame) -> bool:
        """`s = s + e`, `s = max(s, e)`: numba's reductions on a name bound outside the loop."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return False
        name = node.targets[0].target.value
        if name in frame.env:
            return False
        value = node.value
        other: cst.BaseExpression | None = None
        op = ""
        if isinstance(value, cst.BinaryOperation) and type(value.operator) in _BIN_OPS:
            op = _BIN_OPS[type(value.operator)]
            if _is_name(value.left, name):
                other = value.right
            elif op in ("+", "*") and _is_name(value.right, name):
                other = value.left
        elif isinstance(value, cst.Call) and len(value.args) == 2 and not any(a.keyword or a.star for a in value.args):
            fn = self._names(value.func) & {"builtins.max", "builtins.min"}
            if fn:
                op = fn.pop().split(".")[1]
                first, second = value.args[0].value, value.args[1].value
                other = second if _is_name(first, name) else first if _is_name(second, name) else None
        if other is None:
            return False
        self.expr(other, frame)
        self.reductions.setdefault(name, []).append((op, node))
        return True

    def store(self, target: cst.BaseExpression, value: Val, frame: _Frame, stmt, aug: bool = False) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if frame.top and name not in frame.env and name != self.var:
                self.assigns.setdefault(name, []).append(stmt)
            frame.env[name] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = value.items if value.items is not None and len(value.items) == len(target.elements) else None
            for k, el in enumerate(target.elements):
                self.store(el.value, items[k] if items else Val(DEP_DATA), frame, stmt)
        elif isinstance(target, cst.Subscript):
            base = self.expr(target.value, frame, as_base=True)
            idxs = self._indices(target, frame)
            text = frame.chain + code_of(stmt).strip().splitlines()[0]
            ref = base.ref
            if ref is None:
                self._unproven(self._stmt, f"`{text}` writes through `{code_of(target.value)}`, "
                               "whose origin finfix cannot follow", text)
            elif ref.container:
                self._racy(text, f"writes to the container `{ref.base}` shared by all iterations "
                           "(numba containers are not thread-safe)", SUGGEST_CONTAINER)
            elif ref.base:
                full = None if ref.prefix is None or idxs is None else ref.prefix + idxs
                if aug:
                    self.accesses.append(Access(ref.base, full, False, self._stmt, text, aug=True))
                self.accesses.append(Access(ref.base, full, True, self._stmt, text, aug=aug))
        elif isinstance(target, cst.Attribute):
            self.expr(target.value, frame)
            text = frame.chain + code_of(stmt).strip().splitlines()[0]
            self._racy(text, f"assigns the attribute `{code_of(target)}` of an object shared by all iterations",
                       SUGGEST_LASTPRIVATE)
        else:
            self._unproven(self._stmt, f"cannot follow the assignment target `{code_of(target)}`")

    # -- expressions ----------------------------------------------------------------------------------
    def expr(self, node: cst.BaseExpression, frame: _Frame, as_base: bool = False) -> Val:
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

    def _name(self, name: str, frame: _Frame, as_base: bool) -> Val:
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
        self.outer_reads.setdefault(name, []).append(self._stmt)
        ref = Ref(name, (), container=name in self.containers)
        if not as_base and not ref.container:
            self.accesses.append(Access(name, (), False, self._stmt, name))
        return Val(inv(name), ref)

    def _attribute(self, node: cst.Attribute, frame: _Frame) -> Val:
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

    def _indices(self, node: cst.Subscript, frame: _Frame) -> tuple[Idx, ...]:
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

    def _subscript(self, node: cst.Subscript, frame: _Frame) -> Val:
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

    def _call(self, node: cst.Call, frame: _Frame) -> Val:
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

    def _method(self, node: cst.Call, func: cst.Attribute, frame: _Frame) -> Val:
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
                self._racy(text, f"mutates the container `{ref.base}` shared by all iterations "
                           "(not thread-safe in prange)", SUGGEST_CONTAINER)
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

    def _callee(self, fdef: cst.FunctionDef, call: cst.Call, frame: _Frame) -> Val:
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
        inner = _Frame(env=env, top=False, stack=frame.stack + (name,), chain=chain)
        saved = self._stmt
        self.block(fdef.body, inner, saved)
        self._stmt = saved
        if not inner.returns:
            return Val(inv("None"))
        result = inner.returns[0]
        for other in inner.returns[1:]:
            result = join(result, other, widen=False)
        return Val(result.idx if result.idx.kind == INV else DEP_DATA, result.ref, result.items)

    def _comprehension(self, node, frame: _Frame) -> None:
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

    def _copy(self, frame: _Frame) -> _Frame:
        return _Frame(dict(frame.env), frame.top, frame.stack, frame.chain, frame.returns)

    def _join_env(self, a: dict[str, Val], b: dict[str, Val], widen: bool = False) -> dict[str, Val]:
        out: dict[str, Val] = {}
        for key in a.keys() | b.keys():
            if key in a and key in b:
                out[key] = join(a[key], b[key], widen)
            else:
                out[key] = a.get(key) or b[key]
        return out

    def _racy(self, text: str, reason: str, suggestion: str) -> None:
        self.problems.append(Verdict(RACY, reason, self._stmt, text, suggestion))

    def _unproven(self, stmt, reason: str, text: str = "") -> None:
        if not text and stmt is not None:
            text = (code_of(stmt).strip().splitlines() or [""])[0]
        self.problems.append(Verdict(UNPROVEN, reason, stmt, text))

    # -- the verdict -----------------------------------------------------------------------------------
    def judge(self, live: set[str]) -> Verdict:
        found = [p for p in self.problems if p.status == RACY]
        found += self._judge_arrays()
        found += self._judge_names(live)
        racy = [v for v in found if v.status == RACY]
        if racy:
            return racy[0]
        unproven = [v for v in found if v.status == UNPROVEN] + [
            p for p in self.problems if p.status == UNPROVEN]
        return unproven[0] if unproven else Verdict(RACE_FREE, self._why_race_free())

    def _why_race_free(self) -> str:
        parts = []
        written = list(dict.fromkeys(a.base for a in self.accesses if a.write))
        if written:
            parts.append("each iteration writes only its own elements of " + ", ".join(f"`{b}`" for b in written))
        if self.reductions:
            shown = ", ".join(f"`{n}` ({ops[0][0]})" for n, ops in self.reductions.items())
            parts.append(f"numba reduces {shown} across threads")
        return "; ".join(parts) or "it writes nothing shared between iterations"

    def _judge_arrays(self) -> list[Verdict]:
        out: list[Verdict] = []
        bases = list(dict.fromkeys(a.base for a in self.accesses if a.write))
        for base in bases:
            accs = [a for a in self.accesses if a.base == base]
            verdict = judge_array(base, accs, self.var)
            if verdict is not None:
                out.append(verdict)
        return out

    def _judge_names(self, live: set[str]) -> list[Verdict]:
        out: list[Verdict] = []
        for name, ops in self.reductions.items():
            stmt = ops[0][1]
            text = code_of(stmt).strip()
            kinds = {op for op, _ in ops}
            if name in self.assigns:
                out.append(Verdict(RACY, f"`{name}` is both reassigned and reduced in the loop", stmt,
                                   text, SUGGEST_SCALAR))
            elif len(kinds) > 1:
                shown = ", ".join(sorted(kinds))
                out.append(Verdict(RACY, f"`{name}` is reduced with mixed operators ({shown}); numba needs one "
                                   "operator per reduction variable", stmt, text, SUGGEST_SCALAR))
            elif not kinds <= REDUCTION_OPS:
                out.append(Verdict(RACY, f"`{kinds.pop()}=` is not a reduction numba supports; every thread "
                                   f"updates the shared `{name}`", stmt, text, SUGGEST_SCALAR))
            elif name in self.outer_reads:
                out.append(Verdict(RACY, f"reads the partial reduction `{name}` inside the loop", stmt,
                                   text, SUGGEST_SCALAR))
        for name, stmts in self.assigns.items():
            if name in self.reductions:
                continue
            if name in live or name in self.outer_reads:
                stmt = stmts[0]
                why = ("is read after the loop: its value is whichever iteration wrote last"
                       if name in live else "is read before it is assigned, so it sees other iterations' writes")
                out.append(Verdict(RACY, f"assigns the outer name `{name}`, which {why}", stmt,
                                   code_of(stmt).strip(), SUGGEST_LASTPRIVATE))
        return out


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _target_text(stmt: cst.For) -> str:
    return code_of(stmt.target).strip()


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


# -- facts about the surrounding function ---------------------------------------------------------------
def _containers(fn: cst.FunctionDef, loop: cst.For, resolver: Resolver) -> set[str]:
    """Names bound in ``fn`` outside ``loop`` to a list, dict, set or numba typed container."""
    found: set[str] = set()

    class V(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> bool:
            return node is not loop

        def visit_Assign(self, node: cst.Assign) -> None:
            value = node.value
            is_container = isinstance(value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp))
            if isinstance(value, cst.Call):
                func = value.func
                names = resolver.names(func)
                if isinstance(func, cst.Attribute):
                    names |= {n + "." + func.attr.value for n in resolver.names(func.value)}
                is_container = bool(names & CONTAINER_CALLS)
            if is_container:
                for t in node.targets:
                    if isinstance(t.target, cst.Name):
                        found.add(t.target.value)

    fn.body.visit(V())
    for p in [*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params]:
        ann = p.annotation
        if ann is not None and code_of(ann.annotation).split("[")[0].split(".")[-1] in ("list", "dict", "set", "List",
                                                                                          "Dict", "Set"):
            found.add(p.name.value)
    return found


def live_after(fn: cst.FunctionDef, loop: cst.For) -> set[str]:
    """Names whose value after ``loop`` may be read: the first thing that happens to them after the
    loop (in document order) is a read. If ``loop`` sits inside another loop, names read anywhere in
    that enclosing loop count too."""
    events: list[tuple[str, bool, str]] = []  # (name, is_store, where: before/inside/after)
    state = {"where": "before"}
    enclosing: list[bool] = []
    encl_names: set[str] = set()

    class V(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> bool | None:
            if node is loop:
                state["where"] = "inside"
                if any(enclosing):
                    state["enclosed"] = "yes"
                return False
            # the iterable is evaluated before the target is stored
            node.iter.visit(self)
            _stores(node.target)
            enclosing.append(True)
            node.body.visit(self)
            enclosing.pop()
            if node.orelse:
                node.orelse.visit(self)
            return False

        def leave_For(self, node: cst.For) -> None:
            if node is loop:
                state["where"] = "after"

        def visit_While(self, node: cst.While) -> bool:
            enclosing.append(True)
            return True

        def leave_While(self, node: cst.While) -> None:
            enclosing.pop()

        def visit_Assign(self, node: cst.Assign) -> bool:
            node.value.visit(self)
            for t in node.targets:
                if isinstance(t.target, cst.Name):
                    _stores(t.target)
                else:
                    t.target.visit(self)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            events.append((node.value, False, state["where"]))
            if enclosing:
                encl_names.add(node.value)

    def _stores(target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            events.append((target.value, True, state["where"]))
        else:
            target.visit(V_inst)

    V_inst = V()
    fn.body.visit(V_inst)
    live: set[str] = set()
    decided: set[str] = set()
    for name, is_store, where in events:
        if where != "after" or name in decided:
            continue
        decided.add(name)
        if not is_store:
            live.add(name)
    if state.get("enclosed"):
        live |= encl_names
    return live
