"""FX101's node helpers: what a default contains, how a signature and a body are rebuilt."""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ComprehensionScope

NONE = re.compile(r"\bNone\b|\bOptional\b|\bAny\b|\bobject\b")


def last_name(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


def admits_none(expr: cst.BaseExpression) -> bool:
    """Does the annotation already accept None at its top level (`Optional[T]`, `T | None`, `Any`...)?

    Only the outermost type counts: `list[Optional[int]]` does not accept None.
    """
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return last_name(expr) in ("None", "Any", "object", "NoneType")
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return admits_none(expr.left) or admits_none(expr.right)
    if isinstance(expr, cst.Subscript):
        head = last_name(expr.value)
        items = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
        if head == "Optional":
            return True
        if head == "Union":
            return any(admits_none(i) for i in items)
        if head == "Annotated":
            return bool(items) and admits_none(items[0])
        if head == "Literal":
            return any(m.matches(i, m.Name("None")) for i in items)
        return False
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        text = expr.evaluated_value
        if not isinstance(text, str):
            return True  # bytes or an f-string: leave it alone
        try:
            return admits_none(cst.parse_expression(text.strip()))
        except cst.ParserSyntaxError:
            return bool(NONE.search(text))
    return False


def is_constant(expr: cst.BaseExpression) -> bool:
    """An immutable value: a number, string, None/True/False, or a tuple of those."""
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString,
                         cst.FormattedString, cst.Ellipsis)):
        return True
    if isinstance(expr, cst.Name):
        return expr.value in ("None", "True", "False")
    if isinstance(expr, cst.UnaryOperation):
        return is_constant(expr.expression)
    if isinstance(expr, cst.BinaryOperation):
        return is_constant(expr.left) and is_constant(expr.right)
    if isinstance(expr, cst.Tuple):
        return all(is_constant(e.value) for e in expr.elements)
    return False


def flat_contents(expr: cst.BaseExpression) -> bool:
    """Are all elements of this container literal (or constructor argument) immutable?"""
    if is_constant(expr):
        return True
    if isinstance(expr, (cst.List, cst.Set, cst.Tuple)):
        return all(is_constant(e.value) for e in expr.elements)
    if isinstance(expr, cst.Dict):
        return all(
            isinstance(e, cst.DictElement) and is_constant(e.key) and is_constant(e.value) for e in expr.elements
        )
    if isinstance(expr, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return comprehension_is_flat(expr.elt, expr.for_in)
    if isinstance(expr, cst.DictComp):
        return comprehension_is_flat(expr.value, expr.for_in)
    return False


def comprehension_is_flat(elt: cst.BaseExpression, for_in: cst.CompFor) -> bool:
    """`[0 for _ in ...]` or `[i for i in range(n)]`: elements that are constants or range() integers."""
    if is_constant(elt):
        return True
    return (
        isinstance(elt, cst.Name)
        and m.matches(for_in, m.CompFor(target=m.Name(elt.value), iter=m.Call(func=m.Name("range"))))
        and for_in.inner_for_in is None
    )


class LoadedNames(cst.CSTVisitor):
    def __init__(self) -> None:
        self.loaded: set[str] = set()
        self.bound: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.loaded.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # not the attribute's own name
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # not the keyword
        return False

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.bound.update(n.value for n in m.findall(node.target, m.Name()))  # type: ignore[union-attr]

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.bound.update(p.name.value for p in all_params(node.params))


def loaded_names(expr: cst.BaseExpression) -> set[str]:
    """Names an expression reads from its scope (not attributes, keywords, or its own comprehension variables)."""
    collector = LoadedNames()
    expr.visit(collector)
    return collector.loaded - collector.bound


def same_function(inner, outer) -> bool:
    """Comprehensions run in place, so a use inside one is a use by the function itself."""
    while isinstance(inner, ComprehensionScope):
        inner = inner.parent
    return inner is outer


def all_params(params: cst.Parameters) -> list[cst.Param]:
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def replace_params(params: cst.Parameters, replacements: dict[int, cst.Param]) -> cst.Parameters:
    groups = ("posonly_params", "params", "kwonly_params")
    offset = 0
    changes = {}
    for group in groups:
        items = list(getattr(params, group))
        for j in range(len(items)):
            if offset + j in replacements:
                items[j] = replacements[offset + j]
        changes[group] = items
        offset += len(items)
    return params.with_changes(**changes)


def is_store_target(expr: cst.CSTNode, parent: cst.CSTNode | None) -> bool:
    if isinstance(parent, cst.AssignTarget) and parent.target is expr:
        return True
    if isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is expr:
        return True
    if isinstance(parent, cst.Del):
        return True
    if isinstance(parent, (cst.Element, cst.StarredElement)):
        return True  # conservatively: part of a tuple/list target
    return False


def is_stub_statement(stmt: cst.BaseStatement) -> bool:
    if not isinstance(stmt, (cst.SimpleStatementLine,)) and not isinstance(stmt, cst.BaseSmallStatement):
        return False
    smalls = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else [stmt]
    return all(
        isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis)) for s in smalls
    )


def none_block(name: str, default: cst.BaseExpression) -> cst.If:
    return cst.If(
        test=cst.Comparison(cst.Name(name), [cst.ComparisonTarget(cst.Is(), cst.Name("None"))]),
        body=cst.IndentedBlock(
            body=[cst.SimpleStatementLine(body=[cst.Assign([cst.AssignTarget(cst.Name(name))], default)])]
        ),
    )


def split_docstring_line(stmts: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """`'Doc'; x = 1` is a docstring followed by a statement: give each its own line, so the
    `if ... is None` block goes between them and `__doc__` stays."""
    first = stmts[0] if stmts else None
    if not isinstance(first, cst.SimpleStatementLine) or len(first.body) < 2:
        return stmts
    head = first.body[0]
    if not (isinstance(head, cst.Expr) and isinstance(head.value, (cst.SimpleString, cst.ConcatenatedString))):
        return stmts
    doc = first.with_changes(body=[head.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                             trailing_whitespace=cst.TrailingWhitespace())
    rest = cst.SimpleStatementLine(body=list(first.body[1:]), trailing_whitespace=first.trailing_whitespace)
    return [doc, rest, *stmts[1:]]


def as_block(body: cst.BaseSuite) -> cst.IndentedBlock:
    if isinstance(body, cst.IndentedBlock):
        return body
    assert isinstance(body, cst.SimpleStatementSuite)
    last = len(body.body) - 1
    lines = [
        cst.SimpleStatementLine(body=[s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) if i == last else s
                                      for s in [stmt]])
        for i, stmt in enumerate(body.body)
    ]
    lines = [
        cst.SimpleStatementLine(body=[line.body[0].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
        for line in lines
    ]
    header = body.trailing_whitespace
    if header.comment is not None and not header.whitespace.value:
        # `return x;  # c`: the spaces before the comment belonged to the dropped semicolon
        header = header.with_changes(whitespace=cst.SimpleWhitespace("  "))
    return cst.IndentedBlock(body=lines, header=header)

def _names_in_order(node: cst.CSTNode):
    """Every ``Name`` under ``node``, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current
        stack.extend(reversed(current.children))
