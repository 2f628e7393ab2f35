"""FX209 pandas-swapaxes."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of
from finfix.sdk.pandas_types import Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

AXES = {"0": 0, "1": 1, "index": 0, "rows": 0, "columns": 1}


def _axis(expr: cst.BaseExpression) -> int | None:
    if isinstance(expr, cst.Integer):
        return AXES.get(expr.value)
    if isinstance(expr, cst.SimpleString):
        return AXES.get(expr.evaluated_value)
    return None


class PandasSwapaxes(PandasRule, Rule):
    """## What it does
    Rewrites `df.swapaxes(0, 1)` (or `("index", "columns")`) to `df.T`, and `obj.swapaxes(0, 0)` to `obj`.

    ## Why is this bad?
    `DataFrame.swapaxes` / `Series.swapaxes` were deprecated in pandas 2.1 and removed in 3.0.

    ## Example
    ```python
    wide = long.swapaxes(0, 1)
    ```
    Use instead:
    ```python
    wide = long.T
    ```

    ## Fix safety
    Safe: swapping the two axes of a frame is its transpose; swapping an axis with itself returned the
    same data. The receiver must be provably pandas (numpy's `swapaxes` is still valid and never
    touched); axes that are not literals are reported only.
    """

    code = "FX209"
    name = "pandas-swapaxes"
    summary = "`df.swapaxes(0, 1)` → `df.T` (removed in pandas 3.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.1", removed="3.0", fix_needs="0")  # `.T`: any pandas
    triggers = ("swapaxes",)

    examples = (
        Example(
            "import pandas as pd\nlong = pd.read_csv('x')\nwide = long.swapaxes('index', 'columns')\n",
            "import pandas as pd\nlong = pd.read_csv('x')\nwide = long.T\n",
        ),
        Example(
            "import pandas as pd\ns = pd.Series([1.0])\nt = s.swapaxes(0, 0)\n",
            "import pandas as pd\ns = pd.Series([1.0])\nt = s\n",
        ),
        Example("import pandas as pd\ndf = pd.read_csv('x')\nt = df.swapaxes(a, b)\n", reported=True),
        Example("def f(df):\n    return df.swapaxes(0, 1)\n", reported=True),
        # numpy keeps swapaxes.
        Example("import numpy as np\na = np.zeros((2, 3))\nb = a.swapaxes(0, 1)\nc = np.swapaxes(a, 0, 1)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "swapaxes":
            return updated_node
        try:
            proved, why = self.gate(func.value, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
        except Skip:
            return updated_node
        shown = code_of(original_node)
        args = original_node.args
        axes = [_axis(a.value) for a in args] if len(args) == 2 and not any(a.star for a in args) else [None]
        if None in axes or any(a.keyword and a.keyword.value not in ("axis1", "axis2") for a in args):
            self.report(original_node, f"`{shown}`: `swapaxes` was removed in pandas 3.0; use `.T` / `.transpose()`",
                        reason=why if not proved else "axes are not literals")
            return updated_node
        same = axes[0] == axes[1]
        replacement = updated_node.func.value if same else cst.Attribute(value=updated_node.func.value, attr=cst.Name("T"))
        message = f"`{shown}` → `{code_of(replacement)}` (removed in pandas 3.0)"
        if self.report(original_node, message, fix=Safety.SAFE if proved else Safety.DETECT, reason="" if proved else why):
            return replacement
        return updated_node
