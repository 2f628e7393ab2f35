"""Held-out-2 fixes: kinds from truth values and bare comparisons, a deterministic trial typing, pandas-only
methods, arrays of one call cut to one length and crossing, single NaNs, comparison boundaries after full
coverage."""

from __future__ import annotations

import inspect
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finfix.harness import verify_pairs
from finfix.harness.body import analyse
from finfix.harness.explore import BOUNDARY, boundary, explore, mutate
from finfix.harness.inputs import parameters, plan_python
from finfix.harness.inputs_numba import _error_line, guess_kind
from finfix.harness.inputs_python import pandas_only
from finfix.harness.plan import Call, CallPlan, ParamPlan, _related, _same_lengths, calls
from finfix.harness.values import float_arrays

FIXTURES = Path(__file__).parent / "fixtures" / "harness"


def _kinds(fn) -> list[str]:
    body = analyse(fn)
    return [str(guess_kind(n, body.params[n])) for n in inspect.signature(fn).parameters]


def test_truth_values_make_booleans_and_a_bare_comparison_makes_a_float():
    def signals(entries, exits, entry_first, hit_below, stop_price, open_):
        if entries[0] and exits[0] and not entry_first:
            return not hit_below
        if open_ <= stop_price:
            return stop_price * (1 - 0.5)
        if open_ > 2.0:
            return 1.0
        return exits[1] > 0

    # entries: elements only used as truth values; exits: also compared (a number): stays float
    assert _kinds(signals) == ["bool[:]", "float64[:]", "bool", "bool", "float", "float"]


def test_a_string_comparison_is_not_arithmetic():
    def f(how, x):
        if how == "left":
            return x[0]
        return x[1]

    hints = analyse(f).params
    assert not hints["how"].compared and hints["how"].stringy


def test_a_typing_error_is_placed_at_its_earliest_line_of_the_function():
    def kernel():
        pass

    file = kernel.__code__.co_filename
    text = (f'Can\'t unify return type\nFile "{file}", line 15:\n  return x\nFile "/numba/core/typeinfer.py", '
            f'line 3:\nFile "{file}", line 12:\n  return y')
    assert _error_line(text, kernel) == 12.0
    assert _error_line("no location", kernel) == 0.0


def test_trial_typing_finds_scalars_where_every_name_looks_like_an_array():
    pytest.importorskip("numba")
    import importlib.util

    from finfix.harness.inputs import trial_type

    spec = importlib.util.spec_from_file_location("signals_before", FIXTURES / "signals_before.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    kinds = [str(k) for k in trial_type(m.trigger_price, parameters(m.trigger_price.py_func, skip_first=False))]
    assert kinds == ["int", "float", "int", "bool"]
    kinds = [str(k) for k in trial_type(m.first_signals, parameters(m.first_signals.py_func, skip_first=False))]
    assert kinds == ["bool[:]", "bool[:]", "bool"]


def test_a_method_only_pandas_has_makes_a_series():
    assert pandas_only({"quantile", "sum", "shape", "rolling"}) == {"quantile", "rolling"}

    def outliers(returns, quantile=0.95):
        return returns[returns > returns.quantile(quantile)].dropna(how="all")

    plan = plan_python(outliers, parameters(outliers, skip_first=False), user={}, call=None)
    assert plan.params[0].source == "body (Series)"
    drawn = []

    @settings(max_examples=10, database=None, derandomize=True)
    @given(calls(plan))
    def run(call: Call) -> None:
        drawn.append(call.values[0])

    run()
    assert all(isinstance(v, pd.Series) for v in drawn)


def test_arrays_of_one_call_are_often_cut_to_one_length():
    cut = _same_lengths({"a": np.arange(5.0), "b": np.zeros((3, 4)), "c": [1, 2, 3, 4], "k": 7,
                         "s": pd.Series(np.arange(6.0))})
    assert cut["a"].shape == (3,) and cut["b"].shape == (3, 4) and cut["c"] == [1, 2, 3] and cut["k"] == 7
    assert len(cut["s"]) == 3
    arrays = st.lists(st.floats(0, 1), min_size=0, max_size=30).map(np.array)
    plan = CallPlan([ParamPlan("x", arrays, "test"), ParamPlan("y", arrays, "test")])
    same = []

    @settings(max_examples=60, database=None, derandomize=True)
    @given(calls(plan))
    def run(call: Call) -> None:
        x, y = call.values
        same.append(len(x) == len(y))

    run()
    assert sum(same) >= len(same) // 3


def test_arrays_drawn_together_cross_and_keep_their_own_nan():
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([np.nan, 50.0, 60.0, np.nan])
    out = _related({"a": a, "b": b, "k": 3}, ["a", "b"], [-1, 0, 1])
    assert out["a"] is a and out["k"] == 3
    np.testing.assert_array_equal(out["b"], [np.nan, 2.0, 4.0, np.nan])


def test_single_nans_are_sprinkled_among_values():
    isolated = []

    @settings(max_examples=200, database=None, derandomize=True)
    @given(float_arrays(shape=(12,)))
    def run(x: np.ndarray) -> None:
        nan = np.isnan(x)
        isolated.append(any(nan[i] and not nan[i + 1] and not nan[i - 1] for i in range(1, 11)))

    run()
    assert sum(isolated) >= 10  # one array in twenty at least


def test_boundaries_are_tried_once_every_branch_is_reached():
    rng = np.random.default_rng(0)
    call = Call(("position", "flags", "price"), (5, np.array([True, False]), np.array([1.0, 2.0, 3.0])),
                (True, True, True))
    seen = {boundary(call, rng, {"position": [0]}).values[0] for _ in range(40)}
    assert {-1, 0, 1} <= seen
    checked: list[Call] = []
    run = explore([call], checked.append, lambda: 2, 2, deadline=time.perf_counter() + 30, literals={})
    assert run == len(checked) == BOUNDARY
    assert any(c.values[0] == 0 for c in checked)


def test_a_boolean_array_is_mutated_without_numpy_errors():
    rng = np.random.default_rng(1)
    call = Call(("flags",), (np.array([True, False, True, True]),), (True,))
    for _ in range(200):
        child = mutate(call, rng, {})
        assert child.values[0].dtype == np.bool_


@pytest.fixture(scope="module")
def signal_results():
    pytest.importorskip("numba")
    after = FIXTURES / "signals_after.py"
    pair = (str(after), (FIXTURES / "signals_before.py").read_text(), after.read_text())
    started = time.perf_counter()
    results = {r.function: r for r in verify_pairs([pair], examples=100)}
    return results, time.perf_counter() - started


def test_signal_and_boundary_mutants_are_killed_and_a_refactor_is_not(signal_results):
    results, seconds = signal_results
    assert results["first_signals"].verdict == "different", results["first_signals"]
    assert results["trigger_price"].verdict == "different", results["trigger_price"]
    assert results["trigger_price"].counterexample["args"]["position"] == "0"
    assert results["count_true"].verdict == "equivalent", results["count_true"]
    assert "bool[:]" in results["count_true"].inputs
    # Boolean arrays once sent Hypothesis's target phase into minutes of hill climbing
    assert seconds < 60
