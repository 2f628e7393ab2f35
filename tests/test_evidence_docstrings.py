"""Parameter types from docstrings: inferred evidence, pandas-only lists, never against a call site (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from finfix.codemods.pandas.values import PandasValues
from finfix.engine.core import process_source
from finfix.project.docstrings import documented_types, pandas_kind
from finfix.project.gather import gather
from finfix.results import Safety, Settings

MAIN = '''\
import numpy as np
import pandas as pd


def numpydoc(prices, window=2):
    """Rolling mean.

    Parameters
    ----------
    prices : pd.DataFrame
        Daily prices.
    window : int
    """
    return prices.values


def sphinx(returns):
    """
    :param returns: daily returns
    :type returns: pd.Series or pd.DataFrame
    """
    return returns.values


def google(frame):
    """Args:
        frame (pd.DataFrame): a frame.
    """
    return frame.values


def either(arr):
    """
    Parameters
    ----------
    arr : pd.Series or np.ndarray
    """
    return arr.values


def contradicted(obj):
    """
    Parameters
    ----------
    obj : pd.DataFrame
    """
    return obj.values


def returns_doc(x):
    """
    Returns
    -------
    x : pd.DataFrame
    """
    return x.values


contradicted([1, 2])
'''


@pytest.mark.parametrize(("text", "kind"), [
    ("pd.DataFrame", "DataFrame"), ("pandas.Series, optional", "Series"), ("`pd.Series` or `pd.DataFrame`", "pandas"),
    ("pd.Series | pd.DataFrame", "pandas"), ("pd.Series or np.ndarray", None), ("array-like", None),
    ("list of pd.Series", None), ("", None), ("pd.DataFrame - MultiIndex", "DataFrame"),
    ("DataFrame of shape (n_assets, n_features)", "DataFrame"), ("list of shape (n,)", None),
    ("pd.Series(pd.Timestamp -> float)", "Series"), ("pd.DataFrame[float]", "DataFrame"),
    ("list(pd.Series)", None), ("np.ndarray(float)", None),
])
def test_pandas_kind(text, kind):
    assert pandas_kind(text) == kind


def test_documented_types_reads_the_parameters_section_only():
    func = ast.parse(MAIN).body[-2]
    assert documented_types(func) == {}


def test_docstring_types_are_inferred_evidence(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg_doc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    main = pkg / "main.py"
    main.write_text(MAIN)
    facts = gather([str(main), str(pkg / "__init__.py")], tmp_path)
    result = process_source(str(main), main.read_bytes(), (PandasValues,),
                            Settings(fix=True, unsafe_fixes=True, project=facts))
    assert result.error is None
    lines = MAIN.splitlines()
    fixed_funcs = set()
    for f in result.findings:
        if f.applied:
            func = next(lines[n] for n in range(f.line - 1, -1, -1) if lines[n].startswith("def "))
            fixed_funcs.add(func[4:].split("(")[0])
            assert f.fix is Safety.UNSAFE and "docstring" in f.message + f.reason
    assert fixed_funcs == {"numpydoc", "sphinx", "google"}
    monkeypatch.syspath_prepend(str(tmp_path))
    main.write_bytes(result.new.replace(b"\ncontradicted([1, 2])\n", b"\n"))
    from pkg_doc import main as fixed

    frame = pd.DataFrame({"a": [1.0]})
    assert isinstance(fixed.numpydoc(frame), np.ndarray)
    assert fixed.sphinx(pd.Series([1, 2])).tolist() == [1, 2]
    assert fixed.google(frame).tolist() == [[1.0]]
