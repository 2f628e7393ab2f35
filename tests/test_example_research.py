"""The example project's research and process-monitor modules, fixed by finfix, run on today's libraries
and give the results the old code gave on the old libraries."""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.signal

from finfix import registry
from finfix.engine.core import fix_source

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "quantdesk"


def _fixed_module(name: str, tmp_path: Path):
    source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
    rules = registry.select(["FX4", "FX5"])
    fixed, findings = fix_source(source, rules, unsafe=True)  # quantdesk takes unsafe fixes
    assert fixed != source and any(f.applied for f in findings)
    path = tmp_path / f"fixed_{name}.py"
    path.write_text(fixed, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"fixed_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module, fixed


@pytest.fixture(scope="module")
def research(tmp_path_factory):
    return _fixed_module("research", tmp_path_factory.mktemp("research"))


def test_the_original_research_code_fails_on_numpy_2():
    spec = importlib.util.spec_from_file_location("orig_research", EXAMPLES / "research.py")
    original = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(original)  # it imports ...
    with pytest.raises(AttributeError):
        original.clean_prices([1.0])  # ... but np.float_ is gone


def test_fixed_research_has_no_removed_names_and_keeps_the_look_alikes(research):
    _, fixed = research
    for gone in ("np.float_", "np.NaN", "np.product", "np.cumproduct", "np.trapz", "np.in1d", "interpolation=",
                 "np.NINF", "np.bool)", "np.float)", "signal.hann(", "nyq=", '"full"', "suggest_uniform"):
        assert gone not in fixed.replace("jnp.", "JNP."), gone
    assert "jnp.trapz(jnp.asarray(x, dtype=jnp.float_))" in fixed  # jax.numpy is not numpy
    assert "np.hanning(len(x)) + signal.get_window(\"hann\", len(x))" in fixed
    assert 'KMeans(n_clusters=k, algorithm="lloyd", random_state=0, n_init=10)' in fixed


def test_fixed_research_computes_what_the_old_code_computed(research):
    module, _ = research
    prices = module.clean_prices([10.0, -1.0, 10.5])
    assert prices.dtype == np.float64 and np.isnan(prices[1])
    returns = np.array([0.01, -0.02, 0.03])
    assert module.gross_return(returns) == pytest.approx(1.01 * 0.98 * 1.03)
    np.testing.assert_allclose(module.equity_curve(returns), [1.01, 1.01 * 0.98, 1.01 * 0.98 * 1.03])
    t, pnl = np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 2.0])
    assert module.pnl_area(pnl, t) == pytest.approx(1.0 + 4.0)
    book = np.array([[1, 2, 3], [4, 5, 6]])
    assert module.traded_mask(book, [2, 6]).tolist() == [False, True, False, False, False, True]  # flat, as in1d
    sample = np.array([-0.05, 0.01, -0.02, 0.03, 0.0])
    assert module.var_95(sample) == 0.05  # interpolation="lower": a sample value
    assert module.worst_drawdown([1.0, 1.2, 0.9, 1.1]) == pytest.approx(0.3)
    flags = module.signal_flags([0.1, 2.0], 1.0)
    assert flags.dtype == np.bool_ and flags.tolist() == [False, True]
    n = np.arange(8)
    np.testing.assert_allclose(module.tapered(np.ones(8)), 0.5 - 0.5 * np.cos(2 * np.pi * n / 7), atol=1e-12)
    x = np.sin(np.linspace(0, 20, 200))
    old = scipy.signal.lfilter(scipy.signal.firwin(51, 5.0 / 50.0), 1.0, x)  # nyq=50 normalised 5 Hz to 0.1
    np.testing.assert_allclose(module.lowpass(x, 5.0, 100.0), old, rtol=1e-12, atol=1e-12)


def test_fixed_research_runs_sklearn_and_optuna(research):
    pytest.importorskip("sklearn")
    optuna = pytest.importorskip("optuna")
    module, _ = research
    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(3, 0.1, (20, 2))])
    labels = module.regimes(features, k=2)
    assert len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[-1]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    scores = rng.uniform(0, 2, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # suggest_uniform's deprecation warning would fail here
        threshold = module.tune_threshold(scores, scores - 1.0, n_trials=8)
    assert 0.0 <= threshold <= 2.0


def test_the_sampler_seed_is_an_opt_in_unsafe_fix():
    source = (EXAMPLES / "research.py").read_text(encoding="utf-8")
    assert fix_source(source, registry.select(["FX512"]), unsafe=True)[0] == source  # detect only by default
    fixed, _ = fix_source(source, registry.select(["FX512"]), unsafe=True, options={"FX512": {"seed": 42}})
    assert 'optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=42))' in fixed


def test_fixed_process_monitor_runs_on_psutil_7(tmp_path):
    psutil = pytest.importorskip("psutil")
    module, fixed = _fixed_module("process_monitor", tmp_path)
    for gone in ("NUM_CPUS", "TOTAL_PHYMEM", "get_pid_list", "get_memory_info", "get_children", ".connections()\n",
                 "psutil.error", "getcwd", "get_cpu_times", "network_io_counters"):
        assert gone not in fixed.split("# -- look-alikes")[0], gone
    assert "\nimport psutil" not in fixed  # psutil stays a lazy import (`psutil.error.X` -> `psutil.X`)
    # the look-alikes (multiprocessing.Process.name, a pool's status) are untouched
    assert "[w.name for w in workers]" in fixed and "len(engine.connections())" in fixed
    summary = module.host_summary()
    assert summary["cpus"] == psutil.cpu_count() and summary["memory"] == psutil.virtual_memory().total
    assert summary["processes"] > 0
    me = module.this_process()
    assert me["name"] == psutil.Process().name() and isinstance(me["cpu"], float)
    assert module.workdir(psutil.Process()) == os.getcwd()
    assert module.family(os.getpid()) == sorted(c.pid for c in psutil.Process().children(recursive=True))
    if psutil.Process().name().startswith("python"):  # the property bug made this list always empty
        assert os.getpid() in [pid for pid, _, _ in module.python_processes()]
