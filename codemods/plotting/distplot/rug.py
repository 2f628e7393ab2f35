"""The rug part of distplot: a rugplot call, as the replacement or as a statement after it."""

from __future__ import annotations

import libcst as cst

from finfix.codemods.plotting.distplot.arguments import NoFix, dict_items, given, kwarg, merge, reuse
from finfix.codemods.plotting.distplot.plan import Plan, Request
from finfix.sdk.names import code_of, is_none


def rug_kwargs(rug_kws: cst.BaseExpression | None) -> list[cst.Arg]:
    """rug_kws as rugplot keywords; a dict that is not a literal is passed on with `**`."""
    if rug_kws is None or is_none(rug_kws):
        return []
    try:
        return [kwarg(k, v) for k, v in dict_items(rug_kws, "rug_kws")]
    except NoFix:
        return [cst.Arg(reuse(rug_kws), star="**")]


def plan_rug_main(req: Request, plan: Plan, rug_kws: cst.BaseExpression | None) -> None:
    """`hist=False, kde=False, rug=True`: the rug is the replacement call."""
    plan.main = req.call("rugplot", [req.data_arg(), *merge(req.common, rug_kwargs(rug_kws), req.label), *req.ax])
    plan.main_kind = "rugplot"


def plan_rug_extra(req: Request, plan: Plan, rug_kws: cst.BaseExpression | None, kde_own: bool) -> None:
    """`rug=True` next to a histogram or KDE: a rugplot statement after the call."""
    own = rug_kwargs(rug_kws)
    plan.extras.append(req.call("rugplot", [req.data_arg(), *merge(req.common, own)]))
    if not req.common and not any("color" in code_of(arg) for arg in own):
        plan.notes.append("the rugplot takes the next colour of the cycle")
    if not kde_own:  # histplot/kdeplot + rug is what displot(..., rug=True) draws
        plan.displot_rug = True
        plan.rug_kws = given(req.args, "rug_kws")
