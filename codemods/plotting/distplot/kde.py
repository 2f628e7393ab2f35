"""The KDE part of distplot: histplot's embedded KDE, or a kdeplot call of its own."""

from __future__ import annotations

import libcst as cst

from finfix.codemods.plotting.distplot.arguments import NoFix, kwarg, merge, reuse, string_dict
from finfix.codemods.plotting.distplot.plan import Plan, Request
from finfix.sdk.nodes import keyword_arg

# `kde_kws` keys: estimation ones go to histplot's `kde_kws`, style ones to its `line_kws`.
KDE_ESTIMATION = frozenset({"bw_method", "bw_adjust", "gridsize", "cut", "clip", "cumulative"})
KDE_STYLE = frozenset({"lw", "linewidth", "ls", "linestyle", "alpha", "label", "zorder", "dashes", "marker"})
# Keys that histplot's embedded KDE cannot express: the KDE is drawn by its own kdeplot call.
KDE_OWN_CALL = frozenset({"color", "shade", "fill"})
# distplot's kde_kws spelled the way kdeplot and Line2D want them.
_KDEPLOT_NAMES = {"shade": "fill", "bw": "bw_method"}
_LINE_NAMES = {"lw": "linewidth", "ls": "linestyle"}

KdeKws = list[tuple[str, cst.BaseExpression]]


def kdeplot_kwargs(kde_kws: KdeKws) -> list[cst.Arg]:
    """kde_kws as kdeplot keywords (kdeplot takes them directly)."""
    return [kwarg(_KDEPLOT_NAMES.get(key, key), value) for key, value in kde_kws]


def embedded_kde_kwargs(kde_kws: KdeKws, match_style: bool) -> list[cst.Arg]:
    """histplot's `kde_kws={...}` (estimation) and `line_kws={...}` (style) for distplot's kde_kws."""
    estimation: KdeKws = []
    style: KdeKws = []
    for key, value in kde_kws:
        key = "bw_method" if key == "bw" else key
        if key in KDE_ESTIMATION:
            estimation.append((key, reuse(value)))
        elif key in KDE_STYLE:
            style.append((_LINE_NAMES.get(key, key), reuse(value)))
        else:
            raise NoFix(f"`kde_kws` key {key!r} has no known histplot equivalent")
    if match_style and not any(key == "cut" for key, _ in estimation):
        estimation.insert(0, ("cut", cst.Integer("3")))  # distplot's KDE extended 3 bandwidths past the data
    out = []
    if estimation:
        out.append(keyword_arg("kde_kws", string_dict(estimation)))
    if style:
        out.append(keyword_arg("line_kws", string_dict(style)))
    return out


def needs_own_call(kde_kws: KdeKws, hist_kws: KdeKws) -> bool:
    """histplot colours its KDE line like its bars: a KDE of another colour needs its own kdeplot call."""
    return any(k in KDE_OWN_CALL for k, _ in kde_kws) or any(k == "color" for k, _ in hist_kws)


def plan_kde_main(req: Request, plan: Plan, kde_kws: KdeKws) -> None:
    """`hist=False`: the KDE is the replacement call."""
    plan.main = req.call("kdeplot", [req.data_arg(), *merge(req.common, kdeplot_kwargs(kde_kws), req.label), *req.ax])
    plan.main_kind = "kdeplot"


def plan_kde_own_call(req: Request, plan: Plan, kde_kws: KdeKws) -> None:
    """A histogram with a KDE histplot cannot draw: a kdeplot statement after the histplot."""
    own_color = any(k == "color" for k, _ in kde_kws) or bool(req.common)
    plan.extras.append(req.call("kdeplot", [req.data_arg(), *merge(req.common, kdeplot_kwargs(kde_kws))]))
    if not own_color:
        plan.notes.append("the separate kdeplot takes the next colour of the cycle")
