"""Tree walks that do not rebuild unchanged nodes.

LibCST's ``CSTNode.visit`` rebuilds every node it passes through (``_visit_and_replace_children``
constructs and validates a fresh copy, even for a read-only ``CSTVisitor``, whose copy is thrown
away; the source says "TODO: provide traversal where children are not replaced"). On real files
that rebuilding is most of the cost of a walk, and finfix walks each parsed tree several times: once
per metadata provider and once per rule.

The walks here call the same visitor hooks, in the same order, with the same arguments, and build a
new node only when one of its children really changed:

* ``transform(tree, transformer)`` for the rules;
* ``fast_visits()``, a context manager under which ``CSTNode.visit`` takes the non-rebuilding path
  for read-only visitors, so LibCST's own metadata providers (scopes, qualified names, parents,
  positions) stop paying for copies nobody reads. Outside the block LibCST is untouched.

The order of each node type's children is read once from LibCST's own
``_visit_and_replace_children`` (the order of its ``visit_*(self, "field", ...)`` calls), so a LibCST
release that adds a field or a node type is followed without edits here. ``tests/test_fastwalk.py``
checks hook order, results and metadata against LibCST's walk.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator

import libcst as cst
from libcst import CSTNode, CSTVisitor, FlattenSentinel, MaybeSentinel, RemovalSentinel
from libcst._batched_visitor import _BatchedCSTVisitor

# How LibCST visits a field; decides what a removed child becomes.
REQUIRED, OPTIONAL, SENTINEL, SEQUENCE, BODY = "required", "optional", "sentinel", "sequence", "body"
_KINDS = {
    "visit_required": REQUIRED,
    "visit_optional": OPTIONAL,
    "visit_sentinel": SENTINEL,
    "visit_sequence": SEQUENCE,
    "visit_iterable": SEQUENCE,
    "visit_body_sequence": BODY,
    "visit_body_iterable": BODY,
}


@lru_cache(maxsize=None)
def child_fields(node_type: type[CSTNode]) -> tuple[tuple[str, str], ...]:
    """``(field, kind)`` pairs in the order LibCST visits them for ``node_type``."""
    method = node_type._visit_and_replace_children
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    calls = []
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in _KINDS
            and len(call.args) >= 2
            and isinstance(call.args[1], ast.Constant)
        ):
            calls.append((call.lineno, call.col_offset, call.args[1].value, _KINDS[call.func.id]))
    fields: dict[str, str] = {}
    for _, _, field, kind in sorted(calls):
        # ImportFrom.names is visited as one node (``*``) or as a sequence; the value decides at run time.
        fields.setdefault(field, kind)
    return tuple(fields.items())


#: Whitespace and punctuation: nodes whose subtrees hold nothing but more of the same. A walk whose
#: visitor has no hook for any of them skips them (about half the nodes of a typical tree).
_TRIVIA_BASES = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.ImportStar,
    cst.Asynchronous,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
)


@lru_cache(maxsize=None)
def is_trivia(node_type: type) -> bool:
    return issubclass(node_type, _TRIVIA_BASES)


@lru_cache(maxsize=None)
def trivia_only(node_type: type[CSTNode], field: str) -> bool:
    """Whether ``field`` of ``node_type`` can hold nothing but whitespace and punctuation, by LibCST's
    own annotation of it (``lpar: Sequence[LeftParen]``, ``comma: Comma | MaybeSentinel``). A walk
    that skips trivia need not even look at such a field. Anything unclear counts as not trivia."""
    annotation = node_type.__dataclass_fields__[field].type
    node_types = []
    pending = [annotation]
    while pending:
        current = pending.pop()
        args = typing.get_args(current)
        if args:
            pending.extend(args)
        elif isinstance(current, type) and issubclass(current, CSTNode):
            node_types.append(current)
        elif current in (type(None), str, MaybeSentinel) or typing.get_origin(current) is typing.Literal:
            continue
        elif not isinstance(current, type) or not issubclass(current, (str, MaybeSentinel)):
            return False  # a forward reference, or a type this reading does not know
    return bool(node_types) and all(is_trivia(t) for t in node_types)


def _own_hooks(visitor_type: type) -> frozenset[str]:
    """The ``visit_*``/``leave_*`` methods this visitor class really defines.

    ``CSTVisitor`` and ``CSTTransformer`` inherit a do-nothing stub for every node type and field, so
    LibCST's own walk looks each one up on every node; here only the overridden ones are called.
    """
    base = _base(visitor_type)
    return frozenset(
        name
        for name in dir(visitor_type)
        if name.startswith(("visit_", "leave_")) and getattr(visitor_type, name) is not getattr(base, name, None)
    )


def _base(visitor_type: type) -> type:
    return cst.CSTTransformer if issubclass(visitor_type, cst.CSTTransformer) else cst.CSTVisitor


class _Plan:
    """Which hooks to call for each node type, worked out once per type instead of once per node.

    Plans are per visitor class (walks start often: scope analysis visits subtrees with fresh
    visitors), except for LibCST's batched metadata visitor, whose hooks are per instance. Hooks are
    stored unbound and called as ``hook(visitor, node)``.
    """

    def __init__(
        self, cls: type, names: frozenset[str], generic: bool, generic_fields: bool, dispatch: bool = False
    ) -> None:
        self.cls = cls
        self.names = names
        #: on_visit/on_leave overridden: call them for every node, as LibCST does.
        self.generic = generic
        self.generic_fields = generic_fields
        #: LibCST's batched visitor: its on_visit/on_leave dispatch by type name to the hooks in
        #: ``names``; called only for the types that have one (for the others they do nothing).
        self.dispatch = dispatch
        self.skip_trivia = not generic and not any(is_trivia(t) for t in _hooked_types(names))
        #: Hooks for the module alone (LibCST's metadata providers start their own walks from
        #: ``visit_Module``): nothing below the module needs visiting.
        self.module_only = dispatch and all(name.split("_")[1] == "Module" for name in names)
        self._per_type: dict[type, tuple] = {}

    def for_type(self, node_type: type) -> tuple:
        """``(visit, leave, fields, hooked_fields)`` for ``node_type``; visit/leave None when absent."""
        entry = self._per_type.get(node_type)
        if entry is None:
            name = node_type.__name__
            fields = child_fields(node_type)
            if self.generic:
                visit, leave = self.cls.on_visit, self.cls.on_leave
            elif self.dispatch:
                visit = self.cls.on_visit if f"visit_{name}" in self.names else None
                leave = self.cls.on_leave if f"leave_{name}" in self.names else None
            else:
                visit = getattr(self.cls, f"visit_{name}") if f"visit_{name}" in self.names else None
                leave = getattr(self.cls, f"leave_{name}") if f"leave_{name}" in self.names else None
            hooked = frozenset(
                field
                for field, _ in fields
                if self.generic_fields
                or f"visit_{name}_{field}" in self.names
                or f"leave_{name}_{field}" in self.names
            )
            if self.skip_trivia:
                fields = tuple(f for f in fields if f[0] in hooked or not trivia_only(node_type, f[0]))
            if self.module_only and node_type is cst.Module:
                fields = ()
            entry = self._per_type[node_type] = (visit, leave, fields, hooked)
        return entry


def _plan(visitor: Any) -> _Plan:
    cls = type(visitor)
    if cls is _BatchedCSTVisitor:
        names = frozenset(name for name, fns in visitor.visitor_methods.items() if fns)
        # Its on_visit/on_leave run the providers' hooks; the field hooks it forwards are in `names`.
        # With no before/after callback on every node, only the types with hooks need the calls.
        every_node = visitor.before_visit is not None or visitor.after_leave is not None
        return _Plan(_BatchedCSTVisitor, names, generic=every_node, generic_fields=False, dispatch=not every_node)
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _class_plan(cls)
        if cls in _metadata_visitors():
            plan.skip_trivia = True
        # A class defined inside a function is created anew on every call and its hooks close over
        # that call's state (a rule, a tree): caching its plan would keep all of them alive.
        if "<locals>" not in cls.__qualname__:
            _PLANS[cls] = plan
    return plan


_PLANS: dict[type, _Plan] = {}


@lru_cache(maxsize=1)
def _metadata_visitors() -> frozenset[type]:
    """LibCST's metadata visitors that record something for every node they pass (a scope, a parent,
    an expression context). Nobody asks for the scope of a comma or the parent of the whitespace in
    it, so their walks skip whitespace and punctuation: a third less time for scope analysis. (The
    parents of those nodes are still recorded: a parent records all its children.)"""
    from libcst.metadata.expression_context_provider import ExpressionContextVisitor
    from libcst.metadata.parent_node_provider import ParentNodeVisitor
    from libcst.metadata.scope_provider import ScopeVisitor

    return frozenset({ScopeVisitor, ParentNodeVisitor, ExpressionContextVisitor})


def _class_plan(cls: type) -> _Plan:
    base = _base(cls)
    return _Plan(
        cls,
        _own_hooks(cls),
        generic=cls.on_visit is not base.on_visit or cls.on_leave is not base.on_leave,
        generic_fields=cls.on_visit_attribute is not base.on_visit_attribute
        or cls.on_leave_attribute is not base.on_leave_attribute,
    )


def _hooked_types(names: frozenset[str]) -> Iterator[type]:
    for name in names:
        node_type = getattr(cst, name.split("_")[1], None)
        if isinstance(node_type, type):
            yield node_type


_NODE_TYPES: dict[type, bool] = {}


def _is_node(value: Any) -> bool:
    """``isinstance(value, CSTNode)`` without the cost of an ABC check on every field."""
    value_type = type(value)
    known = _NODE_TYPES.get(value_type)
    if known is None:
        known = _NODE_TYPES[value_type] = isinstance(value, CSTNode)
    return known


# -- read-only visitors ----------------------------------------------------------------------------
def _visit(node: CSTNode, visitor: CSTVisitor, plan: _Plan) -> None:
    node_type = type(node)
    if plan.skip_trivia and is_trivia(node_type):
        return
    visit, leave, fields, hooked = plan.for_type(node_type)
    if visit is None or visit(visitor, node) is not False:
        for field, kind in fields:
            value = getattr(node, field)
            if field in hooked and not (value is None and kind is SEQUENCE):
                visitor.on_visit_attribute(node, field)
            if _is_node(value):
                _visit(value, visitor, plan)
            elif type(value) is tuple or type(value) is list:
                for child in value:
                    _visit(child, visitor, plan)
            if field in hooked and not (value is None and kind is SEQUENCE):
                visitor.on_leave_attribute(node, field)
    if leave is not None:
        leave(visitor, node)


_libcst_visit = CSTNode.visit


def _fast_visit(self: CSTNode, visitor: Any) -> Any:
    if isinstance(visitor, CSTVisitor):
        _visit(self, visitor, _plan(visitor))
        return self
    return _libcst_visit(self, visitor)


def _children(self: CSTNode) -> list[CSTNode]:
    """``CSTNode.children`` without rebuilding the node (scope analysis asks for it constantly)."""
    out: list[CSTNode] = []
    for field, _kind in child_fields(type(self)):
        value = getattr(self, field)
        if _is_node(value):
            out.append(value)
        elif type(value) is tuple or type(value) is list:
            out.extend(value)
    return out


_libcst_children = CSTNode.children


@contextmanager
def fast_visits() -> Iterator[None]:
    """Within the block, read-only visits (metadata providers) skip LibCST's node copies."""
    CSTNode.visit = _fast_visit  # type: ignore[method-assign]
    CSTNode.children = property(_children)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        CSTNode.visit = _libcst_visit  # type: ignore[method-assign]
        CSTNode.children = _libcst_children  # type: ignore[method-assign]


# -- transformers ----------------------------------------------------------------------------------
def transform(node: CSTNode, transformer: cst.CSTTransformer) -> Any:
    """``node.visit(transformer)`` without copying the parts of the tree the transformer left alone."""
    return _transform(node, transformer, _plan(transformer))


def _transform(node: CSTNode, transformer: Any, plan: _Plan) -> Any:
    node_type = type(node)
    if plan.skip_trivia and is_trivia(node_type):
        return node
    visit, leave, fields, hooked = plan.for_type(node_type)
    updated = node
    if visit is None or visit(transformer, node) is not False:
        changes: dict[str, Any] = {}
        for field, kind in fields:
            value = getattr(node, field)
            # (LibCST skips the hooks of a sequence field that is None: FormattedStringExpression.format_spec)
            if field in hooked and not (value is None and kind is SEQUENCE):
                transformer.on_visit_attribute(node, field)
            if _is_node(value):
                new = _transform_one(value, kind, transformer, plan)
                if new is not value:
                    changes[field] = new
            elif type(value) is tuple or type(value) is list:
                new_seq = _transform_sequence(value, kind, transformer, plan)
                if new_seq is not None:
                    changes[field] = new_seq
            if field in hooked and not (value is None and kind is SEQUENCE):
                transformer.on_leave_attribute(node, field)
        if changes:
            updated = node.with_changes(**changes)
    if leave is None:
        return updated
    result = leave(transformer, node, updated)
    if not isinstance(result, (CSTNode, RemovalSentinel, FlattenSentinel)):
        raise cst.CSTValidationError(
            "Expected a node of type CSTNode or a RemovalSentinel, "
            + f"but got a return value of {type(result).__name__}"
        )
    return result


def _transform_one(child: CSTNode, kind: str, transformer: Any, plan: _Plan) -> Any:
    result = _transform(child, transformer, plan)
    if isinstance(result, FlattenSentinel):
        raise TypeError(
            f"We got a FlattenSentinel while visiting a {type(child).__name__}. This node's parent "
            "does not allow for it to be replaced with a sequence."
        )
    if isinstance(result, RemovalSentinel):
        if kind == OPTIONAL:
            return None
        if kind == SENTINEL:
            return MaybeSentinel.DEFAULT
        raise TypeError(
            f"We got a RemovalSentinel while visiting a {type(child).__name__}. This node's parent "
            "does not allow it to be removed."
        )
    return result


def _transform_sequence(children: Any, kind: str, transformer: Any, plan: _Plan) -> tuple | None:
    """The new children, or None when every child came back unchanged."""
    out: list[CSTNode] = []
    changed = False
    for child in children:
        result = _transform(child, transformer, plan)
        if result is child:
            out.append(child)
            continue
        changed = True
        if isinstance(result, RemovalSentinel):
            continue
        replacements = list(result) if isinstance(result, FlattenSentinel) else [result]
        for new in replacements:
            # As LibCST's visit_body_iterable: a statement emptied by removals is dropped, so that
            # the printer can insert `pass` where a block became empty.
            if kind == BODY and not child._is_removable() and new._is_removable():
                continue
            out.append(new)
    return tuple(out) if changed else None
