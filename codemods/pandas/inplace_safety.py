"""FX201's question: is rebinding ``df = df.method(...)`` invisible to every other reference to the frame?

A mixin of :class:`~finfix.codemods.pandas.inplace.PandasInplace` (it uses the rule's ``self.types`` and
metadata): parameters, globals, loop variables, aliases, views and names handed to other code before the
call make the fix unsafe; a helper that mutates its parameter and does not return it gets no fix at all.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider, ScopeProvider

from finfix.sdk.evidence.order import in_source_order
from finfix.sdk.names import code_of
from finfix.sdk.rule import Safety

# Calls that read a frame without keeping a reference to it.
_READERS = frozenset({"len", "print", "repr", "str", "isinstance", "type", "id", "bool", "list", "tuple",
                      "sorted", "enumerate", "zip", "iter", "sum", "min", "max", "any", "all", "hash"})


class ReboundSafety:
    """The safety of rebinding a name to the method's result (see the module docstring)."""

    def _name_safety(self, name: cst.Name, stmt: cst.Expr) -> tuple[Safety, str]:
        n = name.value
        use_scope = self.get_metadata(ScopeProvider, name, None)
        found = self.types.bindings(name)
        if use_scope is None or not found:
            return Safety.UNSAFE, f"`{n}` is not bound in this file: it may be shared"
        since = self._dominating(found, stmt, use_scope)
        if since is not None:  # `df = df.copy()` at the top of the body: earlier bindings no longer matter
            found = [(a, b) for a, b in found if b is not None and self._pos(b) >= since]
        for assignment, binder in found:
            if getattr(assignment, "scope", None) is not use_scope:
                return Safety.UNSAFE, f"`{n}` is a global or enclosing-scope name: other code sees the frame it names"
            if binder is None:
                owner = self._binding_statement(assignment)
                if isinstance(owner, (cst.For, cst.CompFor)):
                    return Safety.UNSAFE, f"`{n}` is a loop variable: the frame in the container is no longer modified"
                return Safety.UNSAFE, f"`{n}` is bound by `{type(owner).__name__ if owner else 'an import'}`, which may share it"
            if isinstance(binder, cst.Param):
                function = self._function_of(binder)
                if function is not None and not self._returns_name(function, n):
                    return Safety.DETECT, (
                        f"`{function.name.value}` mutates its argument `{n}`; `{n} = {n}.<method>(...)` would make "
                        f"it a no-op for its callers: return `{n}` and update the callers (`x = "
                        f"{function.name.value}(x)`), or use a mutating API that remains (`{n}[col] = ...`, "
                        f"`{n}.loc[...] = ...`, `del {n}[col]`, `{n}.index = ...`)"
                    )
                return Safety.UNSAFE, (
                    f"`{n}` is a parameter: the caller's frame is no longer modified (return `{n}` and "
                    "update the call sites)"
                )
            if isinstance(binder, cst.AugAssign):
                continue
            value = binder.value if isinstance(binder, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) else None
            if value is None:
                continue
            if isinstance(value, (cst.Name, cst.Attribute)) and not isinstance(value, cst.Call):
                if not (isinstance(value, cst.Attribute) and self.types.infer(value).fresh):
                    return Safety.UNSAFE, f"`{n}` is another name for `{code_of(value)}`, which would keep the old frame"
            typed = self.types.infer(value)
            if typed.view:
                return Safety.UNSAFE, (
                    f"`{n}` is a selection of another frame (`{code_of(value)}`): on pandas < 3 the in-place "
                    "call also changed that frame"
                )
            if not typed.fresh and not (
                isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "copy"
            ):
                return Safety.UNSAFE, (
                    f"`{n}` is bound from `{_short(value)}`, which may return a frame that is also referenced elsewhere"
                )
        escape = self._escape_before(name, stmt, use_scope, since)
        if escape is not None:
            return Safety.UNSAFE, f"`{n}` is also held by `{escape}`, which would keep the old frame"
        return Safety.SAFE, ""

    def _function_of(self, param: cst.Param) -> cst.FunctionDef | None:
        cur = self.types.parent(param)
        while cur is not None and not isinstance(cur, cst.FunctionDef):
            cur = self.types.parent(cur)
        return cur

    @staticmethod
    def _returns_name(function: cst.FunctionDef, name: str) -> bool:
        """Does the function return the parameter itself (so callers can take the new object)?"""
        found = False

        class _Returns(cst.CSTVisitor):
            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return node is function  # nested functions' returns are theirs

            def visit_Lambda(self, node: cst.Lambda) -> bool:
                return False

            def visit_Return(self, node: cst.Return) -> None:
                nonlocal found
                value = node.value
                if isinstance(value, cst.Name) and value.value == name:
                    found = True
                elif isinstance(value, cst.Tuple) and any(
                        isinstance(e.value, cst.Name) and e.value.value == name for e in value.elements):
                    found = True

        function.visit(_Returns())
        return found

    def _binding_statement(self, assignment) -> cst.CSTNode | None:
        node = getattr(assignment, "node", None)
        while node is not None and not isinstance(node, (cst.For, cst.CompFor, cst.With, cst.ExceptHandler,
                                                           cst.Import, cst.ImportFrom, cst.Assign, cst.BaseSmallStatement)):
            node = self.types.parent(node)
        return node

    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column

    def _dominating(self, found, stmt: cst.Expr, scope) -> tuple[int, int] | None:
        """Where the last binding that surely runs before ``stmt`` starts: an assignment that is a
        statement of the function (or module) body itself, not nested in a branch or loop."""
        here = self._pos(stmt)
        best = None
        for assignment, binder in found:
            if not isinstance(binder, (cst.Assign, cst.AnnAssign)) or getattr(assignment, "scope", None) is not scope:
                continue
            line = self.types.parent(binder)
            block = self.types.parent(line) if isinstance(line, cst.SimpleStatementLine) else None
            owner = self.types.parent(block) if isinstance(block, cst.IndentedBlock) else block
            if not (isinstance(owner, cst.FunctionDef) and isinstance(block, cst.IndentedBlock)
                    or isinstance(block, cst.Module)):
                continue
            pos = self._pos(binder)
            if pos < here and (best is None or pos > best):
                best = pos
        return best

    def _escape_before(self, name: cst.Name, stmt: cst.Expr, scope, since=None) -> str | None:
        """Another use of the name, before the statement (or in the same loop), that may keep the object."""
        here = self.get_metadata(PositionProvider, stmt).start
        loops = self._loops(stmt)
        bound_in_loop_before = False
        for assignment in scope.assignments[name.value]:
            node = getattr(assignment, "node", None)
            if node is not None and loops and self._inside(node, loops[0]):
                pos = self.get_metadata(PositionProvider, node).start
                if (pos.line, pos.column) < (here.line, here.column):
                    bound_in_loop_before = True
        for access in in_source_order(self.types, scope.accesses[name.value], lambda a: a.node):
            node = access.node
            if node is name:
                continue
            pos = self.get_metadata(PositionProvider, node).start
            if since is not None and (pos.line, pos.column) < since:
                continue  # refers to the object bound before the dominating binding
            before = (pos.line, pos.column) < (here.line, here.column)
            if not before and not (loops and not bound_in_loop_before and self._inside(node, loops[0])):
                continue
            holder = self._holder(node)
            if holder is not None:
                return holder
        return None

    def _holder(self, node: cst.Name) -> str | None:
        parent = self.types.parent(node)
        if isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is node:
            return None
        if isinstance(parent, (cst.Return, cst.Comparison, cst.ComparisonTarget, cst.BinaryOperation,
                               cst.UnaryOperation, cst.FormattedStringExpression, cst.If, cst.While, cst.Assert)):
            return None
        if isinstance(parent, cst.Arg):
            call = self.types.parent(parent)
            if isinstance(call, cst.Call):
                func = call.func
                if isinstance(func, cst.Name) and func.value in _READERS:
                    return None
                if any(q.startswith("pandas.") or q.startswith("builtins.") and q[9:] in _READERS
                       for q in self.types.qnames(func)):
                    return None
                if isinstance(func, cst.Attribute) and self.types.is_pandas(func.value):
                    return None
                return code_of(call.func) + "(...)"
        if isinstance(parent, cst.AssignTarget):
            return None
        shown = code_of(parent) if parent is not None else node.value
        return shown if len(shown) <= 40 else shown[:37] + "..."

    def _loops(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        loops = []
        cur = self.types.parent(node)
        while cur is not None and not isinstance(cur, (cst.FunctionDef, cst.Module, cst.ClassDef)):
            if isinstance(cur, (cst.For, cst.While)):
                loops.append(cur)
            cur = self.types.parent(cur)
        return loops[::-1]  # outermost first

    def _inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        cur = node
        while cur is not None:
            if cur is ancestor:
                return True
            cur = self.types.parent(cur)
        return False


def _short(node: cst.CSTNode) -> str:
    text = code_of(node.func) + "(...)" if isinstance(node, cst.Call) else code_of(node)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."
