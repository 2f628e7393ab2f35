"""The pandas rules' report-only findings on unknown receivers: one line, the line number, no fix, and a
reason that says what would settle it."""

from __future__ import annotations

import pytest

from finfix.codemods.pandas.applymap import PandasApplymap
from finfix.codemods.pandas.fillna_method import PandasFillnaMethod
from finfix.codemods.pandas.inplace import PandasInplace
from finfix.codemods.pandas.misc_removed import PandasMiscRemoved
from finfix.codemods.pandas.values import PandasValues
from finfix.engine.core import fix_source
from finfix.results import Safety

SETTLE = "annotate it or run `finfix record -m pytest`"

CASES = [
    (PandasValues, "def f(df):\n    return df.values\n", 2,
     "`df.values`: if `df` is a pandas object, use `.to_numpy()` (or `.array`)",
     "`df` is not known to be a pandas object; `df` is a parameter: " + SETTLE),
    (PandasMiscRemoved, "def f(prices):\n    return prices.iteritems()\n", 2,
     "`.iteritems()` → `.items()` (removed in pandas 2.0)",
     "`prices` is not known to be a pandas object; `prices` is a parameter: " + SETTLE),
    (PandasApplymap, "import dask.dataframe as dd\ndef f(frame):\n    return frame.applymap(str)\n", 3,
     "`frame.applymap(...)` → `.map(...)` (removed in pandas 3.0)",
     "`frame` is not known to be a pandas object; `frame` is a parameter: " + SETTLE),
    (PandasFillnaMethod, "import xarray as xr\ndef f(px):\n    return px.fillna(method='ffill')\n", 3,
     "`fillna(method='ffill')` → `ffill()` (removed in pandas 3.0)",
     "`px` is not known to be a pandas object; `px` is a parameter: " + SETTLE),
    (PandasInplace, "import polars as pl\ndef f(x):\n    x.dropna(inplace=True)\n    return x\n", 3,
     "`x.dropna(inplace=True)`: if `x` is a pandas object, assign the result instead (`x = x.dropna(...)`)",
     "`x` is not known to be a pandas object; `x` is a parameter: " + SETTLE),
]


@pytest.mark.parametrize(("rule", "source", "line", "message", "reason"), CASES)
def test_report_only_findings_are_pinned(rule, source, line, message, reason):
    out, findings = fix_source(source, [rule], unsafe=True)
    assert out == source
    (f,) = findings
    assert (f.line, f.message, f.fix, f.reason) == (line, message, Safety.DETECT, reason)
    assert "\n" not in f.message
