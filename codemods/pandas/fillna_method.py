"""FX203 pandas-fillna-method."""

from __future__ import annotations

import ast

import libcst as cst

from finfix.sdk.ast_triggers import AstTrigger, method_of, passes_keyword, positional_count
from finfix.sdk.names import code_of, keyword, short_code
from finfix.sdk.evidence.kinds import Level, Typed
from finfix.sdk.pandas_types import DATA_KINDS, PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

FORWARD = {"ffill": "ffill", "pad": "ffill", "bfill": "bfill", "backfill": "bfill"}


class PandasFillnaMethod(PandasRule, Rule):
    """## What it does
    Rewrites `obj.fillna(method="ffill"|"pad")` to `obj.ffill()` and `method="bfill"|"backfill"` to
    `obj.bfill()`, keeping `limit=`, `axis=` and `inplace=`; also the old positional form
    `fillna(None, "ffill")`, `GroupBy.fillna(method=...)`, and the removed aliases `obj.pad()` /
    `obj.backfill()`.

    ## Why is this bad?
    `fillna(method=)` was deprecated in pandas 2.1 and removed in 3.0: it raises `TypeError`
    (`DataFrameGroupBy.fillna` and `pad`/`backfill` were removed entirely).

    ## Example
    ```python
    px = px.fillna(method="ffill", limit=3)
    ```
    Use instead:
    ```python
    px = px.ffill(limit=3)
    ```

    ## Fix safety
    Safe: `ffill`/`bfill` are what `fillna(method=)` called. With `downcast=` the fix appends
    `.infer_objects()` and is unsafe (the dtype inference differs). The receiver must be provably a
    pandas object or GroupBy by finfix's evidence; a receiver it cannot type is still pandas by the
    call's API shape (only pandas objects and pandas-API clones accept `fillna(method=...)`), which makes
    the fix unsafe, naming that evidence; in a module that imports a look-alike library (dask, xarray,
    polars ...) such a call is reported only. Tested with pandas 3.1.1.

    ## Not rewritten
    `method=` that is not a string literal, `fillna` with both a value and a method (an error
    already), `replace(..., method=)` (reported: no direct equivalent). Other `method=` parameters
    are different things and are not touched: `reindex`, `interpolate`, `get_indexer`, `merge_asof`.
    """

    code = "FX203"
    name = "pandas-fillna-method"
    summary = "`fillna(method='ffill')` → `ffill()` (removed in pandas 3.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.1", removed="3.0")
    # pandas markers, or the call itself: `x.fillna(method=...)` on a frame from another module is never silent
    requires = (*PANDAS_MARKERS, ".fillna(")
    triggers = ("method", ".pad(", ".backfill(", ".fillna(")  # `ast_trigger` tells the calls apart
    ast_trigger = AstTrigger(shapes={ast.Call: lambda call, _scan: _may_pass_method(call)})

    examples = (
        Example(
            "import pandas as pd\npx = pd.read_csv('px.csv')\npx = px.fillna(method='ffill', limit=3)\n",
            "import pandas as pd\npx = pd.read_csv('px.csv')\npx = px.ffill(limit=3)\n",
        ),
        Example(
            "import pandas as pd\ndef f(s: pd.Series):\n    return s.fillna(None, 'backfill'), s.pad()\n",
            "import pandas as pd\ndef f(s: pd.Series):\n    return s.bfill(), s.ffill()\n",
        ),
        Example(
            "import pandas as pd\ndf = pd.read_csv('x')\ndf.fillna(method='pad', axis=1, inplace=True)\n",
            "import pandas as pd\ndf = pd.read_csv('x')\ndf.ffill(axis=1, inplace=True)\n",
        ),
        Example(
            "import pandas as pd\ndf = pd.read_csv('x')\nout = df.groupby('k').fillna(method='bfill')\n",
            "import pandas as pd\ndf = pd.read_csv('x')\nout = df.groupby('k').bfill()\n",
        ),
        Example(
            "import pandas as pd\ndf = pd.read_csv('x')\nout = df.fillna(method='ffill', downcast='infer')\n",
            "import pandas as pd\ndf = pd.read_csv('x')\nout = df.ffill().infer_objects()\n",
            unsafe=True,
        ),
        # Report only: unknown receiver, non-literal method, replace(method=).
        Example("def f(df):\n    return df.fillna(method='ffill')\n", reported=True),
        Example("def f(df):\n    return df.fillna(method='ffill')\n", "def f(df):\n    return df.ffill()\n", unsafe=True),
        Example("import xarray as xr\ndef f(df):\n    return df.fillna(method='ffill')\n", reported=True, unsafe=True),
        Example("import pandas as pd\ndf = pd.read_csv('x')\ndf = df.fillna(method=how)\n", reported=True),
        Example("import pandas as pd\ns = pd.Series([1])\ns = s.replace(0, method='ffill')\n", reported=True),
        # Must not touch: other `method=` parameters, other libraries.
        Example(
            "import pandas as pd\ndf = pd.read_csv('x')\n"
            "a = df.reindex(idx, method='ffill')\nb = df.interpolate(method='linear')\n"
            "c = df.index.get_indexer(t, method='pad')\nd = pd.merge_asof(df, q, on='t', direction='backward')\n"
        ),
        Example("import numpy as np\nx = np.pad(a, 2)\ny = text.pad()\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        name = func.attr.value
        if name in ("pad", "backfill"):
            return self._alias(original_node, updated_node, name)
        if name == "replace" and keyword(original_node, "method") is not None:
            try:
                proved, _ = self.gate(func.value)
            except Skip:
                return updated_node
            self.report(original_node, f"`{code_of(original_node)}`: `replace(method=)` was removed in pandas 3.0; "
                        "use `obj.mask(obj == to_replace).ffill()`", reason="no direct equivalent")
            return updated_node
        if name != "fillna":
            return updated_node
        method_arg = keyword(original_node, "method")
        positional = [a for a in original_node.args if a.keyword is None and not a.star]
        if method_arg is None and len(positional) >= 2:
            method_arg = positional[1]
            value_arg = positional[0]
        else:
            value_arg = keyword(original_node, "value") or (positional[0] if positional else None)
        if method_arg is None:
            return updated_node
        if len(positional) > 2 or any(a.star for a in original_node.args):
            return updated_node if self._report_odd(original_node) else updated_node
        try:
            proved, why = self.gate(func.value, kinds=DATA_KINDS | {Kind.GROUPBY}, distinctive=True)
        except Skip:
            return updated_node
        if not proved and not self.types.imports_lookalike:
            # API shape: only pandas objects (and pandas-API clones) accept `fillna(method=...)`.
            self.types.verdict = Typed(Kind.PANDAS, "only pandas objects accept `fillna(method=...)` (API shape)",
                                       level=Level.INFERRED)
            proved, why = True, self.types.verdict.why
        shown = short_code(original_node, 60)
        if not isinstance(method_arg.value, cst.SimpleString) or method_arg.value.evaluated_value not in FORWARD:
            self.report(original_node, f"`{shown}`: `fillna(method=)` was removed in pandas 3.0; call "
                        "`.ffill()` or `.bfill()`", reason="`method` is not a known string literal")
            return updated_node
        if value_arg is not None and not (isinstance(value_arg.value, cst.Name) and value_arg.value.value == "None"):
            self.report(original_node, f"`{shown}` passes both a value and a method; pandas never allowed that",
                        reason="both `value` and `method`")
            return updated_node
        new_name = FORWARD[method_arg.value.evaluated_value]
        downcast = keyword(original_node, "downcast")
        fix = Safety.SAFE if proved else Safety.DETECT
        reason = "" if proved else why
        if downcast is not None and proved:
            fix, reason = Safety.UNSAFE, "`downcast=` is gone; `.infer_objects()` may infer other dtypes"
        message = f"`fillna(method={method_arg.value.value})` → `{new_name}()` (removed in pandas 3.0)"
        if not self.report(original_node, message, fix=fix, reason=reason):
            return updated_node
        drop = {id(a) for a in (method_arg, value_arg, downcast) if a is not None}
        args = [u for o, u in zip(original_node.args, updated_node.args) if id(o) not in drop]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new = updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name(new_name)), args=args)
        if downcast is not None:
            new = cst.Call(func=cst.Attribute(value=new, attr=cst.Name("infer_objects")))
        return new

    def _report_odd(self, call: cst.Call) -> bool:
        self.report(call, f"`{code_of(call)}`: `fillna(method=)` was removed in pandas 3.0; call `.ffill()` or "
                    "`.bfill()`", reason="more than two positional arguments, or `*args`/`**kwargs`")
        return False

    def _alias(self, original_node: cst.Call, updated_node: cst.Call, name: str) -> cst.BaseExpression:
        try:
            proved, why = self.gate(original_node.func.value, kinds=DATA_KINDS | {Kind.GROUPBY})
        except Skip:
            return updated_node
        new_name = FORWARD[name]
        message = f"`.{name}()` → `.{new_name}()` (removed in pandas 3.0)"
        if self.report(original_node, message, fix=Safety.SAFE if proved else Safety.DETECT, reason="" if proved else why):
            return updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name(new_name)))
        return updated_node


def _may_pass_method(call: ast.Call) -> bool:
    """The calls `leave_Call` acts on: `.pad()`/`.backfill()`, `.replace(method=)`, and `.fillna()` given
    `method=` or a second positional argument (`fillna(None, "ffill")`)."""
    name = method_of(call)
    if name in ("pad", "backfill"):
        return True
    if name == "replace":
        return passes_keyword(call, "method")
    return name == "fillna" and (passes_keyword(call, "method") or positional_count(call) >= 2)
