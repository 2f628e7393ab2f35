"""FX202 pandas-values."""

from __future__ import annotations

import re

import libcst as cst

from finfix.sdk.names import code_of
from finfix.sdk.pandas_types import METADATA, Kind, PandasTypes, looks_like_frame
from finfix.sdk.rule import Example, Rule, Safety

_VALUES = re.compile(r"\.\s*values\b(?!\s*\()")


class PandasValues(Rule):
    """## What it does
    Rewrites the attribute `.values` of a pandas object to `.to_numpy()`, when the receiver is
    provably pandas (finfix's receiver ladder, `finfix/sdk/pandas_types.py`): a name bound in its scope
    from `pd.DataFrame/Series/read_*/concat(...)`, a name annotated as a pandas type, a subscript /
    `.loc` / `.iloc` / column attribute / known method result of such an object, or a subscript of
    any object in a module that imports pandas (and no look-alike library such as xarray or polars):
    `df["close"].values`, `frame[["a", "b"]].values`.

    ## Why is this bad?
    `.values` returns an ndarray or an ExtensionArray depending on the dtype: with the pandas 3
    default string dtype, a category, a nullable integer or a tz-aware column, it is not an ndarray.
    pandas 3.1 deprecates `.values` on tz-aware data. `.to_numpy()` always returns an ndarray
    (`.array` always returns the ExtensionArray).

    ## Example
    ```python
    prices = pd.read_csv("px.csv")
    returns = np.diff(np.log(prices["close"].values))
    ```
    Use instead:
    ```python
    prices = pd.read_csv("px.csv")
    returns = np.diff(np.log(prices["close"].to_numpy()))
    ```

    ## Fix safety
    Safe for a DataFrame (`.values` and `.to_numpy()` give the same 2-D ndarray) and for a Series
    whose dtype is provably numpy-native (`.astype(float)`, `pd.to_numeric(...)`). Unsafe otherwise:
    if the dtype is an extension type, the result changes from an ExtensionArray to an ndarray
    (nullable integers become float with NaN, tz-aware datetimes become object Timestamps instead of
    naive UTC `datetime64`, categories and strings become object arrays).

    ## Not rewritten
    `.values()` calls (dict, Counter, ...), `self.values`, enums, custom classes, numpy, xarray and
    polars objects: anything not proved pandas. An unproved receiver named like a frame (`df`,
    `*_df`, `ser`, `s`) is reported only, as is an assignment *to* `.values` (broken under
    copy-on-write in any form).
    """

    code = "FX202"
    name = "pandas-values"
    summary = "`.values` on a pandas object → `.to_numpy()` (an ndarray whatever the dtype)."
    safety = Safety.UNSAFE
    triggers = (".values",)
    METADATA_DEPENDENCIES = METADATA

    examples = (
        Example(
            'import pandas as pd\ndf = pd.read_csv("px.csv")\nm = df.values.mean()\n',
            'import pandas as pd\ndf = pd.read_csv("px.csv")\nm = df.to_numpy().mean()\n',
        ),
        Example(
            "import pandas as pd\ndef f(frame):\n    return frame[['a', 'b']].values\n",
            "import pandas as pd\ndef f(frame):\n    return frame[['a', 'b']].to_numpy()\n",
        ),
        Example(
            "import pandas as pd\ndef f(px: pd.DataFrame):\n    return px.dropna().values\n",
            "import pandas as pd\ndef f(px: pd.DataFrame):\n    return px.dropna().to_numpy()\n",
        ),
        Example(
            "import pandas as pd\ndf = pd.DataFrame({'a': [1]})\nv = df['a'].astype(float).values\n",
            "import pandas as pd\ndf = pd.DataFrame({'a': [1]})\nv = df['a'].astype(float).to_numpy()\n",
        ),
        # A column of unknown dtype: unsafe (could be an extension dtype).
        Example("import pandas as pd\ndef f(frame):\n    return frame['close'].values\n", reported=True),
        Example(
            "import pandas as pd\ndef f(frame):\n    return frame['close'].values\n",
            "import pandas as pd\ndef f(frame):\n    return frame['close'].to_numpy()\n",
            unsafe=True,
        ),
        Example(
            "import pandas as pd\ns = pd.Series([1, 2])\nidx = s.index.values\n",
            "import pandas as pd\ns = pd.Series([1, 2])\nidx = s.index.to_numpy()\n",
            unsafe=True,
        ),
        # Report only: a heuristic name, an assignment to .values.
        Example("def f(df):\n    return df.values\n", reported=True),
        Example("import pandas as pd\ndf = pd.read_csv('x')\ndf.values[:] = 0\n", reported=True),
        # Must not touch.
        Example("d = {'a': 1}\ntotal = sum(d.values())\n"),
        Example("import pandas as pd\ndf = pd.read_csv('x')\nfor v in df.to_dict().values():\n    print(v)\n"),
        Example("class Grid:\n    def span(self):\n        return max(self.values) - min(self.values)\n"),
        Example(
            "import enum\nclass Side(enum.Enum):\n    BUY = 1\n    SELL = -1\nsigns = [s.value for s in Side]\nx = Side.values\n"
        ),
        Example("import pandas as pd\nimport xarray as xr\nds = xr.open_dataset('t.nc')\nt = ds['temp'].values\n"),
        Example("import numpy as np\na = np.zeros(3)\nb = a.values\n"),
        Example("import polars as pl\ndf = pl.read_csv('x.csv')\nv = df['a'].values\n"),
        Example("import pandas as pd\nclass Cfg:\n    values = (1, 2)\ncfg = Cfg()\nx = cfg.values\n"),
    )

    @classmethod
    def applies_to(cls, source: str) -> bool:
        """Only files with a `.values` that is not a call (`d.values()` is never ours)."""
        return _VALUES.search(source) is not None

    def visit_Module(self, node: cst.Module) -> None:
        self.types = PandasTypes(self, node)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value != "values":
            return updated_node
        parent = self.types.parent(original_node)
        if isinstance(parent, cst.Call) and parent.func is original_node:
            return updated_node  # `.values()`: a mapping's method
        recv = original_node.value
        typed = self.types.infer(recv)
        shown = code_of(original_node)
        if typed.kind is Kind.NOT:
            return updated_node
        if not typed.is_pandas:
            if looks_like_frame(recv) and not (isinstance(recv, cst.Name) and recv.value in ("self", "cls")):
                self.report(
                    original_node,
                    f"`{shown}`: if `{code_of(recv)}` is a pandas object, use `.to_numpy()` (or `.array`)",
                    reason=f"`{code_of(recv)}` is not provably a pandas object",
                )
            return updated_node
        if self._assigned_to(original_node):
            self.report(
                original_node,
                f"`{shown}` is written to: under copy-on-write this does not change the {typed.kind.value}; "
                "assign through `.loc`/`.iloc` or build a new object",
                reason="an assignment target",
            )
            return updated_node
        if typed.kind is Kind.FRAME:
            fix, reason = Safety.SAFE, ""
        elif typed.numeric:
            fix, reason = Safety.SAFE, ""
        else:
            fix = Safety.UNSAFE
            reason = (
                f"the {typed.kind.value}'s dtype may be an extension type (nullable, category, string, "
                "tz-aware): `.values` gave an ExtensionArray (naive UTC datetime64 for tz-aware), "
                "`.to_numpy()` gives an object/float ndarray; use `.array` where the ExtensionArray is wanted"
            )
        replacement = code_of(recv) + ".to_numpy()"
        message = f"`{shown}` → `{replacement if len(replacement) < 50 else '....to_numpy()'}` ({typed.why})"
        if self.report(original_node, message, fix=fix, reason=reason):
            return cst.Call(func=updated_node.with_changes(attr=cst.Name("to_numpy")))
        return updated_node

    def _assigned_to(self, node: cst.CSTNode) -> bool:
        cur = node
        while True:
            parent = self.types.parent(cur)
            if isinstance(parent, cst.AssignTarget):
                return True
            if isinstance(parent, (cst.AugAssign, cst.AnnAssign)):
                return parent.target is cur
            if isinstance(parent, (cst.Subscript, cst.Attribute)) and parent.value is cur:
                cur = parent
                continue
            if isinstance(parent, (cst.SubscriptElement, cst.Index)):
                return False
            return False
