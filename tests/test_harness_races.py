"""`finfix verify` observes the race of every racy kernel FX001 rewrites (tests/fixtures/numba_corpus/).

A race shows in a parallel build's answers only when threads overlap; the harness compares the parallel
build with its sequential meaning (a scalar written in every iteration keeps the last chunk's value) and,
where the runs agree anyway, quotes FX001's witness: the pure-Python run's recorded accesses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finfix.harness.compare import ulp_distance
from finfix.harness.plan import _fold
from finfix.harness.race_witness import race_witnesses

CORPUS = Path(__file__).parent / "fixtures" / "numba_corpus"
RACY = ("histogram", "running", "scratch_rows", "last_value")


def test_race_witnesses_name_each_racy_function_and_no_correct_one():
    found = race_witnesses((CORPUS / "racy_kernels.py").read_text())
    assert sorted(found) == sorted(RACY)
    assert "h[" in found["histogram"] and "tmp[" in found["scratch_rows"] and "`last`" in found["last_value"]
    assert race_witnesses((CORPUS / "correct_kernels.py").read_text()) == {}
    assert race_witnesses("def f(x):\n    return x\n") == {}  # no prange: no child process at all


@pytest.mark.slow  # compiles four kernels three ways: over 5 s
def test_verify_observes_the_race_of_every_racy_corpus_kernel():
    pytest.importorskip("numba")
    from finfix.codemods.numba.prange import PrangeRace
    from finfix.engine.core import fix_source
    from finfix.harness import verify_pairs

    source = (CORPUS / "racy_kernels.py").read_text()
    fixed, findings = fix_source(source, [PrangeRace])
    assert len(findings) == 4 and all(f.applied for f in findings)
    results = {r.function: r for r in verify_pairs([("racy_kernels.py", source, fixed)], examples=40)}
    assert sorted(results) == sorted(RACY)
    for name, r in results.items():
        assert r.verdict == "equivalent", (name, r.note)  # the rewrite is the original's sequential meaning
        assert "race observed in the original" in r.note, (name, r.note)
        assert "race observed in the rewrite" not in r.note, (name, r.note)


@settings(max_examples=50, deadline=None)
@given(st.integers(-(2**62), 2**62), st.integers(0, 200))
def test_fold_keeps_counts_near_the_lengths(v, cap):
    out = _fold(v, cap)
    assert out == v if abs(v) <= cap else 0 <= out <= cap


def test_fold_leaves_what_is_not_an_int():
    assert _fold("left", 3) == "left" and _fold(True, 0) is True and _fold(2.5e9, 3) == 2.5e9


def test_equal_float_arrays_are_zero_ulps_apart_and_unequal_ones_are_not():
    x = np.array([1.0, np.nan, -0.0, np.inf])
    assert ulp_distance(x, x.copy()).tolist() == [0, 0, 0, 0]
    y = x.copy()
    y[0] = np.nextafter(1.0, 2.0)
    assert ulp_distance(x, y).tolist() == [1, 0, 0, 0]
