"""Strategies for what `verify` cannot generate by itself, for a project's ``finfix_strategies.py``.

    from finfix.harness.strategies import axes, csv_files, frames, process
    STRATEGIES = {
        "quantdesk.reports.tail_density": {"ax": axes()},
        "quantdesk.process_monitor.workdir": {"proc": process()},
        "quantdesk.features.load_trades": {"path": csv_files(frames(ts="datetime", price="float", qty="float"))},
    }

``axes()`` and ``process()`` give values made anew for every call (:class:`environment.Fresh`): each
version draws on its own new Axes, and a ``psutil.Process`` is not copied. ``csv_files`` writes each
drawn frame to a new file under the worker's scratch working directory and passes its path.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from hypothesis import strategies as st

from finfix.harness.environment import Fresh

_FILES = itertools.count()


def _new_axes() -> Any:
    import matplotlib.pyplot as plt

    return plt.subplots()[1]


def axes() -> st.SearchStrategy:
    """A new matplotlib Axes (on a new figure) for every call."""
    return st.just(Fresh(_new_axes, "a new matplotlib Axes"))


def _this_process() -> Any:
    import psutil

    return psutil.Process()


def process() -> st.SearchStrategy:
    """``psutil.Process()``: the worker's own process, made for every call."""
    return st.just(Fresh(_this_process, "psutil.Process() (the worker)"))


_KINDS = {
    "float": lambda: st.floats(-1e6, 1e6) | st.just(float("nan")),
    "positive": lambda: st.floats(0.01, 1e6),
    "int": lambda: st.integers(-1000, 1000),
    "datetime": lambda: st.datetimes(min_value=__import__("datetime").datetime(2020, 1, 1),
                                     max_value=__import__("datetime").datetime(2024, 12, 31)),
    "str": lambda: st.text("abcxyz", min_size=1, max_size=5),
}


def frames(min_rows: int = 0, max_rows: int = 40, index: str | None = None, **columns: str) -> st.SearchStrategy:
    """pandas DataFrames with these columns (``name="float" | "positive" | "int" | "datetime" | "str"``);
    with ``index``, a sorted daily DatetimeIndex of that name."""

    @st.composite
    def draw(draw_: Any) -> Any:
        import pandas as pd

        n = draw_(st.integers(min_rows, max_rows))
        data = {name: draw_(st.lists(_KINDS[kind](), min_size=n, max_size=n)) for name, kind in columns.items()}
        frame = pd.DataFrame(data, columns=list(columns))
        if index is not None:
            frame.index = pd.date_range("2024-01-01", periods=n, freq="D", name=index)
        return frame

    return draw()


def csv_files(frames_: st.SearchStrategy, *, folder: str | None = None, **to_csv: Any) -> st.SearchStrategy:
    """The path of a CSV file holding a drawn frame (``to_csv`` options: ``index=False`` by default), in
    ``folder`` (default: ``finfix-inputs`` in the working directory, which in `finfix verify` is the worker's
    scratch directory, removed after)."""
    options = {"index": False, **to_csv}

    def write(frame: Any) -> str:
        where = os.path.abspath(folder or "finfix-inputs")
        os.makedirs(where, exist_ok=True)
        path = os.path.join(where, f"input{next(_FILES)}.csv")
        frame.to_csv(path, **options)
        return path

    return frames_.map(write)
