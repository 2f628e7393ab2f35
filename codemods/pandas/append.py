"""FX204 pandas-append."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from finfix.sdk.names import code_of, short_code
from finfix.sdk.pandas_types import PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

CONCAT_KEYWORDS = frozenset({"ignore_index", "verify_integrity", "sort"})


class PandasAppend(PandasRule, Rule):
    """## What it does
    Rewrites `obj.append(other, ...)` on a DataFrame or Series to `pd.concat([obj, other], ...)`,
    splicing a list argument (`df.append([a, b])` → `pd.concat([df, a, b])`) and keeping
    `ignore_index=`, `verify_integrity=` and `sort=`. A row given as a dict becomes
    `pd.DataFrame([row])`. `import pandas as pd` is added when the module lacks it; an existing
    alias (`import pandas as pandas_`) is reused.

    ## Why is this bad?
    `DataFrame.append` and `Series.append` were deprecated in pandas 1.4 and removed in 2.0
    (`AttributeError`). Appending in a loop is also quadratic: collect the pieces in a list and
    call `pd.concat` once.

    ## Example
    ```python
    book = book.append(fills, ignore_index=True)
    ```
    Use instead:
    ```python
    book = pd.concat([book, fills], ignore_index=True)
    ```

    ## Fix safety
    Safe when the receiver is provably a DataFrame/Series and the argument provably a pandas object
    (or a list of them). Unsafe when the argument is of unknown type (a dict or Series *row* was
    turned into a one-row frame by `append`, which `pd.concat` does not do) or a dict literal (the
    dtypes of the new row may differ). The receiver must be provably pandas (`Index.append`, which
    still exists, and `list.append` are never touched); a receiver only named like a frame
    (`df.append(...)`) is reported.
    """

    code = "FX204"
    name = "pandas-append"
    summary = "`df.append(other)` → `pd.concat([df, other])` (removed in pandas 2.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="1.4", removed="2.0", fix_needs="0")  # pd.concat: any pandas
    requires = PANDAS_MARKERS  # every way to get a frame names pandas (or DataFrame/Series)
    triggers = (".append(",)

    examples = (
        Example(
            "import pandas as pd\nbook = pd.read_csv('a.csv')\nfills = pd.read_csv('b.csv')\n"
            "book = book.append(fills, ignore_index=True)\n",
            "import pandas as pd\nbook = pd.read_csv('a.csv')\nfills = pd.read_csv('b.csv')\n"
            "book = pd.concat([book, fills], ignore_index=True)\n",
        ),
        Example(
            "import pandas\na = pandas.Series([1])\nb = a.append([a, a])\n",
            "import pandas\na = pandas.Series([1])\nb = pandas.concat([a, a, a])\n",
        ),
        Example(
            "from pandas import DataFrame\ndef f(x: DataFrame, y: DataFrame):\n    return x.append(y)\n",
            "import pandas as pd\nfrom pandas import DataFrame\n\ndef f(x: DataFrame, y: DataFrame):\n"
            "    return pd.concat([x, y])\n",
        ),
        # A row or an unknown argument: unsafe.
        Example(
            "import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndf = df.append({'a': 2}, ignore_index=True)\n",
            "import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndf = pd.concat([df, pd.DataFrame([{'a': 2}])], ignore_index=True)\n",
            unsafe=True,
        ),
        Example("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndef f(row):\n    return df.append(row)\n", reported=True),
        # The result discarded: pandas' append never changed `df`, so the line did nothing: reported only.
        Example("import pandas as pd\ndf = pd.read_csv('x')\ndef f(row):\n    df.append(row)\n    return df\n",
                reported=True, message="result is discarded", line=4),
        # A list bound to `[]`, concatenated later (pyfolio's round_trips): the later pandas use of the
        # rebound name says nothing about the list.
        Example("import pandas as pd\ndef f(groups):\n    out = []\n    for g in groups:\n        out.append(g)\n"
                "    out = pd.concat(out)\n    out = out.set_index('dt')\n    return out\n"),
        # A frame-like name that is not provably pandas: reported only.
        Example("def f(df, other):\n    return df.append(other)\n", reported=True),
        # Must not touch: list, deque, numpy, Index.append, HDFStore.append.
        Example("trades = []\ntrades.append(1)\nfrom collections import deque\nq = deque()\nq.append(2)\n"),
        Example("import numpy as np\nimport pandas as pd\na = np.append(np.zeros(2), 1)\nidx = pd.Index([1]).append(pd.Index([2]))\n"),
        Example("import pandas as pd\nstore = pd.HDFStore('s.h5')\nstore.append('px', pd.DataFrame())\n"),
        Example("import pandas as pd\ndf = pd.DataFrame()\ndf.index.append(df.index)\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._loop_depth = 0

    def visit_For(self, node: cst.For) -> None:
        self._loop_depth += 1

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        self._loop_depth -= 1
        return updated_node

    def visit_While(self, node: cst.While) -> None:
        self._loop_depth += 1

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        self._loop_depth -= 1
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "append":
            return updated_node
        base = func.value  # `idx.append(a).append(b)`: an Index chain stays an Index, and Index.append is valid
        while isinstance(base, cst.Call) and isinstance(base.func, cst.Attribute) and base.func.attr.value == "append":
            base = base.func.value
        if base is not func.value and self.types.infer(base).kind is Kind.INDEX:
            return updated_node
        try:
            proved, why = self.gate(func.value, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
        except Skip:
            return updated_node
        shown = short_code(original_node, 60)
        positional = [a for a in original_node.args if a.keyword is None]
        extra = [a for a in original_node.args if a.keyword is not None and a.keyword.value not in CONCAT_KEYWORDS]
        if len(positional) != 1 or positional[0].star or extra:
            self.report(original_node, f"`{shown}`: `append` was removed in pandas 2.0; use `pd.concat([...])`",
                        reason="unusual arguments")
            return updated_node
        other = positional[0].value
        loop = " (in a loop this is quadratic: collect the pieces in a list and concat once)" if self._loop_depth else ""
        if not proved:
            self.report(original_node, f"`{shown}`: if `{code_of(func.value)}` is a DataFrame/Series, use "
                        f"`pd.concat([...])` (`append` was removed in pandas 2.0){loop}", reason=why)
            return updated_node
        fix, reason = self._other_safety(other)
        if isinstance(self.types.parent(original_node), cst.Expr):
            # `out.append(x)` as a statement: pandas' append never changed `out` (the line did nothing), a
            # list's does. A name bound to `[]` and later to a frame (`out = pd.concat(out)`) looks pandas by
            # its later use; a bare `pd.concat([...])` here would silently drop every row (pyfolio).
            fix, reason = Safety.DETECT, ("its result is discarded: DataFrame/Series.append never changed "
                                          f"`{code_of(func.value)}` (so this line did nothing), list.append does; "
                                          "assign the result or keep the list")
        alias = self.types.pandas_alias or "pd"
        message = f"`{shown}` → `{alias}.concat([...])` (`append` was removed in pandas 2.0){loop}"
        if fix is Safety.DETECT:
            message = f"`{shown}`: its result is discarded; if `{code_of(func.value)}` is a DataFrame/Series " \
                      "this line does nothing (`append` was removed in pandas 2.0)"
        if not self.report(original_node, message, fix=fix, reason=reason):
            return updated_node
        if self.types.pandas_alias is None:
            AddImportsVisitor.add_needed_import(self.context, "pandas", asname="pd")
        new_other = next(a for a in updated_node.args if a.keyword is None).value
        pieces: list[cst.BaseExpression] = [updated_node.func.value]
        if isinstance(new_other, cst.List):
            pieces += [e.value for e in new_other.elements]
        elif isinstance(new_other, cst.Dict):
            pieces.append(cst.parse_expression(f"{alias}.DataFrame([{code_of(new_other)}])"))
        else:
            pieces.append(new_other)
        elements = [cst.Element(p, comma=cst.MaybeSentinel.DEFAULT) for p in pieces]
        items = cst.List(elements=[
            e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) if i < len(elements) - 1 else e
            for i, e in enumerate(elements)
        ])
        kwargs = [a for a in updated_node.args if a.keyword is not None]
        args = [cst.Arg(items)] + kwargs
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
        args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) if i < len(args) - 1 else a
                for i, a in enumerate(args)]
        return cst.Call(func=cst.parse_expression(f"{alias}.concat"), args=args)

    def _other_safety(self, other: cst.BaseExpression) -> tuple[Safety, str]:
        items = [e.value for e in other.elements] if isinstance(other, cst.List) else [other]
        for item in items:
            if isinstance(item, cst.Dict):
                return Safety.UNSAFE, "a dict row becomes `pd.DataFrame([row])`, whose dtypes may differ from what append built"
            if not self.types.is_pandas(item) or self.types.infer(item).kind is Kind.INDEX:
                return Safety.UNSAFE, (
                    f"`{code_of(item)}` is not provably a DataFrame/Series: a dict or Series *row* needs "
                    "`pd.DataFrame([row])` / `row.to_frame().T`"
                )
        return Safety.SAFE, ""
