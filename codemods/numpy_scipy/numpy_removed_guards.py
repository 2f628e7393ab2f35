"""FX401 leaves compatibility fallbacks alone: code that uses the old NumPy name only where the new one
is missing is correct on every NumPy, and rewriting it breaks the old versions it exists for.

Recognised, as ruff's NPY201 does: the handlers of `try: ... except ImportError:` (also
`ModuleNotFoundError`, `AttributeError`, or a tuple holding one of them), and the branches of an
`if`/conditional expression whose test asks `hasattr(np, ...)`, `getattr(np, ...)` or NumPy's version.
"""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of, qualified_names
from finfix.sdk.rule import Safety

FALLBACK_ERRORS = frozenset({"builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.AttributeError"})


class FallbackGuards:
    """Mixin of the rule (before `Rule` in its bases): `report` answers "no" inside a fallback, and
    `guarded_binding` says whether a name was bound by an import inside one."""

    _guards: list[cst.CSTNode]
    _guarded_names: frozenset[str]

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)  # type: ignore[misc]
        self._guards = []
        collect = _FallbackImports(self)
        node.visit(collect)
        self._guarded_names = frozenset(collect.names)

    def report(self, node: cst.CSTNode, message: str, *, fix: Safety = Safety.DETECT, reason: str = "") -> bool:
        if self._guards:
            return False  # a compatibility fallback: neither reported nor rewritten
        return super().report(node, message, fix=fix, reason=reason)  # type: ignore[misc]

    def guarded_binding(self, name: cst.Name) -> bool:
        return name.value in self._guarded_names

    # the guards, pushed on the way in and popped on the way out
    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if is_fallback_handler(self, node):
            self._guards.append(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler):
        self._pop(original_node)
        return updated_node

    def visit_If(self, node: cst.If) -> None:
        if is_version_test(self, node.test):
            self._guards.append(node)

    def leave_If(self, original_node: cst.If, updated_node: cst.If):
        self._pop(original_node)
        return updated_node

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if is_version_test(self, node.test):
            self._guards.append(node)

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp):
        self._pop(original_node)
        return updated_node

    def _pop(self, node: cst.CSTNode) -> None:
        if self._guards and self._guards[-1] is node:
            self._guards.pop()


def is_fallback_handler(rule, handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    return any(qualified_names(rule, t) & FALLBACK_ERRORS for t in types)


def is_version_test(rule, test: cst.BaseExpression) -> bool:
    """Does the test ask whether NumPy has a name, or which NumPy this is?"""
    finder = _VersionTest(rule)
    test.visit(finder)
    return finder.found


class _VersionTest(cst.CSTVisitor):
    def __init__(self, rule) -> None:
        super().__init__()
        self.rule = rule
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in ("hasattr", "getattr") and node.args:
            self.found |= _is_numpy(self.rule, node.args[0].value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in ("__version__", "version", "NumpyVersion"):
            self.found |= _is_numpy(self.rule, node.value) or "numpy" in code_of(node.value).lower()


def _is_numpy(rule, expr: cst.BaseExpression) -> bool:
    return any(q == "numpy" or q.startswith("numpy.") for q in qualified_names(rule, expr))


class _FallbackImports(cst.CSTVisitor):
    """Names bound by `from numpy... import` statements in a `try` with a fallback handler (in the
    `try` body or in the handler): `try: from numpy import trapezoid / except ImportError: from numpy
    import trapz as trapezoid` makes `trapezoid` right on every NumPy."""

    def __init__(self, rule) -> None:
        super().__init__()
        self.rule = rule
        self.names: set[str] = set()

    def visit_Try(self, node: cst.Try) -> None:
        if not any(is_fallback_handler(self.rule, h) for h in node.handlers):
            return
        for part in [node.body, *(h.body for h in node.handlers if is_fallback_handler(self.rule, h))]:
            for stmt in part.body:
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                for small in stmt.body:
                    if isinstance(small, cst.ImportFrom) and small.module is not None \
                            and code_of(small.module).split(".")[0] == "numpy" \
                            and not isinstance(small.names, cst.ImportStar):
                        self.names.update(a.evaluated_alias or code_of(a.name) for a in small.names)
