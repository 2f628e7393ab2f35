"""Hypothesis strategies for values of a :class:`~finfix.harness.kinds.Kind`.

Arrays are what kernels mostly get, so their values are shaped the way real data breaks code: NaN in
runs, alone here and there, at the start and end (a NaN entering and leaving a rolling window), all-NaN,
ties, random walks (prices), special floats (±inf, ±0.0, subnormals, huge), lengths from 0 up to 64.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from finfix.harness.kinds import Kind

SPECIAL_FLOATS = (  # simplest first: Hypothesis shrinks towards the start
    0.0, 1.0, -1.0, 0.5, -0.0, float("nan"), float("inf"), float("-inf"), 5e-324, -5e-324,
    2.2250738585072014e-308, 1e-300, 1e300, -1e300, 1.7976931348623157e308,
)
MAX_LEN = 64
MAX_SIDE = 8  # of each dimension of a 2-D or 3-D array

FLOATS = st.one_of(
    st.integers(-4, 4).map(float),  # ties: `<` against `<=` only differ on equal values
    st.sampled_from(SPECIAL_FLOATS),
    st.floats(-1e3, 1e3),
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
)
SMALL_INTS = st.integers(-5, 100)
TEXT = st.text(alphabet="abcXYZ-_ .", max_size=6)
_TIME_FIELDS = re.compile(r"(^|_)(ts|time|timestamp|date|datetime|seq)$", re.I)

LENGTHS = st.one_of(st.integers(0, 8), st.integers(0, MAX_LEN))


def shapes(ndim: int) -> st.SearchStrategy:
    if ndim == 1:
        return LENGTHS.map(lambda n: (n,))
    return st.tuples(*[st.integers(0, MAX_SIDE)] * ndim)


def _elements(dtype: str) -> st.SearchStrategy:
    if dtype.startswith("float"):
        return FLOATS if dtype == "float64" else st.floats(width=32, allow_nan=True, allow_infinity=True)
    if dtype.startswith("int") or dtype.startswith("uint"):
        info = np.iinfo(dtype)
        return st.one_of(st.integers(max(-4, info.min), 12), st.integers(info.min, info.max))
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith("complex"):
        return st.complex_numbers(allow_nan=True, allow_infinity=True)
    raise ValueError(f"no values for dtype {dtype}")


PATTERNS = ("plain", "walk", "nan runs", "nan edges", "all nan", "ties", "special", "nan sprinkled")


@st.composite
def float_arrays(draw: Callable, dtype: str = "float64", ndim: int = 1, shape: tuple | None = None) -> np.ndarray:
    shape = shape if shape is not None else draw(shapes(ndim))
    n = int(np.prod(shape))
    np_dtype = np.dtype(dtype)
    pattern = draw(st.sampled_from(PATTERNS))
    if pattern == "plain":
        return draw(hnp.arrays(np_dtype, shape, elements=_elements(dtype)))
    if pattern == "special":
        return draw(hnp.arrays(np_dtype, shape, elements=st.sampled_from(SPECIAL_FLOATS)))
    if pattern == "ties":
        return draw(hnp.arrays(np_dtype, shape, elements=st.sampled_from((0.0, 1.0, 2.0, -1.0))))
    steps = draw(hnp.arrays(np.int8, (n,), elements=st.integers(-2, 2)))
    start = draw(st.sampled_from((0.0, 100.0, -3.0, 1.5)))
    flat = (start + np.cumsum(steps, dtype=np.float64)).astype(np_dtype)
    if pattern == "all nan":
        flat[:] = np.nan
    elif pattern == "nan edges" and n:
        head, tail = draw(st.integers(0, n)), draw(st.integers(0, n))
        flat[:head] = np.nan
        if tail:
            flat[n - tail:] = np.nan
    elif pattern == "nan sprinkled" and n:  # single NaNs among values: each one enters and leaves at once
        mask = draw(hnp.arrays(np.bool_, (n,), elements=st.sampled_from((False, False, False, True))))
        flat[mask] = np.nan
    elif pattern == "nan runs" and n:
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, n - 1))
            flat[at: at + draw(st.integers(1, max(1, n // 2)))] = np.nan
    return flat.reshape(shape)


@st.composite
def int_arrays(draw: Callable, dtype: str = "int64", ndim: int = 1, *, sorted_: bool = False,
               shape: tuple | None = None) -> np.ndarray:
    shape = shape if shape is not None else draw(shapes(ndim))
    arr = draw(hnp.arrays(np.dtype(dtype), shape, elements=_elements(dtype)))
    if sorted_ or (ndim == 1 and draw(st.booleans())):
        arr = np.sort(arr) if not sorted_ else np.cumsum(np.abs(arr) % 5).astype(dtype)  # timestamps: gaps, ties
    return arr


@st.composite
def record_arrays(draw: Callable, fields: tuple[tuple[str, str], ...], ndim: int = 1) -> np.ndarray:
    shape = draw(shapes(ndim))
    out = np.zeros(shape, dtype=np.dtype(list(fields)))
    n = int(np.prod(shape))
    for name, dtype in fields:
        if dtype.startswith(("int", "uint")):
            column = draw(int_arrays(dtype, 1, sorted_=bool(_TIME_FIELDS.search(name)), shape=(n,)))
        elif dtype == "bool":
            column = draw(hnp.arrays(np.bool_, (n,)))
        else:
            column = draw(float_arrays(dtype, 1, shape=(n,)))
        out[name] = column.reshape(shape).astype(dtype)
    return out


def arrays_for(kind: Kind) -> st.SearchStrategy:
    if kind.fields:
        return record_arrays(kind.fields, kind.ndim)
    if kind.dtype.startswith("float"):
        return float_arrays(kind.dtype, kind.ndim)
    if kind.dtype.startswith(("int", "uint")):
        return int_arrays(kind.dtype, kind.ndim)
    return hnp.arrays(np.dtype(kind.dtype), shapes(kind.ndim), elements=_elements(kind.dtype))


def scalars_with(base: st.SearchStrategy, literals: list[Any], numbers: list[float], *, integer: bool) -> st.SearchStrategy:
    """``base``, often replaced by a literal the body compares the parameter with, or a body constant +-1."""
    picks = [v for v in literals if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if integer:
        picks = [int(v) for v in picks if float(v).is_integer()]
        picks += [int(v) for v in numbers if v.is_integer() and abs(v) < 1e6]
    else:
        picks += list(numbers)
    picks = list(dict.fromkeys(picks))
    if not picks:
        return base
    near = []
    for v in picks:
        near += [v - 1, v, v + 1] if integer else [v, float(np.nextafter(v, np.inf)), float(np.nextafter(v, -np.inf))]
    return st.one_of(base, st.sampled_from(list(dict.fromkeys(near))))


def strategy_for_kind(kind: Kind, *, literals: list[Any] = (), numbers: list[float] = ()) -> st.SearchStrategy:  # type: ignore[assignment]
    if kind.name == "array":
        return arrays_for(kind)
    if kind.name == "float":
        base = FLOATS if kind.dtype == "float64" else st.floats(width=32)
        return scalars_with(base, list(literals), list(numbers), integer=False)
    if kind.name == "int":
        info = np.iinfo(kind.dtype)
        return scalars_with(st.one_of(SMALL_INTS, st.integers(info.min, info.max)), list(literals),
                            list(numbers), integer=True)
    if kind.name == "bool":
        return st.booleans()
    if kind.name == "str":
        words = [v for v in literals if isinstance(v, str)]
        return st.one_of(st.sampled_from(words), TEXT) if words else TEXT
    if kind.name == "complex":
        return st.complex_numbers(allow_nan=True, allow_infinity=True)
    if kind.name == "tuple":
        return st.tuples(*[strategy_for_kind(k) for k in kind.items])
    raise ValueError(f"no strategy for {kind}")
