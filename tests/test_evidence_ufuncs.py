"""numpy ufuncs keep the kind of a pandas argument: `np.log(prices)` is a DataFrame (issue 13)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from finfix.codemods.pandas.values import PandasValues
from finfix.engine.core import process_source
from finfix.project.gather import gather
from finfix.results import Safety, Settings

SOURCE = '''\
import numpy as np
import pandas as pd

frame = pd.DataFrame({"a": [1.0, np.e]})
logged = np.log(frame).values
series = np.abs(frame["a"] - 2).values
plain = np.log(np.ones(2))
two = np.maximum(frame, 1).values


def helper(prices):
    return np.log(prices.pct_change())


def use(prices):
    return helper(prices).values
'''


def test_ufunc_of_a_frame_is_a_frame_and_the_fix_runs(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    facts = gather([str(path)], tmp_path)
    result = process_source(str(path), path.read_bytes(), (PandasValues,),
                            Settings(fix=True, unsafe_fixes=True, project=facts))
    assert result.error is None
    lines = SOURCE.splitlines()
    by_text = {lines[f.line - 1].strip(): f for f in result.findings}
    assert by_text["logged = np.log(frame).values"].fix is Safety.SAFE  # a proven DataFrame
    assert by_text["series = np.abs(frame[\"a\"] - 2).values"].applied
    assert "two = np.maximum(frame, 1).values" not in by_text  # two arguments: not in the table, left unknown
    use = by_text["return helper(prices).values"]
    assert use.applied and use.fix is Safety.UNSAFE  # the project pass: duck `prices.pct_change`, then np.log
    namespace: dict = {}
    exec(compile(result.new.decode(), "mod.py", "exec"), namespace)
    assert np.allclose(namespace["logged"], [[0.0], [1.0]])
    assert isinstance(namespace["series"], np.ndarray)
