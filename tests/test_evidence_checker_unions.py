"""A type checker's unions and project-class answers, read by the evidence service (issue 13).

pyrefly answers `DataFrame | Series` for a name bound on two branches, `DataFrame | Unknown` when one
branch is untyped, and names the project's own classes by module (`pkg.records.Records`). Only the first
is evidence enough to rewrite; the second is reported, quoting the answer; the third is left alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from finfix.engine.core import process_source
from finfix.codemods.pandas.values import PandasValues
from finfix.project.gather import gather
from finfix.results import Safety, Settings

SOURCE = '''\
import pandas as pd
from pkg.records import Records


def both(raw, wide):
    obj = pd.DataFrame(raw) if wide else pd.Series(raw)
    return helper_result(obj).values


def partial(raw):
    return helper_result(raw).values


def records(raw):
    df = make(raw)
    return df.values


def either(raw):
    return helper_result(raw, 1).values


def listy(raw):
    return helper_result(raw, 2).values


def helper_result(x, *rest):
    return x
'''

RECORDS = '''\
class Records:
    def __init__(self, arr):
        self.values = arr
'''

ANSWERS = {
    "both": "pandas.core.frame.DataFrame | pandas.core.series.Series",
    "partial": "pandas.core.frame.DataFrame | Unknown",
    "records": "pkg.records.Records",
    "either": "pandas.core.series.Series | numpy.ndarray[tuple[int], numpy.dtype[numpy.float64]]",
    "listy": "pandas.core.series.Series | list[int]",
}


def _project(tmp_path: Path) -> tuple[Path, str]:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "records.py").write_text(RECORDS)
    main = pkg / "main.py"
    main.write_text(SOURCE)
    return pkg, str(main)


def _fake_checker(main: str):
    lines = SOURCE.splitlines()

    def answer(root, queries):
        out = {}
        for line, col, _el, _ec in queries.get(main, []):
            func = next(lines[n].split("(")[0][4:] for n in range(line - 1, -1, -1) if lines[n].startswith("def "))
            if func in ANSWERS:
                out[(main, line, col)] = ANSWERS[func]
        return out

    return answer


def _run(tmp_path):
    pkg, main = _project(tmp_path)
    files = [str(p) for p in sorted(pkg.glob("*.py"))]
    facts = gather(files, tmp_path, checker=_fake_checker(main))
    settings = Settings(fix=True, unsafe_fixes=True, project=facts)
    result = process_source(main, Path(main).read_bytes(), (PandasValues,), settings)
    assert result.error is None, result.error
    return result, {SOURCE.splitlines()[f.line - 1].strip(): f for f in result.findings}


def test_a_union_of_frame_and_series_is_fixed_unsafe_and_the_fix_runs(tmp_path):
    result, by_line = _run(tmp_path)
    f = by_line["return helper_result(obj).values"]
    assert f.applied and f.fix is Safety.UNSAFE
    assert "DataFrame | pandas.core.series.Series" in f.reason
    namespace: dict = {}
    fixed = result.new.decode().replace("from pkg.records import Records\n", "")
    exec(compile(fixed, "main.py", "exec"), namespace)
    assert isinstance(namespace["both"]([[1, 2]], True), np.ndarray)
    assert namespace["both"]([1, 2], False).tolist() == [1, 2]
    assert namespace["either"](pd.Series([1.5])).tolist() == [1.5]


def test_a_partial_answer_is_reported_quoting_it_not_fixed(tmp_path):
    _result, by_line = _run(tmp_path)
    f = by_line["return helper_result(raw).values"]
    assert not f.applied and f.fix is Safety.DETECT
    assert "`pandas.core.frame.DataFrame | Unknown`" in f.reason


def test_a_project_class_is_left_alone(tmp_path):
    _result, by_line = _run(tmp_path)
    # Named like a frame, an unknown `df` would be reported; the checker says it is the project's own class.
    assert "return df.values" not in by_line


def test_pandas_or_a_plain_ndarray_is_fixed_for_values_only(tmp_path):
    """An ndarray has no `.values`: where the line runs, the receiver is the Series; a list member is not that."""
    _result, by_line = _run(tmp_path)
    either = by_line["return helper_result(raw, 1).values"]
    assert either.applied and either.fix is Safety.UNSAFE
    assert "an ndarray has no `.values`" in either.message + either.reason
    listy = by_line["return helper_result(raw, 2).values"]
    assert not listy.applied and "list[int]" in listy.reason
