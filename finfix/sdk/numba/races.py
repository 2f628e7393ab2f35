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
from typing import Callable

import libcst as cst

from finfix.sdk.names import code_of
from finfix.sdk.numba.loop_facts import changed_in, containers, is_invariant_test, live_after
from finfix.sdk.numba.race_exprs import (
    _AUG_OPS, _BIN_OPS, RANGE_NAMES, ExprMixin, Frame,
)
from finfix.sdk.numba.race_forms import (
    AFF, CHUNK, DEP_DATA, DEP_MAP, INV, PRIVATE, SUGGEST_CONTAINER, SUGGEST_LASTPRIVATE, UNPROVEN, Access,
    Idx, Resolver, Scenario, Val, Verdict, inv,
)
from finfix.sdk.numba.race_verdict import VerdictMixin

__all__ = ["Resolver", "analyse_loop", "loop_variable", "live_after"]


def loop_variable(loop: cst.For) -> str | None:
    return loop.target.value if isinstance(loop.target, cst.Name) else None


def analyse_loop(loop: cst.For, fn: cst.FunctionDef, resolver: Resolver) -> Verdict:
    """Classify the prange loop ``loop`` of function ``fn``."""
    var = loop_variable(loop)
    if var is None:
        return Verdict(UNPROVEN, "the loop target is not a single name (numba supports `for i in prange(n)`)")
    analysis = LoopAnalysis(var, resolver, containers=containers(fn, loop, resolver))
    assigned, analysis.mutated = changed_in(loop.body)
    analysis.bound = assigned | {var}
    frame = Frame(env={var: Val(Idx(AFF, coef=1))}, top=True, stack=(fn.name.value,))
    assert isinstance(loop.body, (cst.IndentedBlock, cst.SimpleStatementSuite))
    analysis.block(loop.body, frame, None)
    return analysis.judge(live_after(fn, loop))


MAX_CONDITIONS = 6  # 2**6 scenarios at most


class _Stamped(list):
    """The accesses list: every access recorded is stamped with the scenario it happens under."""

    def __init__(self, owner: LoopAnalysis) -> None:
        super().__init__()
        self.owner = owner

    def append(self, access: Access) -> None:
        access.scenario = self.owner.scenario
        super().append(access)


class LoopAnalysis(ExprMixin, VerdictMixin):
    def __init__(self, var: str, resolver: Resolver, containers: set[str]) -> None:
        self.var = var
        self.resolver = resolver
        self.containers = containers
        self.accesses: list[Access] = _Stamped(self)
        # name -> [(operator, statement, scenario)], [(statement, scenario)]
        self.reductions: dict[str, list[tuple[str, cst.CSTNode, Scenario]]] = {}
        self.assigns: dict[str, list[tuple[cst.CSTNode, Scenario]]] = {}
        self.outer_reads: dict[str, list[tuple[cst.CSTNode, Scenario]]] = {}
        # Path sensitivity: the outcome of each loop-invariant condition we are under, and the
        # conditions seen (by their text, so `if flag:` twice is one condition).
        self.scenario: Scenario = ()
        self.conditions: dict[str, int] = {}
        self.bound: set[str] = set()  # names the loop body binds: conditions on them are not invariant
        self.mutated: set[str] = set()  # names it may write through
        self.problems: list[Verdict] = []
        self._fresh = itertools.count()
        self._stmt: cst.CSTNode | None = None  # current statement of the loop body

    def _invariant_condition(self, test: cst.BaseExpression, frame: Frame) -> int | None:
        """The id of ``test`` when it has the same outcome in every iteration (and at every point of
        one iteration), else None. Only conditions of the loop body itself (not of a callee) split."""
        if not frame.top or not is_invariant_test(test, self.bound, self.mutated, self._names):
            return None
        key = code_of(test).strip()
        if key not in self.conditions:
            if len(self.conditions) >= MAX_CONDITIONS:
                return None  # beyond this, the branches are merged (conservative)
            self.conditions[key] = len(self.conditions)
        return self.conditions[key]

    # -- statements -----------------------------------------------------------------------------------
    def block(self, body: cst.BaseSuite | cst.BaseStatement, frame: Frame, top_stmt) -> None:
        if isinstance(body, cst.IndentedBlock):
            for stmt in body.body:
                self.statement(stmt, frame, top_stmt)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.small(small, frame, top_stmt or small)
        else:
            self.statement(body, frame, top_stmt)

    def statement(self, stmt: cst.BaseStatement, frame: Frame, top_stmt) -> None:
        here = top_stmt or stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small(small, frame, top_stmt or stmt)
        elif isinstance(stmt, cst.If):
            self._stmt = here
            self.expr(stmt.test, frame)
            cond = self._invariant_condition(stmt.test, frame)
            outer = self.scenario
            then = self._copy(frame)
            if cond is not None:
                self.scenario = outer + ((cond, True),)
            self.block(stmt.body, then, top_stmt)
            other = self._copy(frame)
            if cond is not None:
                self.scenario = outer + ((cond, False),)
            if isinstance(stmt.orelse, cst.If):  # elif
                self.statement(stmt.orelse, other, top_stmt)
            elif stmt.orelse is not None:
                self.block(stmt.orelse.body, other, top_stmt)
            self.scenario = outer
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

    def small(self, small: cst.BaseSmallStatement, frame: Frame, top_stmt) -> None:
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

    def _for(self, stmt: cst.For, frame: Frame, here, top_stmt) -> None:
        self._stmt = here
        it = stmt.iter
        var_val: Val
        if isinstance(it, cst.Call) and self._names(it.func) & RANGE_NAMES:
            bounds = [self.expr(a.value, frame).idx for a in it.args]
            kinds = {b.kind for b in bounds}
            if kinds <= {INV}:
                var_val = Val(inv(f"{_target_text(stmt)}#{next(self._fresh)}{_literal_bounds(bounds)}"))
            elif len(bounds) >= 2 and bounds[0].kind != INV and bounds[1].kind != INV:
                var_val = Val(Idx(CHUNK))  # a segment per iteration: `range(c * size, c * size + size)`
            else:
                var_val = Val(DEP_MAP)
        else:
            source = self.expr(it, frame)
            var_val = Val(DEP_DATA if source.idx.kind != INV else inv(f"item#{next(self._fresh)}"))

        def bind(f: Frame) -> None:
            self._bind_target(stmt.target, var_val, f)

        bind(frame)
        self._loop_body(stmt.body, frame, top_stmt, bind)
        if stmt.orelse is not None:
            self.block(stmt.orelse.body, frame, top_stmt)

    def _loop_body(self, body, frame: Frame, top_stmt, rebind: Callable[[Frame], None]) -> None:
        """Run an inner loop body twice so that values carried between its iterations are joined."""
        before = dict(frame.env)
        self.block(body, frame, top_stmt)
        frame.env = self._join_env(before, frame.env, widen=True)
        rebind(frame)
        self.block(body, frame, top_stmt)
        frame.env = self._join_env(before, frame.env, widen=True)

    def _bind_target(self, target: cst.BaseExpression, value: Val, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.env[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._bind_target(el.value, Val(DEP_DATA), frame)
        else:
            self.store(target, value, frame, self._stmt)

    def _aug(self, node: cst.AugAssign, frame: Frame) -> None:
        op = _AUG_OPS.get(type(node.operator), "?")
        target = node.target
        if isinstance(target, cst.Name):
            name = target.value
            value = self.expr(node.value, frame)
            if frame.top and name not in frame.env:
                self.reductions.setdefault(name, []).append((op, node, self.scenario))
            elif name in frame.env:
                frame.env[name] = Val(self._arith(op, frame.env[name].idx, value.idx, node), PRIVATE)
            else:  # a callee's parameter or local: private to the call
                frame.env[name] = Val(DEP_DATA, PRIVATE)
        elif isinstance(target, cst.Subscript):
            value = self.expr(node.value, frame)
            self.store(target, value, frame, node, aug=True)
        else:
            self.store(target, Val(DEP_DATA), frame, node)

    def _reduction_assign(self, node: cst.Assign, frame: Frame) -> bool:
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
        self.reductions.setdefault(name, []).append((op, node, self.scenario))
        return True

    def store(self, target: cst.BaseExpression, value: Val, frame: Frame, stmt, aug: bool = False) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if frame.top and name not in frame.env and name != self.var:
                self.assigns.setdefault(name, []).append((stmt, self.scenario))
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
                self._racy(text, f"it writes to the container `{ref.base}` shared by all iterations "
                           "(numba containers are not thread-safe)", SUGGEST_CONTAINER, ("name", ref.base))
            elif ref.base:
                full = None if ref.prefix is None or idxs is None else ref.prefix + idxs
                if aug:
                    self.accesses.append(Access(ref.base, full, False, self._stmt, text, aug=True))
                self.accesses.append(Access(ref.base, full, True, self._stmt, text, aug=aug))
        elif isinstance(target, cst.Attribute):
            self.expr(target.value, frame)
            text = frame.chain + code_of(stmt).strip().splitlines()[0]
            self._racy(text, f"it assigns the attribute `{code_of(target)}` of an object shared by all iterations",
                       SUGGEST_LASTPRIVATE)
        else:
            self._unproven(self._stmt, f"cannot follow the assignment target `{code_of(target)}`")


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _target_text(stmt: cst.For) -> str:
    return code_of(stmt.target).strip()


def _literal_bounds(bounds: list[Idx]) -> str:
    """``@lo:hi`` when an inner ``range`` has literal bounds and step 1 (the exact test uses them)."""
    if not all(b.literal for b in bounds):
        return ""
    if len(bounds) == 1:
        return f"@0:{bounds[0].const}"
    if len(bounds) == 2 or (len(bounds) == 3 and bounds[2].const == 1):
        return f"@{bounds[0].const}:{bounds[1].const}"
    return ""
