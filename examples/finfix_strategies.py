"""Inputs `finfix verify` cannot make up by itself for quantdesk: files to read, an Axes to draw on, a
psutil.Process, and arguments whose shapes go together (see README, "Walkthrough")."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from finfix.harness.strategies import axes, csv_files, frames, process

finite = st.floats(-10.0, 10.0, allow_nan=False)
# daily returns in basis points, with missing (NaN) and broken (inf) quotes; not subnormal floats, on which
# the two seaborn versions' bar areas lose all precision
returns = hnp.arrays(np.float64, st.integers(0, 60), elements=st.integers(-2000, 2020).map(
    lambda bp: bp / 1e4 if bp <= 2000 else (np.nan if bp <= 2010 else np.inf)))

STRATEGIES = {
    # files to read: a trades CSV (NaN prices and quantities for dropna) and a daily bars CSV
    "quantdesk.features.load_trades": {"path": csv_files(frames(ts="datetime", price="float", qty="float"))},
    "quantdesk.ops.momentum": {"path": csv_files(frames(index="date", close="positive"), index=True)},
    # one frame of bars per symbol
    "quantdesk.features.feature_table": {
        "per_symbol": st.dictionaries(st.sampled_from(["BTC", "ETH", "SOL"]), frames(close="positive"), max_size=3),
    },
    # `.ix[:, "weight"]` reads a column the generated frames would not have
    "quantdesk.ops.legacy_weights": {"prices": frames(weight="float", price="float")},
    # a real Axes to draw on, and a correlation matrix to show
    "quantdesk.reports.tail_density": {"returns": returns, "ax": axes()},
    "quantdesk.reports.correlation_heatmap": {
        "corr": hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=8), elements=st.floats(-1, 1)),
        "ax": axes(),
    },
    "quantdesk.reports.returns_distribution": {"returns": returns},
    # a bin count is positive: with bins=0 distplot raises ValueError and histplot draws anyway (a difference
    # outside the function's domain; without this line `finfix verify` reports it as *different*)
    "quantdesk.reports.return_counts": {"returns": returns, "bins": st.integers(1, 60)},
    # unittest builds a test case from the name of one of its test methods
    "quantdesk.ops.TestFees": {"methodName": st.sampled_from(["test_fee_rounds_to_cents", "test_zero_quantity"])},
    # a live process
    "quantdesk.process_monitor.workdir": {"proc": process()},
    # k-means needs a 2-D matrix with at least k rows
    "quantdesk.research.regimes": {
        "features": hnp.arrays(np.float64, st.tuples(st.integers(4, 30), st.integers(1, 3)), elements=finite),
        "k": st.integers(1, 4),
    },
    # scores and returns of the same periods; a few trials keep the search fast
    "quantdesk.research.tune_threshold": {
        "scores": hnp.arrays(np.float64, 20, elements=st.floats(0.0, 2.0)),
        "future_returns": hnp.arrays(np.float64, 20, elements=st.floats(-0.1, 0.1)),
        "n_trials": st.integers(1, 5),
    },
}
