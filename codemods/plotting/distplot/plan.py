"""What a distplot call becomes: the replacement call, the statements after it, and what to check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from finfix.codemods.plotting.distplot.arguments import given, kwarg, pure
from finfix.sdk.nodes import arg_list


@dataclass
class Plan:
    main: cst.Call | None = None  # the replacement call
    main_kind: str = ""  # "histplot" | "kdeplot" | "rugplot"
    extras: list[cst.Call] = field(default_factory=list)  # plotting calls that follow it; `ax=` added on placing
    followups: list[tuple[str, cst.BaseExpression]] = field(default_factory=list)  # Axes setters: (method, arg)
    notes: list[str] = field(default_factory=list)  # what the reader should check
    imports: set[str] = field(default_factory=set)  # seaborn functions used (for the from-import form)
    # The rug drawn by an extra rugplot could instead be displot(..., rug=True) when no statement can follow.
    displot_rug: bool = False
    rug_kws: cst.BaseExpression | None = None  # passed on to that displot as `rug_kws=`
    ax_given: bool = False  # the call has an `ax=`
    ax: cst.BaseExpression | None = None  # that `ax=`, when it may be evaluated again (a name, an attribute)


@dataclass
class Request:
    """What every part of the mapping reads: the data, its axis, the shared style arguments."""

    args: dict[str, cst.BaseExpression]
    var: str  # "x", or "y" for vertical=True
    data: cst.BaseExpression
    common: list[cst.Arg]  # color=..., given to every replacement call
    label: list[cst.Arg]  # label=..., given to the main call only
    ax: list[cst.Arg]  # ax=..., given to the main call
    match_style: bool  # imitate distplot's look (alpha, cut)
    fn: Callable[[str], cst.BaseExpression]  # how to spell seaborn function `name` here (and import it)

    @classmethod
    def of(cls, args, var, data, match_style, fn) -> "Request":
        color, label, ax = given(args, "color"), given(args, "label"), given(args, "ax")
        return cls(
            args, var, data,
            common=[kwarg("color", color)] if color is not None else [],
            label=[kwarg("label", label)] if label is not None else [],
            ax=[kwarg("ax", ax)] if ax is not None else [],
            match_style=match_style, fn=fn,
        )

    def data_arg(self) -> cst.Arg:
        return kwarg(self.var, self.data)

    def call(self, name: str, args: list[cst.Arg]) -> cst.Call:
        """`<seaborn>.name(args)`; each argument copied, as the same ones (color=...) go to several calls."""
        return cst.Call(self.fn(name), arg_list([a.deep_clone() for a in args]))

    def pure_ax(self) -> cst.BaseExpression | None:
        return pure(given(self.args, "ax"))
