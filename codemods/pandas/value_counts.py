"""FX210 pandas-top-value-counts."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from finfix.sdk.names import code_of
from finfix.sdk.pandas_types import Kind, PandasRule
from finfix.sdk.rule import Example, Rule, Safety, Versions

QUALIFIED = ("pandas.value_counts", "pandas.core.algorithms.value_counts")
POSITIONAL = ("sort", "ascending", "normalize", "bins", "dropna")


class PandasTopValueCounts(PandasRule, Rule):
    """## What it does
    Rewrites the top-level `pd.value_counts(values, ...)` to `pd.Series(values).value_counts(...)`, or
    to `values.value_counts(...)` when `values` is provably a Series. Positional options (`sort`,
    `ascending`, `normalize`, `bins`, `dropna`) become keywords.

    ## Why is this bad?
    `pandas.value_counts` was deprecated in pandas 2.1 and removed in 3.0 (`AttributeError`).

    ## Example
    ```python
    counts = pd.value_counts(sides, normalize=True)
    ```
    Use instead:
    ```python
    counts = pd.Series(sides).value_counts(normalize=True)
    ```

    ## Fix safety
    Safe: the function wrapped its input in a Series and called the method. `Series.value_counts`
    and `DataFrame.value_counts` are methods, not this function, and are never touched.
    """

    code = "FX210"
    name = "pandas-top-value-counts"
    summary = "`pd.value_counts(x)` → `pd.Series(x).value_counts()` (removed in pandas 3.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.1", removed="3.0")
    triggers = ("value_counts",)

    examples = (
        Example(
            "import pandas as pd\ncounts = pd.value_counts(sides, True, False, True)\n",
            "import pandas as pd\ncounts = pd.Series(sides).value_counts(sort=True, ascending=False, normalize=True)\n",
        ),
        Example(
            "import pandas as pd\ns = pd.Series([1, 1])\nc = pd.value_counts(s, dropna=False)\n",
            "import pandas as pd\ns = pd.Series([1, 1])\nc = s.value_counts(dropna=False)\n",
        ),
        Example(
            "from pandas import value_counts\nc = value_counts([1, 2, 2])\n",
            "import pandas as pd\n\nc = pd.Series([1, 2, 2]).value_counts()\n",
        ),
        # Must not touch the methods.
        Example("import pandas as pd\ns = pd.Series([1])\na = s.value_counts()\nb = pd.DataFrame().value_counts()\n"),
        Example("from collections import Counter\nc = Counter(x).most_common()\nvalue_counts(x)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self.types.qnames(original_node.func) & set(QUALIFIED):
            return updated_node
        args = list(updated_node.args)
        if not args or args[0].keyword is not None or any(a.star for a in args) or len(args) > 6:
            self.report(original_node, f"`{code_of(original_node)}`: `pd.value_counts` was removed in pandas 3.0; "
                        "use `pd.Series(values).value_counts(...)`", reason="unusual arguments")
            return updated_node
        values = args[0].value
        options = []
        for i, a in enumerate(args[1:]):
            if a.keyword is None:
                a = a.with_changes(keyword=cst.Name(POSITIONAL[i]),
                                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
            options.append(a)
        if options:
            options[-1] = options[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        alias = self.types.pandas_alias or "pd"
        if self.types.infer(original_node.args[0].value).kind is Kind.SERIES:
            receiver: cst.BaseExpression = values
        else:
            receiver = cst.Call(func=cst.parse_expression(f"{alias}.Series"), args=[cst.Arg(values)])
        new = cst.Call(func=cst.Attribute(value=receiver, attr=cst.Name("value_counts")), args=options)
        message = f"`{code_of(original_node.func)}(...)` → `{code_of(receiver)[:40]}.value_counts(...)` (removed in pandas 3.0)"
        if not self.report(original_node, message, fix=Safety.SAFE):
            return updated_node
        if self.types.pandas_alias is None and receiver is not values:
            AddImportsVisitor.add_needed_import(self.context, "pandas", asname="pd")
        if isinstance(original_node.func, cst.Name):
            bound = original_node.func.value
            asname = None if bound == "value_counts" else bound
            RemoveImportsVisitor.remove_unused_import(self.context, "pandas", "value_counts", asname)
        return new
