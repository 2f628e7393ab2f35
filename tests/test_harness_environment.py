"""The world both versions run in (harness/environment.py) and charts compared by what they draw
(harness/drawing.py): calls that read the clock or draw random numbers are repeatable, figures do not
leak from one call into the next, and an Axes or a psutil.Process is made anew for each call."""

from __future__ import annotations

import os
import tempfile
import types

import numpy as np
import pytest
from hypothesis import given, settings

from finfix.harness import environment
from finfix.harness.compare import Comparer, Drawing, invoke, removed_api
from finfix.harness.strategies import axes, csv_files, frames, process


def _module(source: str) -> types.ModuleType:
    m = types.ModuleType("user_module")
    exec(source, vars(m))
    environment.register(m)
    return m


def test_the_clock_is_the_same_for_every_call_and_moves_per_read():
    m = _module(
        "import time, datetime as dt\nfrom datetime import datetime, timezone\nfrom time import perf_counter\n"
        "def f():\n    return (datetime.utcnow(), dt.datetime.now(timezone.utc), time.time(), perf_counter(),\n"
        "            isinstance(datetime.now(), datetime))\n"
    )
    first, second = invoke(m.f, [], {}), invoke(m.f, [], {})
    assert first.raised is None and Comparer().outcomes(first, second) is None
    utc, aware, now, perf, is_datetime = first.value
    assert utc.isoformat() == "2024-01-02T03:04:05.678901" and aware.tzinfo is not None
    assert now == pytest.approx(environment.START + 2 * environment.TICK)
    assert perf == pytest.approx(environment.PERF_START + 3 * environment.TICK) and is_datetime
    assert first.used == {"clock"}
    # outside a call, the module and the libraries have the real clock
    import time

    assert m.time is time and m.perf_counter is time.perf_counter and abs(m.time.time() - time.time()) < 5


def test_unseeded_randomness_is_seeded_alike_for_each_call():
    m = _module("import random\nimport numpy as np\n"
                "def f():\n    return random.random(), np.random.rand(), np.random.default_rng().random()\n")
    first, second = invoke(m.f, [], {}), invoke(m.f, [], {})
    assert Comparer().outcomes(first, second) is None and "randomness" in first.used  # default_rng() seen
    import numpy.random.bit_generator as bg

    assert bg.randbits.__module__ == "random"  # the real entropy is back after the call


def test_a_figure_drawn_by_one_call_is_not_on_the_next_calls_axes():
    plt = pytest.importorskip("matplotlib.pyplot")

    def draw(values):
        plt.plot(values)
        return plt.gca()

    first, second = invoke(draw, [[1.0, 2.0]], {}), invoke(draw, [[1.0, 2.0]], {})
    assert isinstance(first.value, Drawing) and Comparer().outcomes(first, second) is None
    assert len(first.value.drawn["axes"][0]["lines"]) == 1
    other = invoke(draw, [[1.0, 3.0]], {})
    found = Comparer().outcomes(first, other)
    assert found is not None and "['axes'][0]" in found.where
    assert plt.get_fignums() == []  # closed after the call


@settings(max_examples=3, database=None, deadline=None)  # the first example imports matplotlib
@given(axes(), process())
def test_fresh_values_are_made_for_every_call(ax, proc):
    psutil = pytest.importorskip("psutil")

    def use(ax, proc):
        ax.plot([1, 2])
        return len(ax.lines), proc.pid

    out = invoke(use, [ax, proc], {})
    assert out.raised is None, out
    assert out.value[0] == 1 and out.value[1] == psutil.Process().pid  # a new Axes: one line, not three
    assert repr(ax) == "a new matplotlib Axes"


_INPUTS = os.path.join(tempfile.gettempdir(), f"finfix-test-inputs-{os.getpid()}")  # not the repository's root


@settings(max_examples=5, database=None)
@given(csv_files(frames(min_rows=1, ts="datetime", price="float"), folder=_INPUTS))
def test_csv_files_write_a_frame_to_read(path):
    pd = pytest.importorskip("pandas")
    assert os.path.dirname(path) == os.path.abspath(_INPUTS)
    frame = pd.read_csv(path, parse_dates=["ts"])
    assert list(frame.columns) == ["ts", "price"] and len(frame) >= 1


def test_plotly_image_export_writes_the_figure_instead_of_needing_chrome(tmp_path):
    pytest.importorskip("plotly")
    import plotly.express as px

    def save(path):
        fig = px.line(x=[1, 2, 3], y=[2.0, 1.0, 3.0], title="P&L")
        fig.write_image(path)
        return open(path, "rb").read()

    out = invoke(save, [str(tmp_path / "a.png")], {})
    assert out.raised is None, out
    assert b'"title"' in out.value and "image export" in out.used
    assert invoke(lambda p: px.line(x=[1], y=[1]).write_image(p, engine="kaleido"), [str(tmp_path / "b.png")],
                  {}).raised == "TypeError"  # plotly 7's own check of the removed argument stays


def test_removed_api_counts_uses_and_reads_scikit_learn_parameter_errors():
    from finfix.harness.compare import Outcome

    cm = Outcome("AttributeError", "module 'matplotlib.cm' has no attribute 'get_cmap'", None, ())
    before = "cmap = cm.get_cmap('RdYlGn', 11)\nbar(cmap=plt.get_cmap('RdYlGn'))\n"
    after = "cmap = matplotlib.colormaps['RdYlGn'].resampled(11)\nbar(cmap=plt.get_cmap('RdYlGn'))\n"
    assert removed_api(cm, before, after) == "get_cmap"
    assert removed_api(cm, before, before) is None
    km = Outcome("sklearn.utils._param_validation.InvalidParameterError",
                 "The 'algorithm' parameter of KMeans must be a str among {'lloyd', 'elkan'}. Got 'full' instead.",
                 None, (), kinds=("InvalidParameterError", "ValueError", "TypeError", "Exception"))
    assert removed_api(km, 'KMeans(algorithm="full")', 'KMeans(algorithm="lloyd")') == "full"
    assert np.isfinite(environment.START)


def test_the_first_call_in_a_fresh_process_is_seeded_too():
    # numpy.random is imported lazily, by the first `np.random` the code (or the harness) touches: the world
    # used to look for its bit generator before that, so in a fresh worker (as every `finfix verify` child
    # is) the first version ran on real entropy and the second on the fixed stream: a false "different".
    probe = (
        "import numpy as np, sys\n"
        "assert 'numpy.random' not in sys.modules\n"
        "from finfix.harness.compare import Comparer, invoke\n"
        "def f():\n    return np.random.default_rng().random()\n"
        "first, second = invoke(f, [], {}), invoke(f, [], {})\n"
        "print(Comparer().outcomes(first, second), sorted(first.used))\n"
    )
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "None ['randomness']", run.stdout + run.stderr
