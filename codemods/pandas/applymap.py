"""FX205 pandas-applymap."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.evidence.kinds import Level, Typed
from finfix.sdk.fallbacks import FallbackGuards
from finfix.sdk.names import code_of
from finfix.sdk.pandas_types import Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

RENAMES = {"applymap": "map", "applymap_index": "map_index"}


class PandasApplymap(PandasRule, FallbackGuards, Rule):
    """## What it does
    Renames `DataFrame.applymap(func, ...)` to `DataFrame.map(func, ...)`, and the Styler's
    `df.style.applymap(...)` / `.applymap_index(...)` to `.map(...)` / `.map_index(...)`.

    ## Why is this bad?
    `DataFrame.applymap` was deprecated in pandas 2.1 and removed in 3.0 (`AttributeError`);
    `DataFrame.map` (2.1+) is the same function under a new name.

    ## Example
    ```python
    labels = frame.applymap("{:.2%}".format)
    ```
    Use instead:
    ```python
    labels = frame.map("{:.2%}".format)
    ```

    ## Fix safety
    Safe: same arguments (`na_action=`, `**kwargs`), same result. Needs pandas ≥ 2.1 (tested with 3.1.1).
    Safe when the receiver is proven a DataFrame (or its `.style`). A receiver finfix cannot type is
    still pandas by the call's API shape: `applymap` exists only on `DataFrame` and `Styler`, and both
    renamed it `map`; such a fix is unsafe and names that evidence. In a module that imports a look-alike
    library (dask, modin ...) an unknown receiver is reported only.
    `Series.map`, `Series.apply`, `DataFrame.apply` and `Index.map` are different methods and never touched.
    A compatibility fallback (`if hasattr(pd.DataFrame, "map"): return df.map(f)` then `return
    df.applymap(f)`, `except AttributeError:`, a test of `pd.__version__`) is left alone, as FX401 does.
    """

    code = "FX205"
    name = "pandas-applymap"
    summary = "`df.applymap(f)` → `df.map(f)` (removed in pandas 3.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.1", removed="3.0")  # DataFrame.map came in 2.1
    triggers = ("applymap",)
    fallback_library = "pandas"
    fallback_names = frozenset({*RENAMES, *RENAMES.values()})

    examples = (
        Example(
            "import pandas as pd\nframe = pd.read_csv('x')\nlabels = frame.applymap('{:.2%}'.format, na_action='ignore')\n",
            "import pandas as pd\nframe = pd.read_csv('x')\nlabels = frame.map('{:.2%}'.format, na_action='ignore')\n",
        ),
        Example(
            "import pandas as pd\ndef show(df: pd.DataFrame):\n    return df.style.applymap(color).applymap_index(bold)\n",
            "import pandas as pd\ndef show(df: pd.DataFrame):\n    return df.style.map(color).map_index(bold)\n",
        ),
        Example("def f(df):\n    return df.applymap(str)\n", reported=True),
        # Must not touch: Series.map/apply, DataFrame.apply, unrelated objects.
        Example("import pandas as pd\ns = pd.Series([1])\na = s.map(str)\nb = s.apply(str)\nc = pd.DataFrame().apply(len)\n"),
        Example("grid.applymap(f)\n", reported=True),
        # A registered accessor of a frame (vectorbt's `df.vbt`) has its own applymap and no map.
        Example("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\nout = df.vbt.applymap(f)\n", reported=True,
                message="registered accessor", line=3),
        Example("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\nout = df['a'].vbt.applymap(f)\n",
                reported=True, unsafe=True, message="registered accessor", line=3),
        Example("grid.applymap(f)\n", "grid.map(f)\n", unsafe=True),
        # vectorbt's tests: the old name only where pandas has no DataFrame.map (before 2.1)
        Example("import pandas as pd\ndef m(df: pd.DataFrame, f):\n    if hasattr(pd.DataFrame, 'map'):\n"
                "        return df.map(f)\n    return df.applymap(f)\n"),
        Example("import dask.dataframe as dd\ngrid.applymap(f)\n", reported=True, unsafe=True),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in RENAMES:
            return updated_node
        old = func.attr.value
        recv = func.value
        if self._is_styler(recv):
            proved, why = True, "a Styler"
        else:
            if old != "applymap":
                return updated_node
            if isinstance(recv, cst.Attribute) and self.types.infer(recv.value).kind in (Kind.FRAME, Kind.SERIES,
                                                                                          Kind.PANDAS):
                # `df.vbt.applymap(f)`, `df["a"].vbt.applymap(f)`: an attribute of a frame or a series is a column
                # (a Series has no applymap) or a registered accessor (vectorbt's has `applymap`, no `map`):
                # never pandas' DataFrame.applymap.
                self.report(func.attr, f"`{code_of(recv)}.applymap(...)`: `{code_of(recv)}` is a column or a "
                            "registered accessor, not a DataFrame; if it is pandas, `.map(...)` (removed in pandas 3.0)",
                            reason="an accessor's methods are its own")
                return updated_node
            try:
                proved, why = self.gate(recv, kinds=frozenset({Kind.FRAME, Kind.PANDAS}), distinctive=True)
            except Skip:
                return updated_node
            if not proved and not self.types.imports_lookalike:
                # API shape: DataFrame.applymap and Styler.applymap both became `.map` (pandas 2.1 / 3.0).
                self.types.verdict = Typed(Kind.PANDAS, "`.applymap(...)` is pandas' API shape (DataFrame and "
                                           "Styler both have `.map`)", level=Level.INFERRED)
                proved, why = True, self.types.verdict.why
        new = RENAMES[old]
        message = f"`{code_of(recv)}.{old}(...)` → `.{new}(...)` (removed in pandas 3.0)"
        if self.report(func.attr, message, fix=Safety.SAFE if proved else Safety.DETECT, reason="" if proved else why):
            return updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name(new)))
        return updated_node

    def _is_styler(self, recv: cst.BaseExpression) -> bool:
        # `df.style` or a chain of Styler methods on it: `df.style.format(...).applymap(...)`
        while isinstance(recv, cst.Call) and isinstance(recv.func, cst.Attribute):
            recv = recv.func.value
        return isinstance(recv, cst.Attribute) and recv.attr.value == "style" and self.types.is_pandas(recv.value)
