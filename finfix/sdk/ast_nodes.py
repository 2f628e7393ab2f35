"""Walks over CPython's ``ast`` in the orders of ``ast.walk`` and ``ast.iter_child_nodes``, faster.

``ast.iter_child_nodes`` is two nested generators per node (it goes through ``ast.iter_fields``); a pass
over every file of a project visits millions of nodes (``ast.walk`` over the 14 quant packages' 994k nodes:
0.46 s; ``walk`` here: 0.40 s).
The functions here read the same fields in the same order and give the same nodes in the same order
(tests/test_ast_nodes.py compares them on this repository's own files).
"""

from __future__ import annotations

import ast
from collections import deque
from typing import Iterator

_AST = ast.AST


def children(node: ast.AST) -> list[ast.AST]:
    """``list(ast.iter_child_nodes(node))``."""
    found: list[ast.AST] = []
    add = found.append
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, _AST):
            add(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, _AST):
                    add(item)
    return found


def walk(tree: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk(tree)``: breadth first, ``tree`` itself first."""
    todo = deque([tree])
    pop, extend = todo.popleft, todo.extend
    while todo:
        node = pop()
        extend(children(node))
        yield node


def below_until(roots: list[ast.AST], stop: tuple[type[ast.AST], ...]) -> Iterator[ast.AST]:
    """The nodes under ``roots`` (the roots included, the last root first, depth first), not entering a
    node of a ``stop`` type (itself given): the order of a stack that pops a node and pushes
    ``ast.iter_child_nodes`` of it."""
    stack = list(roots)
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        yield node
        if not isinstance(node, stop):
            extend(children(node))
