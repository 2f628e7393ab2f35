"""An async client for a crypto exchange's REST API (the shape of a ccxt adapter)."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class ExchangeClient:
    def __init__(self, base_url: str, session=None):
        self.base_url = base_url
        self.session = session
        self.calls = 0

    async def _get(self, path: str, params: dict) -> dict:
        self.calls += 1
        await asyncio.sleep(0)
        return {"path": path, "params": dict(params)}

    async def fetch_trades(self, symbol: str, since: int | None = None, params={}):
        # The audit's bug: this mutates the one dict shared by every call.
        params["symbol"] = symbol
        if since is not None:
            params["since"] = since
        return await self._get("/trades", params)

    async def fetch_ohlcv(self, symbol: str, timeframe: str = "1m", limit: int = 500, params={}):
        query = {"symbol": symbol, "interval": timeframe, "limit": limit}
        query.update(params)
        return await self._get("/klines", query)


def bucket_fills(fills, by=defaultdict(list)):
    """Group fills by order id."""
    for fill in fills:
        by[fill["order_id"]].append(fill)
    return by


def fees_for(symbols, schedule: dict[str, float] = {}) -> dict[str, float]:
    """Fee rate per symbol, 10 bp unless the schedule says otherwise."""
    return {s: schedule.get(s, 0.001) for s in symbols}
