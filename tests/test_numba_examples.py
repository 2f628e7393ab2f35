"""The report-only examples of the numba rules (FX001-FX007), pinned: message, line and safety.

A report-only example is one whose code is left alone but reported; its finding is what the user reads,
so its words are part of the rule's behaviour. FX001's rewriting examples must each carry a witness.
"""

from __future__ import annotations

import json

import pytest

from finfix.codemods.numba.cuda import BuiltinCuda
from finfix.codemods.numba.jit_modes import ErrorModel, Forceobj, JitNopythonDefault, NopythonFalse
from finfix.codemods.numba.prange import ParallelWithoutPrange, PrangeRace
from finfix.engine.core import fix_source

PINNED = [
    (PrangeRace, 5, [(6, 'detect', '`prange` loop left parallel: finfix cannot prove it race-free (line 7: `kernel(...)`: calls `kernel()`, which finfix cannot see (not a jitted function of this module)).')]),
    (PrangeRace, 10, [(6, 'detect', '`prange` loop is race-free and stays parallel: each iteration writes only its own elements of `out`; numba reduces `s` (+) across threads.')]),
    (Forceobj, 0, [(3, 'detect', '`forceobj=True` compiles in object mode: numba gives no speed-up here')]),
    (Forceobj, 1, [(3, 'detect', '`forceobj=True` on `njit` is ignored (numba warns and compiles in nopython mode)')]),
    (ParallelWithoutPrange, 0, [(5, 'detect', '`f` has no `prange` loop, but `parallel=True` comes from `JIT_SETTINGS`: its loops run serially')]),
    (ParallelWithoutPrange, 1, [(3, 'detect', '`parallel=True` on `f`, which has no `prange` loop: its `range` loops run serially')]),
    (ParallelWithoutPrange, 2, [(5, 'detect', '`prange` in `f`, compiled without `parallel=True`: it runs serially, like `range`')]),
    (ErrorModel, 0, [(3, 'detect', "`error_model='numpy'`: division by zero returns inf/nan, and integer `x // 0` returns 0, without an error")]),
    (ErrorModel, 1, [(5, 'detect', "`error_model='numpy'` (from `OPTS`): division by zero returns inf/nan, and integer `x // 0` returns 0, without an error")]),
    (BuiltinCuda, 0, [(1, 'detect', "the CUDA target built into numba (`numba.cuda`) is deprecated since numba 0.61: add `numba-cuda` (e.g. `numba-cuda[cu12]`) to the project's dependencies")]),
    (BuiltinCuda, 1, [(1, 'detect', "the CUDA target built into numba (`numba.cuda`) is deprecated since numba 0.61: add `numba-cuda` (e.g. `numba-cuda[cu12]`) to the project's dependencies")]),
    (BuiltinCuda, 2, [(1, 'detect', "the CUDA target built into numba (`numba.cuda`) is deprecated since numba 0.61: add `numba-cuda` (e.g. `numba-cuda[cu12]`) to the project's dependencies")]),
    (BuiltinCuda, 3, [(3, 'detect', "the CUDA target built into numba (`numba.cuda`) is deprecated since numba 0.61: add `numba-cuda` (e.g. `numba-cuda[cu12]`) to the project's dependencies")]),
]


def _run(rule, example):
    return fix_source(example.before, [rule], options={rule.code: dict(example.options)} if example.options else None)


@pytest.mark.parametrize(("rule", "index", "expected"), PINNED, ids=[f"{r.code}-{k}" for r, k, _ in PINNED])
def test_report_only_example_is_pinned(rule, index, expected):
    example = rule.examples[index]
    assert example.after is None and example.reported
    out, findings = _run(rule, example)
    assert out == example.before
    assert [(f.line, f.fix.value, f.message) for f in findings] == expected
    assert all("\n" not in f.message for f in findings)


def test_every_report_only_numba_example_is_pinned():
    rules = {PrangeRace, ParallelWithoutPrange, ErrorModel, Forceobj, BuiltinCuda, JitNopythonDefault, NopythonFalse}
    assert sorted(r.code for r in rules) == [f"FX00{k}" for k in range(1, 8)]
    report_only = {(r, k) for r in rules for k, e in enumerate(r.examples) if e.after is None and e.reported}
    assert report_only == {(r, k) for r, k, _ in PINNED}


def test_fx001_rewriting_examples_carry_a_witness():
    for example in PrangeRace.examples:
        if example.after is None or example.options.get("sequentialize-all"):
            continue
        _, findings = _run(PrangeRace, example)
        applied = [f for f in findings if f.applied]
        assert applied, example.before
        for f in applied:
            witness = json.loads(f.witness)
            assert witness["text"] in f.message and witness["conflict"], f.message
            assert "@njit(" not in f.message and "@numba.jit(" not in f.message and f.message.endswith(".")
