"""FX212 pandas-first-last-offset."""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from finfix.codemods.pandas.offset_aliases import OFFSET, convert
from finfix.sdk.names import code_of, is_dotted_name, short_code
from finfix.sdk.pandas_types import PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

# Fixed ("tick") offsets: a Timedelta says the same.
_TICK = re.compile(r"^\d*(?:\.\d+)?(?:D|h|H|min|T|s|S|ms|L|us|U|ns|N)$")


class PandasFirstLast(PandasRule, Rule):
    """## What it does
    Rewrites `obj.first("3D")` to `obj.loc[obj.index < obj.index[0] + pd.Timedelta("3D")]` and
    `obj.last("3D")` to `obj.loc[obj.index > obj.index[-1] - pd.Timedelta("3D")]`, for a provably
    pandas `obj` and a fixed ("tick") offset literal: days, hours, minutes, seconds, ms, us, ns.

    ## Why is this bad?
    `DataFrame.first(offset)` / `.last(offset)` (and the Series ones) were deprecated in pandas 2.1
    and removed in 3.0 (`AttributeError`).

    ## Example
    ```python
    opening = ticks.first("30min")
    ```
    Use instead:
    ```python
    opening = ticks.loc[ticks.index < ticks.index[0] + pd.Timedelta("30min")]
    ```

    ## Fix safety
    Unsafe: the rewrite assumes a sorted DatetimeIndex, as the old methods did; on an unsorted index
    the old methods sliced by position and gave other rows. Calendar offsets (`"1ME"`, `"1W"`,
    `"1QE"`) anchored differently and are reported only, as are receivers that are not a name or an
    attribute chain (the receiver is repeated).

    ## Not touched
    The aggregations `groupby(k).first()`, `.resample("D").last()`, `GroupBy.first(numeric_only=...)`
    take no offset and are valid.
    """

    code = "FX212"
    name = "pandas-first-last-offset"
    summary = "`obj.first('3D')` → `obj.loc[obj.index < obj.index[0] + pd.Timedelta('3D')]` (removed in 3.0)."
    safety = Safety.UNSAFE
    versions = Versions("pandas", deprecated="2.1", removed="3.0")
    requires = PANDAS_MARKERS  # every way to get a frame names pandas (or DataFrame/Series)
    triggers = (".first(", ".last(")

    examples = (
        Example(
            "import pandas as pd\nticks = pd.read_parquet('t.pq')\nopening = ticks.first('30T')\nclosing = ticks.last('1H')\n",
            "import pandas as pd\nticks = pd.read_parquet('t.pq')\n"
            "opening = ticks.loc[ticks.index < ticks.index[0] + pd.Timedelta('30min')]\n"
            "closing = ticks.loc[ticks.index > ticks.index[-1] - pd.Timedelta('1h')]\n",
            unsafe=True,
        ),
        Example("import pandas as pd\nticks = pd.read_parquet('t.pq')\nm = ticks.first('1ME')\n", reported=True),
        Example("def f(df):\n    return df.last('3D')\n", reported=True),
        # Must not touch: aggregations without an offset.
        Example(
            "import pandas as pd\nticks = pd.read_parquet('t.pq')\na = ticks.groupby('k').first()\n"
            "b = ticks.resample('D').last()\nc = ticks.groupby('k').first(numeric_only=True)\nd = names.first('x')\n"
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("first", "last"):
            return updated_node
        args = original_node.args
        if len(args) != 1 or args[0].star or (args[0].keyword and args[0].keyword.value != "offset"):
            return updated_node
        try:
            proved, why = self.gate(func.value, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
        except Skip:
            return updated_node
        method = func.attr.value
        value = args[0].value
        shown = short_code(original_node, 60)
        text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
        if not proved or text is None or not _TICK.match(text) or not is_dotted_name(func.value):
            reason = why if not proved else (
                "a calendar offset anchors differently" if text is not None and is_dotted_name(func.value)
                else "the offset is not a literal, or the receiver is not a simple name")
            self.report(original_node, f"`{shown}`: `{method}(offset)` was removed in pandas 3.0; select with "
                        f"`.loc` on the index", reason=reason)
            return updated_node
        recv = code_of(updated_node.func.value)
        alias = self.types.pandas_alias or "pd"
        offset = convert(text, OFFSET) or text
        quote = value.quote
        td = f"{alias}.Timedelta({value.prefix}{quote}{offset}{quote})"
        if method == "first":
            new = f"{recv}.loc[{recv}.index < {recv}.index[0] + {td}]"
        else:
            new = f"{recv}.loc[{recv}.index > {recv}.index[-1] - {td}]"
        if self.report(original_node, f"`{shown}` → `{new if len(new) < 70 else new[:67] + '...'}` (removed in pandas 3.0)",
                       fix=Safety.UNSAFE, reason="assumes a sorted DatetimeIndex, as the old method did"):
            if self.types.pandas_alias is None:
                AddImportsVisitor.add_needed_import(self.context, "pandas", asname="pd")
            return cst.parse_expression(new)
        return updated_node
