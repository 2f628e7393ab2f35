"""Value types the harness can generate: the common language of numba types, annotations and records."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Kind:
    """A value type: ``array`` (``dtype``, ``ndim``; ``fields`` for record arrays), ``int``, ``float``,
    ``bool``, ``complex``, ``str``, ``tuple`` (``items``) or ``record`` (one record, ``fields``)."""

    name: str
    dtype: str = "float64"
    ndim: int = 1
    items: tuple["Kind", ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # (name, dtype) of a record's fields, in order

    def __str__(self) -> str:
        if self.name == "array":
            inner = self.record_text() if self.fields else self.dtype
            return f"{inner}[{', '.join(':' * self.ndim)}]"
        if self.name == "tuple":
            return f"({', '.join(map(str, self.items))})"
        if self.name == "record":
            return self.record_text()
        return self.name

    def record_text(self) -> str:
        return "record{" + ", ".join(f"{n}: {d}" for n, d in self.fields) + "}"

    def np_dtype(self) -> np.dtype:
        if self.fields:
            return np.dtype(list(self.fields))
        return np.dtype(self.dtype)


def record_kind(fields: dict[str, str], ndim: int = 1) -> Kind:
    return Kind("array", "record", ndim, fields=tuple(fields.items()))


def is_dispatcher(obj: Any) -> bool:
    """A numba ``@jit``/``@njit`` function (nothing is one until numba has been imported)."""
    module = sys.modules.get("numba.core.dispatcher")
    return module is not None and isinstance(obj, module.Dispatcher)


def _record_fields(dtype: Any) -> tuple[tuple[str, str], ...] | None:
    try:
        np_dtype = np.dtype(dtype) if not hasattr(dtype, "dtype") else dtype.dtype
    except TypeError:
        return None
    if not np_dtype.names:
        return None
    out = []
    for name in np_dtype.names:
        sub = np_dtype.fields[name][0]
        if sub.names or sub.shape:
            return None  # nested records and sub-arrays: not generated
        out.append((name, str(sub)))
    return tuple(out)


def kind_of_numba(t: Any) -> Kind | None:
    from numba.core import types

    if isinstance(t, types.Array):
        if isinstance(t.dtype, types.Record):
            fields = _record_fields(t.dtype)
            return Kind("array", "record", t.ndim, fields=fields) if fields else None
        return Kind("array", str(t.dtype), t.ndim)
    if isinstance(t, types.Boolean):
        return Kind("bool")
    if isinstance(t, types.Integer):
        return Kind("int", str(t))
    if isinstance(t, types.Float):
        return Kind("float", str(t))
    if isinstance(t, types.Complex):
        return Kind("complex", str(t))
    if isinstance(t, types.UnicodeType):
        return Kind("str")
    if isinstance(t, types.BaseTuple):
        inner = [kind_of_numba(x) for x in t.types]
        return None if any(k is None for k in inner) else Kind("tuple", items=tuple(inner))  # type: ignore[arg-type]
    return None


def numba_type(kind: Kind) -> Any:
    from numba.core import types

    if kind.name == "array":
        if kind.fields:
            import numba

            return types.Array(numba.from_dtype(kind.np_dtype()), kind.ndim, "C")
        return types.Array(getattr(types, kind.dtype if kind.dtype != "bool" else "boolean"), kind.ndim, "C")
    if kind.name == "bool":
        return types.boolean
    if kind.name == "str":
        return types.unicode_type
    if kind.name == "tuple":
        return types.Tuple([numba_type(k) for k in kind.items])
    return getattr(types, kind.dtype)


def kind_from_json(data: dict) -> Kind:
    return Kind(data["name"], data.get("dtype", "float64"), data.get("ndim", 1),
                tuple(kind_from_json(i) for i in data.get("items", ())),
                tuple((str(n), str(d)) for n, d in data.get("fields", ())))


def kind_to_json(kind: Kind) -> dict:
    data = {"name": kind.name, "dtype": kind.dtype, "ndim": kind.ndim, "items": [kind_to_json(i) for i in kind.items]}
    if kind.fields:
        data["fields"] = [list(f) for f in kind.fields]
    return data
