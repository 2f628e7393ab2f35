"""FX208 pandas-groupby-axis1."""

from __future__ import annotations

import ast

import libcst as cst

from finfix.sdk.ast_triggers import AstTrigger, method_of, passes_keyword
from finfix.sdk.names import code_of, keyword, remove_arg, short_code
from finfix.sdk.pandas_types import PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

WINDOWED = frozenset({"groupby", "resample", "rolling", "expanding", "ewm"})
ROWS = {"0": 0, "index": 0, "rows": 0, "1": 1, "columns": 1}


def _axis(expr: cst.BaseExpression) -> int | None:
    if isinstance(expr, cst.Integer):
        return ROWS.get(expr.value)
    if isinstance(expr, cst.SimpleString):
        return ROWS.get(expr.evaluated_value)
    return None


class PandasGroupbyAxis(PandasRule, Rule):
    """## What it does
    Drops `axis=0` / `axis="index"` from `groupby`, `resample`, `rolling`, `expanding` and `ewm`, and
    rewrites `df.groupby(key, axis=1).agg(f)` to `df.T.groupby(key).agg(f).T`.

    ## Why is this bad?
    The `axis` keyword of these methods was deprecated in pandas 2.1 and removed in 3.0 (`TypeError`).

    ## Example
    ```python
    sector_sum = returns.groupby(sector_of, axis=1).sum()
    ```
    Use instead:
    ```python
    sector_sum = returns.T.groupby(sector_of).sum().T
    ```

    ## Fix safety
    Dropping `axis=0` is safe (it was the default). The transpose for `axis=1` is unsafe: a
    mixed-dtype frame is upcast to object when transposed. `axis=1` on `resample`/`rolling`/
    `expanding`/`ewm`, or a `groupby(axis=1)` not followed directly by a method call, is reported only.
    The receiver must be provably pandas.
    """

    code = "FX208"
    name = "pandas-groupby-axis1"
    summary = "`groupby(..., axis=1)` → transpose; `axis=0` dropped (removed in pandas 3.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.1", removed="3.0")
    requires = PANDAS_MARKERS  # every way to get a frame names pandas (or DataFrame/Series)
    triggers = ("axis",)  # `ast_trigger` wants it as a keyword of a grouping/window method
    # `x.groupby(..., axis=...)` (a transposed chain starts with one too)
    ast_trigger = AstTrigger(
        shapes={ast.Call: lambda call, _scan: method_of(call) in WINDOWED and passes_keyword(call, "axis")}
    )

    examples = (
        Example(
            "import pandas as pd\nr = pd.read_csv('x')\ng = r.groupby('k', axis=0).sum()\nm = r.rolling(5, axis='index').mean()\n",
            "import pandas as pd\nr = pd.read_csv('x')\ng = r.groupby('k').sum()\nm = r.rolling(5).mean()\n",
        ),
        Example(
            "import pandas as pd\nr = pd.read_csv('x')\ns = r.groupby(sector_of, axis=1).sum()\n",
            "import pandas as pd\nr = pd.read_csv('x')\ns = r.T.groupby(sector_of).sum().T\n",
            unsafe=True,
        ),
        Example("import pandas as pd\nr = pd.read_csv('x')\ng = r.groupby(sector_of, axis=1)\n", reported=True),
        Example("import pandas as pd\nr = pd.read_csv('x')\nm = r.rolling(3, axis=1).mean()\n", reported=True),
        Example("def f(df):\n    return df.groupby('k', axis=0).sum()\n", reported=True),
        # Must not touch: axis on aggregations, numpy, itertools.groupby.
        Example("import pandas as pd\nr = pd.read_csv('x')\nt = r.sum(axis=1)\nu = r.groupby('k').sum()\n"),
        Example("import numpy as np\nx = np.mean(a, axis=1)\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._transpose: set[cst.Call] = set()

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        if isinstance(func.value, cst.Call) and func.value in self._transpose:
            return self._transposed(original_node, updated_node)
        if func.attr.value not in WINDOWED:
            return updated_node
        arg = keyword(original_node, "axis")
        if arg is None:
            return updated_node
        try:
            proved, why = self.gate(func.value, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
        except Skip:
            return updated_node
        method = func.attr.value
        axis = _axis(arg.value)
        shown = short_code(arg, 60)
        if axis == 0:
            message = f"`{method}({shown.rstrip(', ')})`: `axis` was removed in pandas 3.0; 0 was the default, drop it"
            if self.report(arg, message, fix=Safety.SAFE if proved else Safety.DETECT, reason="" if proved else why):
                return updated_node.with_changes(args=remove_arg(updated_node.args, keyword(updated_node, "axis")))
            return updated_node
        parent = self.types.parent(original_node)
        outer = self.types.parent(parent) if isinstance(parent, cst.Attribute) else None
        if axis == 1 and method == "groupby" and proved and isinstance(outer, cst.Call) and outer.func is parent:
            self._transpose.add(original_node)
            return updated_node
        self.report(original_node, f"`{method}(..., {shown.rstrip(', ')})`: `axis` was removed in pandas 3.0; "
                    f"transpose instead: `obj.T.{method}(...)...T`", reason=why if not proved else "not a direct method chain")
        return updated_node

    def _transposed(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        inner_orig = original_node.func.value
        message = (f"`{code_of(inner_orig.func.value)}.groupby(..., axis=1)...` → "
                   f"`{code_of(inner_orig.func.value)}.T.groupby(...)...T` (`axis` was removed in pandas 3.0)")
        reason = "transposing a mixed-dtype frame upcasts it to object"
        if not self.report(inner_orig, message, fix=Safety.UNSAFE, reason=reason):
            return updated_node
        inner = updated_node.func.value
        args = remove_arg(inner.args, keyword(inner, "axis"))
        inner = inner.with_changes(
            func=inner.func.with_changes(value=cst.Attribute(value=inner.func.value, attr=cst.Name("T"))), args=args
        )
        return cst.Attribute(value=updated_node.with_changes(func=updated_node.func.with_changes(value=inner)),
                             attr=cst.Name("T"))
