"""Operators and `None` bindings, for the per-file ladder (:mod:`finfix.sdk.pandas_types`).

``prices > 0`` of a Series is a boolean Series and of a DataFrame a boolean DataFrame (pandas compares
elementwise), so ``mask[mask.values]`` or ``(dd == 0).values`` keep the operand's evidence. An *Index*
compared elementwise gives a plain ndarray, and ``is``/``in`` tests or chained comparisons
(``a < b < c``, an ``and`` of bools) give a bool: none of them is pandas.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from finfix.sdk.evidence.kinds import DATA_KINDS, UNKNOWN, Kind, Level, Typed

ELEMENTWISE = (cst.Equal, cst.NotEqual, cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)


def comparison(types: Any, expr: cst.Comparison) -> Typed:
    """The kind of ``left OP right`` when one side is a DataFrame or Series (pandas' own broadcasting).
    ``types`` is the caller's :class:`~finfix.sdk.pandas_types.PandasTypes` (not imported: no cycle)."""
    if len(expr.comparisons) != 1:
        return UNKNOWN  # `a < b < c` is `a < b and b < c`: a bool of whichever side is falsy
    target = expr.comparisons[0]
    if not isinstance(target.operator, ELEMENTWISE):
        return Typed(Kind.NOT, "an `is`/`in` test (a bool)")
    sides = [types.infer(expr.left), types.infer(target.comparator)]
    data = [t for t in sides if t.kind in DATA_KINDS and t.kind not in (Kind.NOT, Kind.INDEX)]
    if not data or any(t.kind in (Kind.OTHER, Kind.GROUPBY, Kind.INDEX) for t in sides):
        return UNKNOWN  # Index == x is an ndarray; a polars or grouped operand decides for itself
    kinds = {t.kind for t in data}
    kind = Kind.FRAME if Kind.FRAME in kinds else (kinds.pop() if len(kinds) == 1 else Kind.PANDAS)
    level = Level.PROVEN if all(t.level is Level.PROVEN for t in data) else Level.INFERRED
    return Typed(kind, f"an elementwise comparison of a pandas object ({data[0].why})", fresh=True, level=level)


def binds_none(binder: cst.CSTNode) -> bool:
    """``x = None`` (a placeholder before the branch that binds the real object)."""
    return isinstance(binder, cst.Assign) and len(binder.targets) == 1 and isinstance(binder.value, cst.Name) \
        and binder.value.value == "None"


def or_none(name: str, typed: Typed, nones: int) -> Typed:
    """A name bound to ``None`` on some path and to ``typed`` on the others: never a pandas fact for the rules
    at large (``pd.concat([None, other])`` runs where ``None.append(other)`` raised), but for an attribute
    that ``None`` lacks (``.values``) the line raises on the ``None`` path either way; so, as for a checker's
    ``Series | ndarray``, the kind is kept for FX202 only (``unless_ndarray``)."""
    if not typed.is_pandas:
        return typed  # unknown, or a list/dict/another library's object on every other path
    return Typed(None, level=Level.UNKNOWN, maybe_pandas=True, unless_ndarray=typed.kind,
                 settle=f"`{name}` is {typed.kind.value} ({typed.why}) or `None` ({nones} binding"
                        f"{'s' if nones > 1 else ''} `{name} = None`), and `None` has no `.values`: annotate it "
                        "or run `finfix record -m pytest`")
