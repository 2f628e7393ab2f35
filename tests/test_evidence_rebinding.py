"""A name bound to a dict and later rebound to a DataFrame (riskfolio's `PlotFunctions.py`, issue 13).

`df = dict(lower=[], upper=[])`, `df["upper"].append(x)` (list appends), then `df = pd.DataFrame(df)` and
`df.set_index(...)`: the duck evidence of the later use must not make the list appends pandas (12 wrong
`pd.concat` fixes before); the dict binding is proven, so the name stays unknown, in both ladders.
"""

from __future__ import annotations

from finfix.codemods import BUILTIN
from finfix.engine.core import process_source
from finfix.project.gather import gather
from finfix.results import Settings

SOURCE = '''\
import pandas as pd


def table(a, b):
    df = dict(risk=["x", "y"], upper=[])
    df["upper"].append(a)
    df["upper"].append(b)
    df = pd.DataFrame(df)
    df.set_index("risk", inplace=True)
    return df


def helper(rows):
    out = dict(upper=[])
    out["upper"].append(rows)
    out = pd.DataFrame(out)
    return out.reset_index()
'''


def test_a_dict_binding_is_never_made_pandas_by_a_later_rebinding(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    facts = gather([str(path)], tmp_path)
    result = process_source(str(path), path.read_bytes(), BUILTIN, Settings(fix=True, unsafe_fixes=True, project=facts))
    assert result.error is None
    assert not [f for f in result.findings if f.code == "FX204"]
    namespace: dict = {}
    exec(compile((result.new or path.read_bytes()).decode(), "mod.py", "exec"), namespace)
    frame = namespace["table"](1.0, 2.0)
    assert list(frame["upper"]) == [1.0, 2.0]
    assert list(namespace["helper"](3)["upper"]) == [3]
