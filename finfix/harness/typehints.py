"""Strategies and kinds from type annotations (``float``, ``np.ndarray``, ``list[str]``, ``pd.DataFrame``)."""

from __future__ import annotations

import inspect
import typing
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from finfix.harness.kinds import Kind
from finfix.harness.values import FLOATS, SMALL_INTS, TEXT, strategy_for_kind


def annotation(fn: Callable, p: inspect.Parameter) -> Any:
    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = {}
    if p.name in hints:
        return hints[p.name]
    ann = p.annotation
    return None if ann is inspect.Parameter.empty else ann


def kind_from_annotation(fn: Callable, p: inspect.Parameter) -> Kind | None:
    ann = annotation(fn, p)
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
        return series()
    if text == "DataFrame":
        return frames()
    return None


def series() -> st.SearchStrategy:
    import pandas as pd

    return strategy_for_kind(Kind("array")).map(lambda a: pd.Series(a, dtype="float64"))


def frames() -> st.SearchStrategy:
    import pandas as pd

    return hnp.arrays(np.float64, st.tuples(st.integers(0, 8), st.just(2)), elements=FLOATS).map(
        lambda a: pd.DataFrame(a, columns=["a", "b"])
    )
