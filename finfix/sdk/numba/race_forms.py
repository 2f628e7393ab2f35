"""The values of FX001's race analysis: index forms and their algebra, accesses, verdicts.

Pure data and pure functions, no syntax-tree walking (that is :mod:`finfix.sdk.numba.races`):
``judge_array`` decides, from every recorded access to one array, whether iterations of a ``prange``
loop touch disjoint elements of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from finfix.sdk.names import code_of

INV, AFF, CHUNK, DEP, SLICE = "invariant", "affine", "chunk", "dependent", "slice"
RACE_FREE, RACY, UNPROVEN = "race-free", "racy", "unproven"

@dataclass(frozen=True)
class Idx:
    """The index form of an integer value relative to the loop variable."""

    kind: str
    coef: int = 0  # affine: multiplier of the loop variable
    lin: tuple[tuple[str, int], ...] = ()  # invariant/affine: linear loop-invariant part
    const: int = 0
    literal: bool = False  # an int literal (so `2 * i` stays affine)
    note: str = ""  # dependent: "data" (read through i) or "map" (non-injective map of i)

    def same_affine(self, other: Idx) -> bool:
        return self.kind == other.kind == AFF and (self.coef, self.lin, self.const) == (
            other.coef, other.lin, other.const)


def inv(atom: str | None = None, const: int = 0, literal: bool = False) -> Idx:
    return Idx(INV, lin=((atom, 1),) if atom else (), const=const, literal=literal)


DEP_DATA = Idx(DEP, note="data")
DEP_MAP = Idx(DEP, note="map")


@dataclass(frozen=True)
class Ref:
    """The array (or container) a value may refer to: ``base`` '' is a private, per-iteration object."""

    base: str
    prefix: tuple[Idx, ...] | None = ()  # None: a reshaped view, layout lost
    container: bool = False


@dataclass(frozen=True)
class Val:
    idx: Idx
    ref: Ref | None = None
    items: tuple[Val, ...] | None = None  # tuple literals: `idx = (i, j)`


PRIVATE = Ref("")


@dataclass
class Access:
    base: str
    idxs: tuple[Idx, ...] | None
    write: bool
    stmt: cst.CSTNode  # the statement of the loop body it comes from
    text: str  # what to show: the subscript, or "callee: statement"
    aug: bool = False


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    statement: cst.CSTNode | None = None  # a statement of the loop body
    text: str = ""  # the racy statement, as shown to the user
    suggestion: str = ""


SUGGEST_SCALAR = (
    "parallel-safe alternative: accumulate in a local scalar, which numba reduces across threads: "
    "`acc = 0.0` before the loop, `acc += ...` inside it, `out[0] = acc` after it"
)
SUGGEST_HISTOGRAM = (
    "parallel-safe alternative: a per-chunk histogram: `partial = np.zeros((nchunks, nbins))`, "
    "`for c in prange(nchunks):` fill only row `partial[c, b]` for the items of chunk c, then "
    "`h = partial.sum(axis=0)`; or `np.bincount` outside numba"
)
SUGGEST_WHOLE = (
    "parallel-safe alternative: a whole-array reduction: `acc += row` on an array name (no subscript "
    "or slice), or one private row per iteration `out[i, ...]` reduced after the loop"
)
SUGGEST_CARRIED = (
    "this loop carries a dependency from one iteration to the next; it is sequential by nature "
    "(a prefix scan): keep `range`, or split it into a parallel pass and a short sequential fix-up"
)
SUGGEST_CONTAINER = (
    "parallel-safe alternative: preallocate an array and write `out[i] = ...`, then build the "
    "container after the loop"
)
SUGGEST_LASTPRIVATE = (
    "parallel-safe alternative: store per-iteration values in `out[i]` and pick the one you need "
    "after the loop"
)


def judge_array(base: str, accs: list[Access], var: str) -> Verdict | None:
    """None when the accesses to ``base`` are disjoint between iterations, else a verdict."""
    writes = [a for a in accs if a.write]
    known = [a for a in accs if a.idxs is not None]
    if len(known) == len(accs):
        width = min(len(a.idxs) for a in known)  # type: ignore[arg-type]
        for p in range(width):
            first = known[0].idxs[p]  # type: ignore[index]
            if first.kind == AFF and all(a.idxs[p].same_affine(first) for a in known):  # type: ignore[index]
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
        return Verdict(RACY, f"writes a slice of `{base}` that every iteration also writes", bad.stmt, bad.text,
                       SUGGEST_WHOLE)
    if not kinds:
        return Verdict(RACY, f"writes all of `{base}` from every iteration", bad.stmt, bad.text, SUGGEST_WHOLE)
    if any(i.lin and any(a.startswith(("item#",)) or "#" in a for a, _ in i.lin) for i in bad.idxs):  # type: ignore[union-attr]
        return Verdict(RACY, f"the index of `{base}` does not depend on `{var}`: every iteration updates the "
                       "same elements", bad.stmt, bad.text, SUGGEST_WHOLE)
    return Verdict(RACY, f"every iteration writes the same element of `{base}`", bad.stmt, bad.text,
                   SUGGEST_SCALAR if bad.aug else SUGGEST_LASTPRIVATE)


# -- index-form helpers -------------------------------------------------------------------------------
def add(a: Idx, b: Idx, sign: int) -> Idx:
    coef = a.coef + sign * b.coef
    terms: dict[str, int] = dict(a.lin)
    for atom, k in b.lin:
        terms[atom] = terms.get(atom, 0) + sign * k
    lin = tuple(sorted((t, k) for t, k in terms.items() if k))
    const = a.const + sign * b.const
    if coef == 0 and a.kind == AFF and b.kind == AFF:
        return Idx(INV, lin=lin, const=const)
    kind = AFF if coef else INV
    return Idx(kind, coef=coef, lin=lin, const=const, literal=kind == INV and not lin and a.literal and b.literal)


def scale(a: Idx, k: int, node: cst.CSTNode) -> Idx:
    if a.kind not in (INV, AFF):
        return a if a.kind == DEP else DEP_MAP
    if k == 0:
        return inv(const=0, literal=True)
    return Idx(a.kind, coef=a.coef * k, lin=tuple((t, c * k) for t, c in a.lin), const=a.const * k,
               literal=a.literal)


def flatten(parts: list[Idx], node: cst.CSTNode) -> Idx:
    """A value computed from ``parts`` by something that is not linear."""
    if all(p.kind == INV for p in parts):
        return inv(code_of(node))
    if any(p.kind == DEP and p.note == "data" for p in parts):
        return DEP_DATA
    return DEP_MAP if any(p.kind in (AFF, CHUNK, DEP) for p in parts) else DEP_DATA


def join(a: Val, b: Val, widen: bool) -> Val:
    if a == b:
        return a
    ref = a.ref if a.ref == b.ref else None
    if a.idx.kind == b.idx.kind == INV:
        idx = inv(f"join#{id(a)}#{id(b)}")
    elif a.idx.kind == b.idx.kind and a.idx.kind in (CHUNK,):
        idx = a.idx
    else:
        idx = DEP_DATA if "data" in (a.idx.note, b.idx.note) else DEP_MAP
    return Val(idx, ref)
