"""finfix.sdk.ast_nodes gives what CPython's own walks give, node for node and in the same order."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from finfix.sdk.ast_nodes import below_until, children, walk

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(ROOT.glob("finfix/**/*.py"))[::7] + [Path(__file__)]
STOP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _cpython_below_until(roots, stop):
    stack = list(roots)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, stop):
            stack.extend(ast.iter_child_nodes(node))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_nodes_in_the_same_order(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [id(n) for n in walk(tree)] == [id(n) for n in ast.walk(tree)]
    for node in ast.walk(tree):
        assert [id(c) for c in children(node)] == [id(c) for c in ast.iter_child_nodes(node)]
    body = list(tree.body)
    assert [id(n) for n in below_until(body, STOP)] == [id(n) for n in _cpython_below_until(body, STOP)]


def test_missing_and_none_fields_are_skipped():
    node = ast.Return()  # `value` not set at all
    assert children(node) == [] and list(walk(node)) == [node]
    call = ast.parse("f(a, *b, k=c)").body[0].value
    assert [type(c) for c in children(call)] == [ast.Name, ast.Name, ast.Starred, ast.keyword]
