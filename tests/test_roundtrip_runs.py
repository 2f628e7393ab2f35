"""Wrong fixes the run-code round trip found on real packages (issue 14), each as a small project that
`finfix apply --unsafe-fixes` fixes and a fresh interpreter then runs.

* pyfolio-reloaded's `round_trips.py`: `out = []`, `out.append(grouped)` in a loop, `out = pd.concat(out)`.
  FX204 took `out` for pandas (its later `set_index`) and wrote a bare `pd.concat([out, grouped])`: every
  row was dropped and `pd.concat([])` raised.
* vectorbt's `generic/accessors.py`: `from vectorbt.generic import dispatch`, `dispatch.applymap(...)`. FX205
  renamed the project module's function to `dispatch.map`: AttributeError.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pandas")

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/dispatch.py": """
        def applymap(rows, func):
            return [[func(x) for x in row] for row in rows]
        """,
    "pkg/trips.py": """
        import pandas as pd

        from pkg import dispatch


        def collect(groups):
            out = []
            for g in groups:
                out.append(g)
            out = pd.concat(out)
            out = out.set_index("dt")
            return out


        def doubled(rows):
            return dispatch.applymap(rows, lambda x: 2 * x)
        """,
}

PROBE = """
import pandas as pd
from pkg.trips import collect, doubled

frames = [pd.DataFrame({"dt": [i], "pnl": [float(i)]}) for i in range(3)]
assert list(collect(frames)["pnl"]) == [0.0, 1.0, 2.0]
assert doubled([[1, 2]]) == [[2, 4]]
print("ok")
"""


def _write(root: Path) -> None:
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE], cwd=root, capture_output=True, text=True, timeout=120)


def test_unsafe_fixes_keep_the_project_running(tmp_path: Path) -> None:
    _write(tmp_path)
    assert _run(tmp_path).stdout.strip() == "ok"  # the probe passes on the original
    fixed = subprocess.run([sys.executable, "-m", "finfix", "apply", "--unsafe-fixes", "--no-cache", "."],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert fixed.returncode in (0, 1), fixed.stderr
    run = _run(tmp_path)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
    source = (tmp_path / "pkg/trips.py").read_text()
    assert "out.append(g)" in source and "dispatch.applymap(" in source


def test_the_list_append_and_the_module_function_are_left_alone(tmp_path: Path) -> None:
    # `out = []` proves a list (the later `out.set_index` is of the rebound name), and `dispatch` is a
    # project module: neither is reported as pandas.
    _write(tmp_path)
    check = subprocess.run([sys.executable, "-m", "finfix", "check", "--no-cache", "."], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FX204" not in check.stdout and "FX205" not in check.stdout


ACCESSOR = """
import pandas as pd


@pd.api.extensions.register_dataframe_accessor("vbt")
class Generic:  # vectorbt's accessor: its own applymap, no map
    def __init__(self, frame):
        self._frame = frame

    def applymap(self, func):
        return self._frame.map(func)


@pd.api.extensions.register_series_accessor("vbt")
class SeriesGeneric:  # and its Series accessor, also with applymap only
    def __init__(self, series):
        self._series = series

    def applymap(self, func):
        return self._series.map(func)


df = pd.DataFrame({"a": [1, 2]})
assert list(df.vbt.applymap(lambda x: 2 * x)["a"]) == [2, 4]
assert list(df["a"].vbt.applymap(lambda x: 3 * x)) == [3, 6]
print("ok")
"""


def test_an_accessors_applymap_is_not_renamed(tmp_path: Path) -> None:
    """vectorbt's tests/test_generic.py: `df.vbt.applymap(...)` got a *safe* rename to `df.vbt.map(...)`, and
    `df["a"].vbt.applymap(...)` an unsafe one (the round trip's one changed result under --unsafe-fixes)."""
    script = tmp_path / "accessor.py"
    script.write_text(ACCESSOR)
    fixed = subprocess.run([sys.executable, "-m", "finfix", "apply", "--unsafe-fixes", "--no-cache", str(script)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert fixed.returncode in (0, 1), fixed.stderr
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
    assert "df.vbt.applymap(" in script.read_text() and 'df["a"].vbt.applymap(' in script.read_text()


BOOL_CONSTANTS = """
import numpy as np
import pandas as pd


def masks():
    a = pd.Series([True, False, True])
    return (True & a).values, (a | False).values, (a == True).values


got = masks()
assert [list(m) for m in got] == [[True, False, True]] * 3, got
assert all(isinstance(m, np.ndarray) for m in got)
print("ok")
"""


def test_true_and_false_in_an_operation_are_literals(tmp_path: Path) -> None:
    """vectorbt's tests/test_records.py: `(True & a_bool).values` stopped the whole file with an internal error
    (LibCST's scopes bind `True` to a builtin, which has no node); the file is fixed and still runs."""
    script = tmp_path / "masks.py"
    script.write_text(BOOL_CONSTANTS)
    fixed = subprocess.run([sys.executable, "-m", "finfix", "apply", "--unsafe-fixes", "--no-cache", str(script)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert fixed.returncode in (0, 1) and "internal error" not in fixed.stderr, fixed.stderr
    assert script.read_text().count(".to_numpy()") == 3
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


COMPAT = """
import pandas as pd


def pandas_applymap(df: pd.DataFrame, func):
    if hasattr(pd.DataFrame, "map"):
        return df.map(func)
    return df.applymap(func)
"""

OLD_PANDAS = """
import pandas as pd
from compat import pandas_applymap

frame = pd.DataFrame({"a": [1, 2]})
assert list(pandas_applymap(frame, lambda x: 2 * x)["a"]) == [2, 4]
pd.DataFrame.applymap = pd.DataFrame.map  # pandas before 2.1: applymap, and no DataFrame.map
del pd.DataFrame.map
assert list(pandas_applymap(frame, lambda x: 3 * x)["a"]) == [3, 6]
print("ok")
"""


def test_a_compatibility_fallback_keeps_the_old_name(tmp_path: Path) -> None:
    """vectorbt's tests/test_generic.py: the `applymap` reached only where pandas has no `DataFrame.map` got a
    *safe* rename to `.map`, which fails on exactly the pandas it is there for."""
    (tmp_path / "compat.py").write_text(COMPAT)
    fixed = subprocess.run([sys.executable, "-m", "finfix", "apply", "--unsafe-fixes", "--no-cache", "compat.py"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert fixed.returncode in (0, 1), fixed.stderr
    run = subprocess.run([sys.executable, "-c", OLD_PANDAS], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
    assert (tmp_path / "compat.py").read_text() == COMPAT
