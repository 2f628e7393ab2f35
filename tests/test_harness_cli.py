"""`finfix verify` (finfix's rewrites, --base REV), `apply --verify`, on small projects and on examples/."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from finfix import registry

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

KERNEL = """\
import numpy as np
from numba import njit


@njit
def count_above(x, threshold):
    c = 0
    for i in range(x.shape[0]):
        if x[i] > threshold:
            c += 1
    return c


@njit
def spread(bid, ask):
    out = np.empty_like(bid)
    for i in range(bid.shape[0]):
        out[i] = ask[i] - bid[i]
    return out


def summary(x):
    return {"above": count_above(x, 0.0), "n": len(x)}
"""


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(project):
    pytest.importorskip("numba")
    project.write("desk/__init__.py", "")
    project.write("desk/kernels.py", KERNEL, dedent=False)
    _git(project.root, "init", "-q")
    _git(project.root, "add", ".")
    _git(project.root, "commit", "-qm", "base")
    return project


def test_verify_base_finds_a_hand_made_change_and_its_caller(repo):
    repo.write("desk/kernels.py", KERNEL.replace("x[i] > threshold", "x[i] >= threshold"), dedent=False)
    run = repo.cli("verify", "--base", "HEAD", "--examples", "30", "--format", "json", "desk/")
    assert run.exit_code == 1, run
    results = {r["function"]: r for r in json.loads(run.stdout)["results"]}
    assert set(results) == {"count_above", "summary"}  # the changed kernel and its caller; not spread
    assert results["count_above"]["verdict"] == "different"
    cx = results["count_above"]["counterexample"]
    threshold = float(cx["args"]["threshold"])  # shrunk to a tie: one element equal to the threshold
    assert cx["args"]["x"] == f"np.array([{threshold:g}.], dtype=float64)", cx
    assert results["summary"]["verdict"] == "different"
    assert results["count_above"]["examples_per_second"] > 0


def test_verify_base_equivalent_refactor_exits_0_markdown(repo):
    repo.write("desk/kernels.py", KERNEL.replace("out[i] = ask[i] - bid[i]", "out[i] = -(bid[i] - ask[i])"),
               dedent=False)
    run = repo.cli("verify", "--base", "HEAD", "--examples", "30", "--format", "markdown", "desk/kernels.py")
    assert run.exit_code == 0, run
    # 30 generated + 6 edge cases + 64 at comparison boundaries (explore.BOUNDARY); both branches reached
    assert ("| `desk/kernels.py` | `spread` | ✅ equivalent | 100 | 2/2 | 0 | reached 2/2 branches "
            "(64 coverage-guided mutants) |") in run.stdout


def test_verify_base_unknown_revision_is_a_usage_error(repo):
    run = repo.cli("verify", "--base", "no-such-rev", "desk/")
    assert run.exit_code == 2
    assert "--base no-such-rev" in run.stderr


def test_verify_with_nothing_to_verify_exits_0(project):
    project.write("m.py", "def f(x=None):\n    return x\n")
    run = project.cli("verify", "m.py")
    assert run.exit_code == 0, run
    assert "nothing to verify" in run.stdout


def test_apply_verify_applies_only_what_verifies(project):
    project.write("good.py", "def total(prices, weights={}):\n    return sum(weights.get(p, 1.0) for p in prices)\n")
    bad = "import no_such_module_here\n\n\ndef f(x=[]):\n    return len(x)\n"
    project.write("bad.py", bad)
    run = project.cli("apply", "--verify", "good.py", "bad.py")
    assert run.exit_code == 0, run
    assert "weights=None" in project.text("good.py")
    assert project.text("bad.py") == bad
    assert "bad.py: not applied: f (error) did not verify" in run.stderr


@pytest.mark.xdist_group("serial")  # runs in the repository's examples/, shared by all workers
def test_example_project_fx101_rewrites_verify():
    run = _cli_in(REPO, "verify", "--select", "FX101", "--examples", "40", "--format", "json",
                  "examples/quantdesk/exchange.py")
    assert run.returncode == 0, run.stdout + run.stderr
    results = {r["function"]: r for r in json.loads(run.stdout)["results"]}
    assert set(results) >= {"ExchangeClient.fetch_trades", "ExchangeClient.fetch_ohlcv", "bucket_fills", "fees_for"}
    assert all(r["verdict"] == "equivalent" for r in results.values()), results
    assert "keeps state between calls" in results["bucket_fills"]["note"]


@pytest.mark.xdist_group("serial")  # runs in the repository's examples/, shared by all workers
@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_example_project_numba_rewrites_verify():
    codes = {r.code for r in registry.all_rules()}
    if not {"FX001", "FX005"} <= codes:
        pytest.skip("the numba rules FX001/FX005 are not registered yet")
    orderflow = EXAMPLES / "quantdesk" / "orderflow.py"
    if not orderflow.exists():
        pytest.skip("examples/quantdesk/orderflow.py (the numba kernels) does not exist yet")
    run = _cli_in(REPO, "verify", "--select", "FX001,FX005", "--examples", "40", "--format", "json",
                  "examples/quantdesk/orderflow.py")
    assert run.returncode == 0, run.stdout + run.stderr  # a crash or a failed verification never skips
    results = json.loads(run.stdout)["results"]
    if not results:
        pytest.skip("FX001/FX005 rewrite nothing in examples/quantdesk/orderflow.py yet")
    assert all(r["verdict"] == "equivalent" for r in results), results


def _cli_in(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, "-m", "finfix", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


def test_user_strategies_from_config_and_strategies_file(project):
    project.write("pyproject.toml", """
        [tool.finfix]
        [tool.finfix.verify]
        examples = 25
        [tool.finfix.verify.strategies]
        "m.scale" = { x = "st.integers(1, 3)" }
        """)
    project.write("finfix_strategies.py", """
        from hypothesis import strategies as st
        STRATEGIES = {"shift": {"y": st.just(7)}}
        """)
    project.write("m.py", "def scale(x, k: int = 2):\n    return x * k\n\n\ndef shift(y):\n    return y + 1\n")
    before = project.text("m.py")
    from finfix.harness import verify_pairs

    after = before.replace("return x * k", "return k * x").replace("return y + 1", "return 1 + y")
    results = {r.function: r for r in verify_pairs([(str(project.root / "m.py"), before, after)],
                                                    examples=25, project_root=project.root)}
    assert results["scale"].inputs == "x: user strategy, k: int"  # k from its annotation
    assert results["shift"].inputs == "y: user strategy"
    assert all(r.verdict == "equivalent" for r in results.values()), results
    # the CLI reads `examples` from [tool.finfix.verify]: 25 generated calls per function
    project.write("m.py", after)
    _git(project.root, "init", "-q")
    project.write("m.py", before)
    _git(project.root, "add", "m.py")
    _git(project.root, "commit", "-qm", "base")
    project.write("m.py", after)
    run = project.cli("verify", "--base", "HEAD", "--format", "json", "m.py")
    assert run.exit_code == 0, run
    assert {r["function"]: r["examples"] for r in json.loads(run.stdout)["results"]} == {"scale": 25, "shift": 1}


def test_a_skip_exits_3_unless_allowed(repo):
    # A module-level change only: no function to call, so nothing is verified.
    repo.write("desk/kernels.py", KERNEL + "\nLIMIT = 3\n", dedent=False)
    run = repo.cli("verify", "--base", "HEAD", "desk/kernels.py")
    assert run.exit_code == 3, run
    assert "not verified (1)" in run.stdout and "fix:" in run.stdout
    run = repo.cli("verify", "--base", "HEAD", "--allow-skips", "desk/kernels.py")
    assert run.exit_code == 0, run


def test_record_command_writes_signatures(project):
    pytest.importorskip("numba")
    project.write("kern.py", "from numba import njit\n\n@njit\ndef pick(x):\n    return x.sum()\n")
    project.write("run.py", "import numpy as np\nfrom kern import pick\npick(np.ones(3))\n")
    proc = _cli_in(project.root, "record", "--root", str(project.root), "run.py")
    assert proc.returncode == 0, proc.stderr
    recorded = json.loads((project.root / ".finfix" / "signatures.json").read_text())
    assert recorded["kern.pick"] == [[{"name": "array", "dtype": "float64", "ndim": 1, "items": []}]]
