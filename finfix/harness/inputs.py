"""Inputs for a function, without asking the user to annotate anything.

Each parameter gets a Hypothesis strategy from the first source that knows it:

1. user strategies: ``[tool.finfix.verify.strategies]`` (strings such as ``"st.integers(1, 50)"``) or a
   ``finfix_strategies.py`` at the project root holding ``STRATEGIES = {"module.func": {"param": st...}}``
   (keys may also be ``"func"`` or ``"Class.method"``);
2. numba signatures: explicit ones (``@njit("f8[:](f8[:], i8)")``) and any a dispatcher already holds;
3. signatures recorded by ``python -m finfix.harness.record`` while the project's tests or scripts ran;
4. type annotations;
5. for numba kernels, trial typing: candidate types (float64 1-D/2-D arrays, int64, float64, bool) are
   tried against the *before* kernel with numba's type inference until one types;
   for plain Python, the default's type, the shape the body uses (``fill["order_id"]`` on the items of
   ``fills``), names, and trial calls of the *before* function.

Values cover NaN, ±inf, ±0.0, subnormals, huge and tiny magnitudes, empty and length-1 arrays.
Integer parameters that look like sizes or windows (``n``, ``window``, ``lag``, ``n_bins``...) are drawn
within the length of the arrays of the same call.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
import textwrap
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

OMIT = type("Omitted", (), {"__repr__": lambda self: "<default>", "__reduce__": lambda self: "OMIT"})()

SPECIAL_FLOATS = (  # simplest first: Hypothesis shrinks towards the start
    0.0, 1.0, -1.0, 0.5, -0.0, float("nan"), float("inf"), float("-inf"), 5e-324, -5e-324,
    2.2250738585072014e-308, 1e-300, 1e300, -1e300, 1.7976931348623157e308,
)
MAX_LEN = 12

FLOATS = st.one_of(
    st.integers(-4, 4).map(float),  # ties: `<` against `<=` only differ on equal values
    st.sampled_from(SPECIAL_FLOATS),
    st.floats(-1e3, 1e3),
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
)
SMALL_INTS = st.integers(-5, 100)
TEXT = st.text(alphabet="abcXYZ-_ .", max_size=6)

_SIZE_NAMES = re.compile(
    r"^(n|m|k|w|n_.*|.*_(n|len|length|size|window|period|periods|lag|span|bins|count|steps)|"
    r"window|win|size|length|lag|lags|period|periods|span|lookback|horizon|bins|nbins|count|num|"
    r"order|step|steps|depth|shift|offset|start|stop|end|idx|index|i|j|halflife|min_periods|ddof)$"
)
_BOOL_NAMES = re.compile(r"^(is_|has_|use_|do_|flag|normalize|inclusive|reverse|ascending|skipna|center|adjust)")
_MATRIX_NAMES = re.compile(r"^([A-Z]|mat|matrix|grid|img|image|cov|corr|weights2d|panel|.*_2d|.*_mat)$")
_TEXTY_NAMES = re.compile(r"(symbol|ticker|name|key|col|column|label|id|tag|side|venue|currency)s?$")


# -- type descriptors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A value type the harness can generate: the common language of numba types and annotations."""

    name: str  # "array", "int", "float", "bool", "complex", "tuple"
    dtype: str = "float64"
    ndim: int = 1
    items: tuple["Kind", ...] = ()

    def __str__(self) -> str:
        if self.name == "array":
            return f"{self.dtype}[{', '.join(':' * self.ndim)}]"
        if self.name == "tuple":
            return f"({', '.join(map(str, self.items))})"
        return self.name


def kind_of_numba(t: Any) -> Kind | None:
    from numba.core import types

    if isinstance(t, types.Array):
        return Kind("array", str(t.dtype), t.ndim)
    if isinstance(t, types.Boolean):
        return Kind("bool")
    if isinstance(t, types.Integer):
        return Kind("int", str(t))
    if isinstance(t, types.Float):
        return Kind("float", str(t))
    if isinstance(t, types.Complex):
        return Kind("complex", str(t))
    if isinstance(t, types.BaseTuple):
        inner = [kind_of_numba(x) for x in t.types]
        return None if any(k is None for k in inner) else Kind("tuple", items=tuple(inner))  # type: ignore[arg-type]
    if isinstance(t, types.Omitted):
        return None
    return None


def numba_type(kind: Kind) -> Any:
    from numba.core import types

    if kind.name == "array":
        return types.Array(getattr(types, kind.dtype if kind.dtype != "bool" else "boolean"), kind.ndim, "C")
    if kind.name == "bool":
        return types.boolean
    if kind.name == "tuple":
        return types.Tuple([numba_type(k) for k in kind.items])
    return getattr(types, kind.dtype)


def _elements(dtype: str) -> st.SearchStrategy:
    if dtype.startswith("float"):
        return FLOATS if dtype == "float64" else st.floats(width=32, allow_nan=True, allow_infinity=True)
    if dtype.startswith("int") or dtype.startswith("uint"):
        info = np.iinfo(dtype)
        return st.one_of(st.integers(-4, 12).filter(lambda v: info.min <= v <= info.max), st.integers(info.min, info.max))
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith("complex"):
        return st.complex_numbers(allow_nan=True, allow_infinity=True)
    raise ValueError(f"no values for dtype {dtype}")


def strategy_for_kind(kind: Kind) -> st.SearchStrategy:
    if kind.name == "array":
        shape = (
            st.integers(0, MAX_LEN)
            if kind.ndim == 1
            else st.tuples(*[st.integers(0, 5)] * kind.ndim)
        )
        dtype = np.dtype(kind.dtype)
        arrays = hnp.arrays(dtype, shape, elements=_elements(kind.dtype))
        if kind.dtype == "float64":  # and arrays made of nothing but edge cases
            return st.one_of(arrays, hnp.arrays(dtype, shape, elements=st.sampled_from(SPECIAL_FLOATS)))
        return arrays
    if kind.name == "float":
        return FLOATS if kind.dtype == "float64" else st.floats(width=32)
    if kind.name == "int":
        info = np.iinfo(kind.dtype)
        return st.one_of(SMALL_INTS, st.integers(info.min, info.max))
    if kind.name == "bool":
        return st.booleans()
    if kind.name == "complex":
        return st.complex_numbers(allow_nan=True, allow_infinity=True)
    if kind.name == "tuple":
        return st.tuples(*[strategy_for_kind(k) for k in kind.items])
    raise ValueError(f"no strategy for {kind}")


# -- a plan for one call ----------------------------------------------------------------------------


@dataclass
class ParamPlan:
    name: str
    strategy: st.SearchStrategy
    source: str  # where the strategy came from, for notes
    kind: Kind | None = None
    size_like: bool = False
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

    def shown(self) -> dict[str, str]:
        shown = {n: "<default>" if v is OMIT else _short_repr(v) for n, v in zip(self.names, self.values)}
        if self.init is not None:
            shown = {**{f"self.{k}": v for k, v in self.init.shown().items()}, **shown}
        return shown


def _short_repr(value: Any) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=20, precision=17):
            text = f"np.array({np.array2string(value, separator=', ')}, dtype={value.dtype})"
        return text
    text = repr(value)
    return text if len(text) < 400 else text[:400] + "..."


def calls(plan: CallPlan) -> st.SearchStrategy[Call]:
    @st.composite
    def draw_call(draw: Callable) -> Call:
        values: dict[str, Any] = {}
        sized = [p for p in plan.params if p.size_like]
        for p in plan.params:
            if p.size_like:
                continue
            values[p.name] = draw(st.one_of(st.just(OMIT), p.strategy) if p.optional else p.strategy)
        lengths = [len(v) for v in values.values() if isinstance(v, (np.ndarray, list, tuple)) and np.ndim(v) >= 1]
        top = max([*lengths, 1])
        for p in sized:
            ints = st.integers(0, top + 1) if lengths else st.integers(0, 20)
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
)
EDGE_SCALARS = (0.0, float("nan"), float("inf"), -0.0)


def edge_calls(plan: CallPlan) -> list[Call]:
    """A few fixed calls made of edge cases (NaN, ±inf, ±0.0, subnormals, empty and length-1 arrays).

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
            if k.name == "array":
                base = np.asarray(values, dtype=np.float64)
                if not k.dtype.startswith(("float", "complex")):
                    base = np.nan_to_num(base, nan=0.0, posinf=1.0, neginf=-1.0).clip(-100, 100)
                arr = base.astype(k.dtype)
                row.append(arr.reshape((len(arr),) + (1,) * (k.ndim - 1)))
            elif k.name == "float":
                row.append(float(scalar))
            elif k.name == "int":
                row.append(1 if p.size_like else n - 1)
            elif k.name == "bool":
                row.append(bool(n % 2))
            else:
                return out
        out.append(Call(tuple(p.name for p in plan.params), tuple(row), tuple(p.keyword_ok for p in plan.params)))
    return out


def large_call(plan: CallPlan, *, length: int = 1_000_000, seed: int = 0) -> Call | None:
    """Big inputs for the parallel race check; None when a parameter has no array-like kind."""
    rng = np.random.default_rng(seed)
    values: list[Any] = []
    for p in plan.params:
        k = p.kind
        if k is None:
            return None
        if k.name == "array":
            shape = (length,) if k.ndim == 1 else (int(length ** 0.5),) * k.ndim
            if k.dtype.startswith("float"):  # in [0, 1): bins, probabilities and prices all make sense
                values.append(rng.random(shape).astype(k.dtype))
            elif k.dtype == "bool":
                values.append(rng.random(shape) < 0.5)
            else:
                values.append(rng.integers(0, 64, shape).astype(k.dtype))
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


# -- user strategies --------------------------------------------------------------------------------


def user_strategies(project_root: str | None, config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"key": {"param": strategy}}`` from the config table and ``finfix_strategies.py``."""
    found: dict[str, dict[str, Any]] = {}
    namespace = {"st": st, "hnp": hnp, "np": np}
    for key, params in (config.get("strategies") or {}).items():
        if not isinstance(params, dict):
            raise ValueError(f"[tool.finfix.verify.strategies] {key!r} must be a table of parameter strategies")
        found[key] = {p: eval(text, dict(namespace)) if isinstance(text, str) else text for p, text in params.items()}
    if project_root:
        file = Path(project_root) / "finfix_strategies.py"
        if file.is_file():
            ns: dict[str, Any] = {"__name__": "finfix_strategies", "__file__": str(file)}
            exec(compile(file.read_text(encoding="utf-8"), str(file), "exec"), ns)
            for key, params in (ns.get("STRATEGIES") or {}).items():
                found.setdefault(key, {}).update(params)
    return found


def recorded_signatures(project_root: str | None) -> dict[str, list[list[dict]]]:
    """Signatures written by ``python -m finfix.harness.record`` (``.finfix/signatures.json``)."""
    if not project_root:
        return {}
    file = Path(project_root) / ".finfix" / "signatures.json"
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def kind_from_json(data: dict) -> Kind:
    return Kind(data["name"], data.get("dtype", "float64"), data.get("ndim", 1),
                tuple(kind_from_json(i) for i in data.get("items", ())))


def kind_to_json(kind: Kind) -> dict:
    return {"name": kind.name, "dtype": kind.dtype, "ndim": kind.ndim, "items": [kind_to_json(i) for i in kind.items]}


# -- planning ---------------------------------------------------------------------------------------


class NoInputs(Exception):
    """No strategy could be found for a parameter; the message says which and why."""


def is_dispatcher(obj: Any) -> bool:
    """A numba ``@jit``/``@njit`` function (nothing is one until numba has been imported)."""
    module = sys.modules.get("numba.core.dispatcher")
    return module is not None and isinstance(obj, module.Dispatcher)


def _parameters(fn: Callable, *, skip_first: bool) -> list[inspect.Parameter]:
    params = list(inspect.signature(fn).parameters.values())
    if skip_first and params:
        params = params[1:]
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def plan_numba(
    disp: Any, params: list[inspect.Parameter], *, user: dict[str, Any], recorded: list[list[dict]] | None
) -> CallPlan:
    """Kinds for a numba kernel, from its signatures, records, annotations or trial typing."""
    sigs: list[tuple[Kind, ...]] = []
    source = ""
    for sig in list(disp.signatures)[:3]:
        kinds = tuple(kind_of_numba(t) for t in sig)
        if all(kinds) and len(kinds) == len(params):
            sigs.append(kinds)  # type: ignore[arg-type]
    if sigs:
        source = "numba signature"
    if not sigs and recorded:
        sigs = [tuple(kind_from_json(k) for k in sig) for sig in recorded if len(sig) == len(params)][:3]
        source = "recorded signature" if sigs else ""
    if not sigs:
        kinds = [_kind_from_annotation(disp.py_func, p) for p in params]
        if all(kinds):
            sigs, source = [tuple(kinds)], "annotation"  # type: ignore[list-item]
    if not sigs and params:
        sigs, source = [trial_type(disp, params)], "trial typing"
    if not params:
        sigs, source = [()], "no parameters"
    # The first signature decides the size-like parameters; the others widen the plans.
    plans = [
        CallPlan(
            [_param_from_kind(p, k, source, user) for p, k in zip(params, kinds)],
            sources=[source],
        )
        for kinds in sigs
    ]
    return plans[0] if len(plans) == 1 else _merge_plans(plans)


def _merge_plans(plans: list[CallPlan]) -> CallPlan:
    first = plans[0]
    merged = [
        ParamPlan(p.name, st.one_of(*[pl.params[i].strategy for pl in plans]), p.source, p.kind, p.size_like,
                  p.optional, p.keyword_ok)
        for i, p in enumerate(first.params)
    ]
    return CallPlan(merged, sources=first.sources)


def _param_from_kind(p: inspect.Parameter, kind: Kind, source: str, user: dict[str, Any]) -> ParamPlan:
    optional = p.default is not inspect.Parameter.empty
    keyword_ok = p.kind is not p.POSITIONAL_ONLY
    if p.name in user:
        return ParamPlan(p.name, user[p.name], "user strategy", kind, False, optional, keyword_ok)
    size_like = kind.name == "int" and bool(_SIZE_NAMES.match(p.name))
    return ParamPlan(p.name, strategy_for_kind(kind), source, kind, size_like, optional, keyword_ok)


def _guess_kind(name: str) -> Kind:
    if _BOOL_NAMES.match(name):
        return Kind("bool")
    if _SIZE_NAMES.match(name):
        return Kind("int", "int64")
    if _MATRIX_NAMES.match(name):
        return Kind("array", "float64", 2)
    if name in ("alpha", "beta", "gamma", "lam", "rate", "eps", "tol", "threshold", "scale", "value", "fill",
                "x0", "c", "q", "p", "r", "sigma", "mu", "dt", "fee", "price", "level", "lo", "hi", "low", "high",
                "lower", "upper", "mult", "multiplier", "factor", "cap", "floor", "strike", "spot", "vol"):
        return Kind("float", "float64")
    return Kind("array", "float64", 1)


CANDIDATES = (
    Kind("array", "float64", 1), Kind("int", "int64"), Kind("float", "float64"), Kind("array", "float64", 2),
    Kind("bool"), Kind("array", "int64", 1),
)


def trial_type(disp: Any, params: list[inspect.Parameter], *, budget: int = 48) -> tuple[Kind, ...]:
    """Argument kinds the *before* kernel types with, found by numba's type inference (no code generation).

    Starts from a guess by name (``n_bins`` an int, ``M`` a matrix, ``prices`` an array, ``lo`` a float)
    and changes one parameter at a time, keeping a change when it types or when it moves the first
    typing error further down the function.
    """
    import numba

    kinds = [
        (kind_of_numba(numba.typeof(p.default)) if p.default is not inspect.Parameter.empty else None)
        or _guess_kind(p.name)
        for p in params
    ]
    tried = 0
    last_error = ""

    def score(candidate: list[Kind]) -> float:
        """inf when the kernel types, else the line of the first typing error (further is better)."""
        nonlocal tried, last_error
        tried += 1
        try:
            _infer(disp.py_func, tuple(numba_type(k) for k in candidate))
            return float("inf")
        except Exception as exc:  # numba's TypingError and friends
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
            last_error = text.splitlines()[0] if text else type(exc).__name__
            line = re.search(r"line (\d+)", text)
            return float(line.group(1)) if line else 0.0

    best = score(kinds)
    while best != float("inf") and tried < budget:
        improved = False
        for i in range(len(kinds)):
            for alt in CANDIDATES:
                if alt == kinds[i] or tried >= budget:
                    continue
                attempt = [*kinds[:i], alt, *kinds[i + 1 :]]
                got = score(attempt)
                if got > best:
                    kinds, best, improved = attempt, got, True
                    break
            if best == float("inf"):
                break
        if not improved:
            break
    if best == float("inf"):
        return tuple(kinds)
    raise NoInputs(f"trial typing found no argument types in {tried} tries (last: {last_error[:120]})")


def _infer(py_func: Callable, argtypes: tuple) -> Any:
    from numba.core import compiler, typed_passes
    from numba.core.registry import cpu_target

    typingctx, targetctx = cpu_target.typing_context, cpu_target.target_context
    typingctx.refresh()
    targetctx.refresh()
    interp = compiler.run_frontend(py_func)
    return typed_passes.type_inference_stage(typingctx, targetctx, interp, argtypes, None)


# -- annotations ------------------------------------------------------------------------------------


def _annotation(fn: Callable, p: inspect.Parameter) -> Any:
    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = {}
    if p.name in hints:
        return hints[p.name]
    ann = p.annotation
    return None if ann is inspect.Parameter.empty else ann


def _kind_from_annotation(fn: Callable, p: inspect.Parameter) -> Kind | None:
    ann = _annotation(fn, p)
    if ann is None:
        return None
    if ann is float or ann is np.float64:
        return Kind("float", "float64")
    if ann is int or ann is np.int64:
        return Kind("int", "int64")
    if ann is bool:
        return Kind("bool")
    text = str(ann)
    if ann is np.ndarray or "ndarray" in text or "NDArray" in text:
        return Kind("array", "int64" if "int" in text else "float64", 1)
    return None


def strategy_from_annotation(ann: Any) -> st.SearchStrategy | None:
    if ann is None or ann is typing.Any:
        return None
    if ann is type(None):
        return st.none()
    if ann is float or ann is np.float64:
        return FLOATS
    if ann is int:
        return SMALL_INTS
    if ann is bool:
        return st.booleans()
    if ann is str:
        return TEXT
    if ann is bytes:
        return st.binary(max_size=8)
    if ann is complex:
        return st.complex_numbers()
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        inner = [strategy_from_annotation(a) for a in args]
        return None if any(i is None for i in inner) else st.one_of(*inner)  # type: ignore[arg-type]
    text = getattr(ann, "__name__", str(ann))
    if ann is np.ndarray or "NDArray" in str(ann):
        return strategy_for_kind(Kind("array", "float64", 1))
    if origin in (list, tuple, set, frozenset, dict) or (origin and getattr(origin, "__module__", "") == "collections.abc"):
        name = getattr(origin, "__name__", "")
        if origin is dict or name in ("Mapping", "MutableMapping"):
            k = strategy_from_annotation(args[0]) if args else TEXT
            v = strategy_from_annotation(args[1]) if len(args) > 1 else FLOATS
            return None if k is None or v is None else st.dictionaries(k, v, max_size=5)
        if origin is tuple and args and args[-1] is not Ellipsis:
            inner = [strategy_from_annotation(a) for a in args]
            return None if any(i is None for i in inner) else st.tuples(*inner)  # type: ignore[arg-type]
        item = strategy_from_annotation(args[0]) if args else FLOATS
        if item is None:
            return None
        seq = st.lists(item, max_size=8)
        return seq.map(tuple) if origin is tuple else seq.map(set) if origin in (set, frozenset) else seq
    if ann in (list, tuple, dict, set):
        return {list: st.lists(FLOATS, max_size=8), tuple: st.lists(FLOATS, max_size=8).map(tuple),
                dict: st.dictionaries(TEXT, FLOATS, max_size=5), set: st.sets(SMALL_INTS, max_size=6)}[ann]
    if text == "Series":
        return _series()
    if text == "DataFrame":
        return _frames()
    return None


def _series() -> st.SearchStrategy:
    import pandas as pd

    return strategy_for_kind(Kind("array")).map(lambda a: pd.Series(a, dtype="float64"))


def _frames() -> st.SearchStrategy:
    import pandas as pd

    return hnp.arrays(np.float64, st.tuples(st.integers(0, 8), st.just(2)), elements=FLOATS).map(
        lambda a: pd.DataFrame(a, columns=["a", "b"])
    )


# -- plain Python functions -------------------------------------------------------------------------


def _from_default(default: Any) -> st.SearchStrategy | None:
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, int):
        return SMALL_INTS
    if isinstance(default, float):
        return FLOATS
    if isinstance(default, str):
        return TEXT
    if isinstance(default, dict):
        return st.dictionaries(TEXT, st.one_of(SMALL_INTS, TEXT), max_size=4)
    if isinstance(default, (list, tuple, set)):
        seq = st.lists(st.one_of(SMALL_INTS, TEXT), max_size=6)
        return seq.map(type(default)) if not isinstance(default, list) else seq
    return None


def body_shapes(fn: Callable, depth: int = 0) -> dict[str, st.SearchStrategy]:
    """Strategies for parameters whose use in the body shows their shape: string keys, iteration.

    A parameter passed on to another function of the module takes the shape that function needs.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return {}
    fdef = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if fdef is None:
        return {}
    names = {a.arg for a in (*fdef.args.posonlyargs, *fdef.args.args, *fdef.args.kwonlyargs)}
    keys: dict[str, set[str]] = {}
    loop_of: dict[str, str] = {}
    iterated: set[str] = set()
    for node in ast.walk(fdef):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name) and node.iter.id in names:
            iterated.add(node.iter.id)
            if isinstance(node.target, ast.Name):
                loop_of[node.target.id] = node.iter.id
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            sl = node.slice
            if isinstance(sl, ast.Constant) and isinstance(sl.value, str):
                key = (node.value.id, sl.value)
            elif isinstance(sl, ast.List) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                  for e in sl.elts):  # frame[["open", "close"]]
                for e in sl.elts:
                    keys.setdefault(node.value.id, set()).add(e.value)  # type: ignore[union-attr]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            key = (node.func.value.id, node.args[0].value)
        if key:
            keys.setdefault(key[0], set()).add(key[1])
    out: dict[str, st.SearchStrategy] = {}
    frames = _frame_params(fn, names)
    for var, ks in keys.items():
        record = st.fixed_dictionaries({k: _value_for_key(k) for k in sorted(ks)})
        if var in frames:
            out[var] = frames_with(sorted(ks))
        elif var in names:
            out[var] = record
        elif var in loop_of:
            out[loop_of[var]] = st.lists(record, max_size=8)
    if depth < 2:
        for node in ast.walk(fdef):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            callee = getattr(fn, "__globals__", {}).get(node.func.id)
            callee = getattr(callee, "py_func", callee)
            if not inspect.isfunction(callee):
                continue
            try:
                callee_params = list(inspect.signature(callee).parameters)
            except (TypeError, ValueError):
                continue
            passed = [(callee_params[i], a.id) for i, a in enumerate(node.args)
                      if isinstance(a, ast.Name) and a.id in names and i < len(callee_params)]
            passed += [(k.arg, k.value.id) for k in node.keywords
                       if k.arg and isinstance(k.value, ast.Name) and k.value.id in names]
            if passed:
                inner = body_shapes(callee, depth + 1)
                for callee_param, mine in passed:
                    if callee_param in inner and mine not in out:
                        out[mine] = inner[callee_param]
    for var in iterated - set(out):
        out[var] = st.lists(TEXT if _TEXTY_NAMES.search(var) else FLOATS, max_size=8)
    return out


_FRAME_NAMES = re.compile(r"^(df|frame|.*_df|.*_frame|bars|trades|quotes|table|panel|data|prices_df)$")
_TIME_NAMES = re.compile(r"^(ts|time|timestamp|date|datetime)$")


def _frame_params(fn: Callable, names: set[str]) -> set[str]:
    """Parameters that are pandas DataFrames, by annotation or by name."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return set()
    out = set()
    for name in names:
        p = sig.parameters.get(name)
        ann = _annotation(fn, p) if p is not None else None
        text = getattr(ann, "__name__", str(ann) if ann is not None else "")
        if text == "DataFrame" or "DataFrame" in text or (ann is None and _FRAME_NAMES.match(name)):
            out.add(name)
    return out


def frames_with(columns: list[str]) -> st.SearchStrategy:
    """DataFrames with these columns (floats; datetimes for ts/time/date) on a minute DatetimeIndex."""
    import pandas as pd

    values = [c for c in columns if not _TIME_NAMES.match(c)]

    def build(a: np.ndarray) -> Any:
        index = pd.date_range("2024-01-01", periods=a.shape[0], freq="17min")
        frame = pd.DataFrame(a, columns=values, index=index)
        for c in columns:
            if _TIME_NAMES.match(c):
                frame[c] = index
        return frame[columns]

    return hnp.arrays(np.float64, st.tuples(st.integers(0, 12), st.just(len(values))), elements=FLOATS).map(build)


def _value_for_key(key: str) -> st.SearchStrategy:
    if _TEXTY_NAMES.search(key) or key.endswith("_id"):
        return st.integers(0, 3)  # few distinct ids: grouping and look-ups collide
    return FLOATS


PY_CANDIDATES: tuple[tuple[str, st.SearchStrategy], ...] = (
    ("float", FLOATS),
    ("float64 array", strategy_for_kind(Kind("array"))),
    ("int", SMALL_INTS),
    ("list of floats", st.lists(FLOATS, max_size=8)),
    ("str", TEXT),
    ("list of str", st.lists(TEXT, max_size=6)),
    ("dict", st.dictionaries(TEXT, FLOATS, max_size=4)),
    ("bool", st.booleans()),
)


def plan_python(
    fn: Callable, params: list[inspect.Parameter], *, user: dict[str, Any], call: Callable[[Call], bool] | None
) -> CallPlan:
    """Strategies for a Python function; ``call`` runs the before function and says whether it returned."""
    shapes = body_shapes(fn)
    plans: list[ParamPlan] = []
    unknown: list[int] = []
    for p in params:
        optional = p.default is not inspect.Parameter.empty
        keyword_ok = p.kind is not p.POSITIONAL_ONLY
        strat, source = None, ""
        if p.name in user:
            strat, source = user[p.name], "user strategy"
        if strat is None:
            ann = _annotation(fn, p)
            strat = strategy_from_annotation(ann)
            source = "annotation" if strat is not None else ""
            if p.name in shapes and "DataFrame" in str(ann):  # the columns the body reads
                strat, source = shapes[p.name], "annotation + body shape"
        if strat is None and optional and p.default is not None:
            strat = _from_default(p.default)
            source = "default" if strat is not None else ""
        if strat is None and p.name in shapes:
            strat, source = shapes[p.name], "body shape"
        if strat is None and optional:
            strat, source = st.just(OMIT), "default only"
        size_like = bool(_SIZE_NAMES.match(p.name)) and (strat is None or source == "annotation") and (
            _annotation(fn, p) in (None, int)
        )
        if strat is None and _FRAME_NAMES.match(p.name):
            strat, source = frames_with(["a", "b"]), "guess (frame)"
        if strat is None:
            unknown.append(len(plans))
            guess = _guess_kind(p.name)
            strat = st.lists(TEXT, max_size=6) if _TEXTY_NAMES.search(p.name) and p.name.endswith("s") else (
                strategy_for_kind(guess))
            source = "guess"
        kind = _kind_from_annotation(fn, p) if source == "annotation" else None  # for the edge-case calls
        plans.append(ParamPlan(p.name, strat, source, kind, size_like and source in ("annotation", "guess"),
                               optional, keyword_ok))
    plan = CallPlan(plans, sources=sorted({p.source for p in plans}))
    if unknown and call is not None:
        _trial_python(plan, unknown, call)
    return plan


def _trial_python(plan: CallPlan, unknown: list[int], call: Callable[[Call], bool]) -> None:
    """Swap guessed strategies for candidates until the before function returns on most draws."""
    best = success_rate(plan, call)
    if best >= 0.5:
        return
    for i in unknown:
        for label, cand in PY_CANDIDATES:
            old = plan.params[i]
            plan.params[i] = ParamPlan(old.name, cand, f"trial ({label})", None, False, old.optional, old.keyword_ok)
            rate = success_rate(plan, call)
            if rate > best:
                best = rate
                if best >= 0.5:
                    break
            else:
                plan.params[i] = old
        if best >= 0.5:
            return


def success_rate(plan: CallPlan, call: Callable[[Call], bool], n: int = 12) -> float:
    from hypothesis import HealthCheck, Phase, given, settings

    wins: list[bool] = []

    @settings(max_examples=n, database=None, deadline=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(calls(plan))
    def probe(c: Call) -> None:
        wins.append(call(c))

    try:
        probe()
    except Exception:
        return 0.0
    return sum(wins) / max(len(wins), 1)


def lookup(user: dict[str, dict[str, Any]], dotted: str, qualname: str) -> dict[str, Any]:
    for key in (f"{dotted}.{qualname}", qualname, qualname.rsplit(".", 1)[-1]):
        if key in user:
            return user[key]
    return {}

