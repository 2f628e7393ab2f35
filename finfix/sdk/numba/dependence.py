"""The dependence test of FX001: do two iterations of a ``prange`` loop touch one element of an array?"""

from __future__ import annotations

from finfix.sdk.numba import exact
from finfix.sdk.numba.race_forms import (
    AFF, CHUNK, DEP, RACY, SLICE, SUGGEST_CARRIED, SUGGEST_HISTOGRAM, SUGGEST_LASTPRIVATE, SUGGEST_SCALAR,
    SUGGEST_WHOLE, UNPROVEN, Access, Verdict,
)


def judge_array(base: str, accs: list[Access], var: str) -> Verdict | None:
    """None when the accesses to ``base`` are disjoint between iterations, else a verdict."""
    writes = [a for a in accs if a.write]
    if exact.AVAILABLE and all(exact.affine_only(a) for a in accs):
        if not any(exact.conflict(w, b) for w in writes for b in accs):
            return None  # ISL: no two distinct iterations touch one element
        # they meet: the hand-written forms below say how
    known = [a for a in accs if a.idxs is not None]
    if len(known) == len(accs):
        width = min(len(a.idxs) for a in known)  # type: ignore[arg-type]
        for p in range(width):
            first = known[0].idxs[p]  # type: ignore[index]
            if first.kind == AFF and not first.per_iteration and all(
                a.idxs[p].same_affine(first) for a in known  # type: ignore[index]
            ):
                return None
        for p in range(width):
            kinds = {a.idxs[p].kind for a in known}  # type: ignore[index]
            notes = {a.idxs[p].note for a in known}  # type: ignore[index]
            if kinds <= {AFF, CHUNK, SLICE} and (CHUNK in kinds or "chunk" in notes) and (
                kinds != {SLICE} or notes == {"chunk"}
            ):
                w = next(a for a in accs if a.write)
                return Verdict(UNPROVEN, f"it writes a segment of `{base}` whose bounds depend on `{var}` "
                               "(a chunk); finfix cannot prove the segments are disjoint", w.stmt, w.text)
    w = writes[0]
    if any(a.idxs is None for a in accs):
        a = next(a for a in accs if a.idxs is None)
        return Verdict(RACY, f"`{a.text}` uses a reshaped view of `{base}`, whose elements finfix cannot "
                       "tell apart between iterations", w.stmt, w.text, SUGGEST_WHOLE)
    # loop-carried dependency: affine at the same position but a different offset
    for a in writes:
        for b in accs:
            if a is b:
                continue
            for p in range(min(len(a.idxs), len(b.idxs))):  # type: ignore[arg-type]
                x, y = a.idxs[p], b.idxs[p]  # type: ignore[index]
                if x.kind == AFF and y.kind == AFF and not x.same_affine(y):
                    what = "writes" if b.write and not b.aug else "reads"
                    return Verdict(RACY, f"it {what} `{b.text}` too, and another iteration writes that element "
                                   "(a loop-carried dependency)", a.stmt, a.text, SUGGEST_CARRIED)
    bad = next((a for a in writes if not any(i.kind == AFF for i in a.idxs)), None)  # type: ignore[union-attr]
    if bad is None:  # every write is affine somewhere; a read elsewhere conflicts
        r = next((a for a in accs if not a.write and not any(i.kind == AFF for i in a.idxs)), None)  # type: ignore[union-attr]
        if r is None:
            return Verdict(RACY, f"the accesses to `{base}` use `{var}` at different index positions, so "
                           "iterations share elements", w.stmt, w.text, SUGGEST_CARRIED)
        return Verdict(RACY, f"`{r.text}` reads elements of `{base}` that other iterations write",
                       w.stmt, w.text, SUGGEST_CARRIED)
    kinds = [i.kind for i in bad.idxs]  # type: ignore[union-attr]
    notes = [i.note for i in bad.idxs if i.kind == DEP]  # type: ignore[union-attr]
    if "data" in notes:
        return Verdict(RACY, f"the index of `{base}` is read from the data, so two iterations can update the "
                       "same element (a histogram / scatter-add)", bad.stmt, bad.text, SUGGEST_HISTOGRAM)
    if DEP in kinds:
        return Verdict(RACY, f"the index of `{base}` is not an injective function of `{var}` "
                       f"(e.g. `{var} % k`, `{var} // 2`), so iterations share elements", bad.stmt, bad.text,
                       SUGGEST_HISTOGRAM)
    if SLICE in kinds:
        return Verdict(RACY, f"it writes a slice of `{base}` that every iteration also writes", bad.stmt, bad.text,
                       SUGGEST_WHOLE)
    if not kinds:
        return Verdict(RACY, f"it writes all of `{base}` from every iteration", bad.stmt, bad.text, SUGGEST_WHOLE)
    if any(i.lin and any(a.startswith(("item#",)) or "#" in a for a, _ in i.lin) for i in bad.idxs):  # type: ignore[union-attr]
        return Verdict(RACY, f"the index of `{base}` does not depend on `{var}`: every iteration updates the "
                       "same elements", bad.stmt, bad.text, SUGGEST_WHOLE)
    return Verdict(RACY, f"every iteration writes the same element of `{base}`", bad.stmt, bad.text,
                   SUGGEST_SCALAR if bad.aug else SUGGEST_LASTPRIVATE)


