"""FX215 pandas-resample-base-loffset."""

from __future__ import annotations

import ast
import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from finfix.codemods.pandas.offset_aliases import OFFSET, convert
from finfix.sdk.ast_triggers import AstTrigger, passes_keyword
from finfix.sdk.names import code_of, keyword, remove_arg
from finfix.sdk.pandas_types import GROUP_RESULT, PANDAS_MARKERS, Kind, PandasRule, Skip
from finfix.sdk.rule import Example, Rule, Safety, Versions

_TICK = re.compile(r"^(\d*)(D|h|min|s|ms|us|ns)$")


def _base_offset(rule: str, base: str) -> str | None:
    """`base=b` meant `b` units of the rule's frequency (pandas 1.1: `base * freq.nanos // freq.n`)."""
    m = _TICK.match(convert(rule, OFFSET) or rule)
    if not m or not base.isdigit():
        return None
    return f"{int(base)}{m.group(2)}"


class PandasResampleBase(PandasRule, Rule):
    """## What it does
    Rewrites `resample(rule, base=b)` (and `pd.Grouper(freq=..., base=b)`) to `offset=` with `b`
    units of the rule's frequency: `resample("5min", base=2)` → `resample("5min", offset="2min")`.
    Moves `loffset=` out of a statement `out = obj.resample(rule, loffset=L).agg(...)` into a
    following `out.index = out.index + pd.tseries.frequencies.to_offset(L)`.

    ## Why is this bad?
    `base` and `loffset` were deprecated in pandas 1.1 and removed in 2.0 (`TypeError`).

    ## Example
    ```python
    daily = px.resample("24h", base=9).last()
    bars = px.resample("1D", loffset="9h").last()
    ```
    Use instead:
    ```python
    daily = px.resample("24h", offset="9h").last()
    bars = px.resample("1D").last()
    bars.index = bars.index + pd.tseries.frequencies.to_offset("9h")
    ```

    ## Fix safety
    `base=` → `offset=` is safe for a tick frequency literal and an integer literal (pandas 1.1
    converted it the same way). The `loffset` move is unsafe (it changes the statement structure, and
    the shifted labels no longer match the bins' `closed`/`label` settings); anything other than the
    statement form above is reported only. The receiver must be provably pandas.
    """

    code = "FX215"
    name = "pandas-resample-base-loffset"
    summary = "`resample(base=, loffset=)` → `offset=` / shifting the index (removed in pandas 2.0)."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="1.1", removed="2.0")  # offset= came in 1.1
    requires = PANDAS_MARKERS  # every way to get a frame names pandas (or DataFrame/Series)
    triggers = ("base", "loffset")  # `ast_trigger` wants them as a call's keywords
    ast_trigger = AstTrigger(
        shapes={ast.Call: lambda call, _scan: passes_keyword(call, "base") or passes_keyword(call, "loffset")}
    )

    examples = (
        Example(
            "import pandas as pd\npx = pd.read_csv('x')\nd = px.resample('24h', base=9).last()\ng = pd.Grouper(freq='5T', base=2)\n",
            "import pandas as pd\npx = pd.read_csv('x')\nd = px.resample('24h', offset='9h').last()\ng = pd.Grouper(freq='5T', offset='2min')\n",
        ),
        Example(
            "import pandas as pd\npx = pd.read_csv('x')\nbars = px.resample('1D', loffset='9H').last()\n",
            "import pandas as pd\npx = pd.read_csv('x')\nbars = px.resample('1D').last()\n"
            "bars.index = bars.index + pd.tseries.frequencies.to_offset('9h')\n",
            unsafe=True,
        ),
        Example("import pandas as pd\npx = pd.read_csv('x')\nplot(px.resample('1D', loffset='9h').last())\n", reported=True),
        Example("import pandas as pd\npx = pd.read_csv('x')\nd = px.resample('1ME', base=1).sum()\n", reported=True),
        # Must not touch: other `base` keywords.
        Example("import numpy as np\nimport math\ny = np.logspace(0, 1, base=2)\nz = math.log(8, base)\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._statement: set[cst.Call] = set()

    def _resample(self, call: cst.Call) -> tuple[cst.BaseExpression | None, str] | None:
        """(the rule/freq literal value, which) when `call` is a pandas resample or Grouper call."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "resample":
            try:
                proved, why = self.gate(func.value, kinds=frozenset({Kind.FRAME, Kind.SERIES, Kind.PANDAS}))
            except Skip:
                return None
            positional = [a for a in call.args if a.keyword is None]
            rule = keyword(call, "rule") or (positional[0] if positional else None)
            return (rule.value if rule else None, "" if proved else why)
        if "pandas.Grouper" in self.types.qnames(func):
            freq = keyword(call, "freq")
            return (freq.value if freq else None, "")
        return None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(node.body) != 1 or not isinstance(node.body[0], cst.Assign):
            return
        assign = node.body[0]
        value = assign.value
        if (
            len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            and value.func.attr.value in GROUP_RESULT - {"apply", "transform", "filter"}
            and isinstance(value.func.value, cst.Call) and keyword(value.func.value, "loffset") is not None
        ):
            self._statement.add(value.func.value)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        if len(original_node.body) != 1 or not isinstance(original_node.body[0], cst.Assign):
            return updated_node
        inner = original_node.body[0].value
        if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute)
                and inner.func.value in self._statement):
            return updated_node
        call = inner.func.value
        found = self._resample(call)
        if found is None:
            return updated_node
        _, why = found
        loffset = keyword(call, "loffset")
        name = original_node.body[0].targets[0].target.value
        if why:
            self.report(loffset, "`loffset=` was removed in pandas 2.0; shift the result's index instead", reason=why)
            return updated_node
        value = loffset.value
        if isinstance(value, cst.SimpleString):
            new = convert(value.evaluated_value, OFFSET)
            if new:
                value = value.with_changes(value=f"{value.prefix}{value.quote}{new}{value.quote}")
        alias = self.types.pandas_alias or "pd"
        shift = f"{name}.index = {name}.index + {alias}.tseries.frequencies.to_offset({code_of(value)})"
        if not self.report(loffset, f"`loffset={code_of(loffset.value)}` → `{shift}` after the aggregation "
                           "(removed in pandas 2.0)", fix=Safety.UNSAFE,
                           reason="the shifted labels no longer follow `closed=`/`label=`; check the consumers"):
            return updated_node
        if self.types.pandas_alias is None:
            AddImportsVisitor.add_needed_import(self.context, "pandas", asname="pd")
        assign = updated_node.body[0]
        agg = assign.value
        resample = agg.func.value
        resample = resample.with_changes(args=remove_arg(resample.args, keyword(resample, "loffset")))
        assign = assign.with_changes(value=agg.with_changes(func=agg.func.with_changes(value=resample)))
        return cst.FlattenSentinel([
            updated_node.with_changes(body=[assign]),
            cst.SimpleStatementLine(body=[cst.parse_statement(shift).body[0]]),
        ])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        base = keyword(original_node, "base")
        loffset = keyword(original_node, "loffset")
        if base is None and loffset is None:
            return updated_node
        found = self._resample(original_node)
        if found is None:
            return updated_node
        rule, why = found
        if loffset is not None and original_node not in self._statement:
            self.report(loffset, "`loffset=` was removed in pandas 2.0: aggregate, then shift the index with "
                        "`out.index = out.index + pd.tseries.frequencies.to_offset(...)`",
                        reason="not a statement `name = obj.resample(...).agg()`")
        if base is None:
            return updated_node
        offset = None
        if isinstance(rule, cst.SimpleString) and isinstance(base.value, cst.Integer):
            offset = _base_offset(rule.evaluated_value, base.value.value)
        if offset is None or why:
            self.report(base, "`base=` was removed in pandas 2.0; use `offset=` (b units of the frequency)",
                        reason=why or "only a tick frequency literal and an integer base can be converted")
            return updated_node
        quote = rule.quote
        message = f"`base={base.value.value}` → `offset={quote}{offset}{quote}` (removed in pandas 2.0)"
        if not self.report(base, message, fix=Safety.SAFE):
            return updated_node
        new_base = keyword(updated_node, "base")
        args = [a.with_changes(keyword=cst.Name("offset"), value=cst.SimpleString(f"{quote}{offset}{quote}"))
                if a is new_base else a for a in updated_node.args]
        return updated_node.with_changes(args=args)
