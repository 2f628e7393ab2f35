"""FX213 pandas-series-view."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from finfix.sdk.names import code_of, is_dotted_name, short_code
from finfix.sdk.pandas_types import PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions


class PandasSeriesView(PandasRule, Rule):
    """## What it does
    Rewrites `s.view(dtype)` on a Series to
    `pd.Series(s.to_numpy().view(dtype), index=s.index, name=s.name)`: the same bit reinterpretation.

    ## Why is this bad?
    `Series.view` was deprecated in pandas 2.2 and removed in 3.0 (`AttributeError`). The warning
    suggested `astype`, which converts values instead of reinterpreting bits.

    ## Example
    ```python
    bits = prices.view("int64")
    ```
    Use instead:
    ```python
    bits = pd.Series(prices.to_numpy().view("int64"), index=prices.index, name=prices.name)
    ```

    ## Fix safety
    Unsafe unless the Series' dtype is provably numpy-native (`.astype(float)`): for tz-aware or
    extension dtypes `.to_numpy()` is an object array, which cannot be viewed. The common idiom
    "epoch nanoseconds" (`s.view("int64")` on datetimes) needs care: pandas 3 infers *microsecond*
    resolution, so pin the unit with `s.astype("datetime64[ns]").astype("int64")` if nanoseconds
    are meant; the finding says so. Receivers that are not provably a Series are reported only.
    `np.ndarray.view`, `Index.view` and `memoryview` are never touched.
    """

    code = "FX213"
    name = "pandas-series-view"
    summary = "`s.view(dtype)` → `pd.Series(s.to_numpy().view(dtype), ...)` (removed in pandas 3.0)."
    safety = Safety.UNSAFE
    versions = Versions("pandas", deprecated="2.2", removed="3.0")
    requires = PANDAS_MARKERS  # every way to get a frame names pandas (or DataFrame/Series)
    triggers = (".view(",)

    examples = (
        Example(
            "import pandas as pd\nx = pd.Series([1.5, 2.0]).astype(float)\nbits = x.view('int64')\n",
            "import pandas as pd\nx = pd.Series([1.5, 2.0]).astype(float)\n"
            "bits = pd.Series(x.to_numpy().view('int64'), index=x.index, name=x.name)\n",
        ),
        Example(
            "import pandas as pd\ndef epoch(t: pd.Series):\n    return t.view('int64')\n",
            "import pandas as pd\ndef epoch(t: pd.Series):\n"
            "    return pd.Series(t.to_numpy().view('int64'), index=t.index, name=t.name)\n",
            unsafe=True,
        ),
        Example("def f(ser):\n    return ser.view('i8')\n", reported=True),
        # Must not touch: numpy, memoryview, Index.view, Django-style views.
        Example(
            "import numpy as np\nimport pandas as pd\na = np.zeros(3).view('int64')\nm = memoryview(b'x')\n"
            "i = pd.Index([1]).view()\nr = request.view('home')\n"
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "view":
            return updated_node
        try:
            proved, why = self.gate(func.value, kinds=frozenset({Kind.SERIES, Kind.PANDAS}))
        except Skip:
            return updated_node
        shown = short_code(original_node, 60)
        args = original_node.args
        if not proved or len(args) != 1 or args[0].keyword or args[0].star or not is_dotted_name(func.value):
            self.report(original_node, f"`{shown}`: `Series.view` was removed in pandas 3.0; reinterpret the "
                        "numpy array: `s.to_numpy().view(dtype)`",
                        reason=why if not proved else "unusual arguments, or the receiver is not a simple name")
            return updated_node
        typed = self.types.infer(func.value)
        recv = code_of(updated_node.func.value)
        dtype = code_of(updated_node.args[0].value)
        alias = self.types.pandas_alias or "pd"
        new = f"{alias}.Series({recv}.to_numpy().view({dtype}), index={recv}.index, name={recv}.name)"
        if typed.numeric and typed.kind is Kind.SERIES:
            fix, reason = Safety.SAFE, ""
        else:
            fix = Safety.UNSAFE
            reason = ("the dtype is not known: tz-aware/extension data give an object array that cannot be viewed; "
                      "for epoch nanoseconds pandas 3 infers microseconds, so use "
                      f"`{recv}.astype(\"datetime64[ns]\").astype(\"int64\")`")
        if self.report(original_node, f"`{shown}` → `{alias}.Series({recv}.to_numpy().view({dtype}), ...)` "
                       "(removed in pandas 3.0)", fix=fix, reason=reason):
            if self.types.pandas_alias is None:
                AddImportsVisitor.add_needed_import(self.context, "pandas", asname="pd")
            return cst.parse_expression(new)
        return updated_node
