"""The histogram part of distplot: a histplot call, with distplot's `hist_kws` unpacked into it."""

from __future__ import annotations

import libcst as cst

from finfix.codemods.plotting.distplot.arguments import NoFix, const, given, kwarg, merge
from finfix.codemods.plotting.distplot.kde import KdeKws, embedded_kde_kwargs, needs_own_call, plan_kde_own_call
from finfix.codemods.plotting.distplot.plan import Plan, Request
from finfix.sdk.names import code_of, is_false, is_true

# `hist_kws` keys that are Matplotlib bar properties: histplot passes them on unchanged.
BAR_PROPS = frozenset({
    "alpha", "edgecolor", "ec", "linewidth", "lw", "facecolor", "fc", "hatch", "zorder", "linestyle",
    "ls", "rasterized", "label", "color",
})


def _bar_kwargs(plan: Plan, hist_kws: KdeKws, vertical: bool, density: bool) -> tuple[list[cst.Arg], bool]:
    """histplot keywords for ``hist_kws`` (Axes setters go to ``plan.followups``), and the density."""
    bar: list[cst.Arg] = []
    for key, value in hist_kws:
        if key == "density":
            if not (is_true(value) or is_false(value)):
                raise NoFix("`hist_kws['density']` is not a literal True/False")
            density = is_true(value)
        elif key in ("cumulative", "weights"):
            bar.append(kwarg(key, value))
        elif key == "range":
            bar.append(kwarg("binrange", value))
        elif key == "histtype":
            kind = value.evaluated_value if isinstance(value, cst.SimpleString) else None
            if kind == "step":
                bar += [const("element", '"step"'), const("fill", "False")]
            elif kind == "stepfilled":
                bar.append(const("element", '"step"'))
            elif kind != "bar":
                raise NoFix(f"`hist_kws['histtype']={code_of(value)}` has no histplot equivalent")
        elif key == "log":
            if is_true(value):
                plan.followups.append(("set_xscale" if vertical else "set_yscale", cst.SimpleString('"log"')))
            elif not is_false(value):
                raise NoFix("`hist_kws['log']` is not a literal True/False")
        elif key in BAR_PROPS:
            bar.append(kwarg(key, value))
        else:
            raise NoFix(f"`hist_kws` key {key!r} has no known histplot equivalent")
    return bar, density


def plan_histogram(
    req: Request, plan: Plan, hist_kws: KdeKws, kde_kws: KdeKws, *, kde: bool, norm_hist: bool, vertical: bool
) -> bool:
    """The histplot replacement (and a kdeplot after it if its KDE needs one); returns whether it does."""
    kde_own = kde and needs_own_call(kde_kws, hist_kws)
    kws = [req.data_arg()]
    # distplot density-normalised its histogram whenever it drew a KDE
    bar, density = _bar_kwargs(plan, hist_kws, vertical, density=norm_hist or kde)
    if kde and not kde_own:
        kws.append(const("kde", "True"))
    if density:
        kws.append(const("stat", '"density"'))
    bins = given(req.args, "bins")
    if bins is not None:
        kws.append(kwarg("bins", bins))
    # No `bins="fd"`: numpy's uncapped Freedman-Diaconis rule gives ONE bin when the IQR is 0 (returns with
    # many flat days), where distplot fell back to sqrt(n) bins. histplot's default "auto" is
    # max(FD, Sturges): FD in the usual case, and never degenerate.
    kws += merge(req.common, bar, req.label)  # later wins, as in distplot
    if req.match_style and not any(k in ("alpha", "fill") for k, _ in hist_kws):
        kws.append(const("alpha", "0.4"))
    if kde and not kde_own:
        kws += embedded_kde_kwargs(kde_kws, req.match_style)
    plan.main = req.call("histplot", kws + req.ax)
    plan.main_kind = "histplot"
    if kde_own:
        plan_kde_own_call(req, plan, kde_kws)
    return kde_own
