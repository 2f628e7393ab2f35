"""FX214 pandas-idxmin-idxmax-na (detect)."""

from __future__ import annotations

import re

import libcst as cst

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.names import code_of, is_false, keyword
from finfix.sdk.pandas_types import PANDAS_MARKERS, Kind, PandasRule
from finfix.sdk.rule import Example, Rule, Safety, Versions

INDEX_HAS_NO = {"idxmax": "`idx[idx.argmax()]` or `idx.max()`", "idxmin": "`idx[idx.argmin()]` or `idx.min()`"}


class PandasIdxNa(PandasRule, Rule):
    """## What it does
    Reports three pandas 3 failures around `idxmin`/`idxmax` and time deltas:
    `idxmax(skipna=False)` / `idxmin(skipna=False)` on a Series/DataFrame (raises `ValueError` on any NA
    since 3.0), `.dt` on an Index (`(idx - idx[0]).dt.days`: an Index has no `.dt`), and
    `idx.idxmax()` on an Index (Index objects have `argmax`, not `idxmax`).

    ## Why is this bad?
    Since pandas 3.0 `idxmin`/`idxmax` raise on all-NA input, and on any NA with `skipna=False`
    (2.x returned NaN with a FutureWarning); max-drawdown code on an empty window hits this. The two
    `AttributeError`s are common in code written for a Series and run on an Index.

    ## Example
    ```python
    days = (dd_end - dd_start).dt.days   # dd_end, dd_start: DatetimeIndex
    ```
    Use instead:
    ```python
    days = (dd_end - dd_start).days
    ```

    ## Fix safety
    Report only: the fix depends on what the code wants for empty/NA input; `.dt` is reported only when
    the receiver is provably an Index (`df.index - ...`, `pd.DatetimeIndex(...)`).
    """

    code = "FX214"
    name = "pandas-idxmin-idxmax-na"
    summary = "idxmin/idxmax raise on NA since pandas 3.0; `.dt`/`idxmax` on an Index (report only)."
    safety = Safety.DETECT
    versions = Versions("pandas", deprecated="2.1", removed="3.0")
    requires = PANDAS_MARKERS  # every way to get a frame names pandas (or DataFrame/Series)
    # `idxmax`/`idxmin` calls, or `.dt` in a file that makes an Index somewhere
    triggers = (
        re.compile(r"\bidxm(?:ax|in)\b"),
        re.compile(
            r"\A(?=.*?\.dt\b)(?=.*?(?:\.index\b|Index\b|date_range|timedelta_range|period_range|to_timedelta|to_datetime))",
            re.S,
        ),
    )
    ast_trigger = AstTrigger(attributes={"dt", *INDEX_HAS_NO})  # `x.dt`, `x.idxmax(...)`

    @classmethod
    def applies_to(cls, source: str) -> bool:
        # the patterns scan the whole text; most files have neither spelling
        return ("idxm" in source or ".dt" in source) and super().applies_to(source)

    examples = (
        Example("import pandas as pd\ndf = pd.read_csv('x')\nage = (df.index - df.index[0]).dt.days\n", reported=True),
        Example("import pandas as pd\nidx = pd.date_range('2024', periods=3)\nm = idx.idxmax()\n", reported=True),
        Example("import pandas as pd\ns = pd.Series([1.0])\nm = s.idxmax(skipna=False)\n", reported=True),
        # Must not touch: Series .dt, plain idxmax.
        Example("import pandas as pd\ns = pd.Series(pd.date_range('2024', periods=3))\nd = s.dt.days\nm = s.idxmax()\n"),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "dt" and self.types.infer(node.value).kind is Kind.INDEX:
            self.report(node, f"`{code_of(node)}`: an Index has no `.dt` accessor (`AttributeError`); use the "
                        "attribute directly (`idx.days`) or `pd.Series(idx).dt...`", reason="report only")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in INDEX_HAS_NO:
            return
        kind = self.types.infer(func.value).kind
        if kind is Kind.INDEX:
            self.report(node, f"`{code_of(node)}`: an Index has no `{func.attr.value}`; use "
                        f"{INDEX_HAS_NO[func.attr.value]}", reason="report only")
            return
        skipna = keyword(node, "skipna")
        if kind in (Kind.FRAME, Kind.SERIES, Kind.PANDAS) and skipna is not None and is_false(skipna.value):
            self.report(node, f"`{code_of(node)}` raises `ValueError` on any NA since pandas 3.0; guard with "
                        "`if obj.notna().all():` or drop NA first", reason="report only")
