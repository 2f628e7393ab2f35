"""Coverage-guided exploration after Hypothesis: mutate the calls that reached new branches.

The corpus starts with every example that reached a branch no earlier example had. Each round takes a
call from it and changes one argument the way that moves a kernel into another branch: a NaN (alone,
in a run, at the start or end, everywhere), a tie with a neighbour, a reversed or sorted array, a
shorter or longer array, an integer stepped by one or set near an array's length, a literal swapped
for another. Calls that reach new branches join the corpus. Exploration stops when every branch is
reached, when ``stall`` mutants in a row reached nothing new, or at the deadline.

Then come ``BOUNDARY`` mutants at the boundaries of comparisons: a branch reached is not a boundary
tried (``position < 0`` and ``position <= 0`` take the same branches until ``position`` is exactly 0),
so one scalar of a corpus call is set to a literal it is compared with, or that literal +-1 (or an
array element to its neighbour: a tie).
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from finfix.harness.plan import OMIT, Call

STALL = 120  # mutants in a row without a new branch before giving up
BOUNDARY = 64  # mutants at comparison boundaries once every branch is reached (or coverage stalled)


def _mutate_array(a: np.ndarray, rng: np.random.Generator, others: list[int]) -> np.ndarray:
    a = a.copy()
    n = a.shape[0] if a.ndim else 0
    floaty = a.dtype.kind == "f"
    ops = ["tie", "reverse", "sort", "shorter", "longer", "negate", "scale"]
    if floaty:
        ops += ["nan", "nan run", "nan head", "nan tail", "all nan", "inf"]
    if a.dtype.names:
        ops = ["shorter", "longer", "reverse", "field"]
    op = ops[rng.integers(len(ops))]
    if n == 0 and op not in ("longer",):
        op = "longer"
    if op == "longer":
        extra = int(rng.integers(1, 9)) if not others else max(1, max(others) - n + int(rng.integers(0, 3)))
        if n:
            pad = a[rng.integers(0, n, size=extra)]
        else:
            pad = np.zeros((extra, *a.shape[1:]), dtype=a.dtype)
            if floaty:
                pad[...] = rng.integers(-3, 4, size=pad.shape)
        return np.concatenate([a, pad])[:256]
    if op == "shorter":
        return a[: int(rng.integers(0, n))]
    if op == "reverse":
        return a[::-1].copy()
    if op == "sort":
        return np.sort(a, axis=0) if not a.dtype.names else a
    if op == "field":  # one field of one record moved across its neighbour's: above, equal, below, or NaN
        name = a.dtype.names[int(rng.integers(len(a.dtype.names)))]
        i = int(rng.integers(n))
        column = a[name]
        neighbour = column[i - 1] if i else column[min(1, n - 1)]
        how = ("above", "tie", "below", "nan")[int(rng.integers(4 if column.dtype.kind == "f" else 3))]
        if how == "nan":
            column[i] = np.nan
        elif column.dtype.kind == "b":
            column[i] = not neighbour if how != "tie" else neighbour
        else:
            step = {"above": 1, "tie": 0, "below": -1}[how]
            column[i] = neighbour + step if column.dtype.kind in "iuf" else neighbour
        return a
    i = int(rng.integers(n))
    if op == "tie" and n > 1:
        a[i] = a[i - 1] if i else a[1]
    elif op == "negate":
        a[i] = not a[i] if a.dtype.kind == "b" else -a[i]  # numpy has no `-` for booleans
    elif op == "scale":
        a[i] = a[i] * (2 if a.dtype.kind != "b" else 1)
    elif op == "nan":
        a[i] = np.nan
    elif op == "nan run":
        a[i: i + int(rng.integers(1, max(2, n)))] = np.nan
    elif op == "nan head":
        a[: i + 1] = np.nan
    elif op == "nan tail":
        a[i:] = np.nan
    elif op == "all nan":
        a[...] = np.nan
    elif op == "inf":
        a[i] = np.inf if rng.integers(2) else -np.inf
    return a


def _mutate_scalar(v: Any, rng: np.random.Generator, lengths: list[int], literals: list[Any]) -> Any:
    if isinstance(v, bool):
        return not v
    if isinstance(v, (int, np.integer)):
        choices = [int(v) - 1, int(v) + 1, 0, 1, *[n + d for n in lengths for d in (-1, 0, 1)]]
        choices += [x for x in literals if isinstance(x, int) and not isinstance(x, bool)]
        return int(choices[int(rng.integers(len(choices)))])
    if isinstance(v, (float, np.floating)):
        choices = [float(v) + 1, float(v) - 1, 0.0, -float(v), float("nan"), float(v) * 2, float(v) / 2]
        choices += [float(x) for x in literals if isinstance(x, (int, float)) and not isinstance(x, bool)]
        return choices[int(rng.integers(len(choices)))]
    if isinstance(v, str):
        words = [x for x in literals if isinstance(x, str)] + ["", v + "x"]
        return words[int(rng.integers(len(words)))]
    return v


def mutate(call: Call, rng: np.random.Generator, literals: dict[str, list[Any]]) -> Call | None:
    """One argument of ``call`` changed; None when no argument can be."""
    values = list(call.values)
    slots = [i for i, v in enumerate(values) if v is not OMIT and isinstance(v, (np.ndarray, bool, int, float, str,
                                                                                    np.integer, np.floating))]
    if not slots:
        return None
    i = slots[int(rng.integers(len(slots)))]
    lengths = [len(v) for v in values if isinstance(v, np.ndarray) and v.ndim >= 1]
    v = values[i]
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return None
        values[i] = _mutate_array(v, rng, [n for j, n in enumerate(lengths) if j != i])
    else:
        values[i] = _mutate_scalar(v, rng, lengths, literals.get(call.names[i], []))
    return call.with_values(tuple(values), "coverage mutation")


def boundary(call: Call, rng: np.random.Generator, literals: dict[str, list[Any]]) -> Call | None:
    """One scalar of ``call`` set to a literal it is compared with or a neighbour of it (0 and +-1
    without literals), or one array element tied with its neighbour; None when nothing fits."""
    values = list(call.values)
    slots = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or v is OMIT:
            continue
        if isinstance(v, (int, float, np.integer, np.floating)) or (isinstance(v, np.ndarray) and v.ndim >= 1
                                                                   and v.shape[0] > 1 and not v.dtype.names):
            slots.append(i)
    if not slots:
        return None
    i = slots[int(rng.integers(len(slots)))]
    v = values[i]
    if isinstance(v, np.ndarray):
        a = v.copy()
        k = int(rng.integers(1, a.shape[0]))
        a[k] = a[k - 1]
        values[i] = a
    else:
        near = [x for x in literals.get(call.names[i], []) if isinstance(x, (int, float)) and not isinstance(x, bool)]
        near = near or [0]
        centre = near[int(rng.integers(len(near)))]
        step = int(rng.integers(-1, 2))
        values[i] = type(v)(centre + step) if isinstance(v, (int, np.integer)) else float(centre + step)
    return call.with_values(tuple(values), "coverage mutation")


def explore(
    corpus: list[Call], check: Callable[[Call], None], reached: Callable[[], int], total: int, *,
    deadline: float, literals: dict[str, list[Any]], seed: int = 0, limit: int = 2_000,
) -> int:
    """Mutate calls from ``corpus`` and ``check`` each (it raises to stop, and adds to ``corpus`` the
    calls that reach new branches) until coverage stops growing; returns the number of calls run."""
    if not corpus or total == 0:
        return 0
    rng = np.random.default_rng(seed)
    stall = run = 0
    while stall < STALL and run < limit and reached() < total and time.perf_counter() < deadline:
        before = reached()
        parent = corpus[int(rng.integers(len(corpus)))]
        child = mutate(parent, rng, literals)
        if child is None:
            stall += 1
            continue
        run += 1
        check(child)
        stall = 0 if reached() > before else stall + 1
    for _ in range(BOUNDARY):
        if time.perf_counter() >= deadline:
            break
        child = boundary(corpus[int(rng.integers(len(corpus)))], rng, literals)
        if child is not None:
            run += 1
            check(child)
    return run


def _simpler(v: Any) -> list[Any]:
    """Smaller or simpler values than ``v``, simplest first."""
    if isinstance(v, np.ndarray) and v.ndim >= 1:
        n = v.shape[0]
        out: list[Any] = []
        if n:
            out += [v[: n // 2], v[n // 2:]]
            out += [np.delete(v, i, axis=0) for i in range(min(n, 16))]
        if v.dtype.kind == "f" and n <= 16 and not v.dtype.names:
            for i in range(n):
                if v.flat[i] != 0:
                    w = v.copy()
                    w.flat[i] = 0.0
                    out.append(w)
        return out
    if isinstance(v, bool):
        return [False] if v else []
    if isinstance(v, (int, np.integer)):
        return [x for x in (0, 1, int(v) - 1 if v > 0 else int(v) + 1) if abs(x) < abs(int(v))]
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return [0.0]
        if v == 0.0:
            return []
        out = [0.0] + ([1.0] if v not in (1.0,) else [])
        return out + ([float(round(v))] if float(round(v)) != v else [])
    return []


def shrink(call: Call, fails: Callable[[Call], bool], *, tries: int = 200) -> Call:
    """A greedy shrink of a failing call (edge cases and mutants are not shrunk by Hypothesis)."""
    improved = True
    while improved and tries > 0:
        improved = False
        for i, v in enumerate(call.values):
            if v is OMIT:
                continue
            for smaller in _simpler(v):
                tries -= 1
                if tries <= 0:
                    return call
                values = (*call.values[:i], smaller, *call.values[i + 1:])
                candidate = call.with_values(values, call.origin)
                if fails(candidate):
                    call, improved = candidate, True
                    break
            if improved:
                break
    return call
