"""Rules that rename removed APIs leave compatibility fallbacks alone: code that uses the old name only
where the new one is missing is correct on every version, and rewriting it breaks the old versions it
exists for (FX401's NumPy names; FX205's `applymap` in vectorbt's `if hasattr(pd.DataFrame, "map"):
return df.map(func)` / `return df.applymap(func)`).

Recognised, as ruff's NPY201 does: the handlers of `try: ... except ImportError:` (also
`ModuleNotFoundError`, `AttributeError`, or a tuple holding one of them), and the branches of an
`if`/conditional expression whose test asks `hasattr(<the library>..., ...)`, `getattr(...)`, the
library's version, or `hasattr(x, "<a name of the rule's rename>")`; after an `if` of that kind whose body
ends in `return`/`raise`/`continue`/`break` (and has no `else`), the rest of its block is the fallback too.
"""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of, qualified_names
from finfix.sdk.rule import Safety

FALLBACK_ERRORS = frozenset({"builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.AttributeError"})


class FallbackGuards:
    """Mixin of the rule (before `Rule` in its bases, after `PandasRule`): `report` answers "no" inside a
    fallback, and `guarded_binding` says whether a name was bound by an import inside one."""

    fallback_library = "numpy"  # the library whose names and version the guards ask about
    fallback_names: frozenset[str] = frozenset()  # `hasattr(x, "<one of these>")` is a guard too
    _guards: list[cst.CSTNode]
    _blocks: list[cst.CSTNode]
    _guarded_names: frozenset[str]

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)  # type: ignore[misc]
        self._guards = []
        self._blocks = [node]
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
        node = original_node
        if node.orelse is None and _ends_flow(node.body) and is_version_test(self, node.test):
            self._guards.append(self._blocks[-1])  # `if has_new: return new(...)`: the rest of the block is old
        return updated_node

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._blocks.append(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock):
        while self._guards and self._guards[-1] is original_node:
            self._guards.pop()
        self._blocks.pop()
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


def _ends_flow(body: cst.BaseSuite) -> bool:
    last = body.body[-1] if body.body else None
    small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else last
    return isinstance(small, (cst.Return, cst.Raise, cst.Continue, cst.Break))


def is_version_test(rule, test: cst.BaseExpression) -> bool:
    """Does the test ask whether the library has a name, or which version this is?"""
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
            self.found |= _is_library(self.rule, node.args[0].value)
            name = node.args[1].value if len(node.args) > 1 else None
            self.found |= isinstance(name, cst.SimpleString) and name.evaluated_value in self.rule.fallback_names

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in ("__version__", "version", "NumpyVersion"):
            library = self.rule.fallback_library
            self.found |= _is_library(self.rule, node.value) or library in code_of(node.value).lower()


def _is_library(rule, expr: cst.BaseExpression) -> bool:
    library = rule.fallback_library
    return any(q == library or q.startswith(library + ".") for q in qualified_names(rule, expr))


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
                            and code_of(small.module).split(".")[0] == self.rule.fallback_library \
                            and not isinstance(small.names, cst.ImportStar):
                        self.names.update(a.evaluated_alias or code_of(a.name) for a in small.names)
