"""distplot's arguments → a Plan: which part draws the main call (histogram, KDE or rug), what follows it."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from finfix.codemods.plotting.distplot.arguments import NoFix, bind, dict_items, flag, given
from finfix.codemods.plotting.distplot.histogram import plan_histogram
from finfix.codemods.plotting.distplot.kde import plan_kde_main
from finfix.codemods.plotting.distplot.plan import Plan, Request
from finfix.codemods.plotting.distplot.rug import plan_rug_extra, plan_rug_main
from finfix.sdk.names import code_of, is_false, is_true


def plan_distplot(
    call: cst.Call, *, fn: Callable[[Plan, str], cst.BaseExpression], base: str, match_style: bool
) -> Plan:
    """The replacement of ``call``; raises NoFix (saying why, and what to write) when there is none.

    ``fn(plan, name)`` spells seaborn function ``name`` the way the call spelled distplot; ``base`` is
    that spelling's module part (`sns`), "" for a from-import.
    """
    args = bind(call)
    plan = Plan()
    data = args.get("x") or args.get("a")
    if data is None:
        raise NoFix("no data argument")
    hist = flag(args, "hist", True)
    kde = flag(args, "kde", True)
    rug = flag(args, "rug", False)
    vertical = flag(args, "vertical", False)
    norm_hist = flag(args, "norm_hist", False)
    var = "y" if vertical else "x"
    fit = given(args, "fit")
    if fit is not None:
        data_src, fit_src = code_of(data), code_of(fit)
        raise NoFix(
            "`fit=` has no histplot equivalent; write: "
            f'`ax = {base + "." if base else ""}histplot({var}={data_src}, stat="density")`, '
            f"`params = {fit_src}.fit({data_src})`, "
            f"`xs = np.linspace(np.min({data_src}), np.max({data_src}), 200)`, "
            f'`ax.plot(xs, {fit_src}.pdf(xs, *params), color="#282828")`'
        )
    if not (hist or kde or rug):
        raise NoFix("`hist`, `kde` and `rug` are all False: the call draws nothing")

    hist_kws = dict_items(args.get("hist_kws"), "hist_kws") if hist else []
    kde_kws = dict_items(args.get("kde_kws"), "kde_kws") if kde else []
    rug_kws = args.get("rug_kws") if rug else None
    req = Request.of(args, var, data, match_style, lambda name: fn(plan, name))
    plan.ax_given = bool(req.ax)
    plan.ax = req.pure_ax()

    kde_own = False
    if hist:
        kde_own = plan_histogram(req, plan, hist_kws, kde_kws, kde=kde, norm_hist=norm_hist, vertical=vertical)
    elif kde:
        plan_kde_main(req, plan, kde_kws)
    else:
        plan_rug_main(req, plan, rug_kws)
        rug = False  # drawn by the main call
    if rug:
        plan_rug_extra(req, plan, rug_kws, kde_own)

    axlabel = given(args, "axlabel")
    if axlabel is not None:
        setter = "set_ylabel" if vertical else "set_xlabel"
        if is_false(axlabel):
            plan.followups.insert(0, (setter, cst.SimpleString('""')))
        elif is_true(axlabel):
            raise NoFix("`axlabel=True` labels the axis with the data's name; histplot already does")
        else:
            if not isinstance(axlabel, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                plan.notes.append(f"`axlabel={code_of(axlabel)}` is set with {setter}; check it is a string")
            plan.followups.insert(0, (setter, axlabel))
    return plan
