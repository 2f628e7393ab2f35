"""Facts about the function around a ``prange`` loop: its containers, and the names live after it."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of
from finfix.sdk.numba.race_exprs import CONTAINER_CALLS
from finfix.sdk.numba.race_forms import Resolver


def containers(fn: cst.FunctionDef, loop: cst.For, resolver: Resolver) -> set[str]:
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


# -- loop-invariant conditions ----------------------------------------------------------------------
_PURE_CALLS = ("builtins.len", "builtins.abs", "builtins.min", "builtins.max", "builtins.int", "builtins.float",
               "builtins.bool", "math.", "numpy.")


class _Bound(cst.CSTVisitor):
    """Names a loop body may change: ``assigned`` (rebound) and ``mutated`` (written through)."""

    def __init__(self) -> None:
        self.assigned: set[str] = set()
        self.mutated: set[str] = set()

    def _target(self, node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Name):
            self.assigned.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for el in node.elements:
                self._target(el.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)
        elif isinstance(node, (cst.Subscript, cst.Attribute)):
            root = node.value
            while isinstance(root, (cst.Subscript, cst.Attribute)):
                root = root.value
            if isinstance(root, cst.Name):
                self.mutated.add(root.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._target(t.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._target(node.name)  # type: ignore[arg-type]

    def visit_Call(self, node: cst.Call) -> None:
        # a callee or a method may write through any array it is given
        if isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
            self.mutated.add(node.func.value.value)
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                self.mutated.add(arg.value.value)


def changed_in(body: cst.CSTNode) -> tuple[set[str], set[str]]:
    """(assigned, mutated): the names ``body`` rebinds, and those it may write through."""
    v = _Bound()
    body.visit(v)
    return v.assigned, v.mutated


def is_invariant_test(test: cst.BaseExpression, assigned: set[str], mutated: set[str], names) -> bool:
    """Does ``test`` have one outcome for the whole loop? Built only from names the loop never rebinds,
    literals, arithmetic, comparisons, `.shape`-like attributes, reads of arrays the loop never writes
    and calls of pure functions (``names`` gives a node's qualified names)."""

    def ok(node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name):
            return node.value not in assigned
        if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString)):
            return True
        if isinstance(node, cst.Attribute):
            return ok(node.value)
        if isinstance(node, cst.Subscript):
            root = node.value
            if isinstance(root, cst.Name) and root.value in mutated:
                return False
            return ok(root) and all(
                not isinstance(el.slice, cst.Slice) and ok(el.slice.value) for el in node.slice
            )
        if isinstance(node, cst.UnaryOperation):
            return ok(node.expression)
        if isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
            return ok(node.left) and ok(node.right)
        if isinstance(node, cst.Comparison):
            return ok(node.left) and all(ok(c.comparator) for c in node.comparisons)
        if isinstance(node, cst.Call):
            quals = names(node.func)
            return bool(quals) and all(q.startswith(_PURE_CALLS) for q in quals) and all(
                not a.star and ok(a.value) for a in node.args)
        return False

    return ok(test)
