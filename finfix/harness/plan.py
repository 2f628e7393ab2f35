"""A plan for calling one function: a strategy per parameter, and the calls drawn from it.

Integer parameters the body uses as counts, windows or limits are drawn after the arrays of the same
call, small and near their lengths (0, 1, 2, len-1, len, len+1 and anything up to len+1), since that is
where off-by-one bounds differ. In half the calls with two or more arrays, they are cut to one length
(per axis), since arrays passed together usually go together; in half of those, the float arrays
after the first take its values plus small steps (keeping their own NaN), so they cross and tie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from finfix.harness.kinds import Kind

OMIT = type("Omitted", (), {"__repr__": lambda self: "<default>", "__reduce__": lambda self: "OMIT"})()


@dataclass
class ParamPlan:
    name: str
    strategy: st.SearchStrategy
    source: str  # where the strategy came from, for notes
    kind: Kind | None = None
    size_like: bool = False  # a count, window or limit: drawn near the arrays' lengths
    optional: bool = False  # has a default: sometimes omitted
    keyword_ok: bool = True  # may be passed by keyword


@dataclass
class CallPlan:
    params: list[ParamPlan]
    init: "CallPlan | None" = None  # for methods: how to build the instance
    sources: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = ", ".join(f"{p.name}: {p.kind or p.source}" for p in self.params)
        if self.params and all(p.kind for p in self.params) and self.sources:
            text += f" ({', '.join(self.sources)})"
        return text


@dataclass(frozen=True)
class Call:
    """Drawn arguments: one value per parameter (OMIT when the default is used)."""

    names: tuple[str, ...]
    values: tuple[Any, ...]
    keyword_ok: tuple[bool, ...]
    init: "Call | None" = None
    origin: str = "generated"  # "edge case", "generated", "coverage mutation", for counterexamples

    def split(self, values: tuple[Any, ...] | None = None) -> tuple[list[Any], dict[str, Any]]:
        vals = self.values if values is None else values
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        positional = True
        for name, value, kw in zip(self.names, vals, self.keyword_ok):
            if value is OMIT:
                positional = False
                continue
            if positional or not kw:
                args.append(value)
            else:
                kwargs[name] = value
        return args, kwargs

    def passed_names(self) -> list[str]:
        """The names of the arguments passed, in the order ``split`` passes them (args, then kwargs)."""
        args, kwargs = self.split()
        names = [n for n, v in zip(self.names, self.values) if v is not OMIT]
        return names[: len(args)] + list(kwargs)

    def shown(self) -> dict[str, str]:
        shown = {n: "<default>" if v is OMIT else short_repr(v) for n, v in zip(self.names, self.values)}
        if self.init is not None:
            shown = {**{f"self.{k}": v for k, v in self.init.shown().items()}, **shown}
        return shown

    def with_values(self, values: tuple[Any, ...], origin: str) -> "Call":
        return Call(self.names, values, self.keyword_ok, self.init, origin)


def short_repr(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size == 0:  # np.array([]) would hide the shape and a record dtype
            return f"np.empty({value.shape}, dtype={_dtype_text(value.dtype)})"
        with np.printoptions(threshold=20, precision=17):
            text = f"np.array({np.array2string(value, separator=', ')}, dtype={_dtype_text(value.dtype)})"
        return text
    text = repr(value)
    return text if len(text) < 400 else text[:400] + "..."


def _dtype_text(dtype: np.dtype) -> str:
    return str(dtype.descr) if dtype.names else str(dtype)


def _near_lengths(top: int) -> st.SearchStrategy:
    near = sorted({v for v in (0, 1, 2, 3, top - 1, top, top + 1) if v >= 0})
    return st.one_of(st.sampled_from(near), st.integers(0, top + 1), st.just(-1))


def _fold(v: Any, cap: int) -> Any:
    """An integer beyond ``cap`` brought into [0, cap]; anything else as it is."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and abs(int(v)) > cap:
        return int(v) % (cap + 1)
    return v


def _axes(v: Any) -> tuple[int, ...]:
    """The lengths of an array's, a list's, a Series' or a DataFrame's axes; () for anything else."""
    if isinstance(v, np.ndarray):
        return v.shape
    if isinstance(v, (list, tuple)):
        return (len(v),)
    shape = getattr(v, "shape", None) if type(v).__module__.startswith("pandas") else None
    return tuple(shape) if isinstance(shape, tuple) else ()


def _same_lengths(values: dict[str, Any]) -> dict[str, Any]:
    """Every array-like cut to the shortest length along each axis they share: arrays of one call often
    go together (returns and benchmark, entries and exits, high and low), and drawn apart their lengths
    almost never match, so the code past a length check never runs."""
    shapes = [_axes(v) for v in values.values() if _axes(v)]
    common = [min(s[k] for s in shapes if len(s) > k) for k in range(max(len(s) for s in shapes))]
    out = {}
    for name, v in values.items():
        axes = _axes(v)
        if not axes:
            out[name] = v
        elif isinstance(v, np.ndarray):
            out[name] = v[tuple(slice(0, common[k]) for k in range(v.ndim))].copy()
        elif isinstance(v, (list, tuple)):
            out[name] = v[: common[0]]
        else:  # pandas
            out[name] = v.iloc[: common[0]] if len(axes) == 1 else v.iloc[: common[0], : common[1]]
    return out


def _related(values: dict[str, Any], floats: list[str], steps: list[int]) -> dict[str, Any]:
    """The float arrays after the first made of the first's values plus small steps (-2..2, cycled),
    where they are not NaN: two arrays compared element by element (a crossover, high against low) then
    cross, tie and part again, while each keeps its own NaN. Drawn apart, two random walks seldom cross."""
    out = dict(values)
    first = values[floats[0]]
    for k in floats[1:]:
        b = values[k]
        if b.shape != first.shape:
            continue
        offsets = np.resize(np.asarray(steps, dtype=np.float64), b.size).reshape(b.shape)
        out[k] = np.where(np.isnan(b), b, first + offsets).astype(b.dtype)
    return out


def calls(plan: CallPlan) -> st.SearchStrategy[Call]:
    @st.composite
    def draw_call(draw: Callable) -> Call:
        values: dict[str, Any] = {}
        sized = [p for p in plan.params if p.size_like]
        for p in plan.params:
            if p.size_like:
                continue
            values[p.name] = draw(st.one_of(st.just(OMIT), p.strategy) if p.optional else p.strategy)
        if sum(1 for v in values.values() if _axes(v)) >= 2 and draw(st.booleans()):
            values = _same_lengths(values)
            floats = [k for k, v in values.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"
                      and not v.dtype.names and v.size]
            if len(floats) >= 2 and draw(st.booleans()):
                steps = draw(st.lists(st.integers(-2, 2), min_size=1, max_size=8))
                values = _related(values, floats, steps)
        lengths = [len(v) for v in values.values() if isinstance(v, (np.ndarray, list, tuple)) and np.ndim(v) >= 1]
        lengths += [s for v in values.values() if isinstance(v, np.ndarray) for s in v.shape[1:]]
        for p in sized:
            top = draw(st.sampled_from(sorted(set(lengths)))) if lengths else 8
            ints = _near_lengths(top)
            if p.strategy is not None:  # its literals and wide values, folded near the lengths: a count of
                cap = 4 * top + 64  # millions allocates and compares millions of elements per call, for nothing
                ints = st.one_of(ints, p.strategy.map(lambda v, cap=cap: _fold(v, cap)))
            values[p.name] = draw(st.one_of(st.just(OMIT), ints) if p.optional else ints)
        init = draw(calls(plan.init)) if plan.init is not None else None
        return Call(
            tuple(p.name for p in plan.params),
            tuple(values[p.name] for p in plan.params),
            tuple(p.keyword_ok for p in plan.params),
            init,
        )

    return draw_call()


EDGE_ARRAYS = (
    [1.0, float("nan"), -1.0],
    [float("inf"), float("-inf"), -0.0, 5e-324, 1e300, -1e300, 0.0],
    [],
    [2.0],
    [float("nan")] * 6,  # all NaN
    [float("nan"), float("nan"), 1.0, 2.0, 3.0, 2.0, float("nan"), 4.0, 5.0, float("nan")],  # NaN runs, edges
)
EDGE_SCALARS = (0.0, float("nan"), float("inf"), -0.0, 1.0, 2.0)


def edge_calls(plan: CallPlan) -> list[Call]:
    """A few fixed calls made of edge cases (NaN, ±inf, ±0.0, subnormals, empty, length-1 and all-NaN arrays).

    They run first, before the generated examples; only for plans where every parameter has a kind.
    """
    if plan.init is not None or not all(p.kind for p in plan.params):
        return []
    out = []
    for n, (values, scalar) in enumerate(zip(EDGE_ARRAYS, EDGE_SCALARS)):
        row: list[Any] = []
        for p in plan.params:
            k = p.kind
            assert k is not None
            if k.name == "array" and not k.fields:
                base = np.asarray(values, dtype=np.float64)
                if not k.dtype.startswith(("float", "complex")):
                    base = np.nan_to_num(base, nan=0.0, posinf=1.0, neginf=-1.0).clip(-100, 100)
                arr = base.astype(k.dtype)
                row.append(arr.reshape((len(arr),) + (1,) * (k.ndim - 1)))
            elif k.name == "float":
                row.append(float(scalar))
            elif k.name == "int":
                row.append(min(2, len(values)) if p.size_like else n - 1)
            elif k.name == "bool":
                row.append(bool(n % 2))
            else:
                return out
        out.append(Call(tuple(p.name for p in plan.params), tuple(row), tuple(p.keyword_ok for p in plan.params),
                        origin="edge case"))
    return out


def large_call(plan: CallPlan, *, length: int = 1_000_000, seed: int = 0) -> Call | None:
    """Big inputs for the parallel race check; None when a parameter has no array-like kind."""
    rng = np.random.default_rng(seed)
    values: list[Any] = []
    for p in plan.params:
        k = p.kind
        if k is None or k.fields:
            return None
        if k.name == "array":
            shape = (length,) if k.ndim == 1 else (int(length ** (1 / k.ndim)),) * k.ndim
            if k.dtype.startswith("float"):  # in [0, 1): bins, probabilities and prices all make sense
                values.append(rng.random(shape).astype(k.dtype))
            elif k.dtype == "bool":
                values.append(rng.random(shape) < 0.5)
            else:
                # below the int parameters' 16: an int array that indexes (h[x[i]]) stays in bounds
                values.append(rng.integers(0, 16, shape).astype(k.dtype))
        elif k.name == "int":
            values.append(length if p.name in ("n", "size", "length", "count", "num") else 16)
        elif k.name == "float":  # [lo, hi) spans the [0, 1) data; anything else in the middle
            low, high = ("lo", "low", "lower", "min", "start"), ("hi", "high", "upper", "max", "stop", "end")
            values.append(0.0 if p.name.lower() in low else 1.0 if p.name.lower() in high else 0.5)
        elif k.name == "bool":
            values.append(True)
        else:
            return None
    return Call(tuple(p.name for p in plan.params), tuple(values), tuple(p.keyword_ok for p in plan.params))
