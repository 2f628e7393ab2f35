"""Issue 14 items 7 and 8: FX201 on look-alikes, Categorical/Index methods, mutating helpers, and FX201 +
FX203 composing into code that runs on pandas 3. Every fix is executed."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from finfix.codemods.pandas.fillna_method import PandasFillnaMethod
from finfix.codemods.pandas.inplace import PandasInplace
from finfix.engine.core import fix_source
from finfix.results import Safety

BOTH = [PandasInplace, PandasFillnaMethod]


def run(code: str, **env):
    scope = {"pd": pd, **env}
    exec(compile(code, "<fixed>", "exec"), scope)
    return scope


FILLNA_CASES = [
    # proven receiver
    "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None, 3.0]})\ndf.fillna(method='ffill', inplace=True)\n",
    # unknown receiver (a parameter), fixed only with unsafe fixes
    "def tidy(df):\n    df.fillna(method='ffill', inplace=True)\n    return df\ndf = tidy(DATA.copy())\n",
    # positional method, bfill alias
    "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None, 3.0]})\ndf.fillna(None, 'pad', inplace=True)\n",
]


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("source", FILLNA_CASES)
def test_fx201_and_fx203_compose_into_working_pandas3_code(source, unsafe):
    out, findings = fix_source(source, BOTH, unsafe=unsafe)
    assert "method=" not in out or out == source  # either fully rewritten or left for the user
    data = pd.DataFrame({"a": [1.0, None, 3.0]})
    if out == source:
        assert findings and not any(f.applied for f in findings)  # reported, never silent
        with pytest.raises(TypeError):
            run(source, DATA=data)  # what the user has today does not run on pandas 3
        return
    scope = run(out, DATA=data)
    assert scope["df"]["a"].tolist() == [1.0, 1.0, 3.0]
    assert "ffill()" in out or "ffill(" in out


def test_fillna_method_inplace_ends_as_assignment_of_ffill():
    source = "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None]})\ndf.fillna(method='ffill', inplace=True)\n"
    out, findings = fix_source(source, BOTH)
    assert out.endswith("df = df.ffill()\n")
    assert [f.code for f in findings if f.applied] == ["FX201"]


def test_set_categories_inplace_is_assigned_back_and_runs():
    source = textwrap.dedent("""\
        import pandas as pd
        s = pd.Series(["a", "b"], dtype="category")
        s.cat.set_categories(["a", "b", "c"], inplace=True)
        """)
    with pytest.raises(TypeError):
        run(source)
    out, findings = fix_source(source, [PandasInplace])
    assert "s = s.cat.set_categories" in out
    assert "pandas 2.0 removed" in findings[0].message
    assert list(run(out)["s"].cat.categories) == ["a", "b", "c"]


def test_index_set_names_inplace_is_left_alone():
    source = "import pandas as pd\nidx = pd.Index([1, 2])\nidx.set_names('k', inplace=True)\n"
    out, findings = fix_source(source, [PandasInplace], unsafe=True)
    assert out == source and findings == []
    assert run(source)["idx"].name == "k"  # it works on pandas 3.1


def test_polars_drop_inplace_gets_no_fix():
    source = "import polars as pl\ndf = pl.read_csv('x.csv')\ndf.drop(['a'], inplace=True)\n"
    out, findings = fix_source(source, [PandasInplace], unsafe=True)
    assert out == source and findings == []


def test_unknown_receiver_in_a_module_with_a_lookalike_is_reported_not_fixed():
    source = "import dask.dataframe as dd\ndef f(x):\n    x.dropna(inplace=True)\n    return x\n"
    out, findings = fix_source(source, [PandasInplace], unsafe=True)
    assert out == source
    assert len(findings) == 1 and findings[0].fix is Safety.DETECT
    assert "finfix record" in findings[0].reason


def test_mutating_helper_is_never_turned_into_a_noop():
    source = textwrap.dedent("""\
        def _normalize_index_in_place(frame):
            frame.set_index("t", inplace=True)

        def load(df):
            _normalize_index_in_place(df)
            return df
        """)
    out, findings = fix_source(source, [PandasInplace], unsafe=True)
    assert out == source
    (finding,) = findings
    assert finding.fix is Safety.DETECT and finding.line == 2
    assert "return `frame` and update the callers" in finding.message
    assert "\n" not in finding.message
    # the original keeps working as the helper meant it (pandas 3.1 only warns)
    scope = run(source)
    frame = pd.DataFrame({"t": [1, 2], "v": [3, 4]})
    assert scope["load"](frame).index.name == "t" and frame.index.name == "t"


def test_parameter_returned_is_an_unsafe_fix_that_runs():
    source = "def clean(df):\n    df.dropna(inplace=True)\n    return df\n"
    out, findings = fix_source(source, [PandasInplace], unsafe=True)
    assert out == "def clean(df):\n    df = df.dropna()\n    return df\n"
    assert findings[0].fix is Safety.UNSAFE and "inferred, not proven" in findings[0].reason
    frame = pd.DataFrame({"a": [1.0, None]})
    assert len(run(out)["clean"](frame)) == 1
