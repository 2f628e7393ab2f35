"""`check --format json` computes each fix's own edits in a pool of forked workers: the same report as
in one process, and a worker that dies leaves its files to the parent, never a gap."""

from __future__ import annotations

import json
import os

import pytest

import finfix.fix_edits as fix_edits

MODULE = "import pandas as pd\n\n\ndef f{i}(x=[], y={{}}):\n    return pd.read_csv(x).values\n"


@pytest.fixture
def pkg(project, monkeypatch):
    monkeypatch.setenv("FINFIX_CHECKER", "off")
    project.write("pkg/__init__.py", "")
    for i in range(4):
        project.write(f"pkg/m{i}.py", MODULE.format(i=i))
    return project


def _report(pkg, jobs):
    res = pkg.cli("check", "--no-cache", "--format", "json", "-j", str(jobs), "pkg")
    fixes = [f["fix"]["edits"] for f in json.loads(res.stdout)["findings"] if f["fix"]]
    return res.stdout, fixes


def test_a_pool_gives_the_report_of_one_process(pkg):
    alone, fixes = _report(pkg, 1)
    assert len(fixes) == 12 and all(fixes)  # 3 fixes per file: each its own edits
    assert _report(pkg, 2)[0] == alone


def test_a_worker_that_dies_leaves_its_files_to_the_parent(pkg, monkeypatch):
    alone, _ = _report(pkg, 1)
    parent = os.getpid()
    real = fix_edits._edits_of
    in_parent = []

    def dying(plan, result, keys):
        if os.getpid() != parent and result.path.endswith("m1.py"):
            os._exit(9)
        if os.getpid() == parent:
            in_parent.append(os.path.basename(result.path))
        return real(plan, result, keys)

    monkeypatch.setattr(fix_edits, "_edits_of", dying)
    assert _report(pkg, 2)[0] == alone
    assert "m1.py" in in_parent  # done again by the parent after the worker died
