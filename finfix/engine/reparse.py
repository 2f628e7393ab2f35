"""Trees, and the metadata of the trees as parsed, reused when the same text is processed again, inside
:func:`reusing_parses` only."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

#: Set inside :func:`reusing_parses`: (kind, text) -> its tree.
_reused: dict[tuple[str, str], Any] | None = None
#: Set inside :func:`reusing_parses`: id(tree as parsed) -> (that tree, its metadata wrapper).
_wrappers: dict[int, tuple[Any, Any]] | None = None


@contextmanager
def reusing_parses() -> Iterator[None]:
    """Within the block, a text parsed again gets the trees of its earlier parse: `check --format json` fixes
    each file again once per finding (frame.py: a dozen LibCST parses of 20k lines). LibCST's trees are
    immutable, and nothing in finfix changes CPython's."""
    global _reused, _wrappers
    _reused, _wrappers = {}, {}
    try:
        yield
    finally:
        _reused = _wrappers = None


def reusing(kind: str, text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, or inside :func:`reusing_parses` the tree of an earlier ``kind`` parse of this text."""
    if _reused is None:
        return parse(text)
    tree = _reused.get((kind, text))
    if tree is None:
        tree = _reused[(kind, text)] = parse(text)
    return tree


def wrapper_for(tree: Any, make: Callable[[Any], Any]) -> Any:
    """``make(tree)`` (a metadata wrapper), or inside :func:`reusing_parses`, for a tree as parsed, the one
    made for it before: scopes and positions of a tree that no fix has touched are the same for every
    finding (they were a third of `check --format json`'s time on pandas' test_algos.py)."""
    if _reused is None or _wrappers is None or not any(t is tree for t in _reused.values()):
        return make(tree)
    hit = _wrappers.get(id(tree))
    if hit is None or hit[0] is not tree:
        hit = _wrappers[id(tree)] = (tree, make(tree))
    return hit[1]
