"""Findings do not depend on the process: string hashes (PYTHONHASHSEED) decide a set's order, and a rule
that took the first matching name of a set decided differently from run to run and worker to worker."""

from __future__ import annotations

import os
import subprocess
import sys

from finfix.sdk.names import QualifiedNames

# A project that is itself called `pandas` (pandas' own sources are the real case): `pd.MultiIndex` has two
# qualified names, the public `pandas.MultiIndex.from_product` and where the re-export leads,
# `pandas.core.multi.MultiIndex.from_product`; only the first is a constructor finfix knows.
FILES = {
    "pyproject.toml": '[tool.finfix]\nselect = ["FX202"]\n',
    "pandas/__init__.py": "from pandas.core.multi import MultiIndex\n",
    "pandas/core/__init__.py": "",
    "pandas/core/multi.py": "class MultiIndex:\n    @classmethod\n    def from_product(cls, values):\n        return cls()\n",
    "pandas/tests/__init__.py": "",
    "pandas/tests/test_mi.py": (
        "import pandas as pd\n\n\ndef test_values():\n    mi = pd.MultiIndex.from_product([[1, 2]])\n"
        "    return list(mi.values)\n"
    ),
}


def test_the_same_code_gets_the_same_findings_under_every_hash_seed(tmp_path):
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    outputs = set()
    for seed in ("0", "1", "2", "5"):  # before the fix: absent, found, absent, found
        env = {**os.environ, "PYTHONHASHSEED": seed, "FINFIX_CHECKER": "off"}
        run = subprocess.run([sys.executable, "-m", "finfix", "check", "--no-cache", "pandas"], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=120)
        outputs.add(run.stdout)
    assert len(outputs) == 1, outputs
    assert "test_mi.py:6:17: FX202 `mi.values` → `mi.to_numpy()` (bound from `pd.MultiIndex.from_product(...)`)" in (
        outputs.pop())


def test_qualified_names_iterate_in_the_order_given_and_compare_as_sets():
    names = QualifiedNames(["pandas.MultiIndex", "pandas.core.multi.MultiIndex", "pandas.MultiIndex"])
    assert list(names) == ["pandas.MultiIndex", "pandas.core.multi.MultiIndex"]
    assert names == {"pandas.core.multi.MultiIndex", "pandas.MultiIndex"}
    assert "pandas.MultiIndex" in names and len(names) == 2
    assert names & {"pandas.MultiIndex"} == {"pandas.MultiIndex"}


def test_names_a_caller_adds_or_removes_keep_the_order_fixed():
    names = QualifiedNames(["b.x", "a.x"])
    names.add("d.x")
    names.add("c.x")
    names.discard("b.x")
    assert list(names) == ["a.x", "c.x", "d.x"]
