"""`finfix record -m pytest` records runtime types at candidate sites; a site seen only with pandas objects
is proven (the rule's own safety), with the counts in the message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LIB = "def width(result):\n    return result.values.shape[1]\n"
TEST = (
    "import pandas as pd\nfrom lib import width\n\n"
    "def test_width():\n    assert width(pd.DataFrame({'a': [1], 'b': [2]})) == 2\n"
)


def test_record_then_check_fixes_the_observed_site_as_proven(project):
    project.write("lib.py", LIB)
    project.write("test_lib.py", TEST)
    env = {**os.environ, "PYTHONPATH": str(project.root)}
    rec = subprocess.run([sys.executable, "-m", "finfix.harness.record", "--root", str(project.root), "-m", "pytest",
                          "-q", "-p", "no:cacheprovider", "test_lib.py"], cwd=project.root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert rec.returncode == 0, rec.stdout + rec.stderr
    doc = json.loads((project.root / ".finfix" / "observed.json").read_text())
    (site,) = [s for s in doc["sites"] if s["path"] == "lib.py"]
    assert site["line"] == 2 and site["expr"] == "result"
    assert site["types"] == {"pandas.DataFrame": 1}  # pandas 3 sets `DataFrame.__module__ = "pandas"`
    run = project.cli("check", "--select", "FX202", "--jobs", "1", "--no-cache", "lib.py")
    assert "lib.py:2:12: FX202 `result.values` → `result.to_numpy()`" in run.stdout
    assert "seen at run time as DataFrame x1 (`finfix record`, 1 observation(s))" in run.stdout
    applied = project.cli("apply", "--select", "FX202", "--jobs", "1", "--no-cache", "lib.py")
    assert applied.exit_code == 0
    assert (project.root / "lib.py").read_text() == LIB.replace(".values", ".to_numpy()")  # a safe fix


def test_a_site_seen_with_a_list_is_not_pandas(project):
    project.write("lib.py", LIB.replace("result", "df"))
    before = project.cli("check", "--select", "FX202", "--jobs", "1", "--no-cache", "lib.py")
    assert "FX202" in before.stdout and "finfix record" in before.stdout  # unknown, named like a frame: reported
    project.write(".finfix/observed.json", json.dumps({"sites": [
        {"path": "lib.py", "line": 2, "expr": "df", "types": {"builtins.list": 3}}]}))
    run = project.cli("check", "--select", "FX202", "--jobs", "1", "--no-cache", "lib.py")
    assert "FX202" not in run.stdout
