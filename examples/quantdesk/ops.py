"""Operations glue of the desk: fill counters in redis, cached quotes, GPU checks for the model host, the
daily chart and indicator jobs, shell commands for the archive, and the old unit tests of the fee maths.

Written over several years; each block has the pattern the audit found next to the form it recommends.
"""

from __future__ import annotations

import locale
import pipes
import unittest

import cachetools
import GPUtil
import mplfinance as mpf
import numpy as np
import pandas as pd
import redis
import talib
from cachetools import TTLCache, cached

r = redis.Redis(host="localhost", port=6379)


# -- redis --------------------------------------------------------------------------------------------
def add_fill(symbol: str, qty: int) -> None:
    """Count filled contracts per symbol (read-modify-write: two workers lose updates)."""
    fills = int(r.get(f"fills:{symbol}") or 0)
    r.set(f"fills:{symbol}", fills + qty)


def add_fill_atomic(symbol: str, qty: int) -> None:
    r.incrby(f"fills:{symbol}", qty)  # the atomic form: not reported


def move_position(key: str, delta: int) -> None:
    with r.pipeline(transaction=True) as pipe:  # WATCH/MULTI: not reported
        pipe.watch(key)
        current = int(pipe.get(key) or 0)
        pipe.multi()
        pipe.set(key, current + delta)
        pipe.execute()


# -- cachetools (FX522 is opt-in: `finfix check --select FX522`) --------------------------------------
@cached(TTLCache(maxsize=256, ttl=300))
def quote(symbol: str) -> float:
    return float(r.get(f"quote:{symbol}") or "nan")


BOOK_CACHE = TTLCache(maxsize=64, ttl=5)


@cached(BOOK_CACHE)
def book_depth(symbol: str) -> int:
    return int(r.get(f"depth:{symbol}") or 0)


def on_reconnect() -> None:
    BOOK_CACHE.clear()  # an invalidation path: `book_depth` is not reported


# -- GPUs ---------------------------------------------------------------------------------------------
def free_gpus(max_load: float = 0.5) -> list[int]:
    return GPUtil.getAvailable(limit=4, maxLoad=max_load)


# -- charts and indicators ----------------------------------------------------------------------------
def daily_chart(bars: pd.DataFrame, path: str) -> None:
    mpf.plot(bars, type="candle", volume=True, savefig=path)


def daily_chart_checked(bars: pd.DataFrame, path: str) -> None:
    bars = bars.astype(float)
    bars.index = pd.DatetimeIndex(bars.index)
    bars = bars.sort_index()
    mpf.plot(bars, type="candle", savefig=path)  # validated: not reported


def momentum(path: str) -> np.ndarray:
    bars = pd.read_csv(path, index_col=0, parse_dates=True)
    return talib.RSI(bars["close"], timeperiod=14)


def volume_trend(ticks: list[int]) -> np.ndarray:
    volume = np.array(ticks, dtype=np.int64)
    return talib.SMA(volume, 5)


def smooth(close: list[float]) -> np.ndarray:
    return talib.EMA(np.asarray(close, dtype="float64"), 3)  # a float64 array: not reported


def legacy_weights(prices: pd.DataFrame) -> pd.Series:
    return prices.ix[:, "weight"]


# -- money (FX107 is opt-in: `finfix check --select FX107`) -------------------------------------------
def fee(price: float, qty: float, rate: float = 0.0004) -> float:
    return round(price * qty * rate, 2)


# -- shell, locale, tests -----------------------------------------------------------------------------
def archive_command(path: str) -> str:
    return "tar czf archive.tgz " + pipes.quote(path)


def report_encoding() -> str:
    return locale.getdefaultlocale()[1] or "utf-8"


class TestFees(unittest.TestCase):
    def test_fee_rounds_to_cents(self):
        self.assertEquals(fee(100.0, 3.0), 0.12)

    def test_zero_quantity(self):
        self.failUnless(fee(100.0, 0.0) == 0.0)


__all__ = ["add_fill", "add_fill_atomic", "archive_command", "book_depth", "cachetools", "daily_chart",
           "daily_chart_checked", "fee", "free_gpus", "legacy_weights", "momentum", "move_position",
           "on_reconnect", "quote", "report_encoding", "smooth", "volume_trend"]
