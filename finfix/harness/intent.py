"""A difference the fix announced: `intended` (or `fixed`), not `different`.

Rules declare what their fix changes (:class:`finfix.results.Effect`); `finfix verify` passes the effects
of the fixes applied inside each function to the worker. When the two versions differ on a call, each
effect is checked against that call's outcomes; only an exact match counts, anything more is still a
difference:

- ``unmutated-argument`` (FX201 ``inplace=True``): both return equal values, and every argument that
  differs afterwards is, in the rewrite, as it was passed: the only change is that it is not mutated.
- ``ndarray`` (FX431 on a Series): the original returns a pandas Series, the rewrite an ndarray with the
  same dtype and values; the arguments are equal afterwards.
- ``drawing-outline`` (FX301 distplot): both return (or draw) charts whose outlines agree (the kinds of
  artists, the labels, the bars' normalisation and extent: :func:`drawing.outline`); everything else
  equal.
- ``raises-fixed`` (FX431 on an int64 array, FX301 on non-finite data): the original raises an error
  whose message matches the effect's pattern and the rewrite returns. Verdict *fixed*.
- ``chained-no-op`` (FX201 on ``df["a"].fillna(..., inplace=True)``): pandas warned ChainedAssignmentError
  in the original (its call changed nothing under copy-on-write) and not in the rewrite. Verdict *fixed*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from finfix.harness import drawing
from finfix.harness.compare import Comparer, Drawing, Outcome, snapshot

FIXED_KINDS = ("raises-fixed", "chained-no-op")


@dataclass(frozen=True)
class Match:
    verdict: str  # "intended" or "fixed"
    code: str
    text: str  # the effect as the rule announces it
    detail: str  # what this call showed


def classify(b: Outcome, a: Outcome, effects: list[dict[str, Any]], passed: list[Any], ulps: int) -> Match | None:
    """The announced effect that is exactly the difference between ``b`` and ``a``, if any.

    ``passed`` are the arguments as passed (before the call), in the order of ``args_after``.
    """
    for effect in effects:
        kind = effect.get("kind", "")
        check = _CHECKS.get(kind)
        detail = check(b, a, effect, passed, ulps) if check else None
        if detail is not None:
            return Match("fixed" if kind in FIXED_KINDS else "intended", effect.get("code", ""),
                         effect.get("text", ""), detail)
    return None


def _returned(b: Outcome, a: Outcome) -> bool:
    return b.raised is None and a.raised is None


def _same_args(b: Outcome, a: Outcome, ulps: int) -> bool:
    cmp = Comparer(ulps)
    return len(b.args_after) == len(a.args_after) and all(
        cmp.values(x, y, "") is None for x, y in zip(b.args_after, a.args_after))


def _unmutated(b: Outcome, a: Outcome, effect: dict, passed: list[Any], ulps: int) -> str | None:
    if not _returned(b, a) or len(b.args_after) != len(a.args_after):
        return None
    cmp = Comparer(ulps)
    if cmp.values(b.value, a.value, "") is not None:
        return None
    kept = []
    for i, (x, y) in enumerate(zip(b.args_after, a.args_after)):
        if cmp.values(x, y, "") is None:
            continue
        if i >= len(passed) or cmp.values(snapshot(passed[i]), y, "") is not None:
            return None  # the rewrite changed it too, or it is not an argument the caller passed
        kept.append(i + 1)
    if not kept:
        return None
    return f"argument {', '.join(map(str, kept))} changed by the original, left as passed by the rewrite"


def _ndarray(b: Outcome, a: Outcome, effect: dict, passed: list[Any], ulps: int) -> str | None:
    import numpy as np

    if not _returned(b, a) or not _same_args(b, a, ulps):
        return None
    if type(b.value).__name__ != "Series" or not isinstance(a.value, np.ndarray):
        return None
    values = b.value.to_numpy()
    if Comparer(ulps).values(values, a.value, "") is not None:
        return None
    return f"a Series of {len(values)} became an ndarray {a.value.dtype} with the same values"


def _outlined(value: Any, like: Any = None) -> Any:
    """``value`` with each drawing replaced by its outline (the original's labels in ``like``)."""
    if isinstance(value, Drawing):
        theirs = drawing.outline(like.drawn) if isinstance(like, Drawing) else None
        return drawing.outline(value.drawn, theirs)
    if isinstance(value, (list, tuple)):
        others = like if isinstance(like, (list, tuple)) and len(like) == len(value) else [None] * len(value)
        return [_outlined(v, o) for v, o in zip(value, others)]
    return value


def _has_drawing(value: Any) -> bool:
    return isinstance(value, Drawing) or (isinstance(value, (list, tuple)) and any(map(_has_drawing, value)))


def _outline(b: Outcome, a: Outcome, effect: dict, passed: list[Any], ulps: int) -> str | None:
    if not _returned(b, a):
        return None
    if not (_has_drawing(b.value) or _has_drawing(list(b.args_after))):
        return None
    cmp = Comparer(ulps)
    before = [_outlined(b.value), _outlined(list(b.args_after))]
    after = [_outlined(a.value, b.value), _outlined(list(a.args_after), list(b.args_after))]
    if cmp.values(before, after, "") is not None:
        return None
    return "the charts agree in outline (artists, labels, normalisation), not in every coordinate"


def _raises_fixed(b: Outcome, a: Outcome, effect: dict, passed: list[Any], ulps: int) -> str | None:
    pattern = effect.get("pattern") or ""
    if not (b.raised and a.raised is None and pattern and re.search(pattern, b.message)):
        return None
    return f"the original raised {b.raised}: {b.message}"[:200]


def _chained(b: Outcome, a: Outcome, effect: dict, passed: list[Any], ulps: int) -> str | None:
    if not (b.no_op and not a.no_op) or bool(b.raised) != bool(a.raised):
        return None
    return "pandas warned ChainedAssignmentError in the original: its chained in-place call changed nothing"


_CHECKS = {
    "unmutated-argument": _unmutated, "ndarray": _ndarray, "drawing-outline": _outline,
    "raises-fixed": _raises_fixed, "chained-no-op": _chained,
}
