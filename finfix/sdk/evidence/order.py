"""Source order for what LibCST keeps in sets.

LibCST's scopes hold accesses and assignments in sets, whose iteration order changes from run to run.
Where a reason quotes the first match ("`df` is also used as `df.iloc` (line 359)"), taking them in
source order makes the reason the same in every run.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import libcst as cst


def in_source_order(types: Any, items: Iterable[Any], node_of: Callable[[Any], Any]) -> list[Any]:
    """``items`` sorted by where ``node_of(item)`` starts (``types.position``); items without a
    position last. Positions are only computed when there are two items or more to order."""
    items = list(items)
    if len(items) < 2:
        return items

    def key(item: Any) -> tuple[int, tuple[int, int]]:
        node = node_of(item)
        pos = types.position(node) if isinstance(node, cst.CSTNode) else None
        return (0, pos) if pos is not None else (1, (0, 0))

    return sorted(items, key=key)
