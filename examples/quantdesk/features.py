"""The feature pipeline: bars from trades, returns, rolling signals and a per-symbol feature table.

Written against pandas 1.x, so several calls inside the functions were removed in pandas 2/3
(`fillna(method=)`, `DataFrame.append`, `applymap`, the "H"/"T" aliases). The module itself imports
cleanly on pandas 3.1: only calling those functions fails, which is what `finfix apply` fixes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class Side(enum.Enum):
    BUY = 1
    SELL = -1


@dataclass
class Bucket:
    """A histogram bucket: its own `values` attribute, nothing to do with pandas."""

    edges: tuple[float, float]
    values: list[float] = field(default_factory=list)

    def spread(self) -> float:
        return max(self.values) - min(self.values) if self.values else 0.0


def load_trades(path: str) -> pd.DataFrame:
    trades = pd.read_csv(path, parse_dates=["ts"])
    trades.dropna(subset=["price", "qty"], inplace=True)
    trades.sort_values("ts", inplace=True)
    trades.set_index("ts", inplace=True)
    return trades


def hourly_bars(trades: pd.DataFrame) -> pd.DataFrame:
    bars = trades["price"].resample("H").ohlc()
    bars["volume"] = trades["qty"].resample("H").sum()
    bars.fillna(method="ffill", inplace=True)
    return bars


def minute_returns(trades: pd.DataFrame) -> pd.Series:
    px = trades["price"].resample("5T").last()
    px = px.fillna(method="ffill")
    return np.log(px).diff()


def winsorize(frame, lo: float = -3.0, hi: float = 3.0):
    """Clips a frame of scores in place and returns it. `frame` is the caller's: the fix is unsafe here
    (a caller that ignores the return value no longer sees the clipped frame)."""
    frame.clip(lo, hi, inplace=True)
    return frame


def signal_matrix(bars: pd.DataFrame) -> np.ndarray:
    feats = bars[["open", "high", "low", "close"]].copy()
    feats["close"].fillna(0.0, inplace=True)
    return feats.values


def close_array(bars: pd.DataFrame) -> np.ndarray:
    return bars["close"].values


def feature_table(per_symbol: dict[str, pd.DataFrame]) -> pd.DataFrame:
    table = pd.DataFrame(columns=["symbol", "ret", "vol"])
    for symbol, bars in per_symbol.items():
        ret = bars["close"].pct_change(fill_method=None)
        row = pd.DataFrame({"symbol": [symbol], "ret": [ret.mean()], "vol": [ret.std()]})
        table = table.append(row, ignore_index=True)
    return table


def labels(table: pd.DataFrame) -> pd.DataFrame:
    return table[["ret", "vol"]].applymap("{:.2%}".format)


def side_values() -> list[int]:
    # Enum members and a dataclass field called `values`, and a dict's values(): none is pandas.
    counts = {"buy": 3, "sell": 2}
    total = sum(counts.values())
    bucket = Bucket(edges=(0.0, 1.0), values=[0.2, 0.4])
    return [s.value for s in Side] + [total, len(bucket.values)]
