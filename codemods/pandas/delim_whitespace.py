"""FX207 pandas-delim-whitespace (a keyword rename served by finfix.sdk.renames)."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of, qualified_names
from finfix.sdk.renames import KeywordRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions

READERS = ("pandas.read_csv", "pandas.read_table", "pandas.read_fwf")
SEP = 'r"\\s+"'


class PandasDelimWhitespace(RenameRule):
    """## What it does
    Rewrites `pd.read_csv(..., delim_whitespace=True)` (and `read_table`, `read_fwf`) to
    `sep=r"\\s+"`, and drops `delim_whitespace=False`.

    ## Why is this bad?
    `delim_whitespace` was deprecated in pandas 2.2 and removed in 3.0 (`TypeError`).

    ## Example
    ```python
    quotes = pd.read_csv("quotes.txt", delim_whitespace=True)
    ```
    Use instead:
    ```python
    quotes = pd.read_csv("quotes.txt", sep=r"\\s+")
    ```

    ## Fix safety
    Safe: `delim_whitespace=True` was documented as equivalent to `sep=r"\\s+"` (same frame, checked).
    A non-literal value, or `sep=`/`delimiter=` given as well (an error already), is reported only.
    """

    code = "FX207"
    name = "pandas-delim-whitespace"
    summary = "`read_csv(delim_whitespace=True)` → `sep=r\"\\s+\"` (removed in pandas 3.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.2", removed="3.0", fix_needs="0")  # sep=r"\s+": any pandas
    keyword_renames = (
        KeywordRename(READERS, "delim_whitespace", "sep", drop_values=("False",), note="removed in pandas 3.0"),
    )

    examples = (
        Example(
            "import pandas as pd\nq = pd.read_csv('q.txt', delim_whitespace=True, header=None)\n",
            "import pandas as pd\nq = pd.read_csv('q.txt', sep=r\"\\s+\", header=None)\n",
        ),
        Example(
            "from pandas import read_table\nq = read_table('q.txt', delim_whitespace=False)\n",
            "from pandas import read_table\nq = read_table('q.txt')\n",
        ),
        Example("import pandas as pd\nq = pd.read_csv('q.txt', delim_whitespace=ws)\n", reported=True),
        Example("import pandas as pd\nq = pd.read_csv('q.txt', sep=',', delim_whitespace=True)\n", reported=True),
        # Must not touch: other readers, other libraries.
        Example("import polars as pl\nq = pl.read_csv('q.txt', delim_whitespace=True)\n"),
        Example("import pandas as pd\nq = pd.read_csv('q.txt', sep=r'\\s+')\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        keywords = {a.keyword.value: a for a in original_node.args if a.keyword is not None}
        if "delim_whitespace" in keywords and ({"sep", "delimiter"} & keywords.keys()):
            if set(READERS) & self._callee(original_node):
                self.report(keywords["delim_whitespace"],
                            "`delim_whitespace=` together with `sep=`/`delimiter=`: pandas rejected this; keep one "
                            "(`sep=r\"\\s+\"`)", reason="conflicting keywords")
                return updated_node
        return super().leave_Call(original_node, updated_node)

    def _callee(self, call: cst.Call) -> set[str]:
        return qualified_names(self, call.func)

    def _keyword_fix(self, k: KeywordRename, arg: cst.Arg):
        src = code_of(arg.value)
        if src == "True":
            new_arg = arg.with_changes(keyword=cst.Name("sep"), value=cst.parse_expression(SEP))
            return new_arg, f"`delim_whitespace=True` → `sep={SEP}` ({k.note})", Safety.SAFE
        if src not in k.drop_values:
            return arg, f"`delim_whitespace={src}`: write `sep={SEP}` when it is true ({k.note})", Safety.DETECT
        return super()._keyword_fix(k, arg)
