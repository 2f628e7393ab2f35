"""FX211 pandas-is-dtype-funcs."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from finfix.sdk.names import code_of
from finfix.sdk.pandas_types import Kind, PandasRule
from finfix.sdk.rule import Example, Rule, Safety, Versions

MODULES = ("pandas.api.types", "pandas.core.dtypes.common", "pandas.core.dtypes.api", "pandas.core.arrays.sparse")
DTYPES = {
    "is_categorical_dtype": "CategoricalDtype",
    "is_datetime64tz_dtype": "DatetimeTZDtype",
    "is_period_dtype": "PeriodDtype",
    "is_interval_dtype": "IntervalDtype",
    "is_sparse": "SparseDtype",
}
INT64 = "is_int64_dtype"


class PandasIsDtypeFuncs(PandasRule, Rule):
    """## What it does
    Replaces the deprecated dtype predicates with `isinstance` checks:
    `is_categorical_dtype(s)` → `isinstance(s.dtype, pd.CategoricalDtype)`, and likewise
    `is_datetime64tz_dtype` (`DatetimeTZDtype`), `is_period_dtype` (`PeriodDtype`),
    `is_interval_dtype` (`IntervalDtype`), `is_sparse` (`SparseDtype`); `is_int64_dtype(s)` →
    `s.dtype == "int64"`.

    ## Why is this bad?
    Deprecated in pandas 2.1; still present in 3.1 but each call warns (`Pandas4Warning`), and they
    go away in 4.0.

    ## Example
    ```python
    if is_categorical_dtype(df["sector"]):
        ...
    ```
    Use instead:
    ```python
    if isinstance(df["sector"].dtype, pd.CategoricalDtype):
        ...
    ```

    ## Fix safety
    Safe when the argument is provably a Series or an Index (finfix's receiver ladder), or a column
    `df["name"]` of a pandas object. Otherwise the
    fix is the general form `isinstance(pd.api.types.pandas_dtype(getattr(x, "dtype", x)), pd.X)` and is
    unsafe: the old functions also accepted lists and DataFrames (returning False) where
    `pandas_dtype` raises. `is_int64_dtype` is unsafe: it also said True for the nullable `Int64`.
    The non-deprecated `is_numeric_dtype`, `is_bool_dtype`, `is_string_dtype`,
    `is_datetime64_any_dtype`, `is_float_dtype`, `is_integer_dtype`, `is_object_dtype`, `is_list_like`
    are never touched.
    """

    code = "FX211"
    name = "pandas-is-dtype-funcs"
    summary = "`is_categorical_dtype(x)` & co → `isinstance(x.dtype, pd.CategoricalDtype)` (deprecated)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.1")  # removal planned for 4.0
    triggers = tuple(DTYPES) + (INT64,)

    examples = (
        Example(
            "import pandas as pd\nfrom pandas.api.types import is_categorical_dtype\n"
            "df = pd.read_csv('x')\nif is_categorical_dtype(df['sector']):\n    pass\n",
            "import pandas as pd\n"
            "df = pd.read_csv('x')\nif isinstance(df['sector'].dtype, pd.CategoricalDtype):\n    pass\n",
        ),
        Example(
            "import pandas as pd\ndef f(s: pd.Series):\n    return pd.api.types.is_datetime64tz_dtype(s.index)\n",
            "import pandas as pd\ndef f(s: pd.Series):\n    return isinstance(s.index.dtype, pd.DatetimeTZDtype)\n",
        ),
        Example(
            "import pandas as pd\nok = pd.api.types.is_period_dtype(x)\n",
            "import pandas as pd\nok = isinstance(pd.api.types.pandas_dtype(getattr(x, \"dtype\", x)), pd.PeriodDtype)\n",
            unsafe=True,
        ),
        Example("import pandas as pd\nok = pd.api.types.is_int64_dtype(x)\n", reported=True),
        # Must not touch the predicates that stay.
        Example(
            "from pandas.api.types import is_numeric_dtype, is_string_dtype, is_list_like\n"
            "a = is_numeric_dtype(s) and is_string_dtype(t) and is_list_like(u)\n"
        ),
        Example("def is_categorical_dtype(x):\n    return False\nis_categorical_dtype(1)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        leaf = None
        for q in self.types.qnames(original_node.func):
            module, _, name = q.rpartition(".")
            if module in MODULES and (name in DTYPES or name == INT64):
                leaf = name
                break
        if leaf is None:
            return updated_node
        if len(original_node.args) != 1 or original_node.args[0].keyword or original_node.args[0].star:
            self.report(original_node, f"`{code_of(original_node)}` is deprecated; use an `isinstance` check on the dtype",
                        reason="unusual arguments")
            return updated_node
        arg = updated_node.args[0].value
        typed = self.types.infer(original_node.args[0].value)
        original_arg = original_node.args[0].value
        column = (  # df["sector"]: a column (a frame only with duplicate labels)
            typed.kind is Kind.PANDAS and isinstance(original_arg, cst.Subscript) and len(original_arg.slice) == 1
            and isinstance(original_arg.slice[0].slice, cst.Index)
            and isinstance(original_arg.slice[0].slice.value, cst.SimpleString)
        )
        known = typed.kind in (Kind.SERIES, Kind.INDEX) or column
        alias = self.types.pandas_alias or "pd"
        arg_src = code_of(arg)
        if known:
            dtype = f"{arg_src}.dtype"
            fix, reason = Safety.SAFE, ""
        else:
            dtype = f'{alias}.api.types.pandas_dtype(getattr({arg_src}, "dtype", {arg_src}))'
            fix = Safety.UNSAFE
            reason = (f"`{arg_src}` is not provably a Series/Index: the old function returned False for lists "
                      "and DataFrames, where `pandas_dtype` raises")
        if leaf == INT64:
            text = f'{dtype} == "int64"'
            fix, reason = Safety.UNSAFE, "`is_int64_dtype` was also True for the nullable `Int64` dtype"
        else:
            text = f"isinstance({dtype}, {alias}.{DTYPES[leaf]})"
        message = f"`{leaf}(...)` → `{text if len(text) < 70 else text[:67] + '...'}` (deprecated since pandas 2.1)"
        if not self.report(original_node, message, fix=fix, reason=reason):
            return updated_node
        if self.types.pandas_alias is None:
            AddImportsVisitor.add_needed_import(self.context, "pandas", asname="pd")
        if isinstance(original_node.func, cst.Name):
            for module in MODULES:
                RemoveImportsVisitor.remove_unused_import(self.context, module, leaf)
        new = cst.parse_expression(text)
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar) if updated_node.lpar else new
