"""Charts compared by what they draw, not by object identity.

A matplotlib ``Axes`` or ``Figure`` (or a seaborn grid holding one) is summarised as plain data: for each
axes its title, labels, limits and scales, and each artist's kind and data (line vertices, bar rectangles,
collection offsets and paths, image arrays, texts). Two versions that draw the same chart give equal
summaries; the summary is taken right after the call, before the worker closes the figure.

:func:`outline` is the coarse view that FX301's announced effect keeps (distplot → histplot draws "the
same kinds of artists, the same axes and normalisation, not every pixel"): per axes, the kinds of artists
drawn, the labels, and whether the bars are a density (area 1) or counts (and their total, n): not the
bins (their edges, hence the bars' extent), colours or line vertices.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

DIGITS = 12  # coordinates are rounded: the same chart drawn by two code paths may differ in the last ulp


def is_chart(value: Any) -> bool:
    """A matplotlib Axes or Figure, or an object holding one as ``.figure`` (a seaborn FacetGrid), of a
    class defined by matplotlib or seaborn."""
    if "matplotlib" not in sys.modules or not type(value).__module__.startswith(("matplotlib", "seaborn")):
        return False  # every call's value and arguments pass here: the cheap test first
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    return isinstance(value, (Axes, Figure, SubFigure)) or (
        type(value).__module__.startswith("seaborn") and isinstance(getattr(value, "figure", None), Figure)
    )


def summary(value: Any) -> dict[str, Any]:
    """What ``value`` (an Axes, a Figure, a seaborn grid) draws, as plain data."""
    from matplotlib.axes import Axes

    if isinstance(value, Axes):
        return {"axes": [_axes(value)]}
    fig = value if not type(value).__module__.startswith("seaborn") else value.figure
    return {"figure": [round(float(v), 3) for v in fig.get_size_inches()], "axes": [_axes(ax) for ax in fig.axes]}


def _r(values: Any) -> list:
    arr = np.asarray(values, dtype=np.float64)
    return np.round(arr, DIGITS).tolist()


def _axes(ax: Any) -> dict[str, Any]:
    return {
        "title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
        "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
        "xlim": _r(ax.get_xlim()), "ylim": _r(ax.get_ylim()),
        "lines": [{"xy": _r(line.get_xydata()), "color": _color(line.get_color()), "marker": str(line.get_marker()),
                   "linestyle": str(line.get_linestyle())} for line in ax.lines],
        "patches": [_patch(p) for p in ax.patches],
        "collections": [_collection(c) for c in ax.collections],
        "images": [{"data": _r(np.ma.filled(np.ma.asarray(im.get_array(), dtype=np.float64), np.nan)),
                    "cmap": _cmap(im.get_cmap()), "clim": _r(im.get_clim())} for im in ax.images],
        "texts": [t.get_text() for t in ax.texts],
        "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
        "yticklabels": [t.get_text() for t in ax.get_yticklabels()],
    }


def _color(c: Any) -> list:
    from matplotlib.colors import to_rgba

    try:
        return _r(to_rgba(c))
    except (ValueError, TypeError):
        return [str(c)]


def _cmap(cmap: Any) -> dict[str, Any]:
    return {"N": int(cmap.N), "colors": _r(cmap(np.linspace(0.0, 1.0, int(cmap.N))))}


def _patch(p: Any) -> dict[str, Any]:
    from matplotlib.patches import Rectangle

    if isinstance(p, Rectangle):
        return {"kind": "bar", "xy": _r(p.get_xy()), "width": round(float(p.get_width()), DIGITS),
                "height": round(float(p.get_height()), DIGITS), "facecolor": _r(p.get_facecolor())}
    return {"kind": type(p).__name__, "path": _r(p.get_path().vertices), "facecolor": _r(p.get_facecolor())}


def _collection(c: Any) -> dict[str, Any]:
    paths = c.get_paths()
    return {"kind": type(c).__name__, "offsets": _r(np.asarray(c.get_offsets())),
            "paths": [_r(path.vertices) for path in paths[:200]], "facecolor": _r(c.get_facecolor())}


def _finite(v: Any) -> bool:
    return bool(np.all(np.isfinite(np.asarray(v, dtype=np.float64))))


def _draws(c: dict[str, Any]) -> bool:
    """A collection draws when one of its paths has a vertex whose coordinates are all finite (a rug
    tick at x=NaN draws nothing), and, when it places its paths at offsets, one offset is finite."""

    def some_vertex(points: Any) -> bool:
        a = np.asarray(points, dtype=np.float64)
        return bool(a.size) and bool(np.isfinite(a.reshape(len(a), -1)).all(axis=1).any())

    offsets = np.asarray(c["offsets"], dtype=np.float64)
    placed = offsets.size == 0 or some_vertex(offsets)
    return placed and any(some_vertex(p) for p in c["paths"])


def outline(drawn: dict[str, Any], labelled_as: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The coarse view of a :func:`summary`: per axes, what kinds of artists, the labels, and the bars'
    normalisation; not the bin edges, colours or line vertices. With ``labelled_as`` (the
    original's outline), a y label the original left empty is not compared: histplot names its stat
    ("Count", "Density") where distplot without a KDE left the axis blank."""
    out = []
    for ax in drawn.get("axes", []):
        # a bar of zero or NaN height, or a collection with nothing finite in it, draws nothing
        bars = [p for p in ax["patches"] if p["kind"] == "bar" and _finite(p["height"]) and p["height"] != 0]
        area = sum(b["width"] * b["height"] for b in bars)
        density = bool(bars) and abs(area - 1.0) < 1e-6
        out.append({
            "xlabel": ax["xlabel"], "ylabel": ax["ylabel"], "title": ax["title"],
            "lines": len(ax["lines"]) > 0, "bars": len(bars) > 0,
            "collections": sorted({c["kind"] for c in ax["collections"] if _draws(c)}),
            "images": len(ax["images"]),
            # density bars have area 1 whatever the bins; count bars add up to the number of observations
            "bar_density": density,
            "bar_count": round(sum(b["height"] for b in bars), 6) if bars and not density else None,
        })
    if labelled_as is not None:
        for mine, theirs in zip(out, labelled_as):
            if not theirs["ylabel"]:
                mine["ylabel"] = ""
    return out
