"""Project facts through base classes and duck typing (issue 13, pyportfolioopt's shapes).

`self.returns = self._validate_returns(returns)` in a subclass calls a method its base class defines; the
base returns `pd.DataFrame(...)`, so `self.returns` is a DataFrame. A parameter used with `.pct_change`
in a helper makes the helper's result pandas (inferred, as in the per-file ladder).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from finfix.codemods.pandas.values import PandasValues
from finfix.engine.core import process_source
from finfix.project.gather import gather
from finfix.results import Safety, Settings

BASE = '''\
import pandas as pd


class Base:
    def _validate_returns(self, returns):
        return pd.DataFrame(returns)

    def _other(self, x):
        return x


def returns_from_prices(prices):
    return prices.pct_change().dropna(how="all")


def ema(series, window):
    return series.ewm(span=window).mean()
'''

MAIN = '''\
from pkg_inherited.base import Base, ema, returns_from_prices


class Frontier(Base):
    def __init__(self, returns, prices):
        self.returns = self._validate_returns(returns)
        self.rets = returns_from_prices(prices)
        self.other = self._other(returns)

    def matrix(self):
        return self.returns.values

    def from_prices(self):
        return self.rets.values

    def unknown(self):
        return self.other.values

    def smooth(self, prices):
        return ema(prices, 2).values


class Override(Base):
    def _validate_returns(self, returns):
        return list(returns)

    def __init__(self, returns):
        self.returns = self._validate_returns(returns)

    def matrix(self):
        return self.returns.values
'''


def _run(tmp_path: Path):
    pkg_inherited = tmp_path / "pkg_inherited"
    pkg_inherited.mkdir()
    (pkg_inherited / "__init__.py").write_text("")
    (pkg_inherited / "base.py").write_text(BASE)
    main = pkg_inherited / "main.py"
    main.write_text(MAIN)
    facts = gather([str(p) for p in sorted(pkg_inherited.glob("*.py"))], tmp_path)
    result = process_source(str(main), main.read_bytes(), (PandasValues,),
                            Settings(fix=True, unsafe_fixes=True, project=facts))
    assert result.error is None, result.error
    lines = MAIN.splitlines()
    by_text = {}
    for f in result.findings:
        by_text.setdefault(lines[f.line - 1].strip(), []).append(f)
    return result, by_text


def test_inherited_method_and_duck_typed_helper(tmp_path, monkeypatch):
    result, by_text = _run(tmp_path)
    fixes = [f for f in by_text["return self.returns.values"] if f.applied]
    assert len(fixes) == 1 and fixes[0].fix is Safety.UNSAFE  # an attribute: inferred
    assert "DataFrame" in fixes[0].message
    [rets] = by_text["return self.rets.values"]
    assert rets.applied and "`self.rets` is assigned a pandas object" in rets.reason
    assert "return self.other.values" not in by_text or not by_text["return self.other.values"][0].applied
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "pkg_inherited" / "main.py").write_bytes(result.new)
    from pkg_inherited import main as fixed

    frontier = fixed.Frontier([[0.1, 0.2]], pd.DataFrame({"a": [1.0, 2.0, 4.0]}))
    assert isinstance(frontier.matrix(), np.ndarray)
    assert frontier.from_prices().tolist() == [[1.0], [1.0]]
    [smooth] = by_text["return ema(prices, 2).values"]
    assert smooth.applied and smooth.fix is Safety.UNSAFE and "series.ewm" in smooth.message + smooth.reason
    assert frontier.smooth(pd.Series([1.0, 1.0])).tolist() == [1.0, 1.0]


def test_an_override_without_a_known_result_is_not_the_base_method(tmp_path):
    _result, by_text = _run(tmp_path)
    # Override._validate_returns returns a list: its `self.returns` must never be rewritten.
    fixes = [f for f in by_text["return self.returns.values"] if f.applied]
    assert len(fixes) == 1  # only Frontier's
