"""FX217 pandas-ix: the `.ix` indexer, removed in pandas 1.0."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import short_code
from finfix.sdk.pandas_types import METADATA, Kind, PandasTypes, Skip, gate
from finfix.sdk.rule import Example, Rule, Safety, Versions

FRAME_KINDS = frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS})
AMBIGUOUS = ("`.ix` read integer keys as labels or as positions depending on the index: say which with `.loc` "
             "(labels) or `.iloc` (positions)")


def _label_only(expr: cst.BaseExpression) -> bool:
    """A key `.ix` could only have read as a label: a string, a list of strings, `:`, a string slice."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(expr, cst.List):
        return bool(expr.elements) and all(_label_only(e.value) for e in expr.elements)
    return False


def _slice_label_only(s: cst.Slice) -> bool:
    if s.step is not None:
        return False
    return all(part is None or _label_only(part) for part in (s.lower, s.upper))


def _keys_are_labels(sub: cst.Subscript) -> bool:
    for element in sub.slice:
        key = element.slice
        if isinstance(key, cst.Slice):
            if not _slice_label_only(key):
                return False
        elif not (isinstance(key, cst.Index) and key.star is None and _label_only(key.value)):
            return False
    return True


class PandasIx(Rule):
    """## What it does
    Reports the `.ix` indexer (`df.ix[...]`), removed in pandas 1.0, and rewrites it to `.loc` where
    `.ix` could only have meant labels: every key is a string, a list of strings, `:` or a slice of
    strings (`df.ix[:, "close"]` → `df.loc[:, "close"]`, `df.ix["2020-01-02"]` → `df.loc["2020-01-02"]`).

    ## Why is this bad?
    pandas 1.0 removed `.ix` (deprecated since 0.20): the line raises `AttributeError` on every pandas
    released since January 2020.

    ## Example
    ```python
    close = prices.ix[:, "close"]
    ```
    Use instead:
    ```python
    close = prices.loc[:, "close"]
    ```

    ## Fix safety
    Safe where the receiver is provably a pandas DataFrame or Series and every key is a label (above):
    `.ix` looked strings up as labels, exactly as `.loc` does. Integer keys, variables and integer
    slices are reported only: `.ix` read them as labels when the index held integers and as positions
    otherwise, so the right indexer (`.loc` or `.iloc`) depends on the index, which the code does not
    show. A receiver that is not provably pandas is reported only.
    """

    code = "FX217"
    name = "pandas-ix"
    summary = "`.ix` was removed in pandas 1.0: use `.loc` (labels) or `.iloc` (positions)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="0.20", removed="1.0")
    triggers = (".ix[",)
    METADATA_DEPENDENCIES = METADATA

    examples = (
        Example(
            "import pandas as pd\nprices = pd.read_csv('p.csv')\nclose = prices.ix[:, 'close']\n",
            "import pandas as pd\nprices = pd.read_csv('p.csv')\nclose = prices.loc[:, 'close']\n",
        ),
        Example(
            "import pandas as pd\ns = pd.Series([1.0], index=['a'])\nv = s.ix[['a']]\n",
            "import pandas as pd\ns = pd.Series([1.0], index=['a'])\nv = s.loc[['a']]\n",
        ),
        Example("import pandas as pd\ndf = pd.read_csv('p.csv')\nrow = df.ix[0]\n",
                message="`df.ix[0]`: `.ix` was removed in pandas 1.0; use `.loc` for labels or `.iloc`", line=3),
        Example("def first(frame):\n    return frame.ix[:, 'close']\n", message="→ `.loc`", line=2, safety=Safety.DETECT),
        # must not touch: numpy's ix_, an attribute named ix on a list
        Example("import numpy as np\nsub = a[np.ix_([0, 1], [2])]\nrows = [1]\nrows_ix = rows\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self.types = PandasTypes(self, node)

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        indexer = original_node.value
        if not isinstance(indexer, cst.Attribute) or indexer.attr.value != "ix":
            return updated_node
        try:
            proved, why = gate(self.types, indexer.value, kinds=FRAME_KINDS, distinctive=True)
        except Skip:
            return updated_node
        shown = short_code(original_node, 40)
        if not _keys_are_labels(original_node):
            self.report(original_node, f"`{shown}`: `.ix` was removed in pandas 1.0; use `.loc` for labels or "
                                       "`.iloc` for positions", reason=AMBIGUOUS)
            return updated_node
        replacement = updated_node.with_changes(
            value=updated_node.value.with_changes(attr=cst.Name("loc")))  # type: ignore[attr-defined]
        message = f"`{shown}` → `.loc` (`.ix` was removed in pandas 1.0)"
        if self.report(original_node, message, fix=Safety.SAFE if proved else Safety.DETECT,
                       reason="" if proved else why):
            return replacement
        return updated_node
