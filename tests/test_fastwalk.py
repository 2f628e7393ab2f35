"""The non-copying walks must be indistinguishable from LibCST's own: same hooks, same order, same
metadata, same transformed code."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from finfix.engine.fastwalk import child_fields, fast_visits, is_trivia, transform

SOURCES = [
    "import numpy as np\nfrom os import path as p, sep\nfrom x import *\n\nx = np.arange(3)  # c\n",
    "@dec(1)\nasync def f(a, /, b: int = 2, *args, c, **kw) -> None:\n    async with g() as h, k:\n"
    "        await h\n    return [i async for i in h if i]\n",
    "class C(B, metaclass=M):\n    '''doc'''\n    def m(self):\n        global q\n        nonlocal_ = lambda y=1: y\n"
    "        return {k: v for k, v in self.d.items()}\n",
    "match p:\n    case [1, *rest] | {'k': v, **kw} if v:\n        pass\n    case Point(x=0) as q:\n        del q\n",
    "try:\n    pass\nexcept* (ValueError, TypeError) as e:\n    raise X from e\nelse:\n    x: int = 1\nfinally:\n"
    "    y += 1\n",
    "s = f'{a!r:>{w}} {b=}' 'tail' r'x'\nz = (yield)\nt = a if b else c\nu = not a and b or c < d <= e\n",
    "def g[T: int, *Ts, **P](x: T) -> T:\n    type A[U] = list[U]\n    return x[1:2, ::3]\n",
    "while (n := n - 1) > 0:\n    print(n, sep='', end=''); continue\nelse:\n    assert n == 0, 'msg'\n",
]


class Recorder(cst.CSTVisitor):
    """Overrides the generic hooks: sees every call LibCST makes."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", type(node).__name__, ""))
        return not isinstance(node, cst.Lambda)  # also checks that children are skipped on False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.calls.append(("leave", type(original_node).__name__, ""))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("visit_attr", type(node).__name__, attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("leave_attr", type(original_node).__name__, attribute))


class SomeHooks(cst.CSTVisitor):
    """A typical visitor: a few typed hooks, no generic override (takes the table-driven path)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.calls.append(f"Name {node.value}")

    def visit_Call_func(self, node: cst.Call) -> None:
        self.calls.append("Call.func")

    def leave_Attribute(self, original_node: cst.Attribute) -> None:
        self.calls.append(f"Attribute .{original_node.attr.value}")

    def visit_Comma(self, node: cst.Comma) -> None:  # trivia: must not be skipped when hooked
        self.calls.append("Comma")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.calls.append(f"def {node.name.value}")
        return False  # children skipped, leave still called


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("visitor_type", [Recorder, SomeHooks])
def test_visits_make_the_same_calls_in_the_same_order(source: str, visitor_type: type) -> None:
    tree = cst.parse_module(source)
    expected, fast = visitor_type(), visitor_type()
    tree.visit(expected)
    with fast_visits():
        tree.visit(fast)
    assert fast.calls == expected.calls
    assert expected.calls  # the visitor saw something


@pytest.mark.parametrize("source", SOURCES)
def test_children_match_libcst(source: str) -> None:
    tree = cst.parse_module(source)
    nodes: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nodes.append(node)
            return True

    tree.visit(Collect())
    expected = [[id(c) for c in n.children] for n in nodes]
    with fast_visits():
        assert [[id(c) for c in n.children] for n in nodes] == expected


def _metadata(tree: cst.Module) -> dict:
    # Under fast_visits, scope and parent walks skip whitespace and punctuation (nobody asks for the
    # scope of a comma): compare every other node.
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    qnames = wrapper.resolve(QualifiedNameProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    out: dict = {
        "parents": {id(k): id(v) for k, v in parents.items() if not is_trivia(type(v))},
        "positions": {id(k): v for k, v in wrapper.resolve(PositionProvider).items()},
        "qnames": {id(k): v() if callable(v) else v for k, v in qnames.items() if not is_trivia(type(k))},
        "scopes": {id(k): type(v).__name__ if v else None for k, v in scopes.items() if not is_trivia(type(k))},
    }
    accesses = []
    for scope in {s for s in scopes.values() if s is not None}:
        for access in scope.accesses:
            # builtins have no node: compare them by name
            referents = sorted((id(a.node), "") if hasattr(a, "node") else (0, a.name) for a in access.referents)
            accesses.append((id(access.node), referents))
    out["accesses"] = sorted(accesses)
    return out


@pytest.mark.parametrize("source", SOURCES)
def test_metadata_is_the_same(source: str) -> None:
    tree = cst.parse_module(source)
    expected = _metadata(tree)
    with fast_visits():
        assert _metadata(tree) == expected


class Rewrites(cst.CSTTransformer):
    """Exercises every way a transformer can change a tree."""

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if updated_node.value == "x" else updated_node

    def leave_Pass(self, original_node, updated_node):  # removal from a body: LibCST inserts `pass` back
        return cst.RemoveFromParent()

    def leave_AsName(self, original_node, updated_node):  # removal of an optional field
        return cst.RemoveFromParent()

    def leave_Arg(self, original_node, updated_node):  # removal from a plain sequence
        return cst.RemoveFromParent() if original_node.keyword and original_node.keyword.value == "sep" else updated_node

    def leave_Expr(self, original_node, updated_node):  # one statement becomes two
        if m := cst.ensure_type(updated_node.value, cst.BaseExpression):
            if isinstance(m, cst.Await):
                return cst.FlattenSentinel([updated_node, cst.Expr(cst.Name("done"))])
        return updated_node

    def leave_Comma(self, original_node, updated_node):  # trivia with a hook
        return updated_node.with_changes(whitespace_after=cst.SimpleWhitespace("  "))


class Nothing(cst.CSTTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node


@pytest.mark.parametrize("source", SOURCES + ["if a:\n    pass\nelse:\n    pass\n", "x = 1; pass\n"])
def test_transform_produces_the_same_code(source: str) -> None:
    tree = cst.parse_module(source)
    assert transform(tree, Rewrites()).code == tree.visit(Rewrites()).code


@pytest.mark.parametrize("source", SOURCES)
def test_unchanged_subtrees_are_not_copied(source: str) -> None:
    tree = cst.parse_module(source)
    assert transform(tree, Nothing()) is tree


def test_removing_a_required_child_raises_like_libcst() -> None:
    class Bad(cst.CSTTransformer):
        def leave_Name(self, original_node, updated_node):
            return cst.RemoveFromParent()

    tree = cst.parse_module("a.b\n")
    with pytest.raises(TypeError, match="does not allow it to be removed"):
        transform(tree, Bad())
    with pytest.raises(TypeError, match="does not allow it to be removed"):
        tree.visit(Bad())


def test_libcst_is_restored_after_the_block_even_on_error() -> None:
    visit, children = cst.CSTNode.visit, cst.CSTNode.children
    with pytest.raises(RuntimeError), fast_visits():
        raise RuntimeError
    assert cst.CSTNode.visit is visit and cst.CSTNode.children is children


def test_every_node_type_has_its_fields_in_source_order() -> None:
    # A LibCST upgrade that changed _visit_and_replace_children's shape would show here first.
    assert child_fields(cst.Call) == (
        ("lpar", "sequence"),
        ("func", "required"),
        ("whitespace_after_func", "required"),
        ("whitespace_before_args", "required"),
        ("args", "sequence"),
        ("rpar", "sequence"),
    )
    assert dict(child_fields(cst.ImportFrom))["names"] == "required"  # `*` or a sequence, by value
    assert dict(child_fields(cst.IndentedBlock))["body"] == "body"


def test_visitor_classes_made_inside_functions_do_not_keep_their_state_alive():
    """A round trip worker grew to 4 GB: plans cached per class kept every locally-defined visitor
    class, whose hooks closed over a rule and its tree."""
    import gc
    import weakref

    class State:
        pass

    def walk(tree: cst.Module, state: State) -> None:
        class Local(cst.CSTVisitor):
            def visit_Name(self, node: cst.Name) -> None:
                state.seen = node  # the hook closes over this call's state

        with fast_visits():
            tree.visit(Local())

    state = State()
    walk(cst.parse_module("a = b\n"), state)
    ref = weakref.ref(state)
    del state
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("source", SOURCES)
def test_qualified_names_served_from_scopes_match_libcst_provider(source: str) -> None:
    from finfix.engine.metadata import QualifiedNames

    tree = cst.parse_module(source)
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    provider = wrapper.resolve(QualifiedNameProvider)
    served = QualifiedNames(wrapper.resolve(ScopeProvider))
    compared = 0
    for node, value in provider.items():
        expected = value() if callable(value) else value
        assert served.get(node, set()) == expected
        compared += bool(expected)
    if "import" in source:
        assert compared  # imported names do have qualified names: the comparison is not vacuous
    assert served.get(cst.Name("not_in_the_tree"), "default") == "default"


class _NameAndCallCounter(cst.BatchableCSTVisitor):
    """A batchable visitor with hooks below the module (names, a call's args field, leaving calls)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(f"name {node.value}")

    def visit_Call_args(self, node: cst.Call) -> None:
        self.seen.append("args")

    def leave_Call(self, original_node: cst.Call) -> None:
        self.seen.append("left call")


@pytest.mark.parametrize("source", SOURCES)
def test_batched_walks_call_the_same_hooks(source: str) -> None:
    """LibCST's batched walk (metadata providers run in one batch) is dispatched by type under
    fast_visits, and stops at the module when every hook is the module's: the same calls either way."""
    from libcst import visit_batched

    def run(**callbacks):
        visitor = _NameAndCallCounter()
        order: list[str] = []
        hooks = {k: (lambda node, k=k: order.append(f"{k} {type(node).__name__}")) for k in callbacks}
        visit_batched(cst.parse_module(source), [visitor], **hooks)
        return visitor.seen, order

    for callbacks in ({}, {"before_visit": True}, {"after_leave": True}):
        expected = run(**callbacks)
        with fast_visits():
            assert run(**callbacks) == expected


def test_fields_read_as_trivia_only_hold_nothing_else():
    """Walks that skip trivia do not look into fields LibCST annotates as whitespace/punctuation only;
    on real trees (the example project, the engine's own sources) such a field never holds anything else."""
    from pathlib import Path

    from finfix.engine.fastwalk import trivia_only

    root = Path(__file__).resolve().parents[1]
    sources = SOURCES + [p.read_text(encoding="utf-8") for p in sorted((root / "examples").rglob("*.py"))]
    sources += [p.read_text(encoding="utf-8") for p in sorted((root / "finfix" / "engine").glob("*.py"))]
    checked = 0
    for source in sources:
        stack: list[cst.CSTNode] = [cst.parse_module(source)]
        while stack:
            node = stack.pop()
            for field, _kind in child_fields(type(node)):
                value = getattr(node, field)
                values = value if isinstance(value, (tuple, list)) else [value]
                children = [v for v in values if isinstance(v, cst.CSTNode)]
                if trivia_only(type(node), field):
                    checked += len(children)
                    assert all(is_trivia(type(c)) for c in children), (type(node).__name__, field)
                stack.extend(children)
    assert checked > 1000
    assert not trivia_only(cst.Call, "args") and trivia_only(cst.Call, "lpar")
