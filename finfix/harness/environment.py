"""The same world for both versions: a deterministic clock, seeded randomness, fresh figures, a stub for
image export, and values made anew for each call.

Every call the harness makes runs inside :func:`call`, which sets up, identically for both versions:

- **clock**: in the user's modules, ``time.time``/``time_ns``/``perf_counter``/``monotonic`` (and their
  ``_ns`` forms), ``datetime.now``/``utcnow``/``today`` and ``date.today`` read one deterministic clock
  that starts at 2024-01-02T03:04:05.678901Z for each call and moves 1 ms per read, whether the module
  did ``from time import perf_counter`` or ``import time``. Libraries keep the real clock.
- **randomness**: ``random`` and NumPy's legacy global state are seeded, and an unseeded NumPy
  generator (``default_rng()``, ``RandomState()``, libraries such as optuna's samplers) draws its seed
  from a fixed stream instead of the OS.
- **figures**: pyplot's figures are closed before and after the call, so nothing drawn by an earlier
  call (or by the other version) is on the current axes.
- **image export**: plotly's Kaleido export needs Chrome, which verify does not start: ``write_image``
  and ``to_image`` write the validated figure's JSON (what it draws) instead of a PNG.

What a call used is returned (``{"clock", "randomness", "image export"}``), so a verdict can say it.
Values that cannot be copied meaningfully (an ``Axes`` to draw on, a ``psutil.Process``) are passed
as :class:`Fresh` and made anew for each call.
"""

from __future__ import annotations

import datetime as _dt
import random
import sys
import time
import types
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

START = 1_704_164_645.678901  # 2024-01-02T03:04:05.678901Z
TICK = 0.001
PERF_START = 1000.0
SEED = 20240102

_REAL = {name: getattr(time, name) for name in
         ("time", "time_ns", "perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns")}
_REAL_DATETIME, _REAL_DATE = _dt.datetime, _dt.date


@dataclass(frozen=True)
class Fresh:
    """A value made anew by ``make()`` for every call (and shown as ``label``)."""

    make: Callable[[], Any]
    label: str

    def __repr__(self) -> str:
        return self.label

    def __deepcopy__(self, memo: dict) -> "Fresh":
        return self


class _Clock:
    def __init__(self) -> None:
        self.reads = 0
        self.used: set[str] = set()

    def now(self) -> float:
        self.used.add("clock")
        self.reads += 1
        return START + TICK * (self.reads - 1)

    def perf(self) -> float:
        return self.now() - START + PERF_START


_CLOCK = [_Clock()]


class _Proxy(types.ModuleType):
    """A module seen through the deterministic clock: ``time.time()``, ``datetime.datetime.now()``."""

    def __init__(self, real: types.ModuleType, fakes: dict[str, Any]) -> None:
        super().__init__(real.__name__)
        self.__dict__["_real"], self.__dict__["_fakes"] = real, fakes

    def __getattr__(self, name: str) -> Any:
        fakes = self.__dict__["_fakes"]
        return fakes[name] if name in fakes else getattr(self.__dict__["_real"], name)


class _Like(type):
    """isinstance/issubclass answer for the real class: `isinstance(ts, datetime)` keeps working."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls.__mro__[1])

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.__mro__[1])


def _fakes() -> dict[str, Any]:
    clock = _CLOCK

    class FrozenDatetime(_REAL_DATETIME, metaclass=_Like):
        __slots__ = ()

        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return _REAL_DATETIME.fromtimestamp(clock[0].now(), tz)

        @classmethod
        def utcnow(cls) -> Any:
            return _REAL_DATETIME.fromtimestamp(clock[0].now(), _dt.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls) -> Any:
            return _REAL_DATETIME.fromtimestamp(clock[0].now())

    class FrozenDate(_REAL_DATE, metaclass=_Like):
        __slots__ = ()

        @classmethod
        def today(cls) -> Any:
            return _REAL_DATETIME.fromtimestamp(clock[0].now()).date()

    FrozenDatetime.__name__ = FrozenDatetime.__qualname__ = "datetime"
    FrozenDate.__name__ = FrozenDate.__qualname__ = "date"
    FrozenDatetime.__module__ = FrozenDate.__module__ = "datetime"
    fakes: dict[str, Any] = {
        "time": lambda: clock[0].now(),
        "time_ns": lambda: int(clock[0].now() * 1e9),
        "perf_counter": lambda: clock[0].perf(),
        "perf_counter_ns": lambda: int(clock[0].perf() * 1e9),
        "monotonic": lambda: clock[0].perf(),
        "monotonic_ns": lambda: int(clock[0].perf() * 1e9),
        "datetime": FrozenDatetime,
        "date": FrozenDate,
    }
    fakes["time module"] = _Proxy(time, {k: fakes[k] for k in _REAL})
    fakes["datetime module"] = _Proxy(_dt, {"datetime": FrozenDatetime, "date": FrozenDate})
    return fakes


_FAKES = _fakes()
_MODULES: list[tuple[weakref.ref, list[tuple[str, str]]]] = []  # user modules, and their clock names


def _real_names() -> dict[int, str]:
    names = {id(v): k for k, v in _REAL.items()}
    names[id(_REAL_DATETIME)] = "datetime"
    names[id(_REAL_DATE)] = "date"
    names[id(time)] = "time module"
    names[id(_dt)] = "datetime module"
    return names


def register(module: Any) -> None:
    """Swap the clock names of a loaded user module during calls: ``from time import perf_counter``,
    ``from datetime import datetime``, and ``import time`` / ``import datetime`` (seen through a proxy).
    The ``time`` and ``datetime`` modules themselves are left alone: a library imported during a call
    must not bind a fake."""
    real = _real_names()
    bound = [(name, real[id(v)]) for name, v in vars(module).items() if id(v) in real]
    if bound:
        _MODULES[:] = [(ref, names) for ref, names in _MODULES if ref() is not None]
        _MODULES.append((weakref.ref(module), bound))


def _swaps() -> list[tuple[Any, str, Any]]:
    """(module, name, fake) for every binding of a real clock object in the registered modules."""
    swaps: list[tuple[Any, str, Any]] = []
    for ref, names in _MODULES:
        module = ref()
        if module is not None:
            swaps += [(module, name, _FAKES[key]) for name, key in names]
    return swaps


@contextmanager
def call() -> Iterator[set[str]]:
    """The environment of one call; yields the set that names what the call used."""
    clock = _CLOCK[0] = _Clock()
    used = clock.used
    swaps = _swaps()
    originals = [(t, n, getattr(t, n)) for t, n, _ in swaps]
    restore_random = _seed_randomness(used)
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    restore_export = _stub_image_export(used)
    for target, name, fake in swaps:
        setattr(target, name, fake)
    try:
        yield used
    finally:
        for target, name, value in originals:
            setattr(target, name, value)
        restore_export()
        restore_random()


def after_call() -> None:
    """Close what the call drew (once its results are summarised)."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def _seed_randomness(used: set[str]) -> Callable[[], None]:
    """Seed ``random`` and NumPy's global state, and feed unseeded NumPy generators a fixed stream.

    The global states are only re-seeded, not saved and restored: reading them costs tens of µs a call,
    and nothing in the worker draws from them (Hypothesis has its own generator). Their use is not
    detected; an unseeded generator's (``default_rng()``, optuna's samplers) is.
    """
    random.seed(SEED)
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed(SEED)  # NumPy imports numpy.random (and its bit_generator) here on first use:
    bg = sys.modules.get("numpy.random.bit_generator")  # looked up after, or a process's first call misses it
    real_bits = getattr(bg, "randbits", None) if bg is not None else None
    if real_bits is None:
        return lambda: None
    stream = random.Random(SEED)

    def randbits(k: int) -> int:
        used.add("randomness")
        return stream.getrandbits(k)

    bg.randbits = randbits  # type: ignore[union-attr]

    def restore() -> None:
        bg.randbits = real_bits  # type: ignore[union-attr]

    return restore


def _stub_image_export(used: set[str]) -> Callable[[], None]:
    if "plotly" not in sys.modules:
        return lambda: None
    try:  # plotly.io imports it lazily, on the first export
        import plotly.io._kaleido as kaleido
    except Exception:
        return lambda: None
    pio = sys.modules.get("plotly.io")
    real = (kaleido.to_image, kaleido.kaleido_available, getattr(pio, "to_image", None))

    def to_image(fig: Any, format: Any = None, width: Any = None, height: Any = None, scale: Any = None,
                 validate: bool = True) -> bytes:
        import json

        from plotly.io._utils import validate_coerce_fig_to_dict
        from plotly.utils import PlotlyJSONEncoder

        used.add("image export")
        if format == "eps":
            raise ValueError("EPS export is no longer supported by Kaleido. Please use SVG or PDF instead.")
        drawn = validate_coerce_fig_to_dict(fig, validate)
        return json.dumps({"figure": drawn, "format": format, "width": width, "height": height, "scale": scale},
                          cls=PlotlyJSONEncoder, sort_keys=True).encode()

    kaleido.to_image, kaleido.kaleido_available = to_image, lambda: True
    if pio is not None and real[2] is real[0]:
        pio.to_image = to_image

    def restore() -> None:
        kaleido.to_image, kaleido.kaleido_available = real[0], real[1]
        if pio is not None and real[2] is not None:
            pio.to_image = real[2]

    return restore


def describe(used: set[str] | frozenset[str]) -> str:
    """The note for what the calls used: the reviewer must know the comparison ran in this world."""
    parts = {
        "clock": "the clock was a deterministic one, the same for both versions",
        "randomness": "randomness was seeded alike for both versions",
        "image export": "plotly's image export wrote the figure's JSON (Kaleido needs Chrome)",
    }
    return "; ".join(parts[k] for k in ("clock", "randomness", "image export") if k in used)
