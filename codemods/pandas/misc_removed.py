"""FX216 pandas-misc-removed."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of, is_dotted_name, keyword, leaves_of, may_resolve_to, remove_arg
from finfix.sdk.pandas_types import DATA_KINDS, PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.renames import KeywordRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions

COPY_METHODS = frozenset(
    "astype reindex reindex_like rename rename_axis set_axis tz_localize tz_convert infer_objects align "
    "truncate to_timestamp to_period swaplevel set_flags".split()
)
READERS = ("pandas.read_csv", "pandas.read_table", "pandas.read_fwf", "pandas.read_excel", "pandas.to_datetime")
SERIES_LIKE = frozenset({Kind.SERIES, Kind.PANDAS})
#: The callees this rule recognises by qualified name (the others by method name and receiver).
QUALIFIED_LEAVES = leaves_of(("pandas.Timestamp.utcnow", "pandas.Timestamp.utcfromtimestamp", *READERS))


class PandasMiscRemoved(PandasRule, RenameRule):
    """## What it does
    Fixes the smaller pandas removals:
    `obj.iteritems()` → `obj.items()`; `idx.is_monotonic` → `idx.is_monotonic_increasing`;
    `s.mad()` → `(s - s.mean()).abs().mean()`; `s.bool()` → `bool(s.item())`;
    `s.ravel()` → `s.to_numpy().ravel()`; `s.dt.weekofyear` / `s.dt.week` →
    `s.dt.isocalendar().week`; `pd.Timestamp.utcnow()` → `pd.Timestamp.now("UTC")`;
    `pd.Timestamp.utcfromtimestamp(t)` → `pd.Timestamp.fromtimestamp(t, "UTC")`; drops
    `infer_datetime_format=` (read_csv & co, `to_datetime`) and the `copy=` keyword of `astype`,
    `reindex`, `rename`, `set_axis`, `tz_localize`, `tz_convert`, `infer_objects`, `align`, `truncate` ...

    ## Why is this bad?
    Each was removed in pandas 2.0 or 3.0 (`AttributeError`/`TypeError`), or warns in 3.1
    (`Pandas4Warning`: `utcnow`, `utcfromtimestamp`, `copy=`, which copy-on-write ignores).

    ## Example
    ```python
    for name, col in frame.iteritems():
        spread = col.mad()
    ```
    Use instead:
    ```python
    for name, col in frame.items():
        spread = (col - col.mean()).abs().mean()
    ```

    ## Fix safety
    Safe for provably pandas receivers (finfix's receiver ladder), except: `.dt.week` →
    `isocalendar().week` is unsafe (the result dtype is `UInt32`); `bool()`/`ravel()` on an object
    that may be a DataFrame are unsafe. Reported only: `df.lookup(...)` (the replacement needs unique
    labels), `date_parser=` (use `date_format=` or parse after loading), `pct_change()` without
    `fill_method` (pandas 3 no longer forward-fills before computing; `s.ffill().pct_change()` keeps
    the old numbers), and receivers that are not provably pandas but named like a frame.
    """

    code = "FX216"
    name = "pandas-misc-removed"
    summary = "Smaller pandas removals: iteritems, is_monotonic, mad, bool, ravel, dt.week, utcnow, copy= ..."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="1.1", removed="2.0")  # the earliest of its APIs (dt.week)
    # pandas markers, or a distinctive removed method (a frame from another module: never silent)
    requires = (*PANDAS_MARKERS, ".iteritems(")
    triggers = ("iteritems", "is_monotonic", ".mad(", ".bool(", ".ravel(", "week", "utcnow", "utcfromtimestamp",
                "infer_datetime_format", "copy=", "lookup", "date_parser", "pct_change")
    keyword_renames = (
        KeywordRename(READERS, "infer_datetime_format", None, note="strict inference is the default since pandas 2.0"),
    )

    examples = (
        Example(
            "import pandas as pd\nframe = pd.read_csv('x')\nfor name, col in frame.iteritems():\n    print(col.mad())\n"
            "ok = frame.index.is_monotonic\n",
            "import pandas as pd\nframe = pd.read_csv('x')\nfor name, col in frame.items():\n"
            "    print((col - col.mean()).abs().mean())\n"
            "ok = frame.index.is_monotonic_increasing\n",
        ),
        Example(
            "import pandas as pd\ns = pd.Series([1.0, 2.0])\nm = s.mad()\nb = s.bool()\nr = s.ravel()\n",
            "import pandas as pd\ns = pd.Series([1.0, 2.0])\nm = (s - s.mean()).abs().mean()\nb = bool(s.item())\nr = s.to_numpy().ravel()\n",
        ),
        Example(
            "import pandas as pd\nt = pd.Timestamp.utcnow()\nu = pd.Timestamp.utcfromtimestamp(0)\n"
            "d = pd.read_csv('x', parse_dates=['t'], infer_datetime_format=True)\n",
            "import pandas as pd\nt = pd.Timestamp.now(\"UTC\")\nu = pd.Timestamp.fromtimestamp(0, \"UTC\")\n"
            "d = pd.read_csv('x', parse_dates=['t'])\n",
        ),
        Example(
            "import pandas as pd\ndf = pd.read_csv('x')\nf = df.astype(float, copy=False)\n",
            "import pandas as pd\ndf = pd.read_csv('x')\nf = df.astype(float)\n",
        ),
        Example(
            "import pandas as pd\ndef f(s: pd.Series):\n    return s.dt.weekofyear\n",
            "import pandas as pd\ndef f(s: pd.Series):\n    return s.dt.isocalendar().week\n",
            unsafe=True,
        ),
        # Report only.
        Example("import pandas as pd\ndf = pd.read_csv('x')\nv = df.lookup(rows, cols)\n", reported=True),
        Example("import pandas as pd\ndf = pd.read_csv('x', date_parser=parse)\n", reported=True),
        Example("import pandas as pd\ns = pd.Series([1.0, None, 2.0])\nr = s.pct_change()\n", reported=True),
        Example("def f(df):\n    return df.iteritems()\n", reported=True),
        # Must not touch: dict/numpy/other look-alikes.
        Example(
            "import numpy as np\nimport datetime as dt\na = np.zeros((2, 2)).ravel()\nd = {}.items()\n"
            "n = dt.datetime.utcnow()\nc = obj.copy()\nx = arr.astype(float, copy=False)\nr = s.pct_change(fill_method=None)\n"
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)

    # -- attributes ---------------------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        attr = original_node.attr.value
        if attr not in ("is_monotonic", "weekofyear", "week"):
            return super().leave_Attribute(original_node, updated_node)
        parent = self.types.parent(original_node)
        called = isinstance(parent, cst.Call) and parent.func is original_node
        if attr == "is_monotonic" and not called:
            try:
                proved, why = self.gate(original_node.value, kinds=DATA_KINDS)
            except Skip:
                return super().leave_Attribute(original_node, updated_node)
            if self._report(original_node, "`.is_monotonic` → `.is_monotonic_increasing` (removed in pandas 2.0)",
                            proved, why):
                return updated_node.with_changes(attr=cst.Name("is_monotonic_increasing"))
        elif attr in ("weekofyear", "week") and not called and isinstance(original_node.value, cst.Attribute) \
                and original_node.value.attr.value == "dt":
            try:
                proved, why = self.gate(original_node.value.value, kinds=SERIES_LIKE, distinctive=True)
            except Skip:
                return super().leave_Attribute(original_node, updated_node)
            if self._report(original_node, f"`.dt.{attr}` → `.dt.isocalendar().week` (removed in pandas 2.0)",
                            proved, why, fix=Safety.UNSAFE, reason="the result dtype is `UInt32`, not `int64`/`int32`"):
                return cst.Attribute(
                    value=cst.Call(func=cst.Attribute(value=updated_node.value, attr=cst.Name("isocalendar"))),
                    attr=cst.Name("week"),
                )
        return super().leave_Attribute(original_node, updated_node)

    # -- calls ----------------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        result = self._call(original_node, updated_node)
        if result is not None:
            return result
        return super().leave_Call(original_node, updated_node)

    def _report(self, node, message, proved, why, *, fix=Safety.SAFE, reason="") -> bool:
        if not proved:
            return self.report(node, message, fix=Safety.DETECT, reason=why)
        return self.report(node, message, fix=fix, reason=reason)

    def _call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression | None:
        func = original_node.func
        qnames = self.types.qnames(func) if may_resolve_to(self, func, QUALIFIED_LEAVES) else set()
        alias = self.types.pandas_alias or "pd"
        if "pandas.Timestamp.utcnow" in qnames and not original_node.args and isinstance(func, cst.Attribute):
            if self.report(original_node, f"`{code_of(func)}()` → `{alias}.Timestamp.now(\"UTC\")` (deprecated)",
                           fix=Safety.SAFE):
                return cst.parse_expression(f'{code_of(updated_node.func.value)}.now("UTC")')
            return updated_node
        if "pandas.Timestamp.utcfromtimestamp" in qnames and len(original_node.args) == 1 \
                and original_node.args[0].keyword is None and isinstance(updated_node.func, cst.Attribute):
            if self.report(original_node, f"`{code_of(func)}(t)` → `Timestamp.fromtimestamp(t, \"UTC\")` (deprecated)",
                           fix=Safety.SAFE):
                ts = code_of(updated_node.args[0].value)
                return cst.parse_expression(f'{code_of(updated_node.func.value)}.fromtimestamp({ts}, "UTC")')
            return updated_node
        if qnames & set(READERS) and keyword(original_node, "date_parser") is not None:
            self.report(keyword(original_node, "date_parser"), "`date_parser=` was removed in pandas 3.0; pass "
                        "`date_format=` or parse after loading with `pd.to_datetime`",
                        reason="the parser function cannot be turned into a format automatically")
            return None
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        recv = func.value
        args = original_node.args
        if method == "iteritems" and not args:
            return self._simple_call(original_node, updated_node, "items", "`.iteritems()` → `.items()` (removed in pandas 2.0)",
                                     kinds=DATA_KINDS - {Kind.INDEX}, distinctive=True)
        if method == "mad" and not args:
            return self._mad(original_node, updated_node)
        if method in ("bool", "ravel") and (method == "ravel" or not args):
            return self._bool_ravel(original_node, updated_node, method)
        if method == "lookup":
            try:
                self.gate(recv, kinds=frozenset({Kind.FRAME}))
            except Skip:
                return None
            self.report(original_node, "`df.lookup(rows, cols)` was removed in pandas 2.0; use "
                        "`df.to_numpy()[df.index.get_indexer(rows), df.columns.get_indexer(cols)]`",
                        reason="the replacement is only equivalent for unique labels")
            return updated_node
        if method == "pct_change" and keyword(original_node, "fill_method") is None:
            try:
                proved, _ = self.gate(recv, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
            except Skip:
                return None
            if proved:
                self.report(original_node, "`pct_change()` no longer forward-fills NaN first (pandas 3.0); to keep the "
                            "old numbers write `obj.ffill().pct_change()`",
                            reason="a silent change of default; which result is wanted is a decision")
            return updated_node
        if method in COPY_METHODS and keyword(original_node, "copy") is not None:
            try:
                proved, why = self.gate(recv, kinds=DATA_KINDS)
            except Skip:
                return None
            arg = keyword(original_node, "copy")
            if self._report(arg, f"`copy={code_of(arg.value)}` has no effect under copy-on-write; drop it "
                            "(`Pandas4Warning` in 3.x)", proved, why):
                return updated_node.with_changes(args=remove_arg(updated_node.args, keyword(updated_node, "copy")))
            return updated_node
        return None

    def _simple_call(self, original_node, updated_node, new, message, *, kinds, distinctive=False):
        try:
            proved, why = self.gate(original_node.func.value, kinds=kinds, distinctive=distinctive)
        except Skip:
            return None
        if self._report(original_node, message, proved, why):
            return updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name(new)))
        return updated_node

    def _mad(self, original_node, updated_node):
        try:
            proved, why = self.gate(original_node.func.value, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
        except Skip:
            return None
        recv = code_of(updated_node.func.value)
        new = f"({recv} - {recv}.mean()).abs().mean()"
        if not is_dotted_name(original_node.func.value):
            proved, why = False, "the receiver is not a simple name (it would be evaluated twice)"
        if self._report(original_node, f"`.mad()` → `{new}` (removed in pandas 2.0)", proved, why):
            return cst.parse_expression(new)
        return updated_node

    def _bool_ravel(self, original_node, updated_node, method):
        try:
            proved, why = self.gate(original_node.func.value, kinds=SERIES_LIKE)
        except Skip:
            return None
        kind = self.types.infer(original_node.func.value).kind
        fix = Safety.SAFE if kind is Kind.SERIES else Safety.UNSAFE
        reason = "" if fix is Safety.SAFE else "the receiver may be a DataFrame"
        recv = updated_node.func.value
        if method == "bool":
            new: cst.BaseExpression = cst.Call(func=cst.Name("bool"), args=[cst.Arg(
                cst.Call(func=cst.Attribute(value=recv, attr=cst.Name("item"))))])
            message = "`.bool()` → `bool(obj.item())` (removed in pandas 3.0)"
        else:
            new = updated_node.with_changes(func=cst.Attribute(
                value=cst.Call(func=cst.Attribute(value=recv, attr=cst.Name("to_numpy"))), attr=cst.Name("ravel")))
            message = "`.ravel()` → `.to_numpy().ravel()` (removed in pandas 3.0)"
        if self._report(original_node, message, proved, why, fix=fix, reason=reason):
            return new
        return updated_node
