"""FX202 pandas-values."""

from __future__ import annotations

import re

import libcst as cst

from finfix.sdk.names import short_code
from finfix.sdk.pandas_types import Kind, Level, PandasRule, Typed, evidence_policy, looks_like_frame, unproven
from finfix.sdk.snippets import snippet
from finfix.sdk.rule import Example, Rule, Safety, Versions

_VALUES = re.compile(r"\.\s*values\b(?!\s*\()")


class PandasValues(PandasRule, Rule):
    """## What it does
    Rewrites the attribute `.values` of a pandas object to `.to_numpy()`, when finfix's evidence
    service (`finfix/sdk/pandas_types.py`) knows the receiver is pandas: proven by the file (a name
    bound from `pd.DataFrame/Series/read_*/concat(...)`, a pandas annotation, a subscript / `.loc` /
    column / method result of such an object), by the project (what a project function returns) or
    by `finfix record`; or inferred (every call site passes a frame, the class assigns a frame to
    `self.close`, the name is also used with `.iloc`/`.groupby(`, a list-of-columns subscript
    `frame[["a", "b"]]`, a type checker's answer).

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
    Safe for a proven DataFrame (`.values` and `.to_numpy()` give the same 2-D ndarray) and for a proven
    Series whose dtype is numpy-native (`.astype(float)`, `pd.to_numeric(...)`). Unsafe when the
    receiver is only inferred pandas (the reason names the evidence), including a type checker's
    `Series | ndarray` (a plain ndarray has no `.values`, so wherever the line runs it is the Series; on
    the ndarray path `.to_numpy()` raises the same AttributeError), and otherwise:
    if the dtype is an extension type, the result changes from an ExtensionArray to an ndarray
    (nullable integers become float with NaN, tz-aware datetimes become object Timestamps instead of
    naive UTC `datetime64`, categories and strings become object arrays).

    ## Not rewritten
    `.values()` calls (dict, Counter, ...), enums, lists, dicts, sets, a user class that defines
    `values`, numpy, xarray, polars and dask objects. An unknown receiver named like a frame (`df`,
    `*_df`, `ser`, `s`) or subscripted with a string in a module that imports pandas
    (`frame["close"].values`) is reported only, saying what would settle it (an annotation, a call
    site, `finfix record`); so is an assignment *to* `.values` (broken under copy-on-write in any form).
    Tested with pandas 3.1.1.
    """

    code = "FX202"
    name = "pandas-values"
    summary = "`.values` on a pandas object → `.to_numpy()` (an ndarray whatever the dtype)."
    safety = Safety.UNSAFE
    versions = Versions("pandas", deprecated="0.24")  # soft: `.to_numpy()` came in 0.24
    triggers = (".values",)

    examples = (
        Example(
            'import pandas as pd\ndf = pd.read_csv("px.csv")\nm = df.values.mean()\n',
            'import pandas as pd\ndf = pd.read_csv("px.csv")\nm = df.to_numpy().mean()\n',
        ),
        # Inferred (a list of columns): unsafe, the evidence named.
        Example("import pandas as pd\ndef f(frame):\n    return frame[['a', 'b']].values\n", reported=True),
        Example(
            "import pandas as pd\ndef f(frame):\n    return frame[['a', 'b']].values\n",
            "import pandas as pd\ndef f(frame):\n    return frame[['a', 'b']].to_numpy()\n",
            unsafe=True,
        ),
        # Duck evidence: `px` is also used with `.iloc`.
        Example(
            "import pandas as pd\ndef f(px):\n    first = px.iloc[0]\n    return px.values - first.values\n",
            "import pandas as pd\ndef f(px):\n    first = px.iloc[0]\n    return px.to_numpy() - first.to_numpy()\n",
            unsafe=True,
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
        # A list in a dict is never pandas: reported at most, never rewritten.
        Example("import pandas as pd\nclass B:\n    def f(self):\n        return self.history['dt'].values\n",
                reported=True, unsafe=True),
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
        Example("import pandas as pd\nhist = {'dt': []}\nx = hist['dt'].values\n", reported=True, unsafe=True),
        Example("import dask.dataframe as dd\nddf = dd.read_csv('x')\nv = ddf['a'].values\n"),
    )

    @classmethod
    def applies_to(cls, source: str) -> bool:
        """Only files with a `.values` that is not a call (`d.values()` is never ours)."""
        return _VALUES.search(source) is not None

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value != "values":
            return updated_node
        parent = self.types.parent(original_node)
        if isinstance(parent, cst.Call) and parent.func is original_node:
            return updated_node  # `.values()`: a mapping's method
        recv = original_node.value
        typed = self.types.infer(recv)
        if typed.kind is None and typed.unless_ndarray is not None:
            # A plain ndarray has no `.values`: wherever this line runs without an AttributeError, the receiver
            # is the pandas member of the checker's union (and on the ndarray path `.to_numpy()` fails alike).
            text = typed.settle.split(": annotate", 1)[0]
            if not text.endswith("has no `.values`"):
                text += ", and an ndarray has no `.values`"
            typed = Typed(typed.unless_ndarray, text, level=Level.INFERRED)
        shown = short_code(original_node, 60)
        if typed.foreign or typed.kind is not None and not typed.is_pandas:
            return updated_node
        if typed.kind is None:
            if typed.maybe_pandas or self._worth_reporting(recv):
                self.report(
                    original_node,
                    f"`{shown}`: if `{short_code(recv)}` is a pandas object, use `.to_numpy()` (or `.array`)",
                    reason=unproven(recv, typed),
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
        fix, reason = evidence_policy(typed, fix, reason)
        replacement = short_code(recv, 60) + ".to_numpy()"
        message = f"`{shown}` → `{replacement if len(replacement) < 50 else '....to_numpy()'}` ({snippet(typed.why, 70)})"
        if Rule.report(self, original_node, message, fix=fix, reason=reason):  # the policy is applied above
            return cst.Call(func=updated_node.with_changes(attr=cst.Name("to_numpy")))
        return updated_node

    def _worth_reporting(self, recv: cst.BaseExpression) -> bool:
        """An unknown receiver whose `.values` is probably pandas': named like a frame, or a string-keyed
        subscript in a module that imports pandas and no look-alike library."""
        if isinstance(recv, cst.Name) and recv.value in ("self", "cls"):
            return False
        if looks_like_frame(recv):
            return True
        return (
            isinstance(recv, cst.Subscript) and self.types.imports_pandas and not self.types.imports_lookalike
            and len(recv.slice) == 1 and isinstance(recv.slice[0].slice, cst.Index)
            and isinstance(recv.slice[0].slice.value, (cst.SimpleString, cst.ConcatenatedString))
        )

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
