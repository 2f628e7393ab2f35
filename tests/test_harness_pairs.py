"""Hand-made before/after pairs (tests/fixtures/harness/): refactors that keep the numbers verify as
equivalent; subtle changes are found, with a small counterexample.

Each module pair runs in one worker process (kernels compile once), with modest example counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from finfix.harness import render_json, render_markdown, verify_pairs

pytest.importorskip("numba")

FIXTURES = Path(__file__).parent / "fixtures" / "harness"
EXAMPLES = 40


def _pair(name: str) -> tuple[str, str, str]:
    after = FIXTURES / f"{name}_after.py"
    return (str(after), (FIXTURES / f"{name}_before.py").read_text(), after.read_text())


def _by_function(results):
    return {r.function: r for r in results}


@pytest.fixture(scope="module")
def kernels():
    return _by_function(verify_pairs([_pair("kernels")], examples=EXAMPLES))


@pytest.fixture(scope="module")
def python():
    return _by_function(verify_pairs([_pair("python")], examples=EXAMPLES))


@pytest.mark.parametrize("name", ["rolling_max", "row_sums", "scale", "histogram"])
def test_equivalent_kernel_refactors(kernels, name):
    r = kernels[name]
    assert r.verdict == "equivalent", r
    assert r.examples >= EXAMPLES and r.max_ulp == 0 and r.counterexample is None


def test_explicit_signature_and_trial_typing_choose_the_inputs(kernels):
    assert kernels["rolling_max"].inputs == "x: float64[:], window: int (numba signature)"
    assert kernels["row_sums"].inputs == "M: float64[:, :] (trial typing)"  # a 2-D array


def test_prange_to_range_compares_the_sequential_meaning(kernels):
    assert "sequential meaning" in kernels["scale"].note
    assert "race observed" not in kernels["scale"].note  # out[i] = ... is race-free


def test_dropped_nan_check_is_found(kernels):
    cx = kernels["nansum"].counterexample
    assert kernels["nansum"].verdict == "different"
    assert "nan" in cx["args"]["x"] and cx["before"] != cx["after"]
    assert "nan" in cx["after"]


def test_lt_turned_le_is_found_on_a_tie(kernels):
    r = kernels["count_above"]
    assert r.verdict == "different"
    cx = r.counterexample
    # shrunk to a tie: one element equal to the threshold
    x, threshold = cx["args"]["x"], float(cx["args"]["threshold"])
    assert x == f"np.array([{threshold:g}.], dtype=float64)", cx
    assert (cx["before"], cx["after"]) == ("returns 0", "returns 1")


def test_an_ulp_difference_is_measured(kernels):
    r = kernels["tenth"]
    assert r.verdict == "different" and r.max_ulp == 1
    assert r.counterexample["where"] == "return value[0] (1 ulp)"


def test_in_place_kernels_compare_their_output_arguments(kernels):
    r = kernels["fill_returns"]
    assert r.verdict == "different"


def test_ulps_tolerance_accepts_rounding():
    src = (FIXTURES / "kernels_before.py").read_text()
    after = src.replace("return x * 0.1", "return x / 10.0")
    [r] = verify_pairs([(str(FIXTURES / "kernels_before.py"), src, after)], examples=EXAMPLES, ulps=2)
    assert (r.function, r.verdict, r.max_ulp) == ("tenth", "equivalent", 1)


def test_division_by_zero_now_raising(python):
    r = python["safe_ratio"]
    assert r.verdict == "different"
    assert r.counterexample["args"] == {"a": "0.0", "b": "0.0"}
    assert r.counterexample["after"].startswith("raises ZeroDivisionError")


def test_changed_default_is_found_by_omitting_the_argument(python):
    r = python["annualize"]
    assert r.verdict == "different"
    assert r.counterexample["args"]["periods"] == "<default>"
    assert (r.counterexample["before"], r.counterexample["after"]) == ("returns 252.0", "returns 365.0")


def test_mutable_default_fix_is_equivalent_to_a_fresh_original(python):
    r = python["collect"]
    assert r.verdict == "equivalent"
    assert "keeps state between calls" in r.note and "freshly loaded original" in r.note


@pytest.mark.parametrize("name", ["total_notional", "weighted", "Client.get", "report"])
def test_equivalent_python_refactors(python, name):
    assert python[name].verdict == "equivalent", python[name]
    assert python[name].examples >= EXAMPLES


def test_inputs_come_from_the_body_shape_and_from_callers(python):
    assert python["total_notional"].inputs == "fills: body shape"
    assert python["report"].inputs == "fills: body shape"  # passed on to total_notional


def test_introducing_shared_state_is_different():
    before = "def add(x, acc=None):\n    if acc is None:\n        acc = []\n    acc.append(x)\n    return acc\n"
    after = "def add(x, acc=[]):\n    acc.append(x)\n    return acc\n"
    [r] = verify_pairs([("shared.py", before, after)], examples=EXAMPLES)
    assert r.verdict == "different"


def test_relative_imports_of_the_package_work():
    path = FIXTURES / "pkg" / "pricing.py"
    before = path.read_text()
    after = before.replace("return notional - fee(notional)", "return notional - fee(notional) * 1.0")
    [r] = verify_pairs([(str(path), before, after)], examples=EXAMPLES)
    assert (r.function, r.verdict) == ("net", "equivalent"), r


def test_import_failure_and_timeout_are_errors():
    bad = verify_pairs(
        [("bad.py", "def f(x: int):\n    return x\n", "import nope_missing\ndef f(x: int):\n    return x + 0\n")],
        examples=5,
    )
    assert bad[0].verdict == "error" and "after version failed to import" in bad[0].note
    slow = verify_pairs(
        [("slow.py", "def f(x: int):\n    return x\n", "import time\ndef f(x: int):\n    time.sleep(60)\n")],
        examples=5, timeout=3,
    )
    assert slow[0].verdict == "error" and "timed out" in slow[0].note


def test_renderings(kernels):
    results = [kernels["nansum"], kernels["scale"]]
    md = render_markdown(results)
    assert "| `nansum` | ❌ different |" in md.replace(f"`{results[0].path}` | ", "")
    assert "<details><summary>Counterexample for <code>nansum</code>" in md
    import json

    doc = json.loads(render_json(results))
    first = doc["results"][0]
    assert set(first) >= {"path", "function", "verdict", "examples", "max_ulp", "counterexample", "note",
                          "examples_per_second"}
    assert doc["summary"]["different"] == 1 and doc["summary"]["examples_per_second"] > 0


@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_recorded_signatures_are_used(tmp_path):
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    kernel = "from numba import njit\n\n@njit\ndef pick(idx, x):\n    return x[idx].sum()\n"
    (tmp_path / "kern.py").write_text(kernel)
    (tmp_path / "run.py").write_text("import numpy as np\nfrom kern import pick\npick(np.arange(2), np.ones(3))\n")
    proc = subprocess.run([sys.executable, "-m", "finfix.harness.record", "run.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "recorded 1 new numba signature" in proc.stderr
    after = kernel.replace("return x[idx].sum()", "s = 0.0\n    for i in idx:\n        s += x[i]\n    return s")
    [r] = verify_pairs([(str(tmp_path / "kern.py"), kernel, after)], examples=EXAMPLES, project_root=tmp_path)
    assert r.inputs == "idx: int64[:], x: float64[:] (recorded signature)"
    assert r.verdict in ("equivalent", "different")  # sums in another order may differ; the inputs are the point


def test_a_racy_parallelisation_is_different():
    before = (
        "import numpy as np\nfrom numba import njit, prange\n\n"
        "@njit\ndef total(x):\n    acc = np.zeros(1)\n    for i in range(x.shape[0]):\n        acc[0] += x[i]\n"
        "    return acc\n"
    )
    after = before.replace("@njit\n", "@njit(parallel=True)\n").replace("in range(", "in prange(")
    [r] = verify_pairs([("racy.py", before, after)], examples=EXAMPLES)
    assert r.verdict == "different"
    assert "race observed in the rewrite" in r.note


def test_a_refactor_that_keeps_the_originals_race_is_not_different():
    before = (
        "import numpy as np\nfrom numba import njit, prange\n\n"
        "@njit(parallel=True)\ndef total(x):\n    acc = np.zeros(1)\n    for i in prange(x.shape[0]):\n"
        "        acc[0] += x[i]\n    return acc\n"
    )
    after = before.replace("acc", "sums")
    [r] = verify_pairs([("racy.py", before, after)], examples=EXAMPLES)
    assert r.verdict == "equivalent", r
    assert "race observed in the original" in r.note and "race observed in the rewrite too" in r.note


def test_functions_that_read_the_clock_are_compared_on_one_deterministic_clock():
    before = "import time\n\ndef stamp(tag: str) -> str:\n    return f'{tag}@{time.perf_counter_ns()}'\n"
    after = "import time\n\ndef stamp(tag: str) -> str:\n    return tag + '@' + str(time.perf_counter_ns())\n"
    [r] = verify_pairs([("clock.py", before, after)], examples=EXAMPLES)
    assert r.verdict == "equivalent", r
    assert "the clock was a deterministic one, the same for both versions" in r.note
    # ... and a rewrite that reads it twice where the original read it once differs
    twice = "import time\n\ndef stamp(tag: str) -> str:\n    time.perf_counter_ns()\n    return tag + '@' + str(time.perf_counter_ns())\n"
    [r] = verify_pairs([("clock.py", before, twice)], examples=EXAMPLES)
    assert r.verdict == "different", r


def test_nondeterministic_functions_are_skipped_not_different():
    before = "import os\n\ndef token(tag: str) -> str:\n    return f'{tag}@{os.urandom(8).hex()}'\n"
    after = "import os\n\ndef token(tag: str) -> str:\n    return tag + '@' + os.urandom(8).hex()\n"
    [r] = verify_pairs([("entropy.py", before, after)], examples=EXAMPLES)
    assert r.verdict == "skipped"
    assert r.note.startswith("nondeterministic")


def test_a_version_that_does_not_parse_is_an_error():
    [r] = verify_pairs([("broken.py", "def f(x):\n    return x\n", "def f(x):\n    return (x\n")], examples=5)
    assert (r.function, r.verdict) == ("<module>", "error")
    assert "after version does not parse" in r.note
