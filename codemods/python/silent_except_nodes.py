"""FX102's node helpers: what a handler body holds, where the logger line goes."""

from __future__ import annotations

import libcst as cst
from finfix.sdk.names import code_of, is_docstring


def _imports_logging(statements: list[cst.BaseStatement]) -> bool:
    """Does one of these top-level statements run `import logging` (unconditionally)?"""
    for stmt in statements:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    code_of(a.name) == "logging" and a.asname is None for a in small.names
                ):
                    return True
    return False


def _silent_body(body: cst.BaseSuite) -> str | None:
    """'pass' / '...' / 'continue' when the handler body does nothing else, else None."""
    if isinstance(body, cst.SimpleStatementSuite):
        smalls = list(body.body)
    else:
        smalls = []
        for stmt in body.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                return None
            smalls.extend(stmt.body)
    kinds = []
    for s in smalls:
        if isinstance(s, cst.Pass):
            kinds.append("pass")
        elif isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis):
            kinds.append("...")
        elif isinstance(s, cst.Continue):
            kinds.append("continue")
        else:
            return None
    if not kinds:
        return None
    return "continue" if "continue" in kinds else kinds[0]


def _with_log(body: cst.BaseSuite, call: str) -> cst.BaseSuite:
    log = cst.parse_statement(call + "\n")
    assert isinstance(log, cst.SimpleStatementLine)
    keep_continue = any(
        isinstance(s, cst.Continue)
        for stmt in ([body] if isinstance(body, cst.SimpleStatementSuite) else body.body)
        for s in stmt.body  # type: ignore[attr-defined]
    )
    if isinstance(body, cst.SimpleStatementSuite):
        smalls: list[cst.BaseSmallStatement] = [log.body[0]]
        if keep_continue:
            smalls = [log.body[0].with_changes(semicolon=cst.Semicolon(
                whitespace_after=cst.SimpleWhitespace(" "))), cst.Continue()]
        return body.with_changes(body=smalls)
    lines: list[cst.BaseStatement] = [log.with_changes(leading_lines=body.body[0].leading_lines)]
    if keep_continue:
        lines.append(cst.SimpleStatementLine(body=[cst.Continue()]))
    return body.with_changes(body=lines)


def _after_imports(body: list[cst.BaseStatement]) -> int:
    """Index just after the module's leading docstring and import block."""
    at = 0
    for index, stmt in enumerate(body):
        if index == 0 and is_docstring(stmt):
            at = 1
            continue
        if isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
        ):
            at = index + 1
            continue
        if isinstance(stmt, (cst.Try, cst.If)) and _only_imports(stmt):
            at = index + 1
            continue
        break
    return at


def _only_imports(stmt: cst.CSTNode) -> bool:
    class Check(cst.CSTVisitor):
        ok = True

        def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
            if not all(isinstance(s, (cst.Import, cst.ImportFrom, cst.Pass, cst.Assign)) for s in node.body):
                self.ok = False
            return False

    check = Check()
    stmt.visit(check)
    return check.ok
