"""Loop targets over pandas iterations, for the per-file ladder (:mod:`finfix.sdk.pandas_types`).

``for key, group in df.groupby(k):`` binds ``group`` to a DataFrame (a Series for a Series' groupby),
``for label, column in df.items():`` binds a Series, ``for i, row in df.iterrows():`` a Series: what pandas
yields, whatever the loop body does. Only these shapes, with the receiver's own evidence: a loop over anything
else (a list of frames, a dict) says nothing.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from finfix.sdk.evidence.kinds import Kind, Typed

#: method -> (receiver kinds it applies to, what the second item of each pair is; None: the receiver's kind)
_PAIRS: dict[str, tuple[frozenset[Kind], Kind | None]] = {
    "groupby": (frozenset({Kind.FRAME, Kind.SERIES}), None),
    "items": (frozenset({Kind.FRAME}), Kind.SERIES),
    "iteritems": (frozenset({Kind.FRAME}), Kind.SERIES),
    "iterrows": (frozenset({Kind.FRAME}), Kind.SERIES),
}


def loop_target(types: Any, name: cst.CSTNode) -> Typed | None:
    """The kind of ``name`` when it is the second name of ``for a, name in <pandas pair iteration>``.
    ``types`` is the caller's :class:`~finfix.sdk.pandas_types.PandasTypes` (not imported: no cycle)."""
    element = types.parent(name)
    pair = types.parent(element) if isinstance(element, cst.Element) else None
    loop = types.parent(pair) if isinstance(pair, cst.Tuple) else None
    if not isinstance(loop, (cst.For, cst.CompFor)) or loop.target is not pair or len(pair.elements) != 2 \
            or pair.elements[1] is not element or not isinstance(element.value, cst.Name):
        return None
    call = loop.iter
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
        return None
    method = call.func.attr.value
    if method not in _PAIRS:
        return None
    receivers, item = _PAIRS[method]
    recv = types.infer(call.func.value)
    if recv.kind not in receivers:
        return None
    kind = item or recv.kind
    return Typed(kind, f"`{element.value.value}` is each {kind.value} of `.{method}(...)` of a {recv.kind.value} "
                 f"({recv.why})", level=recv.level)
