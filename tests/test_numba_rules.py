"""Behaviour of the numba rules beyond their examples: how FX001 and FX005 cooperate, imports,
options, suppression, check mode, run order, and the example project through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import finfix.codemods
from finfix.codemods.numba.cuda import BuiltinCuda
from finfix.codemods.numba.jit_modes import ErrorModel, Forceobj, JitNopythonDefault, NopythonFalse
from finfix.codemods.numba.prange import ParallelWithoutPrange, PrangeRace
from finfix.engine.core import Settings, fix_source, run_rules

ROOT = Path(__file__).resolve().parents[1]
PAIR = [PrangeRace, ParallelWithoutPrange]

RACY_AND_FREE = """\
from numba import njit, prange

@njit(parallel=True)
def f(out, x, h, b):
    for i in prange(x.shape[0]):
        h[b[i]] += 1
    for i in prange(x.shape[0]):
        out[i] = x[i]
"""


def test_numba_rules_run_first_and_fx001_before_fx005():
    order = [r.code for r in finfix.codemods.BUILTIN]
    numba_codes = [c for c in order if c.startswith("FX0")]
    assert order[: len(numba_codes)] == numba_codes
    assert order.index("FX001") < order.index("FX005") < order.index("FX002")


def test_fx005_names_the_dict_after_fx001_sequentialised_the_last_loop():
    source = """\
from numba import jit, prange

JIT_SETTINGS = {"nopython": True, "parallel": True}

@jit(**JIT_SETTINGS)
def f(out, x):
    for i in prange(x.shape[0]):
        out[0] += x[i]
"""
    out, findings = fix_source(source, PAIR)
    assert "for i in range(x.shape[0]):" in out and "@jit(**JIT_SETTINGS)" in out
    assert [f.code for f in findings] == ["FX001", "FX005"]
    assert "JIT_SETTINGS" in findings[0].message and "stays" in findings[0].message
    assert "JIT_SETTINGS" in findings[1].message and not findings[1].fixable
    # before the fix FX005 has nothing to say: the prange is still there
    _, alone = fix_source(source, [ParallelWithoutPrange])
    assert alone == []


def test_parallel_stays_while_a_prange_remains_and_import_is_kept():
    out, findings = fix_source(RACY_AND_FREE, PAIR)
    assert "@njit(parallel=True)" in out
    assert "from numba import njit, prange" in out
    assert out.count("prange(") == 1 and "for i in range(x.shape[0]):\n        h[b[i]] += 1" in out
    assert [f.code for f in findings] == ["FX001"]


def test_import_forms():
    aliased = "from numba import njit, prange as pr\n\n@njit(parallel=True)\ndef f(o, x):\n    for i in pr(3):\n        o[0] += x[i]\n"
    out, _ = fix_source(aliased, PAIR)
    assert out.startswith("from numba import njit\n") and "for i in range(3):" in out and "@njit\n" in out
    module = "import numba\n\n@numba.njit(parallel=True)\ndef f(o, x):\n    for i in numba.prange(3):\n        o[0] += x[i]\n"
    out, _ = fix_source(module, PAIR)
    assert out.startswith("import numba\n") and "@numba.njit\n" in out and "for i in range(3):" in out


def test_prange_import_used_elsewhere_is_kept():
    source = RACY_AND_FREE.replace("out[i] = x[i]", "out[i] = x[i]\n\nPR = prange")
    source = source.replace("    for i in prange(x.shape[0]):\n        out[i] = x[i]\n", "")
    out, _ = fix_source(source, PAIR)
    assert "from numba import njit, prange" in out and "@njit\n" in out


def test_suppression_keeps_the_loop_and_parallel():
    source = RACY_AND_FREE.replace(
        "    for i in prange(x.shape[0]):\n        h[b[i]] += 1",
        "    for i in prange(x.shape[0]):  # finfix: ignore[FX001]\n        h[b[i]] += 1",
    )
    out, findings = fix_source(source, PAIR)
    assert out == source and findings == []


def test_check_mode_reports_without_changing():
    settings = Settings(fix=False)
    out, findings = run_rules("k.py", RACY_AND_FREE, PAIR, settings)
    assert out == RACY_AND_FREE
    assert len(findings) == 1 and findings[0].fixable and not findings[0].applied


def test_sequentialize_all_rewrites_race_free_loops_too():
    out, findings = fix_source(RACY_AND_FREE, PAIR, options={"FX001": {"sequentialize-all": True}})
    assert "prange" not in out and "@njit\n" in out
    assert len(findings) == 2 and all(f.applied for f in findings)
    assert any("proven race-free" in f.message for f in findings)


def test_nested_prange_is_judged_only_when_the_outer_loop_goes():
    source = """\
from numba import njit, prange

@njit(parallel=True)
def f(X, h, b):
    for i in prange(X.shape[0]):
        h[b[i]] += 1
        for j in prange(X.shape[1]):
            X[i, j] = 0.0
"""
    out, findings = fix_source(source, PAIR)
    # the outer loop races and goes; the inner one (race-free on its own) then runs in parallel
    assert "for i in range(X.shape[0]):" in out and "for j in prange(X.shape[1]):" in out
    assert "@njit(parallel=True)" in out
    assert len(findings) == 1


def test_no_parallel_means_no_fx001_finding_but_an_fx005_one():
    source = "from numba import njit, prange\n\n@njit\ndef f(o, x):\n    for i in prange(3):\n        o[0] += x[i]\n"
    out, findings = fix_source(source, PAIR)
    assert out == source
    assert [f.code for f in findings] == ["FX005"]


def test_unreadable_options_dict_is_analysed_as_parallel():
    source = """\
from numba import jit, prange
from config import SETTINGS

@jit(**SETTINGS)
def f(o, x):
    for i in prange(3):
        o[0] += x[i]
"""
    out, findings = fix_source(source, PAIR)
    assert "for i in range(3):" in out and "@jit(**SETTINGS)" in out
    assert [f.code for f in findings] == ["FX001"]


def test_jit_modes_chain():
    source = "from numba import jit\n\n@jit(nopython=True, parallel=False)\ndef f(x):\n    return x\n\n@jit(forceobj=True)\ndef g(x):\n    return x\n"
    out, findings = fix_source(source, [JitNopythonDefault, NopythonFalse, Forceobj])
    assert "@njit(parallel=False)\ndef f" in out
    assert out.startswith(("from numba import jit, njit\n", "from numba import njit, jit\n"))  # g still uses jit
    assert [f.code for f in findings] == ["FX002", "FX004"]


def test_error_model_and_cuda_are_report_only():
    source = "from numba import cuda, njit\n\n@njit(error_model='numpy')\ndef f(a, b):\n    return a // b\n"
    out, findings = fix_source(source, [ErrorModel, BuiltinCuda])
    assert out == source
    assert sorted(f.code for f in findings) == ["FX006", "FX007"]
    assert all(not f.fixable for f in findings)


@pytest.mark.xdist_group("serial")  # runs in the repository's examples/, shared by all workers
def test_cli_dry_run_on_the_example_project():
    proc = subprocess.run(
        [sys.executable, "-m", "finfix", "apply", "--dry-run", "examples/"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    diff = proc.stdout
    assert "+++ b/examples/quantdesk/orderflow.py" in diff, proc.stderr
    for line in ("-    for i in prange(n):", "+    for i in range(n):", "-@njit(parallel=True)", "+@njit",
                 "-    for i in prange(1, n):", "+    for i in range(1, n):"):
        assert line in diff
    # the race-free loops and the scalar reduction stay parallel
    for kept in ("for c in prange(chunks):", "for bar in prange(n_bars):", "pv += prices[i] * volumes[i]"):
        assert f"-    {kept}" not in diff and f"-        {kept}" not in diff
    assert "FX001 x4" in proc.stderr


def test_report_race_free_says_why_and_changes_nothing():
    out, findings = fix_source(RACY_AND_FREE, PAIR, options={"FX001": {"report-race-free": True}})
    assert out.count("prange(") == 1
    messages = sorted(f.message for f in findings)
    assert len(findings) == 2
    assert any("race-free and stays parallel" in m and "own elements of `out`" in m for m in messages)
    assert [f.applied for f in findings if "race-free" in f.message] == [False]


def test_witness_in_json_and_text_output_of_check(project):
    import json

    project.write("src/hist.py", RACY_AND_FREE)
    run = project.cli("check", "--select", "FX001", "--format", "json", "src")
    doc = json.loads(run.stdout)
    (finding,) = doc["findings"]
    witness = finding["witness"]
    assert witness["subject"] == ["array", "h"] and witness["conflict"]["element"].startswith("h[")
    assert witness["text"] in finding["message"] and finding["applied"] is False
    text = project.cli("check", "--select", "FX001", "src")
    assert f"    witness: {witness['text'].split(':')[0]}" in text.stdout
