"""FX206 pandas-offset-aliases."""

from __future__ import annotations

import ast
import re
from functools import lru_cache

import libcst as cst

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.names import code_of, leaves_of, may_resolve_to
from finfix.sdk.pandas_types import LOOKALIKE_MODULES, PANDAS_MARKERS, PandasRule
from finfix.sdk.rule import Example, Rule, Safety, Versions

# Offset aliases renamed in pandas 2.2, rejected by 3.0 (`ValueError: Invalid frequency`).
OFFSET = {
    "H": "h", "BH": "bh", "CBH": "cbh", "T": "min", "S": "s", "L": "ms", "U": "us", "N": "ns",
    "M": "ME", "BM": "BME", "SM": "SME", "CBM": "CBME", "Q": "QE", "BQ": "BQE",
    "A": "YE", "Y": "YE", "BA": "BYE", "BY": "BYE", "AS": "YS", "BAS": "BYS",
}
# Period frequencies keep M, Q, Y: only these changed.
PERIOD = {"A": "Y", "H": "h", "T": "min", "S": "s", "L": "ms", "U": "us", "N": "ns"}
# `asfreq` works on datetime- and period-indexed data: only what both tables agree on.
EITHER = {k: v for k, v in OFFSET.items() if PERIOD.get(k) == v}
# Timedelta units: T/L/U/N rejected by 3.0; H/S/d/w still accepted with Pandas4Warning.
UNIT = {"T": "min", "L": "ms", "U": "us", "N": "ns", "H": "h", "S": "s", "d": "D", "w": "W"}
TIMEDELTA_STRING = {"T": "min", "L": "ms", "U": "us", "N": "ns", "H": "h", "S": "s"}
CURRENT = frozenset(
    "D B C W MS BMS SMS CBMS QS BQS YS BYS h bh cbh min s ms us ns ME BME SME CBME QE BQE YE BYE "
    "M Q Y W D".split()
)

# What pandas 3.1 does with the old spellings: these units it still accepts, with a Pandas4Warning.
WARNED_UNITS = frozenset({"H", "S", "d", "w"})


def _status(text: str, table: dict[str, str]) -> str:
    """What the installed pandas (3.x) does with ``text``, for the message."""
    old = {unit for _, unit in _PIECE.findall(text) if unit in table}
    if table in (UNIT, TIMEDELTA_STRING) and old and old <= WARNED_UNITS:
        return "pandas 3 still accepts it with a Pandas4Warning; pandas 4 removes it"
    return "rejected since pandas 3.0"


_WHOLE = re.compile(r"^((?:[+-]?\d*(?:\.\d+)?[A-Za-z]+)+?)(-[A-Z]{3})?$")
_PIECE = re.compile(r"([+-]?\d*(?:\.\d+)?)([A-Za-z]+)")

# Where a frequency string goes: (positional index or None, keyword names, table).
FUNCTIONS = {
    "pandas.date_range": (3, ("freq",), OFFSET),
    "pandas.bdate_range": (3, ("freq",), OFFSET),
    "pandas.timedelta_range": (3, ("freq",), OFFSET),
    "pandas.interval_range": (3, ("freq",), OFFSET),
    "pandas.Grouper": (None, ("freq",), OFFSET),
    "pandas.tseries.frequencies.to_offset": (0, ("freq",), OFFSET),
    "pandas.Period": (1, ("freq",), PERIOD),
    "pandas.period_range": (3, ("freq",), PERIOD),
    "pandas.PeriodIndex": (None, ("freq",), PERIOD),
    "pandas.Timedelta": (1, ("unit",), UNIT),
    "pandas.to_timedelta": (1, ("unit",), UNIT),
}
TIMEDELTA_FUNCTIONS = frozenset({"pandas.Timedelta", "pandas.to_timedelta"})
METHODS = {
    "resample": (0, ("rule",), OFFSET),
    "asfreq": (0, ("freq",), EITHER),
    "shift": (None, ("freq",), OFFSET),
    "round": (0, ("freq",), OFFSET),
    "floor": (0, ("freq",), OFFSET),
    "ceil": (0, ("freq",), OFFSET),
    "rolling": (0, ("window",), OFFSET),
    "to_period": (0, ("freq",), PERIOD),
}
INFER = frozenset({"pandas.infer_freq"})
CALLEE_LEAVES = leaves_of(FUNCTIONS) | frozenset(METHODS)
INFER_LEAVES = leaves_of(INFER)


def convert(text: str, table: dict[str, str]) -> str | None:
    """The new spelling of a frequency string, or None when nothing changes (or it is no alias)."""
    m = _WHOLE.match(text)
    if not m:
        return None
    out, changed = [], False
    for n, alias in _PIECE.findall(m.group(1)):
        if alias in table:
            out.append(n + table[alias])
            changed = True
        elif alias in CURRENT:
            out.append(n + alias)
        else:
            return None
    return "".join(out) + (m.group(2) or "") if changed else None


@lru_cache(maxsize=4096)  # the ast trigger asks about every string passed to a call; most repeat
def _converts(text: str) -> bool:
    return any(convert(text, table) is not None for table in (OFFSET, PERIOD, UNIT, TIMEDELTA_STRING))


def _alias_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and _converts(node.value)


def _call_with_alias_literal(call: ast.Call) -> bool:
    """A call passing a string some table rewrites: the only calls `leave_Call` acts on."""
    return any(_alias_literal(a) for a in call.args) or any(_alias_literal(k.value) for k in call.keywords)


def _compare_with_alias_literal(compare: ast.Compare) -> bool:
    """`... == "H"` with an old alias: the only comparisons `leave_Comparison` reports."""
    return _alias_literal(compare.left) or any(_alias_literal(c) for c in compare.comparators)


def _old_alias_string(expr: cst.BaseExpression) -> bool:
    """A string literal that some table would rewrite: the only arguments this rule can act on."""
    if not isinstance(expr, cst.SimpleString) or "b" in expr.prefix.lower():
        return False
    return _converts(expr.evaluated_value)


def _elsewhere(qnames: set[str]) -> bool:
    """The callee resolves to numpy, math, the builtins ...: not a pandas frequency argument."""
    return any(q.split(".")[0] in (*LOOKALIKE_MODULES, "builtins", "math", "datetime", "time") for q in qnames)


def is_old_alias(text: str) -> bool:
    return convert(text, OFFSET) is not None or convert(text, PERIOD) is not None


class PandasOffsetAliases(PandasRule, Rule):
    """## What it does
    Renames the frequency aliases pandas 3 rejects, in string literals at known frequency
    positions only: `'H'`→`'h'`, `'T'`→`'min'`, `'S'`→`'s'`, `'L'`→`'ms'`, `'U'`→`'us'`,
    `'N'`→`'ns'`, `'M'`→`'ME'`, `'Q'`→`'QE'`, `'A'`/`'Y'`→`'YE'`, `'AS'`→`'YS'`, `'BM'`→`'BME'` ...
    including multiples (`'15T'`→`'15min'`), compounds (`'1H30T'`→`'1h30min'`) and anchors
    (`'A-JUN'`→`'YE-JUN'`). Positions: `date_range/bdate_range/timedelta_range/interval_range(freq=)`,
    `pd.Grouper(freq=)`, `to_offset(...)`, `.resample(rule)`, `.asfreq(freq)`, `.shift(freq=)`,
    `.round/.floor/.ceil(freq)`, `.rolling("5T")`. Period contexts (`pd.Period`, `period_range`,
    `PeriodIndex`, `.to_period`) use the period table, where `M`, `Q`, `Y` stay and only `A`→`Y`,
    `H`→`h`, `T`→`min`, ... change. Timedelta units (`unit="T"`) and strings (`pd.Timedelta("5T")`)
    use the unit table.

    ## Why is this bad?
    The old aliases were deprecated in pandas 2.2 and are rejected by 3.0 (`ValueError: Invalid
    frequency`); Timedelta units `T/L/U/N` likewise, `H/S/d/w` warn (`Pandas4Warning`).

    ## Example
    ```python
    bars = ticks.resample("5T").last()
    month_ends = pd.date_range("2024", periods=12, freq="M")
    ```
    Use instead:
    ```python
    bars = ticks.resample("5min").last()
    month_ends = pd.date_range("2024", periods=12, freq="ME")
    ```

    ## Fix safety
    Safe: each pair names the same offset. Needs pandas ≥ 2.2. Variables and f-strings are not
    rewritten. `.asfreq("M")` is reported only: on period data `M` stays `M`.

    ## Not rewritten
    numpy units (`np.datetime64(x, "M")` is month, `astype("datetime64[M]")`), `strftime("%H")`,
    column labels and any string outside the positions above. `pd.infer_freq(idx) == "H"` is
    reported: `infer_freq` returns `"h"` since 2.2, so the comparison is silently False.
    """

    code = "FX206"
    name = "pandas-offset-aliases"
    summary = "Frequency aliases pandas 3 rejects: `'H'`→`'h'`, `'T'`→`'min'`, `'M'`→`'ME'` ..."
    safety = Safety.SAFE
    versions = Versions("pandas", deprecated="2.2", removed="3.0")  # "h", "ME" came in 2.2
    # pandas-only method names count as markers too: `px.asfreq("M")` is pandas whatever `px` is called
    requires = (*PANDAS_MARKERS, "asfreq", "resample", "date_range", "Grouper", "to_offset", "Period")
    triggers = ("resample", "date_range", "freq", "asfreq", "rolling", "round", "floor", "ceil", "Period",
                "Timedelta", "to_timedelta", "to_offset", "Grouper", "to_period", "infer_freq", "period_range")
    # `freq`, `round` and short literals are everywhere; an old alias passed to a call or compared is not
    ast_trigger = AstTrigger(shapes={ast.Call: lambda call, _scan: _call_with_alias_literal(call),
                                     ast.Compare: lambda node, _scan: _compare_with_alias_literal(node)})

    examples = (
        Example(
            "import pandas as pd\nidx = pd.date_range('2024-01-01', periods=12, freq='M')\n"
            "bars = px.resample('5T').last()\nhourly = px.asfreq('H')\n",
            "import pandas as pd\nidx = pd.date_range('2024-01-01', periods=12, freq='ME')\n"
            "bars = px.resample('5min').last()\nhourly = px.asfreq('h')\n",
        ),
        Example(
            "import pandas as pd\ng = pd.Grouper(key='t', freq='A-JUN')\nr = ts.rolling('1H30T').mean()\nq = ts.index.floor(freq='15S')\n",
            "import pandas as pd\ng = pd.Grouper(key='t', freq='YE-JUN')\nr = ts.rolling('1h30min').mean()\nq = ts.index.floor(freq='15s')\n",
        ),
        # Period contexts: M and Q stay, A → Y.
        Example(
            "import pandas as pd\np = pd.period_range('2020', periods=4, freq='A')\nm = s.dt.to_period('M')\nq = pd.Period('2020Q1', 'Q')\n",
            "import pandas as pd\np = pd.period_range('2020', periods=4, freq='Y')\nm = s.dt.to_period('M')\nq = pd.Period('2020Q1', 'Q')\n",
        ),
        # Timedelta units and strings.
        Example(
            "import pandas as pd\nd = pd.to_timedelta(x, unit='T')\ne = pd.Timedelta('5T')\nf = pd.Timedelta(3, 'H')\n",
            "import pandas as pd\nd = pd.to_timedelta(x, unit='min')\ne = pd.Timedelta('5min')\nf = pd.Timedelta(3, 'h')\n",
        ),
        # Reported: asfreq('M') (period or datetime?), infer_freq comparisons.
        Example("px2 = px.asfreq('M')\n", reported=True),
        Example("import pandas as pd\nif pd.infer_freq(idx) == 'H':\n    pass\n", reported=True),
        # Must not touch: numpy units, strftime, labels, current aliases, variables.
        Example(
            "import numpy as np\nimport pandas as pd\nm = np.datetime64('2020-01', 'M')\na = arr.astype('datetime64[M]')\n"
            "s = ts.strftime('%H:%M')\nc = df['H']\nd = pd.date_range('2024', periods=3, freq='D')\n"
            "e = px.resample('W-FRI').last()\nf = px.resample(rule).sum()\ng = round(x, 2)\nh = df.rolling(5).mean()\n"
            "i = pd.date_range('2024', periods=2, freq='MS')\nj = pd.period_range('2020', periods=2, freq='M')\n"
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not any(_old_alias_string(a.value) for a in original_node.args) or not may_resolve_to(
            self, original_node.func, CALLEE_LEAVES
        ):
            return updated_node  # only string arguments of these callees are frequencies
        spec = None
        qnames = self.types.qnames(original_node.func)
        timedelta = bool(qnames & TIMEDELTA_FUNCTIONS)
        for q in qnames:
            if q in FUNCTIONS:
                spec = FUNCTIONS[q]
                break
        else:
            func = original_node.func
            if isinstance(func, cst.Attribute) and func.attr.value in METHODS and not _elsewhere(qnames):
                if self.types.is_not_pandas(func.value):
                    return updated_node
                spec = METHODS[func.attr.value]
        if spec is None:
            return updated_node
        position, names, table = spec
        targets: list[int] = []
        positional = 0
        for i, arg in enumerate(original_node.args):
            if arg.star:
                break
            if arg.keyword is None:
                if positional == position:
                    targets.append(i)
                if timedelta and positional == 0:
                    targets.append(i)  # pd.Timedelta("5T"): the value itself
                positional += 1
            elif arg.keyword.value in names:
                targets.append(i)
            elif timedelta and arg.keyword.value == "value":
                targets.append(i)
        args = list(updated_node.args)
        changed = False
        for i in targets:
            value = original_node.args[i].value
            if not isinstance(value, cst.SimpleString) or "b" in value.prefix.lower():
                continue
            text = value.evaluated_value
            is_value = timedelta and (original_node.args[i].keyword is None and i == 0
                                      or original_node.args[i].keyword is not None
                                      and original_node.args[i].keyword.value == "value")
            use = TIMEDELTA_STRING if is_value else table
            new = convert(text, use)
            if new is None:
                if table is EITHER and convert(text, OFFSET) is not None:
                    self.report(value, f"`{value.value}` in `asfreq`: `{convert(text, OFFSET)}` for datetime data, "
                                f"`{convert(text, PERIOD) or text}` for period data (`{text}` was removed in pandas 3.0)",
                                reason="the index may be a PeriodIndex")
                continue
            quote = value.quote
            literal = f"{value.prefix}{quote}{new}{quote}"
            if self.report(value, f"`{value.value}` → `{literal}` ({_status(text, use)})", fix=Safety.SAFE):
                args[i] = args[i].with_changes(value=args[i].value.with_changes(value=literal))
                changed = True
        return updated_node.with_changes(args=args) if changed else updated_node

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        sides = [original_node.left] + [t.comparator for t in original_node.comparisons]
        if not any(isinstance(s, cst.SimpleString) for s in sides):
            return updated_node
        if not any(isinstance(s, cst.Call) and may_resolve_to(self, s.func, INFER_LEAVES)
                   and self.types.qnames(s.func) & INFER
                   or isinstance(s, cst.Attribute) and s.attr.value in ("freqstr", "inferred_freq") for s in sides):
            return updated_node
        for s in sides:
            if isinstance(s, cst.SimpleString) and is_old_alias(s.evaluated_value):
                self.report(original_node, f"`{code_of(original_node)}` compares with an old alias; pandas ≥ 2.2 returns "
                            f"`{convert(s.evaluated_value, OFFSET)}`, so this is silently False",
                            reason="the intended alias depends on the pandas version the code must support")
        return updated_node
