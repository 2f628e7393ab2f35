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
