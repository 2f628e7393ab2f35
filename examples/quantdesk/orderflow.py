"""Order-flow and price-structure kernels (numba), in the shape of the audited orderflow_jit.py and
price_structure_jit.py.

Some `prange` loops here race (the volume histogram, the net-flow accumulator, the bucketed imbalance,
the trailing stop that reads the previous bar); others are correct parallel code (per-bar outputs, a
scalar reduction, per-row footprints, per-chunk partial histograms). `finfix apply` must rewrite only
the first kind.

Every kernel takes numpy arrays, ints and floats, tolerates NaN/inf and arrays of unequal length, and
returns an array or a float.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import jit, njit, prange

JIT_SETTINGS = {"nopython": True, "parallel": True, "fastmath": False}


@njit(parallel=True)
def volume_profile(prices, volumes, lo, hi, n_bins):
    """Volume traded per price bin between ``lo`` and ``hi`` (racy: two trades can share a bin)."""
    hist = np.zeros(max(n_bins, 0))
    n = min(prices.shape[0], volumes.shape[0])
    if n_bins <= 0 or not (np.isfinite(hi - lo) and hi > lo):
        return hist
    width = (hi - lo) / n_bins
    if not width > 0.0:
        return hist
    for i in prange(n):
        p = prices[i]
        if not np.isfinite(p):
            continue
        b = int((min(max(p, lo), hi) - lo) / width)
        if b >= n_bins:
            b = n_bins - 1
        hist[b] += volumes[i]
    return hist


@numba.njit(parallel=True)
def net_order_flow(buy_volume, sell_volume):
    """[net flow, total volume] (racy: every iteration adds into out[0] and out[1])."""
    out = np.zeros(2)
    n = min(buy_volume.shape[0], sell_volume.shape[0])
    for i in prange(n):
        out[0] += buy_volume[i] - sell_volume[i]
        out[1] += buy_volume[i] + sell_volume[i]
    return out


@jit(**JIT_SETTINGS)
def bucket_imbalance(sides, sizes, n_buckets):
    """Signed size per round-robin bucket (racy: `i % n_buckets` sends many trades to one bucket)."""
    imbalance = np.zeros(max(n_buckets, 1))
    k = imbalance.shape[0]
    n = min(sides.shape[0], sizes.shape[0])
    for i in prange(n):
        imbalance[i % k] += sides[i] * sizes[i]
    return imbalance


@njit(parallel=True, fastmath=False)
def trailing_stop(close, atr, mult):
    """A ratcheting long stop (racy: bar i reads the stop of bar i - 1)."""
    n = min(close.shape[0], atr.shape[0])
    stop = np.empty(n)
    if n == 0:
        return stop
    stop[0] = close[0] - mult * atr[0]
    for i in prange(1, n):
        candidate = close[i] - mult * atr[i]
        stop[i] = max(stop[i - 1], candidate)
    return stop


@njit(parallel=True)
def rolling_delta(buy_volume, sell_volume, window):
    """Buy minus sell volume over the last ``window`` trades (race-free: each i writes out[i])."""
    n = min(buy_volume.shape[0], sell_volume.shape[0])
    out = np.empty(n)
    w = max(window, 1)
    for i in prange(n):
        start = max(0, i - w + 1)
        acc = 0.0
        for j in range(start, i + 1):
            acc += buy_volume[j] - sell_volume[j]
        out[i] = acc
    return out


@njit(parallel=True)
def vwap(prices, volumes):
    """Volume-weighted average price (race-free: two scalar reductions numba privatises)."""
    pv = 0.0
    vol = 0.0
    n = min(prices.shape[0], volumes.shape[0])
    for i in prange(n):
        pv += prices[i] * volumes[i]
        vol += volumes[i]
    if vol == 0.0:
        return np.nan
    return pv / vol


@jit(**JIT_SETTINGS)
def footprint(prices, volumes, lo, tick, n_levels, bar_len):
    """Volume per (bar, price level) (race-free: bar b only writes row b)."""
    n = min(prices.shape[0], volumes.shape[0])
    levels = max(n_levels, 1)
    size = max(bar_len, 1)
    n_bars = (n + size - 1) // size
    fp = np.zeros((n_bars, levels))
    top = lo + tick * levels
    if not (np.isfinite(top - lo) and tick > 0):
        return fp
    for bar in prange(n_bars):
        for k in range(bar * size, min(bar * size + size, n)):
            p = prices[k]
            if not np.isfinite(p):
                continue
            level = int((min(max(p, lo), top) - lo) / tick)
            if level >= levels:
                level = levels - 1
            fp[bar, level] += volumes[k]
    return fp


@njit
def _chunk_profile(partial, c, prices, volumes, lo, width, n_bins, start, stop):
    for k in range(start, stop):
        p = prices[k]
        if not np.isfinite(p):
            continue
        b = int((min(max(p, lo), lo + width * n_bins) - lo) / width)
        if b >= n_bins:
            b = n_bins - 1
        partial[c, b] += volumes[k]


@njit(parallel=True)
def volume_profile_chunked(prices, volumes, lo, hi, n_bins, n_chunks):
    """The parallel-safe volume profile: chunk c fills only row c of ``partial`` (race-free)."""
    bins = max(n_bins, 1)
    chunks = max(n_chunks, 1)
    partial = np.zeros((chunks, bins))
    n = min(prices.shape[0], volumes.shape[0])
    if not (np.isfinite(hi - lo) and hi > lo):
        return partial.sum(axis=0)
    width = (hi - lo) / bins
    if not width > 0.0:
        return partial.sum(axis=0)
    chunk = (n + chunks - 1) // chunks
    for c in prange(chunks):
        start = c * chunk
        stop = min(start + chunk, n)
        _chunk_profile(partial, c, prices, volumes, lo, width, bins, start, stop)
    return partial.sum(axis=0)


@jit(nopython=True)
def cumulative_delta(buy_volume, sell_volume):
    """Running buy minus sell volume (serial by nature)."""
    n = min(buy_volume.shape[0], sell_volume.shape[0])
    out = np.empty(n)
    acc = 0.0
    for i in range(n):
        acc += buy_volume[i] - sell_volume[i]
        out[i] = acc
    return out
