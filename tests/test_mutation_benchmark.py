"""benchmarks/mutation.py: lifting (numbagg's wrappers compile with numba), `--held-out 1|2`, spare refactors."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_held_out_sets_are_chosen_by_number(mutation):
    assert mutation.parse_args([]).held_out == 0
    assert mutation.parse_args(["--held-out"]).held_out == 1
    assert mutation.parse_args(["--held-out", "1"]).held_out == 1
    assert mutation.parse_args(["--held-out", "2"]).held_out == 2
    assert mutation.parse_args(["--held-out", "3"]).held_out == 3
    with pytest.raises(SystemExit):
        mutation.parse_args(["--held-out", "4"])
    # the second set shares no function with the first set or the corpus, and has 9+ functions
    assert len(mutation.HELD_OUT_2) >= 9
    assert not set(mutation.HELD_OUT_2) & (set(mutation.HELD_OUT) | set(mutation.CORPUS))
    # the third shares no function with the others, and no module but vectorbt's generic and numbagg's moving
    used = set(mutation.CORPUS + mutation.HELD_OUT + mutation.HELD_OUT_2)
    assert len(mutation.HELD_OUT_3) >= 8 and not set(mutation.HELD_OUT_3) & used
    shared = {rel for rel, _ in mutation.HELD_OUT_3} & {rel for rel, _ in used}
    assert shared == {"vectorbt/vectorbt/generic/nb.py", "numbagg/numbagg/moving.py"}
    # several --corpus folders: each file comes from the first that has it
    assert mutation.parse_args(["--corpus", "a", "--corpus", "b"]).corpus == [Path("a"), Path("b")]


def test_subjects_lift_the_chosen_set(mutation, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "numbagg" / "numbagg").mkdir(parents=True)
    (corpus / "numbagg" / "numbagg" / "funcs.py").write_text(
        "@ndreduce.wrap([int64(float64)], supports_parallel=False)\n"
        "def nanargmax(a: FloatArray) -> int:\n    '''Doc.'''\n    return 0\n", encoding="utf-8")
    found = mutation.subjects(corpus, tmp_path, held_out=2)
    assert [s[0] for s in found] == ["numbagg.nanargmax"]
    module = found[0][2]
    assert "@njit\ndef nanargmax(a):\n    return 0" in module  # numbagg hands the body to numba
    assert "Doc." not in module


def test_a_returned_expression_bound_first_tops_up_the_refactors(mutation):
    source = mutation.HEADER + "def f(r, q=0.5):\n    return r[r > q]\n"
    refactors = mutation.refactors_of(source, "f", 2, 16)
    assert [label for label, _ in refactors] == ["mirror#0", "temp#0"]
    temp = dict(refactors)["temp#0"]
    assert "_result = r[r > q]\n    return _result" in temp
    ns: dict = {}
    exec(compile(ast.parse(temp), "temp", "exec"), ns)
    assert list(ns["f"](ns["np"].array([0.1, 0.7]))) == [0.7]
