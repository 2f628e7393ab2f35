"""Comparisons, grouped selections and `None` placeholders as evidence (issue 13, zipline/quantstats shapes).

`drawdown == 0` of a Series is a boolean Series; `df.groupby(k)["v"]` is still grouped; a name bound to
`None` on one path and to a DataFrame column on the other raises on `.values` and `.to_numpy()` alike on the
`None` path, so FX202 fixes it (unsafe) and says so; an Index comparison is an ndarray and stays alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from finfix.codemods.pandas.values import PandasValues

from finfix.engine.core import process_source
from finfix.project.gather import gather
from finfix.results import Safety, Settings

SOURCE = '''\
import pandas as pd


def starts_of(drawdown: pd.Series):
    no_dd = drawdown == 0
    starts = ~no_dd & no_dd.shift(1, fill_value=False)
    return list(starts[starts.values].index)


def grouped(frame: pd.DataFrame):
    return frame.groupby("k")["v"].mean().values


def index_test(frame: pd.DataFrame):
    return (frame.index > 1).values


def placeholder(frame: pd.DataFrame, flag):
    column = None
    if flag:
        column = frame["v"]
    return column.values


def only_none():
    nothing = None
    return nothing.values


def listed(flag):
    items = None
    if flag:
        items = [1, 2]
    return items.values
'''


def _run(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    facts = gather([str(path)], tmp_path)
    result = process_source(str(path), path.read_bytes(), (PandasValues,),
                            Settings(fix=True, unsafe_fixes=True, project=facts))
    assert result.error is None
    lines = SOURCE.splitlines()
    return result, {lines[f.line - 1].strip(): f for f in result.findings}


def test_comparisons_groupby_selections_and_none_placeholders_are_fixed_and_run(tmp_path):
    result, by_text = _run(tmp_path)
    starts = by_text["return list(starts[starts.values].index)"]
    assert starts.applied
    assert by_text['return frame.groupby("k")["v"].mean().values'].applied
    placeholder = by_text["return column.values"]
    assert placeholder.applied and placeholder.fix is Safety.UNSAFE
    assert "`None` has no `.values`" in placeholder.message + placeholder.reason
    namespace: dict = {}
    exec(compile(result.new.decode(), "mod.py", "exec"), namespace)
    dd = pd.Series([0.0, -1.0, -2.0, 0.0, -1.0], index=list("abcde"))
    assert namespace["starts_of"](dd) == ["b", "e"]
    frame = pd.DataFrame({"k": [1, 1, 2], "v": [1.0, 3.0, 5.0]})
    assert np.array_equal(namespace["grouped"](frame), [2.0, 5.0])
    assert np.array_equal(namespace["placeholder"](frame, True), [1.0, 3.0, 5.0])


def test_index_comparisons_none_only_and_list_placeholders_are_left_alone(tmp_path):
    _result, by_text = _run(tmp_path)
    for line in ("return (frame.index > 1).values", "return nothing.values", "return items.values"):
        assert line not in by_text or not by_text[line].applied, line
