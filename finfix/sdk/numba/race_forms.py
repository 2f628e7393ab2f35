"""The values of FX001's race analysis: index forms and their algebra, accesses, verdicts.

Pure data and pure functions, no syntax-tree walking (that is :mod:`finfix.sdk.numba.races`):
``judge_array`` decides, from every recorded access to one array, whether iterations of a ``prange``
loop touch disjoint elements of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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

    @property
    def per_iteration(self) -> bool:
        """Has a term that differs between iterations besides the loop variable (an inner loop's
        variable: `i + j`), so equal forms do not mean distinct elements."""
        return any("#" in atom for atom, _ in self.lin)


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


#: ((condition id, outcome), ...): a path through loop-invariant conditions
Scenario = tuple[tuple[int, bool], ...]


def compatible(tag: Scenario, outcomes: dict[int, bool]) -> bool:
    """Can something recorded under ``tag`` happen when the conditions take ``outcomes``?"""
    return all(outcomes.get(c, v) == v for c, v in tag)


@dataclass
class Access:
    base: str
    idxs: tuple[Idx, ...] | None
    write: bool
    stmt: cst.CSTNode  # the statement of the loop body it comes from
    text: str  # what to show: the subscript, or "callee: statement"
    aug: bool = False
    scenario: Scenario = ()  # the loop-invariant condition outcomes it happens under


class Resolver:
    """What the analysis asks the rule: qualified names and the module's functions."""

    def __init__(
        self,
        names: Callable[[cst.CSTNode], set[str]],
        functions: dict[str, cst.FunctionDef],
    ) -> None:
        self.names = names
        self.functions = functions


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    statement: cst.CSTNode | None = None  # a statement of the loop body
    text: str = ""  # the racy statement, as shown to the user
    suggestion: str = ""
    #: what the race is on: ("array", name) or ("name", name); what a witness search looks for
    subject: tuple[str, str] = ("", "")
    scenario: str = ""  # "when `idx % 2 == 0` is true": the invariant-branch outcome the race needs


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
