"""Research code promoted from notebooks: cleaned prices, compounding, P&L area, fills, filtered prices,
volatility regimes and a parameter search.

Written in 2021 against NumPy 1.20, SciPy 1.7, scikit-learn 1.0 and optuna 2; finfix brings it to NumPy 2.4,
SciPy 1.17, scikit-learn 1.9 and optuna 5. The removed NumPy names are only used inside functions, so the
module still imports on NumPy 2 (and the functions fail when called); scikit-learn and optuna are optional
and imported where they are used.
"""

from __future__ import annotations

import numpy as np
from scipy import signal


def clean_prices(raw):
    """Quotes as float64, non-positive quotes (feed errors) set to NaN."""
    prices = np.array(raw, dtype=np.float_)
    prices[prices <= 0] = np.NaN
    return prices


def gross_return(returns):
    """Compounded gross return of a series of simple returns."""
    return np.product(1.0 + np.asarray(returns, dtype=np.float64))


def equity_curve(returns, start=1.0):
    """Equity after each period."""
    return start * np.cumproduct(1.0 + np.asarray(returns))


def pnl_area(pnl, t):
    """Area under the P&L curve over time t (trapezoid rule)."""
    return np.trapz(pnl, t)


def traded_mask(book_ids, traded_ids):
    """One flag per order of the book (a 2-D grid of ids), flattened as callers expect."""
    return np.in1d(book_ids, traded_ids)


def var_95(returns):
    """Historical 95% value at risk: the return at the 5th percentile, taken from the sample."""
    return -np.percentile(returns, 5, interpolation="lower")


def worst_drawdown(equity):
    """Largest peak-to-trough fall of an equity curve."""
    peak, worst = np.NINF, 0.0
    for value in equity:
        peak = max(peak, value)
        worst = max(worst, peak - value)
    return worst


def signal_flags(scores, threshold):
    """Boolean flags for scores above the threshold, as a NumPy bool array."""
    return (np.asarray(scores) > threshold).astype(np.bool)


def tapered(x):
    """The series under a Hann taper (before taking a spectrum)."""
    x = np.asarray(x, dtype=np.float)
    return x * signal.hann(len(x))


def lowpass(x, cutoff_hz, fs_hz, numtaps=51):
    """FIR low-pass filter of a regularly sampled series."""
    taps = signal.firwin(numtaps, cutoff_hz, nyq=0.5 * fs_hz)
    return signal.lfilter(taps, 1.0, x)


def regimes(features, k=3):
    """Volatility regimes by k-means on the feature matrix."""
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, algorithm="full", random_state=0)
    return model.fit_predict(features)


def tune_threshold(scores, future_returns, n_trials=20):
    """Search the signal threshold that maximises the mean return of flagged periods."""
    import optuna

    scores, future_returns = np.asarray(scores), np.asarray(future_returns)

    def objective(trial: optuna.Trial) -> float:
        threshold = trial.suggest_uniform("threshold", 0.0, 2.0)
        flags = scores > threshold
        return float(future_returns[flags].mean()) if flags.any() else 0.0

    study = optuna.create_study(direction="maximize")
    study.optimize(objective, n_trials=n_trials)
    return study.best_params["threshold"]


# -- look-alikes finfix must leave alone ------------------------------------------------------------------
def already_modern(x):
    """Correct NumPy 2 code: float64, nan, inf, trapezoid, isin, NumPy's own hanning window."""
    x = np.asarray(x, dtype=np.float64)
    x = np.where(np.isfinite(x), x, np.nan)
    window = np.hanning(len(x)) + signal.get_window("hann", len(x))
    return np.trapezoid(np.nan_to_num(x * window)), np.isin(x, [np.inf]).any(), np.float64(np.inf)


def on_accelerator(x):
    """jax.numpy mirrors NumPy but is not NumPy: its `float_` and `trapz` still exist."""
    import jax.numpy as jnp

    return jnp.trapz(jnp.asarray(x, dtype=jnp.float_))
