"""FX301 on the installed seaborn: the old distplot call and finfix's rewrite draw the same kind of artists
(bars, a KDE line, rug ticks) with the same normalisation (density vs count) on the same axes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

sns = pytest.importorskip("seaborn")

from finfix.codemods.plotting.distplot import SeabornDistplot  # noqa: E402
from finfix.engine.core import fix_source  # noqa: E402

RETURNS = np.random.default_rng(7).standard_t(df=4, size=400) * 0.01


def _draw(code: str) -> dict:
    """Run ``code`` on a fresh figure; describe what ended up on the axes."""
    fig, ax = plt.subplots()
    namespace = {"sns": sns, "plt": plt, "returns": RETURNS, "ax": ax, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, namespace)
    assert fig.axes == [ax], "the call must draw on the given/current axes, not a new figure"
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() and p.get_width()]
    lines = [ln for ln in ax.lines if isinstance(ln, Line2D) and len(ln.get_xdata()) > 10]
    rugs = [c for c in ax.collections if isinstance(c, LineCollection)]
    fills = [c for c in ax.collections if isinstance(c, PolyCollection)]
    area = sum(abs(b.get_height() * b.get_width()) for b in bars)
    # bins stand upright unless distplot was vertical: then bar widths carry the counts
    horizontal = bool(bars) and all(abs(b.get_x()) < 1e-12 for b in bars)
    info = {
        "bars": bool(bars),
        "kde": bool(lines),
        "rug": bool(rugs),
        "filled_kde": bool(fills),
        "area": area,
        "total": sum(b.get_width() if horizontal else b.get_height() for b in bars),
        "horizontal": horizontal,
        # the label of the data axis (histplot also labels the stat axis, which distplot did not)
        "label": ax.get_ylabel() if horizontal else ax.get_xlabel(),
        "yscale": ax.get_yscale(),
        "returned_ax": namespace.get("out") is ax if "out" in namespace else None,
    }
    plt.close(fig)
    return info


def _rewrite(code: str) -> str:
    new, findings = fix_source("import seaborn as sns\n" + code, [SeabornDistplot], unsafe=True)
    assert findings and all(f.applied for f in findings), [f.reason for f in findings]
    assert "distplot" not in new
    return new


CALLS = [
    # default: density histogram + KDE
    "out = sns.distplot(returns, ax=ax)",
    "out = sns.distplot(returns)",
    # counts
    "out = sns.distplot(returns, kde=False, ax=ax)",
    "out = sns.distplot(returns, kde=False, bins=25, ax=ax)",
    # norm_hist without KDE: density
    "out = sns.distplot(returns, kde=False, norm_hist=True, ax=ax)",
    # KDE only, rug only, extra rug
    "out = sns.distplot(returns, hist=False, ax=ax)",
    "out = sns.distplot(returns, hist=False, kde=False, rug=True, ax=ax)",
    "out = sns.distplot(returns, rug=True, color='g', ax=ax)",
    # vertical, axis label, log scale via hist_kws, KDE styles and estimation keys
    "out = sns.distplot(returns, vertical=True, ax=ax)",
    "out = sns.distplot(returns, axlabel='Daily return', hist_kws={'log': True, 'edgecolor': 'k'}, ax=ax)",
    "out = sns.distplot(returns, kde_kws={'bw_adjust': 0.5, 'lw': 2, 'cut': 1}, ax=ax)",
    "out = sns.distplot(returns, kde_kws={'color': 'k', 'shade': True}, ax=ax)",
]


@pytest.mark.parametrize("before", CALLS)
def test_same_artists_and_normalisation(before):
    after = _rewrite(before)
    old, new = _draw(before), _draw(after)
    for key in ("bars", "kde", "rug", "filled_kde", "horizontal", "label", "yscale", "returned_ax"):
        assert old[key] == new[key], (key, before, after)
    if old["bars"]:
        density = "kde=False" not in before or "norm_hist=True" in before
        if density:  # the bars' area integrates to one
            assert old["area"] == pytest.approx(1.0, rel=1e-6)
            assert new["area"] == pytest.approx(1.0, rel=1e-6)
        else:  # counts: the bar heights add up to the number of observations
            assert old["total"] == pytest.approx(len(RETURNS))
            assert new["total"] == pytest.approx(len(RETURNS))


def test_counts_match_exactly_with_the_same_bins():
    before = "out = sns.distplot(returns, kde=False, bins=25, ax=ax)"
    old, new = _draw(before), _draw(_rewrite(before))
    assert new["area"] == pytest.approx(old["area"], rel=1e-9)


def test_rewrite_returns_the_axes():
    after = _rewrite("out = sns.distplot(returns, rug=True, axlabel='r')")
    fig, ax = plt.subplots()
    namespace = {"sns": sns, "returns": RETURNS}
    exec(after, namespace)
    assert namespace["out"] is ax
    assert ax.get_xlabel() == "r"
    plt.close(fig)


def test_hist_and_kde_colours_stay_apart():
    """distplot coloured the bars with hist_kws' colour and the KDE with `color`; histplot cannot, so the
    rewrite draws the KDE with its own kdeplot call."""
    from matplotlib.colors import to_rgb

    before = "out = sns.distplot(returns, color='b', hist_kws={'color': 'g'}, ax=ax)"
    for code in (before, _rewrite(before)):
        fig, ax = plt.subplots()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, {"sns": sns, "returns": RETURNS, "ax": ax})
        assert {to_rgb(p.get_facecolor()) for p in ax.patches} == {to_rgb("g")}, code
        assert [to_rgb(ln.get_color()) for ln in ax.lines] == [to_rgb("b")], code
        plt.close(fig)


def test_flat_days_do_not_collapse_into_one_bin():
    """Returns with a zero IQR: distplot fell back to sqrt(n) bins; the rewrite must not draw one bar."""
    flat = np.r_[np.zeros(100), np.random.default_rng(0).normal(0, 0.01, 10)]
    before = "out = sns.distplot(returns, ax=ax)"
    counts = []
    for code in (before, _rewrite(before)):
        fig, ax = plt.subplots()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, {"sns": sns, "returns": flat, "ax": ax})
        counts.append(len([p for p in ax.patches if p.get_height()]))
        plt.close(fig)
    assert counts[0] > 1 and counts[1] > 1
