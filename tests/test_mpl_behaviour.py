"""FX311-FX314 and FX321 on the installed libraries: the rewritten code runs and does what the old code did."""

from __future__ import annotations

import datetime as dt
import inspect

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from finfix.codemods.plotting.mpl_cm_get_cmap import MplCmGetCmap  # noqa: E402
from finfix.codemods.plotting.mpl_misc import MplMisc  # noqa: E402
from finfix.codemods.plotting.mpl_plot_date import MplPlotDate  # noqa: E402
from finfix.codemods.plotting.mpl_style_names import MplSeabornStyleNames  # noqa: E402
from finfix.codemods.plotting.plotly_image_engine import PlotlyImageEngine  # noqa: E402
from finfix.engine.core import fix_source  # noqa: E402

DAYS = [dt.datetime(2026, 1, 1) + dt.timedelta(days=i) for i in range(10)]
PRICES = np.linspace(100, 110, 10)


def _fixed(code: str, rule, *, unsafe: bool = False) -> str:
    new, findings = fix_source(code, [rule], unsafe=unsafe)
    assert findings and all(f.applied for f in findings), [(f.message, f.reason) for f in findings]
    return new


def _run(code: str, **names) -> dict:
    namespace = {"days": DAYS, "prices": PRICES, **names}
    exec(code, namespace)
    return namespace


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_date_is_gone_from_matplotlib():
    from matplotlib.axes import Axes

    assert not hasattr(Axes, "plot_date") and not hasattr(plt, "plot_date")


def test_plot_date_rewrite_draws_markers_without_a_line():
    code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nlines = ax.plot_date(days, prices)\n"
    ns = _run(_fixed(code, MplPlotDate))
    (line,) = ns["lines"]
    assert line.get_marker() == "o"
    assert line.get_linestyle() == "None"  # plot_date's default "o": markers only
    assert isinstance(ns["ax"].xaxis.get_major_formatter(), (mdates.AutoDateFormatter, mdates.ConciseDateFormatter))


def test_plot_date_rewrite_keeps_fmt_and_kwargs_override():
    code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nlines = ax.plot_date(days, prices, 'r-')\n"
    (line,) = _run(_fixed(code, MplPlotDate))["lines"]
    assert line.get_linestyle() == "-" and line.get_marker() in ("None", None, "")
    code = "import matplotlib.pyplot as plt\nlines = plt.plot_date(days, prices, linestyle='--')\n"
    (line,) = _run(_fixed(code, MplPlotDate))["lines"]
    assert line.get_marker() == "o" and line.get_linestyle() == "--"


def test_plot_date_rewrite_formats_float_date_numbers_as_dates():
    code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot_date(nums, prices, tz=dt.timezone.utc)\n"
    ns = _run(_fixed(code, MplPlotDate), nums=mdates.date2num(DAYS), dt=dt)
    ax = ns["ax"]
    assert isinstance(ax.xaxis.get_major_locator(), mdates.AutoDateLocator)
    ax.figure.canvas.draw()
    assert any("2026" in t.get_text() or "Jan" in t.get_text() for t in ax.get_xticklabels())


def test_cm_get_cmap_rewrites_return_the_same_colormaps():
    old = {"plain": matplotlib.colormaps["viridis"], "lut": matplotlib.colormaps["RdYlGn"].resampled(10)}
    code = (
        "import matplotlib.cm as cm\nimport matplotlib.pyplot as plt\n"
        "plain = cm.get_cmap('viridis')\nlut = plt.cm.get_cmap('RdYlGn', 10)\ndefault = cm.get_cmap()\n"
        "byname = cm.get_cmap(name)\n"
    )
    ns = _run(_fixed(code, MplCmGetCmap), name="magma")
    assert ns["plain"].name == "viridis" and ns["plain"] == old["plain"]
    assert ns["lut"].N == 10 and ns["lut"] == old["lut"]
    assert ns["default"].name == matplotlib.rcParams["image.cmap"]
    assert ns["byname"].name == "magma"


def test_cm_register_and_unregister_rewrites_run():
    code = (
        "import matplotlib\nfrom matplotlib import cm\nfrom matplotlib.colors import ListedColormap\n"
        "mine = ListedColormap(['r', 'g'], name='fx-test')\n"
        "cm.register_cmap(name='fx-test-desk', cmap=mine)\nfound = cm.get_cmap('fx-test-desk')\n"
        "cm.unregister_cmap('fx-test-desk')\n"
    )
    ns = _run(_fixed(code, MplCmGetCmap))
    assert ns["found"].N == 2
    assert "fx-test-desk" not in matplotlib.colormaps


def test_style_names_rewrite_loads_the_styles():
    code = (
        "import matplotlib.pyplot as plt\nplt.style.use(['seaborn-darkgrid', 'seaborn-talk'])\n"
        "with plt.style.context('seaborn'):\n    pass\n"
    )
    with matplotlib.rc_context():
        _run(_fixed(code, MplSeabornStyleNames))  # the old names raise OSError on 3.8+
    with pytest.raises(OSError), matplotlib.rc_context():
        _run(code)


def test_boxplot_hist_and_violin_rewrites_run_and_keep_meaning():
    code = (
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
        "box = ax.boxplot([a, b], labels=['A', 'B'], vert=False)\n"
        "n, edges, _ = ax.hist(a, bins=10, normed=True)\n"
        "fig2, ax2 = plt.subplots()\nviolins = ax2.violinplot([a, b], vert=True)\n"
    )
    rng = np.random.default_rng(3)
    ns = _run(_fixed(code, MplMisc), a=rng.normal(size=50), b=rng.normal(size=50))
    ax = ns["ax"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]  # horizontal boxes label the y axis
    assert np.sum(ns["n"] * np.diff(ns["edges"])) == pytest.approx(1.0)  # density
    assert len(ns["violins"]["bodies"]) == 2


def test_plotly_write_image_has_no_engine_any_more():
    plotly_io = pytest.importorskip("plotly.io")
    go = pytest.importorskip("plotly.graph_objects")
    for fn in (plotly_io.write_image, plotly_io.to_image, go.Figure.write_image, go.Figure.to_image):
        params = inspect.signature(fn).parameters
        assert "engine" not in params or params["engine"].kind is inspect.Parameter.VAR_KEYWORD
    for attr in ("default_format", "default_width", "default_height", "default_scale"):
        assert hasattr(plotly_io.defaults, attr)
    code = (
        "import plotly.graph_objects as go\nimport plotly.io as pio\nfig = go.Figure()\n"
        "fig.write_image('x.png', engine='kaleido')\npio.kaleido.scope.default_format = 'svg'\n"
    )
    fixed = _fixed(code, PlotlyImageEngine)
    assert "engine" not in fixed and "pio.defaults.default_format = 'svg'" in fixed
