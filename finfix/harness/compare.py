"""Running one call and comparing what the two versions did.

An outcome is what a call returned (or the type of exception it raised) plus the state of its arguments
afterwards, since kernels often write into an `out` array. Outcomes are compared structurally: the same
exception type; tuples, lists and dicts item by item; arrays by shape, dtype and values; pandas objects
by index, columns, dtypes and values; scalars by kind and value. Floats are exact by default with NaN
equal to NaN (and 0.0 equal to -0.0, as `==` says); ``ulps`` allows that many units in the last place.
"""

from __future__ import annotations

import asyncio
import re
import copy
import inspect
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from finfix.harness import drawing, environment

INFINITE_ULP = 2**63
MAX_DEPTH = 12


@dataclass
class Outcome:
    raised: str | None  # exception type name, or None when the call returned
    message: str
    value: Any
    args_after: tuple[Any, ...]
    # pandas' warning that a chained in-place call changed nothing (copy-on-write), when the call gave it
    no_op: bool = False
    # what of the harness's world the call used: "clock", "randomness", "image export" (harness/environment.py)
    used: frozenset[str] = frozenset()
    # the names of the raised exception's classes, most derived first (InvalidParameterError is a ValueError)
    kinds: tuple[str, ...] = ()

    def shown(self) -> str:
        if self.raised:
            return f"raises {self.raised}: {self.message}"[:300]
        from finfix.harness.plan import short_repr as _short_repr

        return f"returns {_short_repr(self.value)}"


@dataclass(frozen=True)
class Drawing:
    """What a chart (an Axes, a Figure, a seaborn grid) drew, taken right after the call."""

    kind: str
    drawn: Any

    def __repr__(self) -> str:
        axes = self.drawn.get("axes", [])
        labels = ", ".join(f"{a['xlabel'] or '-'}/{a['ylabel'] or '-'}" for a in axes)
        return f"<{self.kind} drawing {len(axes)} axes ({labels})>"


def snapshot(value: Any) -> Any:
    if drawing.is_chart(value):
        return Drawing(type(value).__name__, drawing.summary(value))
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _made(value: Any) -> Any:
    return value.make() if isinstance(value, environment.Fresh) else snapshot(value)


def invoke(fn: Callable, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
    """Call ``fn`` on deep copies of the arguments (made anew when :class:`environment.Fresh`), in the
    harness's deterministic world (:mod:`environment`); never raises for what the call raises."""
    with environment.call() as used:
        try:
            args = [_made(a) for a in args]
            kwargs = {k: _made(v) for k, v in kwargs.items()}
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always", Warning)
                value = fn(*args, **kwargs)
                if inspect.iscoroutine(value):
                    value = _loop().run_until_complete(value)
                elif inspect.isgenerator(value):
                    value = [item for _, item in zip(range(10_000), value)]
            no_op = any(type(w.message).__name__ == "ChainedAssignmentError" for w in seen)
            out = Outcome(None, "", snapshot(value), tuple(snapshot(a) for a in (*args, *kwargs.values())), no_op)
        except (KeyboardInterrupt, SystemExit) as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            out = Outcome("SystemExit", str(exc), None, ())
        except BaseException as exc:  # noqa: BLE001 - any exception is an outcome to compare
            out = Outcome(_exc_name(exc), _first_line(exc), None, (), kinds=tuple(t.__name__ for t in type(exc).__mro__))
    environment.after_call()
    out.used = frozenset(used)
    return out


_LOOP: list[asyncio.AbstractEventLoop] = []


def _loop() -> asyncio.AbstractEventLoop:
    """One event loop for every coroutine the worker runs (asyncio.run would make one per call)."""
    if not _LOOP or _LOOP[0].is_closed():
        _LOOP[:] = [asyncio.new_event_loop()]
    return _LOOP[0]


def _exc_name(exc: BaseException) -> str:
    t = type(exc)
    return t.__name__ if t.__module__ in ("builtins", "__main__") else f"{t.__module__}.{t.__name__}"


def _first_line(exc: BaseException) -> str:
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    return text.splitlines()[0][:200] if text else ""


@dataclass
class Mismatch:
    where: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.where}: {self.before} vs {self.after}"


class Comparer:
    def __init__(self, ulps: int = 0) -> None:
        self.ulps = ulps
        self.max_ulp = 0

    def outcomes(self, b: Outcome, a: Outcome) -> Mismatch | None:
        if b.raised or a.raised:
            if b.raised != a.raised:
                return Mismatch("outcome", b.shown(), a.shown())
            return None
        found = self.values(b.value, a.value, "return value")
        if found:
            return found
        if len(b.args_after) == len(a.args_after):
            for i, (x, y) in enumerate(zip(b.args_after, a.args_after)):
                found = self.values(x, y, f"argument {i + 1} after the call")
                if found:
                    return found
        return None

    def values(self, x: Any, y: Any, where: str, depth: int = 0) -> Mismatch | None:
        if depth > MAX_DEPTH:  # deep or cyclic object graphs (figures, sessions): types only below here
            return None if type(x).__name__ == type(y).__name__ else Mismatch(where, _type_shown(x), _type_shown(y))
        depth += 1
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            return self._arrays(x, y, where)
        if _is_pandas(x) or _is_pandas(y):
            return self._pandas(x, y, where)
        if isinstance(x, (bool, np.bool_)) or isinstance(y, (bool, np.bool_)):
            if type(x) is not type(y) and not (isinstance(x, (bool, np.bool_)) and isinstance(y, (bool, np.bool_))):
                return Mismatch(where, _type_shown(x), _type_shown(y))
            return None if bool(x) == bool(y) else Mismatch(where, repr(x), repr(y))
        if _is_float(x) or _is_float(y):
            if not (_is_float(x) and _is_float(y)):
                return Mismatch(where, _type_shown(x), _type_shown(y))
            if x == y or (x != x and y != y):  # equal, or both NaN: 0 ulp, no arrays needed
                return None
            return self._floats(np.asarray([x], dtype=np.float64), np.asarray([y], dtype=np.float64), where, x, y)
        if isinstance(x, (int, np.integer)) or isinstance(y, (int, np.integer)):
            if not (isinstance(x, (int, np.integer)) and isinstance(y, (int, np.integer))):
                return Mismatch(where, _type_shown(x), _type_shown(y))
            return None if int(x) == int(y) else Mismatch(where, repr(x), repr(y))
        if isinstance(x, complex) or isinstance(y, complex):
            if type(x) is not type(y):
                return Mismatch(where, _type_shown(x), _type_shown(y))
            return self.values((x.real, x.imag), (y.real, y.imag), where, depth)
        if type(x) is not type(y):
            if not (type(x).__name__ == type(y).__name__ and hasattr(x, "__dict__")):
                return Mismatch(where, _type_shown(x), _type_shown(y))
        if isinstance(x, (list, tuple)):
            if len(x) != len(y):
                return Mismatch(f"{where} length", str(len(x)), str(len(y)))
            for i, (xi, yi) in enumerate(zip(x, y)):
                found = self.values(xi, yi, f"{where}[{i}]", depth)
                if found:
                    return found
            return None
        if isinstance(x, dict):
            if list(x) != list(y):
                if set(x) != set(y):
                    return Mismatch(f"{where} keys", repr(sorted(map(repr, x))), repr(sorted(map(repr, y))))
            for k in x:
                found = self.values(x[k], y[k], f"{where}[{k!r}]", depth)
                if found:
                    return found
            return None
        if isinstance(x, (set, frozenset)):
            return None if x == y else Mismatch(where, repr(x), repr(y))
        if x is None or isinstance(x, (str, bytes)):
            return None if x == y else Mismatch(where, repr(x), repr(y))
        # a callable instance too when its class is the other copy's (unittest.TestCase instances are
        # callable; their == is identity of the class, which the two loaded versions never share)
        if hasattr(x, "__dict__") and hasattr(y, "__dict__") and (not callable(x) or type(x) is not type(y)):
            return self.values(vars(x), vars(y), f"{where} attributes", depth)
        try:
            equal = bool(x == y)
        except Exception:
            equal = repr(x) == repr(y)
        return None if equal else Mismatch(where, repr(x)[:200], repr(y)[:200])

    def _arrays(self, x: Any, y: Any, where: str) -> Mismatch | None:
        if not (isinstance(x, np.ndarray) and isinstance(y, np.ndarray)):
            return Mismatch(where, _type_shown(x), _type_shown(y))
        if x.shape != y.shape:
            return Mismatch(f"{where} shape", str(x.shape), str(y.shape))
        if x.dtype != y.dtype:
            return Mismatch(f"{where} dtype", str(x.dtype), str(y.dtype))
        if x.dtype.kind == "f":
            return self._floats(x, y, where)
        if x.dtype.kind == "c":
            found = self._floats(x.real.copy(), y.real.copy(), f"{where}.real")
            return found or self._floats(x.imag.copy(), y.imag.copy(), f"{where}.imag")
        if x.dtype.kind == "O":
            return self.values(x.tolist(), y.tolist(), where)
        diff = np.flatnonzero((x != y).ravel())
        if diff.size:
            i = np.unravel_index(diff[0], x.shape)
            return Mismatch(f"{where}[{', '.join(map(str, i))}]", repr(x[i]), repr(y[i]))
        return None

    def _floats(self, x: np.ndarray, y: np.ndarray, where: str, xs: Any = None, ys: Any = None) -> Mismatch | None:
        ulp = ulp_distance(x, y)
        scalar = xs is not None
        if ulp.size:
            finite = ulp[ulp < INFINITE_ULP]
            if finite.size:
                self.max_ulp = max(self.max_ulp, int(finite.max()))
        bad = np.flatnonzero((ulp > self.ulps).ravel())
        if not bad.size:
            return None
        k = bad[0]
        if scalar:
            extra = "" if ulp.ravel()[k] > 2**20 else f" ({int(ulp.ravel()[k])} ulp)"
            return Mismatch(where + extra, repr(xs), repr(ys))
        i = np.unravel_index(k, x.shape)
        label = f"{where}[{', '.join(map(str, i))}]"
        extra = "" if ulp.ravel()[k] > 2**20 else f" ({int(ulp.ravel()[k])} ulp)"
        return Mismatch(label + extra, repr(float(x[i])), repr(float(y[i])))

    def _pandas(self, x: Any, y: Any, where: str) -> Mismatch | None:
        if type(x) is not type(y):
            return Mismatch(where, _type_shown(x), _type_shown(y))
        found = self.values(list(x.index), list(y.index), f"{where}.index")
        if found:
            return found
        if hasattr(x, "columns"):
            found = self.values(list(x.columns), list(y.columns), f"{where}.columns")
            if found:
                return found
            found = self.values([str(d) for d in x.dtypes], [str(d) for d in y.dtypes], f"{where}.dtypes")
        else:
            found = self.values(str(x.dtype), str(y.dtype), f"{where}.dtype") or self.values(x.name, y.name, f"{where}.name")
        if found:
            return found
        return self.values(x.to_numpy(), y.to_numpy(), f"{where}.values")


def ulp_distance(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Units in the last place between same-shaped float arrays (uint64, exact).

    NaN against NaN is 0, NaN against a number is INFINITE_ULP, 0.0 against -0.0 is 0.
    """
    x = np.ascontiguousarray(x)
    y = np.ascontiguousarray(y)
    if x.shape == y.shape and np.array_equal(x, y, equal_nan=True):  # the common case, ten times faster
        return np.zeros(x.shape, np.uint64)
    if x.dtype == np.float32 and y.dtype == np.float32:
        ux = _ordered(x.view(np.uint32).astype(np.uint64), 31) << np.uint64(32)
        uy = _ordered(y.view(np.uint32).astype(np.uint64), 31) << np.uint64(32)
    else:
        x, y = x.astype(np.float64), y.astype(np.float64)
        ux, uy = _ordered(x.view(np.uint64), 63), _ordered(y.view(np.uint64), 63)
    out = np.where(ux > uy, ux - uy, uy - ux)
    out = np.where((ux >= np.uint64(1 << 63)) != (uy >= np.uint64(1 << 63)), out - np.uint64(1), out)  # ±0 are one
    with np.errstate(invalid="ignore"):
        equal = (x == y) | (np.isnan(x) & np.isnan(y))
        one_nan = np.isnan(x) ^ np.isnan(y)
    if x.dtype == np.float32:
        out = out >> np.uint64(32)
    out = np.minimum(out, np.uint64(INFINITE_ULP))
    out[equal] = 0
    out[one_nan] = INFINITE_ULP
    return out


def _ordered(bits: np.ndarray, sign_bit: int) -> np.ndarray:
    """Float bit patterns mapped to unsigned integers in the floats' order."""
    sign = np.uint64(1 << sign_bit)
    mask = np.uint64((1 << (sign_bit + 1)) - 1)
    negative = (bits & sign) != 0
    return np.where(negative, (~bits) & mask, bits | sign)


def _is_float(v: Any) -> bool:
    return isinstance(v, (float, np.floating)) and not isinstance(v, bool)


def _is_pandas(v: Any) -> bool:
    mod = type(v).__module__
    return (mod == "pandas" or mod.startswith("pandas.")) and type(v).__name__ in ("Series", "DataFrame", "Index")


def _type_shown(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"ndarray {v.dtype} {v.shape}"
    return f"{type(v).__name__} {repr(v)[:80]}"


# (message pattern, how the removed name appears in the source): `.float_`, `interpolation=`, `"H"`.
_REMOVED = (
    (re.compile(r"has no attribute '(\w+)'"), r"\.{name}\b"),  # module 'numpy' has no attribute 'float_'
    (re.compile(r"`(?:\w+\.)*(\w+)` was removed"), r"\.{name}\b"),  # `np.NINF` was removed in NumPy 2.0
    (re.compile(r"unexpected keyword argument '(\w+)'"), r"\b{name}\s*="),  # percentile(interpolation=...)
    (re.compile(r"cannot import name '(\w+)'"), r"\b{name}\b"),
    (re.compile(r"No module named '((?:\w+\.)*\w+)'"), r"\b{name}\b"),
    (re.compile(r"Invalid frequency: (\w+)"), r"[\"']{name}[\"']"),  # pandas 3: resample("H")
    (re.compile(r"'([\w.-]+)' (?:is not a valid package style|not found in the style library)"),
     r"[\"']{name}[\"']"),  # matplotlib: plt.style.use("seaborn-whitegrid")
    # scikit-learn's parameter validation: KMeans(algorithm="full") after 1.3
    (re.compile(r"parameter of \w+ must be .* Got '([\w.-]+)' instead"), r"[\"']{name}[\"']"),
)
_REMOVED_TYPES = ("AttributeError", "TypeError", "ImportError", "ModuleNotFoundError", "ValueError", "OSError")


def removed_api(outcome: Outcome, before_text: str, after_text: str) -> str | None:
    """The name of a removed API the original failed on, when the rewrite no longer uses it.

    ``AttributeError: module 'numpy' has no attribute 'float_'`` names ``float_``; it counts when
    ``.float_`` appears in the original function's text more often than in the rewrite's: the rewrite
    replaced what today's libraries no longer have. Likewise a removed keyword argument (``interpolation=``), an
    import, a pandas frequency alias (``"H"``) or a matplotlib style name.
    """
    if outcome.raised not in _REMOVED_TYPES and not set(outcome.kinds) & set(_REMOVED_TYPES):
        return None
    for pattern, used in _REMOVED:
        m = pattern.search(outcome.message)
        if m:
            name = m.group(1)
            word = re.compile(used.format(name=re.escape(name)))
            # fewer uses in the rewrite: `cm.get_cmap` replaced, pyplot's own `plt.get_cmap` left alone
            if len(word.findall(before_text)) > len(word.findall(after_text)):
                return name
    return None
