"""Comparing outcomes: structure, exceptions, exact floats with NaN == NaN, ULP distances."""

from __future__ import annotations

import numpy as np
import pytest

from finfix.harness.compare import INFINITE_ULP, Comparer, invoke, ulp_distance


def test_ulp_distance_is_exact_and_handles_nan_and_signed_zero():
    x = np.array([0.3, 0.0, np.nan, 1.0, -5e-324, -0.0])
    y = np.array([0.1 * 3, -0.0, np.nan, np.nan, 5e-324, 5e-324])
    assert ulp_distance(x, y).tolist() == [1, 0, 0, INFINITE_ULP, 2, 1]


def test_ulp_distance_float32():
    one = np.float32(1.0)
    assert ulp_distance(np.array([one]), np.array([np.nextafter(one, np.float32(2))])).tolist() == [1]


def test_exact_by_default_and_ulps_tolerance_records_max():
    strict, loose = Comparer(0), Comparer(2)
    a, b = np.array([3.0]) * 0.1, np.array([3.0]) / 10
    assert strict.values(a, b, "r") is not None
    assert strict.max_ulp == 1
    assert loose.values(a, b, "r") is None and loose.max_ulp == 1


def test_structural_differences_are_named():
    c = Comparer(0)
    assert "shape" in c.values(np.zeros(2), np.zeros(3), "r").where
    assert "dtype" in c.values(np.zeros(2), np.zeros(2, dtype=np.float32), "r").where
    assert c.values((1, [np.nan]), (1, [np.nan]), "r") is None
    assert c.values({"a": 1.0}, {"a": 1.0, "b": 2.0}, "r").where == "r keys"
    assert c.values(1, 1.0, "r") is not None  # int against float is a change of type
    assert c.values(np.float64(0.5), 0.5, "r") is None  # numpy and Python floats are both floats


def test_pandas_objects_compare_index_and_values():
    pd = pytest.importorskip("pandas")
    c = Comparer(0)
    s = pd.Series([1.0, np.nan])
    assert c.values(s, s.copy(), "r") is None
    assert c.values(s, s.set_axis([1, 2]), "r").where.startswith("r.index")


def test_outcomes_same_exception_type_is_equal_and_arguments_are_compared():
    c = Comparer(0)
    boom = invoke(lambda: 1 / 0, [], {})
    assert boom.raised == "ZeroDivisionError"
    assert c.outcomes(boom, invoke(lambda: 1 / 0, [], {})) is None
    assert c.outcomes(boom, invoke(lambda: 1, [], {})).where == "outcome"

    def writes(out):
        out[0] = 1.0

    def writes_other(out):
        out[0] = 2.0

    arr = np.zeros(1)
    found = c.outcomes(invoke(writes, [arr], {}), invoke(writes_other, [arr], {}))
    assert found is not None and found.where.startswith("argument 1 after the call")
    assert arr[0] == 0.0  # each call gets its own copy


def test_invoke_notes_pandas_chained_assignment_no_op():
    pd = pytest.importorskip("pandas")
    if int(pd.__version__.split(".")[0]) < 3:
        pytest.skip("pandas before 3 changes the frame in place without copy-on-write: nothing to warn about")

    def chained(frame):
        frame["close"].fillna(0.0, inplace=True)  # a no-op under copy-on-write: pandas warns
        return frame

    def assigned(frame):
        frame["close"] = frame["close"].fillna(0.0)
        return frame

    frame = pd.DataFrame({"close": [float("nan")]})
    assert invoke(chained, [frame], {}).no_op
    assert not invoke(assigned, [frame], {}).no_op


def test_callable_instances_of_the_two_copies_compare_by_attributes():
    import unittest

    def copy_of_class():
        class TestFees(unittest.TestCase):
            def test_zero(self):
                pass

        return TestFees

    before, after = copy_of_class()("test_zero"), copy_of_class()("test_zero")
    assert type(before) is not type(after) and before != after  # what == alone says
    assert Comparer(0).values(before, after, "self") is None
    changed = copy_of_class()("test_zero")
    changed.extra = 1
    assert Comparer(0).values(before, changed, "self") is not None
