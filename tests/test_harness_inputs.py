"""Inputs from the body, trial typing through `raise`, branch coverage, the fixed verdict, exit codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from finfix.harness import VerifyResult, exit_code, render_markdown, verify_pairs
from finfix.harness.body import analyse
from finfix.harness.branches import branch_map
from finfix.harness.plan import short_repr

FIXTURES = Path(__file__).parent / "fixtures" / "harness"


def test_the_body_says_what_names_do_not():
    def kernel(T, shift, ticks, limit, lo):
        if shift == "left":
            pass
        for i in range(T.shape[0]):
            if i >= limit:
                break
            lo = lo + T[i, 0] + ticks[i]["price"] + ticks[i].ts
        return lo > 0.5

    hints = analyse(kernel).params
    assert hints["T"].ndim == 2 and hints["T"].indexed
    assert hints["shift"].stringy and hints["shift"].literals == ["left"] and not hints["shift"].count
    assert hints["ticks"].fields == {"price": "float64", "ts": "int64"}
    assert hints["limit"].count
    assert hints["lo"].floaty and 0.5 in hints["lo"].literals


def test_trial_typing_goes_through_raise_and_uses_the_body():
    pytest.importorskip("numba")
    import importlib.util

    from finfix.harness.inputs import parameters, trial_type

    spec = importlib.util.spec_from_file_location("body_before", FIXTURES / "body_before.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)

    kinds = {f.__name__: trial_type(f, parameters(f.py_func, skip_first=False))
             for f in (m.shifted, m.ffill_limit, m.fix_timestamps, m.last_column_sum)}
    assert [str(k) for k in kinds["shifted"]] == ["float64[:]", "str"]
    assert [str(k) for k in kinds["ffill_limit"]] == ["float64[:]", "int"]
    assert [str(k) for k in kinds["fix_timestamps"]] == ["record{ts: int64}[:]"]
    assert [str(k) for k in kinds["last_column_sum"]] == ["float64[:, :]"]


def test_branch_coverage_counts_outcomes_and_names_the_missing_ones():
    def f(x, how):
        s = 0
        for v in x:
            if v > 0:
                s += 1
        if how == "left":
            return -s
        return s

    bm = branch_map(f)
    assert bm.total == 6
    bm.run(lambda: f([1.0], "right"))
    assert bm.summary()["reached"] == 4
    assert [b.describe() for b in bm.uncovered()] == [
        f"line {f.__code__.co_firstlineno + 3} `if v > 0` never false",
        f"line {f.__code__.co_firstlineno + 5} `if how == \"left\"` never true",
    ]
    bm.run(lambda: f([-1.0], "left"))
    assert bm.uncovered() == []


def test_empty_arrays_show_their_shape_and_dtype():
    assert short_repr(np.empty((0, 3))) == "np.empty((0, 3), dtype=float64)"
    assert short_repr(np.zeros(0, dtype=[("ts", "i8")])) == "np.empty((0,), dtype=[('ts', '<i8')])"


@pytest.fixture(scope="module")
def body_results():
    pytest.importorskip("numba")
    after = FIXTURES / "body_after.py"
    pair = (str(after), (FIXTURES / "body_before.py").read_text(), after.read_text())
    return {r.function: r for r in verify_pairs([pair], examples=60)}


@pytest.mark.parametrize("name", ["shifted", "ffill_limit", "fix_timestamps", "last_column_sum"])
def test_mutants_only_body_inputs_reach_are_found(body_results, name):
    r = body_results[name]
    assert r.verdict == "different", r
    assert r.coverage and r.coverage["total"] > 0


def test_a_string_parameter_is_drawn_from_its_literals(body_results):
    cx = body_results["shifted"].counterexample
    assert cx["args"]["how"] == "'left'"
    assert "how: str (trial typing)" in cx["origin"]


def test_an_argument_changed_in_place_is_shown_after_the_call(body_results):
    cx = body_results["fix_timestamps"].counterexample
    assert cx["where"].startswith("ticks after the call")
    assert set(cx["args_after"]) == {"before", "after"}
    assert cx["args_after"]["before"]["ticks"] != cx["args_after"]["after"]["ticks"]


def test_an_equivalent_refactor_reports_its_coverage(body_results):
    r = body_results["argmax_nan"]
    assert r.verdict == "equivalent", r
    assert r.coverage["reached"] == r.coverage["total"] and "reached" in r.note


def test_a_removed_api_fix_is_fixed_not_different(body_results):
    r = body_results["typed_zeros"]
    assert r.verdict == "fixed", r
    assert "the original raised AttributeError" in r.note and "float_" in r.note


def _r(verdict: str, note: str = "") -> VerifyResult:
    return VerifyResult("m.py", f"f_{verdict}", verdict, note=note)


def test_exit_codes_cannot_lie():
    assert exit_code([_r("equivalent"), _r("fixed")]) == 0
    assert exit_code([_r("equivalent"), _r("skipped")]) == 3
    assert exit_code([_r("equivalent"), _r("skipped")], allow_skips=True) == 0
    assert exit_code([_r("skipped"), _r("different")]) == 1
    assert exit_code([_r("different"), _r("error")]) == 2
    assert exit_code([]) == 0


def test_skipped_functions_come_first_with_a_fix():
    md = render_markdown([_r("equivalent"), _r("different"),
                          _r("skipped", "every example raised (TypeError) in the original: the inputs do not fit")])
    head, table = md.split("| file |")
    assert "**Not verified (1)**" in head and "`f_skipped`: skipped" in head
    assert "[tool.finfix.verify.strategies]" in head and "finfix record" in head
    rows = [line for line in table.splitlines() if line.startswith("| `m.py`")]
    assert [row.split("|")[2].strip() for row in rows] == ["`f_skipped`", "`f_different`", "`f_equivalent`"]
