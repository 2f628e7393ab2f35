"""FX331 mplfinance-unvalidated-frame: `mpf.plot(df)` on a frame not shown to have what mplfinance needs."""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider

from finfix.sdk.names import code_of, keyword, qualified_names
from finfix.sdk.rule import Example, Rule, Safety

PLOT = frozenset({"mplfinance.plot", "mplfinance.plotting.plot"})

#: what mplfinance needs -> (text that shows it for frame `{n}`, the line that establishes it)
CHECKS = {
    "numeric": (
        r"\bpd\.to_numeric\b|\bto_numeric\(|{n}\b[^\n]*\.astype\(\s*(?:float|['\"]float(?:64)?['\"]|np\.float64)|"
        r"select_dtypes\(",
        "{n} = {n}.astype(float)"),
    "DatetimeIndex": (
        r"{n}\.index\s*=\s*pd\.(?:to_datetime|DatetimeIndex)\(|pd\.DatetimeIndex\(|parse_dates\s*=|"
        r"isinstance\(\s*{n}\.index\s*,\s*(?:pd\.)?DatetimeIndex|{n}\s*=\s*{n}\.set_index\(\s*pd\.to_datetime|"
        r"\.resample\(|date_range\(",
        "{n}.index = pd.DatetimeIndex({n}.index)"),
    "sorted": (
        r"{n}\b[^\n]*\.sort_index\(|is_monotonic_increasing|\.resample\(|date_range\(",
        "{n} = {n}.sort_index()"),
}


class MplfinanceUnvalidatedFrame(Rule):
    """## What it does
    Reports `mpf.plot(df, ...)` (mplfinance) when the same function does not show that `df` has what
    mplfinance needs: OHLC columns of a numeric dtype (`astype(float)`, `pd.to_numeric`), a
    `DatetimeIndex` (`pd.to_datetime`, `parse_dates=`, an `isinstance` check) and an index sorted in
    time (`sort_index()`, `is_monotonic_increasing`). The finding names what is missing and the lines
    that establish it.

    ## Why is this bad?
    mplfinance raises on the first two (`ValueError: Data for column "Open" must be ALL float or int`
    for object columns, as from a JSON or CSV feed with strings; `TypeError: Expect data.index as
    DatetimeIndex`), and with an unsorted index it draws a chart with the bars in the wrong order
    without an error. In a report generator this either crashes the job or ships a wrong chart.
    (mplfinance 0.12.)

    ## Example
    ```python
    def render(bars):
        mpf.plot(bars, type="candle", savefig="chart.png")
    ```
    Use instead:
    ```python
    def render(bars):
        bars = bars.astype({"Open": float, "High": float, "Low": float, "Close": float})
        bars.index = pd.DatetimeIndex(bars.index)
        bars = bars.sort_index()
        mpf.plot(bars, type="candle", savefig="chart.png")
    ```

    ## Fix safety
    Report only. The conversions above are right only for the frame's real columns (a `Volume` column,
    other column names, a timestamp column rather than the index) and they turn a crash into a
    possibly silent coercion; where the frame comes from, the code does not show.
    """

    code = "FX331"
    name = "mplfinance-unvalidated-frame"
    summary = "mplfinance.plot on a frame not shown to be numeric, DatetimeIndex'd and sorted."
    safety = Safety.DETECT
    triggers = ("plot",)
    requires = ("mplfinance",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ParentNodeProvider)

    examples = (
        Example(
            """
            import mplfinance as mpf

            def render(bars):
                mpf.plot(bars, type="candle", savefig="chart.png")
            """,
            message="`mpf.plot(bars)`: not shown numeric/DatetimeIndex/sorted; add `bars = bars.astype(float)", line=4,
        ),
        Example(
            """
            import mplfinance as mpf
            import pandas as pd

            def render(path):
                bars = pd.read_csv(path, index_col=0, parse_dates=True)
                mpf.plot(bars.sort_index(), type="ohlc")
            """,
            message="`mpf.plot(bars)`: not shown numeric; add `bars = bars.astype(float)`", line=6,
        ),
        # must not touch: a validated frame, another library's plot
        Example(
            """
            import mplfinance as mpf
            import pandas as pd

            def render(bars):
                bars = bars.astype(float)
                bars.index = pd.to_datetime(bars.index)
                bars = bars.sort_index()
                mpf.plot(bars, type="candle")

            def other(ax, bars):
                ax.plot(bars)
            """
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not qualified_names(self, original_node.func) & PLOT:
            return updated_node
        data = keyword(original_node, "data") or (original_node.args[0] if original_node.args else None)
        if data is None:
            return updated_node
        frame = data.value
        root = frame
        while isinstance(root, (cst.Call, cst.Attribute, cst.Subscript)):  # bars.sort_index() -> bars
            root = root.func if isinstance(root, cst.Call) else root.value
        if not isinstance(root, cst.Name):
            return updated_node
        name = root.value
        scope_text = code_of(self._enclosing(original_node))
        shown = code_of(frame)
        missing = []
        for need, (pattern, fix_line) in CHECKS.items():
            regex = re.compile(pattern.replace("{n}", re.escape(name)))
            if not regex.search(scope_text) and not regex.search(shown):
                missing.append((need, fix_line.format(n=name)))
        if missing:
            needs = "/".join(m[0] for m in missing)
            snippet = "; ".join(m[1] for m in missing)
            self.report(original_node, f"`mpf.plot({name})`: not shown {needs}; add `{snippet}`")
        return updated_node

    def _enclosing(self, node: cst.CSTNode) -> cst.CSTNode:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.FunctionDef):
            parent = self.get_metadata(ParentNodeProvider, current, None)
            if parent is None:
                return current
            current = parent
        return current if current is not None else node
