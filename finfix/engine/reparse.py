"""Trees reused when the same text is parsed again, inside :func:`reusing_parses` only."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

#: Set inside :func:`reusing_parses`: (kind, text) -> its tree.
_reused: dict[tuple[str, str], Any] | None = None


@contextmanager
def reusing_parses() -> Iterator[None]:
    """Within the block, a text parsed again gets the trees of its earlier parse: `check --format json` fixes
    each file again once per finding (frame.py: a dozen LibCST parses of 20k lines). LibCST's trees are
    immutable, and nothing in finfix changes CPython's."""
    global _reused
    _reused = {}
    try:
        yield
    finally:
        _reused = None


def reusing(kind: str, text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, or inside :func:`reusing_parses` the tree of an earlier ``kind`` parse of this text."""
    if _reused is None:
        return parse(text)
    tree = _reused.get((kind, text))
    if tree is None:
        tree = _reused[(kind, text)] = parse(text)
    return tree
