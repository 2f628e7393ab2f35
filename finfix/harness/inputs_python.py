"""Inputs for plain Python functions: annotations, defaults, what the body does with each parameter,
and trial calls of the *before* function.

The body decides before the name: ``bars[["open", "close"]]`` makes a DataFrame with those columns,
``fill["order_id"]`` on the items of ``fills`` a list of records, ``how == "left"`` a string drawn
among the literals it is compared with, ``T[i, j]`` a 2-D array, ``range(n)`` a count drawn near the
arrays' lengths.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from typing import Any, Callable

from hypothesis import strategies as st

from finfix.harness.body import BodyHints, ParamHints, analyse
from finfix.harness.inputs_numba import _SIZE_NAMES, guess_kind
from finfix.harness.kinds import Kind
from finfix.harness.plan import OMIT, Call, CallPlan, ParamPlan, calls
from finfix.harness.typehints import annotation as _annotation
from finfix.harness.typehints import kind_from_annotation, strategy_from_annotation
from finfix.harness.values import FLOATS, LENGTHS, SMALL_INTS, TEXT, float_arrays, strategy_for_kind

_TEXTY_NAMES = re.compile(r"(symbol|ticker|name|key|col|column|label|id|tag|side|venue|currency)s?$")


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
    for var, column in column_params(fn).items():  # ohlc[column] with column="close": a "close" column
        keys.setdefault(var, set()).add(column[1])
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


_FRAME_NAMES = re.compile(r"^(df|frame|.*_df|.*_frame|bars|trades|quotes|table|panel|data|prices_df|ohlc|ohlcv|candles)$")


def column_params(fn: Callable) -> dict[str, tuple[str, str]]:
    """``{frame: (param, default)}`` for ``frame[param]`` in the body, where ``param`` defaults to a string
    (``def RSI(ohlc, column="close")``): the frame needs that column, and the parameter names it."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        sig = inspect.signature(fn)
    except (OSError, TypeError, SyntaxError, ValueError):
        return {}
    defaults = {n: p.default for n, p in sig.parameters.items() if isinstance(p.default, str)}
    out: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Name)
                and node.slice.id in defaults and node.value.id in sig.parameters):
            out[node.value.id] = (node.slice.id, defaults[node.slice.id])
    return out
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
    """DataFrames with these columns (floats shaped like prices, NaN runs included; datetimes for
    ts/time/date) on a 17-minute DatetimeIndex, up to 64 rows."""
    import pandas as pd

    values = [c for c in columns if not _TIME_NAMES.match(c)]

    @st.composite
    def build(draw: Callable) -> Any:
        n = draw(LENGTHS)
        data = {c: draw(float_arrays("float64", 1, shape=(n,))) for c in values}
        index = pd.date_range("2024-01-01", periods=n, freq="17min")
        frame = pd.DataFrame(data, columns=values, index=index)
        for c in columns:
            if _TIME_NAMES.match(c):
                frame[c] = index
        return frame[columns]

    return build()


def _value_for_key(key: str) -> st.SearchStrategy:
    if _TEXTY_NAMES.search(key) or key.endswith("_id"):
        return st.integers(0, 3)  # few distinct ids: grouping and look-ups collide
    return FLOATS


PY_CANDIDATES: tuple[tuple[str, st.SearchStrategy], ...] = (
    ("float", FLOATS),
    ("float64 array", strategy_for_kind(Kind("array"))),
    ("float64 2-D array", strategy_for_kind(Kind("array", "float64", 2))),
    ("int", SMALL_INTS),
    ("list of floats", st.lists(FLOATS, max_size=8)),
    ("str", TEXT),
    ("list of str", st.lists(TEXT, max_size=6)),
    ("dict", st.dictionaries(TEXT, FLOATS, max_size=4)),
    ("bool", st.booleans()),
)


def _pandas_candidates() -> tuple[tuple[str, st.SearchStrategy], ...]:
    """Tried after PY_CANDIDATES: a float Series, a two-column DataFrame."""
    from finfix.harness.typehints import frames, series

    return (("float64 Series", series()), ("DataFrame", frames()))


def pandas_only(attrs: set[str]) -> set[str]:
    """The attributes a pandas Series has and a numpy array does not (`returns.quantile`, `.rolling`)."""
    import numpy as np
    import pandas as pd

    return {a for a in attrs if not a.startswith("_") and hasattr(pd.Series, a) and not hasattr(np.ndarray, a)}


_SERIES_ATTRS = {"rolling", "shift", "iloc", "loc", "diff", "pct_change", "ewm", "cummax", "cummin", "expanding",
                 "resample", "fillna", "ffill", "bfill", "dropna", "index", "rank", "clip"}


def _from_hints(name: str, hints: ParamHints, body: BodyHints) -> tuple[st.SearchStrategy, str] | None:
    """A strategy from what the body does with the parameter, or None when it says nothing useful."""
    if hints.fields and hints.indexed:
        kind = guess_kind(name, hints)
        return strategy_for_kind(kind), f"body ({kind})"
    if (hints.attrs & _SERIES_ATTRS or pandas_only(hints.attrs)) and not hints.keys:
        from finfix.harness.typehints import series

        return series(), "body (Series)"
    if hints.stringy:
        return strategy_for_kind(Kind("str"), literals=hints.literals), "body (str)"
    if hints.count and not hints.indexed:
        return strategy_for_kind(Kind("int", "int64"), literals=hints.literals, numbers=body.numbers), "body (count)"
    if hints.indexed and hints.ndim >= 2:
        return strategy_for_kind(Kind("array", "float64", hints.ndim)), f"body (float64 {hints.ndim}-D array)"
    if hints.literals and not hints.indexed:
        kind = guess_kind(name, hints)
        if kind.name in ("int", "float", "bool", "str"):
            return strategy_for_kind(kind, literals=hints.literals, numbers=body.numbers), f"body ({kind})"
    return None


def _with_literals(strat: st.SearchStrategy, hints: ParamHints | None) -> st.SearchStrategy:
    """The literals the body compares a parameter with, mixed into its strategy (`shift == "left"`)."""
    if hints is None or not hints.literals:
        return strat
    return st.one_of(strat, st.sampled_from(hints.literals))


def plan_python(
    fn: Callable, params: list[inspect.Parameter], *, user: dict[str, Any], call: Callable[[Call], bool] | None
) -> CallPlan:
    """Strategies for a Python function; ``call`` runs the before function and says whether it returned."""
    shapes = body_shapes(fn)
    body = analyse(fn)
    naming = {param: default for param, default in column_params(fn).values()}
    plans: list[ParamPlan] = []
    unknown: list[int] = []
    for p in params:
        optional = p.default is not inspect.Parameter.empty
        keyword_ok = p.kind is not p.POSITIONAL_ONLY
        hints = body.params.get(p.name)
        strat, source = None, ""
        if p.name in user:
            strat, source = user[p.name], "user strategy"
        ann = _annotation(fn, p)
        if strat is None:
            strat = strategy_from_annotation(ann)
            source = "annotation" if strat is not None else ""
            if p.name in shapes and "DataFrame" in str(ann):  # the columns the body reads
                strat, source = shapes[p.name], "annotation + body shape"
        if strat is None and p.name in naming:
            strat, source = st.just(naming[p.name]), "body (column name)"
        if strat is None and optional and p.default is not None:
            strat = _from_default(p.default)
            source = "default" if strat is not None else ""
        if strat is None and p.name in shapes:
            strat, source = shapes[p.name], "body shape"
        if strat is None and hints is not None:
            found = _from_hints(p.name, hints, body)
            if found is not None:
                strat, source = found
        if strat is None and optional:
            strat, source = st.just(OMIT), "default only"
        counted = hints.count and not hints.indexed if hints is not None else bool(_SIZE_NAMES.match(p.name))
        size_like = counted and ann in (None, int) and (
            strat is None or source in ("annotation", "body (count)", "default"))
        if strat is None and _FRAME_NAMES.match(p.name):
            strat, source = frames_with(["a", "b"]), "guess (frame)"
        if strat is None:
            unknown.append(len(plans))
            guess = guess_kind(p.name, hints)
            strat = st.lists(TEXT, max_size=6) if _TEXTY_NAMES.search(p.name) and p.name.endswith("s") else (
                strategy_for_kind(guess))
            source = "guess"
        if source != "user strategy":
            strat = _with_literals(strat, hints)
        kind = kind_from_annotation(fn, p) if source == "annotation" else None  # for the edge-case calls
        plans.append(ParamPlan(p.name, strat, source, kind, size_like, optional, keyword_ok))
    plan = CallPlan(plans, sources=sorted({p.source for p in plans}))
    if unknown and call is not None:
        trial_python(plan, unknown, call)
    return plan


def trial_python(plan: CallPlan, unknown: list[int], call: Callable[[Call], bool]) -> None:
    """Swap guessed strategies for candidates until the before function returns on most draws."""
    best = success_rate(plan, call)
    if best >= 0.5:
        return
    for i in unknown:
        for label, cand in (*PY_CANDIDATES, *_pandas_candidates()):
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


