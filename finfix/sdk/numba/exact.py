"""An exact dependence test for affine accesses, with ISL (islpy) when it is installed.

Two accesses of one array, every index an affine form ``c*i + sum(k_t * atom_t) + const``: is there a
pair of *distinct* iterations ``p != q`` that touch the same element? Atoms bound outside the loop
(parameters) are the same for both iterations; atoms of inner ``range`` loops (named ``j#3``) are free
per iteration. ISL decides the integer system exactly (no bounds on the iteration space: a "disjoint"
answer holds for every loop range). Without islpy (``pip install finfix[exact]``), ``conflict`` returns
None and the hand-written forms in ``dependence`` decide alone. See docs/dependence-test.md.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

from finfix.sdk.numba.race_forms import AFF, INV, Access, Idx

# optional (the `exact` extra), and imported on first use: importing islpy costs about 0.1-0.7 s,
# which a run that meets no affine prange loop should not pay
AVAILABLE = importlib.util.find_spec("islpy") is not None


@lru_cache(maxsize=1)
def _isl():
    import islpy

    return islpy


def affine_only(acc: Access) -> bool:
    return acc.idxs is not None and all(i.kind in (AFF, INV) for i in acc.idxs)


def conflict(a: Access, b: Access) -> bool | None:
    """True: distinct iterations touch one element; False: they never do; None: not decided here."""
    if not AVAILABLE or not (affine_only(a) and affine_only(b)):
        return None
    width = min(len(a.idxs), len(b.idxs))  # type: ignore[arg-type]
    names: dict[str, str] = {}
    shared: set[str] = set()
    own: set[str] = set()
    bounds: list[str] = []

    def term(idx: Idx, side: str, it: str) -> str:
        parts = [f"{idx.coef} * {it}"] if idx.kind == AFF else []
        for atom, k in idx.lin:
            if "#" in atom:  # a per-iteration value (inner loop variable, joined value)
                name = names.setdefault(side + atom, f"{side}{len(names)}")
                if name not in own and "@" in atom:  # an inner `range(lo, hi)` with literal bounds
                    lo, hi = atom.rsplit("@", 1)[1].split(":")
                    bounds.append(f"{lo} <= {name} < {hi}")
                own.add(name)
            else:
                name = names.setdefault(atom, f"s{len(names)}")
                shared.add(name)
            parts.append(f"{k} * {name}")
        parts.append(str(idx.const))
        return " + ".join(parts)

    eqs = [f"{term(a.idxs[p], 'a', 'p')} = {term(b.idxs[p], 'b', 'q')}" for p in range(width)]  # type: ignore[index]
    eqs += bounds
    params = ", ".join(sorted(shared))
    dims = ", ".join(["p", "q", *sorted(own)])
    text = f"[{params}] -> {{ [{dims}] : {' and '.join(eqs) or 'true'} and (p < q or p > q) }}"
    text = re.sub(r"\+ -", "- ", text)
    return not _isl().Set(text).is_empty()
