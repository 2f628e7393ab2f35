"""FX001's decisions, checked by running the kernels.

* Racy kernels (every FX001 example that rewrites, and the racy kernels of the example project): the
  rewritten, compiled kernel must equal the original's ``py_func`` exactly (0 ULP), on random inputs:
  a loop run with ``range`` computes what the iterations compute one after another.
* Race-free kernels, left untouched: the compiled parallel kernel must match ``py_func``. Disjoint
  writes (``out[i] = ...``, per-row and per-chunk buffers) must match exactly (0 ULP); scalar
  reductions are combined by numba in another order, so they may differ by at most
  ``REDUCTION_ULPS(n) = 4 * n`` ULP for a sum of ``n`` positive terms (the textbook bound for
  reordering a float sum is ``(n - 1) * eps`` relative, i.e. about ``2 * n`` ULP).

Each kernel is compiled once per session (inputs keep the same types), with small inputs.
"""

from __future__ import annotations

import ast
import copy
import functools
import types
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba")

from finfix.codemods.numba.prange import PrangeRace  # noqa: E402
from finfix import registry  # noqa: E402
from finfix.engine.core import fix_source  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::numba.core.errors.NumbaPerformanceWarning")

ORDERFLOW = Path(__file__).resolve().parents[1] / "examples" / "quantdesk" / "orderflow.py"
NUMBA_RULES = tuple(r for r in registry.all_rules() if r.code.startswith("FX0"))
SEEDS = (0, 1, 2)
N = 257


def REDUCTION_ULPS(n: int) -> int:
    return 4 * n


def ulp_distance(a, b) -> int:
    """The largest distance in units in the last place between two float arrays (NaN == NaN)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    assert a.shape == b.shape
    if a.size == 0:
        return 0
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if (nan_a != nan_b).any():
        return 2**62
    a, b = np.where(nan_a, 0.0, a), np.where(nan_b, 0.0, b)

    def ordered(x):
        bits = x.view(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFFFFFFFFFF), bits).astype(object)

    return int(max(abs(p - q) for p, q in zip(ordered(a), ordered(b))))


def _load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


# -- the rule's own examples ------------------------------------------------------------------------------
def _example_inputs(rng: np.random.Generator) -> dict[str, tuple]:
    return {
        "hist": (rng.integers(0, 8, N), 8),
        "total": (rng.random(N), np.zeros(1)),
        "ema": (rng.random(N), np.zeros(N), 0.3),
        "f": (np.zeros(N), rng.random(N)),
        "features": (rng.random((N, 3)), np.zeros((N, 1))),
        "run": (np.zeros((4, 16)), rng.random(16), 4),
    }


# index of the example in PrangeRace.examples -> the function to run
RACY_EXAMPLES = {0: "hist", 1: "total", 2: "ema", 8: "f", 9: "f"}
RACE_FREE_EXAMPLES = {3: ("features", REDUCTION_ULPS(N)), 4: ("run", 0)}


@functools.lru_cache(maxsize=None)
def _example_modules(index: int) -> tuple[types.ModuleType, types.ModuleType]:
    example = PrangeRace.examples[index]
    after = example.after if example.after is not None else example.before
    return _load(example.before, f"before_{index}"), _load(after, f"after_{index}")


def test_every_rewriting_example_is_checked_numerically():
    rewriting = {i for i, e in enumerate(PrangeRace.examples) if e.after is not None}
    assert rewriting == set(RACY_EXAMPLES)


@pytest.mark.parametrize("index", sorted(RACY_EXAMPLES))
def test_rewritten_example_equals_py_func(index):
    name = RACY_EXAMPLES[index]
    before, after = _example_modules(index)
    assert "prange" not in after.__dict__ or index == 2  # the prange import went with the last prange
    for seed in SEEDS:
        args = _example_inputs(np.random.default_rng(seed))[name]
        a, b = copy.deepcopy(args), copy.deepcopy(args)
        got = getattr(after, name)(*a)
        want = getattr(before, name).py_func(*b)
        np.testing.assert_array_equal(got, want)
        for x, y in zip(a, b):  # kernels that write into their arguments
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("index", sorted(RACE_FREE_EXAMPLES))
def test_race_free_example_stays_parallel_and_matches(index):
    name, bound = RACE_FREE_EXAMPLES[index]
    example = PrangeRace.examples[index]
    assert fix_source(example.before, [PrangeRace])[0] == example.before
    before, _ = _example_modules(index)
    kernel = getattr(before, name)
    for seed in SEEDS:
        args = _example_inputs(np.random.default_rng(seed))[name]
        a, b = copy.deepcopy(args), copy.deepcopy(args)
        got, want = kernel(*a), kernel.py_func(*b)
        if want is not None:
            assert ulp_distance(got, want) <= bound
        for x, y in zip(a, b):
            assert ulp_distance(x, y) == 0
    assert kernel.targetoptions.get("parallel") is True


# -- the example project ----------------------------------------------------------------------------------
def _orderflow_inputs(rng: np.random.Generator) -> dict[str, tuple]:
    prices = 100.0 + 2.0 * rng.standard_normal(N)
    volumes = rng.random(N)
    sells = rng.random(N)
    sides = np.sign(rng.standard_normal(N))
    atr = 0.5 + rng.random(N)
    return {
        "volume_profile": (prices, volumes, 95.0, 105.0, 16),
        "net_order_flow": (volumes, sells),
        "bucket_imbalance": (sides, volumes, 7),
        "trailing_stop": (prices, atr, 2.0),
        "rolling_delta": (volumes, sells, 5),
        "vwap": (prices, volumes),
        "footprint": (prices, volumes, 95.0, 0.5, 20, 32),
        "volume_profile_chunked": (prices, volumes, 95.0, 105.0, 16, 4),
        "cumulative_delta": (volumes, sells),
    }


ORDERFLOW_RACY = ("volume_profile", "net_order_flow", "bucket_imbalance", "trailing_stop")
ORDERFLOW_RACE_FREE = {
    "rolling_delta": 0,
    "vwap": REDUCTION_ULPS(N),
    "footprint": 0,
    "volume_profile_chunked": 0,
}


@functools.lru_cache(maxsize=None)
def _orderflow() -> tuple[types.ModuleType, types.ModuleType, str]:
    source = ORDERFLOW.read_text()
    new, _ = fix_source(source, NUMBA_RULES)
    return _load(source, "orderflow_before"), _load(new, "orderflow_after"), new


def _functions_with_prange(source: str) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(c, ast.Call) and getattr(c.func, "id", "") == "prange" for c in ast.walk(node))
    }


def test_orderflow_rewrites_exactly_the_racy_kernels():
    before, after, new = _orderflow()
    old = ORDERFLOW.read_text()
    assert _functions_with_prange(old) - _functions_with_prange(new) == set(ORDERFLOW_RACY)
    assert _functions_with_prange(new) == set(ORDERFLOW_RACE_FREE)
    for name in ORDERFLOW_RACY:
        opts = getattr(after, name).targetoptions
        assert not opts.get("parallel") or name == "bucket_imbalance"  # that one takes **JIT_SETTINGS


@pytest.mark.parametrize("name", ORDERFLOW_RACY)
def test_orderflow_racy_kernel_rewritten_equals_py_func(name):
    before, after, _ = _orderflow()
    for seed in SEEDS:
        args = _orderflow_inputs(np.random.default_rng(seed))[name]
        got = getattr(after, name)(*copy.deepcopy(args))
        want = getattr(before, name).py_func(*copy.deepcopy(args))
        assert ulp_distance(got, want) == 0


@pytest.mark.parametrize("name", sorted(ORDERFLOW_RACE_FREE))
def test_orderflow_race_free_kernel_untouched_and_matches(name):
    before, after, _ = _orderflow()
    kernel = getattr(before, name)
    assert kernel.targetoptions.get("parallel") is True
    for seed in SEEDS:
        args = _orderflow_inputs(np.random.default_rng(seed))[name]
        got = kernel(*copy.deepcopy(args))
        want = kernel.py_func(*copy.deepcopy(args))
        assert ulp_distance(got, want) <= ORDERFLOW_RACE_FREE[name]


def test_ulp_distance():
    assert ulp_distance([1.0], [np.nextafter(1.0, 2.0)]) == 1
    assert ulp_distance([-0.0], [0.0]) == 0
    assert ulp_distance([np.nan], [np.nan]) == 0
    assert ulp_distance([np.nan], [1.0]) > 10**9
    assert ulp_distance([-1.0], [np.nextafter(-1.0, 0.0)]) == 1
