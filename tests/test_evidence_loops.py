"""Loop targets over pandas pair iterations (issue 13): `for k, g in df.groupby(...)`, `.items()`, `.iterrows()`.

The second name is what pandas yields (a DataFrame per group of a frame, a Series per column or row); a loop
over an untyped receiver's `.items()` (a dict) or over a Series' `.items()` (scalars) says nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from finfix.codemods.pandas.values import PandasValues

from finfix.engine.core import process_source
from finfix.results import Settings

SOURCE = '''\
import pandas as pd


def per_group(frame: pd.DataFrame):
    out = []
    for key, group in frame.groupby("k"):
        out.append(group["v"].values.sum())
    for label, column in frame.items():
        out.append(column.values[0])
    for i, row in frame.iterrows():
        out.append(row.values[0])
    return out


def not_pairs(mapping, series: pd.Series):
    for a, b in mapping.items():
        print(b.values)
    for label, value in series.items():
        print(value.values)
'''


def test_pair_iterations_type_their_items_and_the_fixes_run(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    result = process_source(str(path), path.read_bytes(), (PandasValues,), Settings(fix=True, unsafe_fixes=True))
    assert result.error is None
    lines = SOURCE.splitlines()
    applied = {lines[f.line - 1].strip() for f in result.findings if f.applied}
    assert applied == {'out.append(group["v"].values.sum())', "out.append(column.values[0])",
                       "out.append(row.values[0])"}
    namespace: dict = {}
    exec(compile(result.new.decode(), "mod.py", "exec"), namespace)
    frame = pd.DataFrame({"k": [1, 1, 2], "v": [1.0, 3.0, 5.0]})
    assert np.allclose(namespace["per_group"](frame), [4.0, 5.0, 1.0, 1.0, 1.0, 1.0, 2.0])
