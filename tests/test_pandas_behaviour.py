"""The pandas rules' fixes keep behaviour: run the code before and after finfix on generated frames.

Every "after" here is produced by finfix from the "before" (never hand-written). Where the "before" API
still runs on the installed pandas (3.1.x), both run on Hypothesis frames (NaN, duplicate and unsorted
index labels) and must agree. Where it was removed, the "after" must match the documented old behaviour
on a worked example (values from the pandas docs / release notes, or an independent numpy oracle).
"""

from __future__ import annotations

import functools
import textwrap
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, indexes

from finfix.codemods.pandas.append import PandasAppend
from finfix.codemods.pandas.applymap import PandasApplymap
from finfix.codemods.pandas.delim_whitespace import PandasDelimWhitespace
from finfix.codemods.pandas.fillna_method import PandasFillnaMethod
from finfix.codemods.pandas.first_last import PandasFirstLast
from finfix.codemods.pandas.groupby_axis import PandasGroupbyAxis
from finfix.codemods.pandas.inplace import PandasInplace
from finfix.codemods.pandas.is_dtype import PandasIsDtypeFuncs
from finfix.codemods.pandas.misc_removed import PandasMiscRemoved
from finfix.codemods.pandas.offset_aliases import PandasOffsetAliases
from finfix.codemods.pandas.resample_base import PandasResampleBase
from finfix.codemods.pandas.series_view import PandasSeriesView
from finfix.codemods.pandas.swapaxes import PandasSwapaxes
from finfix.codemods.pandas.value_counts import PandasTopValueCounts
from finfix.codemods.pandas.values import PandasValues
from finfix.engine.core import fix_source

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_values = st.one_of(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), st.just(np.nan))
FRAMES = data_frames(
    columns=[column("a", dtype=float, elements=_values), column("b", dtype=float, elements=_values),
             column("c", dtype=float, elements=_values)],
    index=indexes(elements=st.integers(0, 6), dtype=int, max_size=12),  # duplicates, any order
)


@st.composite
def time_frames(draw):
    """A sorted DatetimeIndex (minutes, duplicates allowed) and a float column with NaN."""
    minutes = sorted(draw(st.lists(st.integers(0, 600), min_size=1, max_size=40)))
    values = draw(st.lists(_values, min_size=len(minutes), max_size=len(minutes)))
    index = pd.to_datetime(minutes, unit="m", origin=pd.Timestamp("2024-01-02 09:00"))
    return pd.DataFrame({"px": values}, index=index)


@functools.lru_cache(maxsize=None)
def fixed(rule, before: str, unsafe: bool = False) -> str:
    """finfix's output for ``before``; it must have changed something."""
    source = textwrap.dedent(before)
    after, findings = fix_source(source, [rule], unsafe=unsafe)
    assert after != source, [f.message for f in findings]
    assert any(f.applied for f in findings)
    return after


def load(source: str, name: str = "f"):
    namespace = {"pd": pd, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(textwrap.dedent(source), "<example>", "exec"), namespace)
    return namespace[name]


def call(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pandas4Warning / ChainedAssignmentError from the "before" code
        return fn(*args)


def both(rule, before: str, *, unsafe: bool = False):
    return load(before), load(fixed(rule, before, unsafe))


# -- FX201 pandas-inplace: `inplace=` still runs on 3.1 -------------------------------------------------
INPLACE = [
    """
    import pandas as pd
    def f(raw):
        df = raw.copy()
        df.dropna(subset=["a"], inplace=True)
        df.sort_values(["b", "a"], inplace=True, kind="stable")
        df.reset_index(drop=True, inplace=True)
        df.fillna(0.0, inplace=True)
        return df
    """,
    """
    import pandas as pd
    def f(raw):
        df = pd.DataFrame(raw)
        df.drop_duplicates(inplace=True)
        df.rename(columns={"a": "x"}, inplace=True)
        df.clip(-10.0, 10.0, inplace=True)
        df.sort_index(inplace=True, kind="stable")
        df.where(df > 0, -1.0, inplace=True)
        return df
    """,
    """
    import pandas as pd
    def f(raw):
        df = raw.copy()
        df.query("a > 0 or b < 0", inplace=True)
        df.eval("d = a + b", inplace=True)
        df.replace(0.0, 1.0, inplace=True)
        df.set_index("c", inplace=True)
        df.rename_axis("k", inplace=True)
        return df
    """,
]


@pytest.mark.parametrize("before", INPLACE, ids=["copy-dropna-sort-reset-fillna", "constructor-dedupe-rename-clip", "query-eval-replace-set-index"])
@SETTINGS
@given(frame=FRAMES)
def test_inplace_rewrite_gives_the_same_frame(before, frame):
    # `raw` is an untyped parameter: `df = raw.copy()` is pandas by API shape only (inferred), so unsafe
    old, new = both(PandasInplace, before, unsafe=True)
    pd.testing.assert_frame_equal(call(old, frame.copy()), call(new, frame.copy()))


CHAINED = """
import pandas as pd
def f(raw):
    df = raw.copy()
    df["a"].fillna(0.0, inplace=True)
    return df
"""


@SETTINGS
@given(frame=FRAMES)
def test_chained_inplace_fix_does_what_pandas_2_did(frame):
    old, new = both(PandasInplace, CHAINED, unsafe=True)
    expected = frame.assign(a=frame["a"].fillna(0.0))  # pandas 2: the column of df was filled
    pd.testing.assert_frame_equal(call(new, frame), expected)
    if frame["a"].isna().any():  # pandas 3: the chained call never reached df
        assert call(old, frame)["a"].isna().any()


PARAMETER = "def f(df):\n    df.dropna(inplace=True)\n    return df\n"


def test_parameter_fix_is_unsafe_and_the_caller_sees_why():
    assert fix_source(PARAMETER, [PandasInplace])[0] == PARAMETER  # not applied without --unsafe-fixes
    old, new = both(PandasInplace, PARAMETER, unsafe=True)
    a, b = pd.DataFrame({"x": [1.0, np.nan]}), pd.DataFrame({"x": [1.0, np.nan]})
    call(old, a), call(new, b)
    assert len(a) == 1 and len(b) == 2  # the caller's frame is no longer modified: the reason it is unsafe


# -- FX202 pandas-values ----------------------------------------------------------------------------------
VALUES = """
import pandas as pd
def f(raw):
    df = pd.DataFrame(raw)
    return df.values, df[["a", "b"]].values, df["c"].astype(float).values, df.dropna().values
"""


@SETTINGS
@given(frame=FRAMES)
def test_values_to_numpy_same_arrays(frame):
    old, new = both(PandasValues, VALUES)
    for x, y in zip(call(old, frame), call(new, frame)):
        assert type(x) is type(y) is np.ndarray
        np.testing.assert_array_equal(x, y)


def test_values_fix_on_extension_dtype_is_unsafe_for_a_reason():
    source = "import pandas as pd\ndef f(s: pd.Series):\n    return s.values\n"
    out, findings = fix_source(source, [PandasValues])
    assert out == source and findings[0].reason  # not applied by default; says why
    old, new = both(PandasValues, source, unsafe=True)
    s = pd.Series([1, None], dtype="Int64")
    assert not isinstance(call(old, s), np.ndarray)  # an IntegerArray
    assert call(new, s).dtype == np.float64  # pandas 3: float with NaN


# -- FX203 pandas-fillna-method (removed in 3.0) -------------------------------------------------------------
def test_fillna_method_worked_example():
    source = """
    import pandas as pd
    def f(s):
        return s.fillna(method="ffill", limit=1), s.fillna(None, "backfill"), s.to_frame().groupby([0, 0, 1, 1]).fillna(method="bfill")
    """
    new = load(fixed(PandasFillnaMethod, source.replace("def f(s)", "def f(s: pd.Series)")))
    ffilled, bfilled, grouped = new(pd.Series([1.0, np.nan, np.nan, 4.0]))
    # pandas 2.2 docs: method="ffill" propagates the last valid value forward, at most `limit` times
    np.testing.assert_array_equal(ffilled, [1.0, 1.0, np.nan, 4.0])
    np.testing.assert_array_equal(bfilled, [1.0, 4.0, 4.0, 4.0])
    np.testing.assert_array_equal(grouped[0], [1.0, np.nan, 4.0, 4.0])  # within groups only


# -- FX204 pandas-append (removed in 2.0) -------------------------------------------------------------------
@SETTINGS
@given(frame=FRAMES, other=FRAMES)
def test_append_matches_old_semantics(frame, other):
    source = """
    import pandas as pd
    def f(x: pd.DataFrame, y: pd.DataFrame):
        return x.append(y), x.append([y, x], ignore_index=True)
    """
    new = load(fixed(PandasAppend, source))
    plain, listed = call(new, frame, other)
    # DataFrame.append (1.x): rows of self then other, labels kept unless ignore_index
    assert list(plain.index) == list(frame.index) + list(other.index)
    assert len(listed) == 2 * len(frame) + len(other) and list(listed.index) == list(range(len(listed)))
    np.testing.assert_array_equal(plain.to_numpy(), np.vstack([frame.to_numpy(), other.to_numpy()]))


# -- FX205 applymap (removed in 3.0) ----------------------------------------------------------------------
@SETTINGS
@given(frame=FRAMES)
def test_applymap_is_map(frame):
    new = load(fixed(PandasApplymap, "import pandas as pd\ndef f(df: pd.DataFrame):\n    return df.applymap(repr)\n"))
    out = call(new, frame)
    # applymap applied the function to every element
    assert [[repr(v) for v in row] for row in frame.to_numpy().tolist()] == out.to_numpy().tolist()


# -- FX206 offset aliases (rejected by 3.0) -----------------------------------------------------------------
def test_offset_aliases_worked_examples():
    source = """
    import pandas as pd
    def f():
        return (pd.date_range("2024-01-01", periods=3, freq="M"), pd.date_range("2024-01-01", periods=2, freq="2H"),
                pd.date_range("2024-01-01", periods=2, freq="A-JUN"), pd.date_range("2024-01-01", periods=2, freq="1H30T"),
                pd.period_range("2024-01", periods=2, freq="M"), pd.Timedelta("15T"))
    """
    months, hours, years, compound, periods, td = load(fixed(PandasOffsetAliases, source))()
    # pandas 2.1 docs: "M" month end, "H" hourly, "A-JUN" year end in June, "T" minutes
    assert [str(d.date()) for d in months] == ["2024-01-31", "2024-02-29", "2024-03-31"]
    assert hours[1] - hours[0] == pd.Timedelta(hours=2)
    assert [str(d.date()) for d in years] == ["2024-06-30", "2025-06-30"]
    assert compound[1] - compound[0] == pd.Timedelta(minutes=90)
    assert str(periods[0]) == "2024-01" and periods.freqstr == "M"  # period "M" left alone
    assert td == pd.Timedelta(minutes=15)


@SETTINGS
@given(frame=time_frames())
def test_resample_alias_same_bins_as_minutes(frame):
    new = load(fixed(PandasOffsetAliases, "def f(df):\n    return df.resample('15T').sum()\n"))
    out = call(new, frame)
    oracle = frame.groupby(frame.index.floor("15min")).sum()  # 15-minute bins, labelled on the left
    pd.testing.assert_frame_equal(out.loc[oracle.index], oracle, check_freq=False)


# -- FX207 delim_whitespace ------------------------------------------------------------------------------
def test_delim_whitespace_worked_example(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("sym  bid ask\nAAA 1.0   1.5\nBBB\t2.0 2.5\n")
    new = load(fixed(PandasDelimWhitespace, "import pandas as pd\ndef f(p):\n    return pd.read_csv(p, delim_whitespace=True)\n"))
    out = new(path)
    assert list(out.columns) == ["sym", "bid", "ask"] and out["ask"].tolist() == [1.5, 2.5]


# -- FX208 groupby(axis=1) ----------------------------------------------------------------------------------
@SETTINGS
@given(frame=FRAMES)
def test_groupby_axis1_matches_column_groups(frame):
    source = "import pandas as pd\ndef f(df: pd.DataFrame, key):\n    return df.groupby(key, axis=1).sum()\n"
    new = load(fixed(PandasGroupbyAxis, source, unsafe=True))
    key = {"a": "x", "b": "x", "c": "y"}
    out = call(new, frame, key)
    # old axis=1: groups of columns, aggregated row by row
    pd.testing.assert_series_equal(out["x"], frame[["a", "b"]].sum(axis=1), check_names=False)
    pd.testing.assert_series_equal(out["y"], frame[["c"]].sum(axis=1), check_names=False)


# -- FX209 swapaxes -------------------------------------------------------------------------------------------
@SETTINGS
@given(frame=FRAMES)
def test_swapaxes_is_transpose(frame):
    new = load(fixed(PandasSwapaxes, "import pandas as pd\ndef f(df: pd.DataFrame):\n    return df.swapaxes(0, 1)\n"))
    out = call(new, frame)
    np.testing.assert_array_equal(out.to_numpy(), np.swapaxes(frame.to_numpy(), 0, 1))
    assert list(out.index) == list(frame.columns)


# -- FX210 pd.value_counts ------------------------------------------------------------------------------------
@SETTINGS
@given(values=st.lists(st.sampled_from(["buy", "sell", "hold", None]), max_size=20))
def test_top_level_value_counts(values):
    new = load(fixed(PandasTopValueCounts, "import pandas as pd\ndef f(v):\n    return pd.value_counts(v, dropna=False)\n"))
    out = call(new, values)
    from collections import Counter
    expected = Counter(values)
    assert {(None if pd.isna(k) else k): n for k, n in out.items()} == dict(expected)
    assert list(out.to_numpy()) == sorted(out.to_numpy(), reverse=True)  # sorted by count, like before


# -- FX211 is_*_dtype still runs (Pandas4Warning) ---------------------------------------------------------------
DTYPE_INPUTS = [
    pd.Series(["a", "b"], dtype="category"), pd.Series([1.0, 2.0]), pd.Series(pd.date_range("2024", periods=2, tz="UTC")),
    pd.Series(pd.period_range("2024", periods=2, freq="M")), pd.Series(pd.interval_range(0, 2)),
    pd.Series(pd.arrays.SparseArray([0, 1])), pd.Index([1, 2]), pd.CategoricalIndex(["x"]),
]


@pytest.mark.parametrize("func", ["is_categorical_dtype", "is_datetime64tz_dtype", "is_period_dtype",
                                  "is_interval_dtype", "is_sparse"])
def test_is_dtype_functions_agree(func):
    for source, unsafe in [(f"import pandas as pd\ndef f(s: pd.Series):\n    return pd.api.types.{func}(s)\n", False),
                           (f"import pandas as pd\ndef f(s):\n    return pd.api.types.{func}(s)\n", True)]:
        old, new = both(PandasIsDtypeFuncs, source, unsafe=unsafe)
        for value in DTYPE_INPUTS:
            assert call(old, value) == call(new, value), (func, value)


# -- FX212 first/last(offset) ---------------------------------------------------------------------------------
def test_first_last_documented_example():
    # pandas 2.1 docs of DataFrame.first / last
    source = "import pandas as pd\ndef f(ts: pd.DataFrame):\n    return ts.first('3D'), ts.last('3D')\n"
    new = load(fixed(PandasFirstLast, source, unsafe=True))
    i = pd.date_range("2018-04-09", periods=4, freq="2D")
    first, last = new(pd.DataFrame({"A": [1, 2, 3, 4]}, index=i))
    assert first["A"].tolist() == [1, 2] and last["A"].tolist() == [3, 4]


@SETTINGS
@given(frame=time_frames())
def test_first_last_by_position_on_sorted_index(frame):
    source = "import pandas as pd\ndef f(ts: pd.DataFrame):\n    return ts.first('90min'), ts.last('2H')\n"
    first, last = call(load(fixed(PandasFirstLast, source, unsafe=True)), frame)
    # the 2.x implementation: iloc[:searchsorted(start + offset, "left")], iloc[searchsorted(end - offset, "right"):]
    idx = frame.index
    pd.testing.assert_frame_equal(first, frame.iloc[: idx.searchsorted(idx[0] + pd.Timedelta("90min"), "left")])
    pd.testing.assert_frame_equal(last, frame.iloc[idx.searchsorted(idx[-1] - pd.Timedelta("2h"), "right"):])


# -- FX213 Series.view -----------------------------------------------------------------------------------------------
@SETTINGS
@given(values=st.lists(st.floats(allow_nan=True), min_size=1, max_size=10))
def test_series_view_reinterprets_bits(values):
    source = "import pandas as pd\ndef f(s: pd.Series):\n    return s.view('int64')\n"
    new = load(fixed(PandasSeriesView, source, unsafe=True))
    s = pd.Series(values, index=list(range(len(values)))[::-1], name="px")
    out = call(new, s)
    np.testing.assert_array_equal(out.to_numpy(), np.asarray(values, dtype=np.float64).view(np.int64))
    assert list(out.index) == list(s.index) and out.name == "px"


# -- FX215 resample base / loffset -------------------------------------------------------------------------------
def test_resample_base_and_loffset_worked_example():
    source = """
    import pandas as pd
    def f(px: pd.Series):
        a = px.resample("5min", base=2).sum()
        b = px.resample("1h", loffset="9min").sum()
        return a, b
    """
    new = load(fixed(PandasResampleBase, source, unsafe=True))
    px = pd.Series(1.0, index=pd.date_range("2024-01-01 09:00", periods=20, freq="min"))
    a, b = new(px)
    # base=2 with 5min bins: bins start at :02, :07, ... (pandas 1.0 docs); the first bin holds :00-:01
    assert [t.strftime("%H:%M") for t in a.index[:3]] == ["08:57", "09:02", "09:07"] and a.iloc[0] == 2.0
    # loffset shifted the labels only
    assert b.index[0] == pd.Timestamp("2024-01-01 09:09") and b.iloc[0] == 20.0


# -- FX216 misc -----------------------------------------------------------------------------------------------------
@SETTINGS
@given(frame=FRAMES)
def test_misc_removed(frame):
    source = """
    import pandas as pd
    def f(df: pd.DataFrame):
        s = pd.Series(df["a"], dtype=float)
        pairs = [(k, v.sum()) for k, v in df.iteritems()]
        return pairs, s.mad(), df.mad(), s.ravel(), df.astype(float, copy=False)
    """
    pairs, smad, fmad, flat, copied = call(load(fixed(PandasMiscRemoved, source)), frame)
    assert [k for k, _ in pairs] == list(frame.columns)
    col = frame["a"].to_numpy()
    # Series.mad (1.x): mean absolute deviation around the mean, NaN skipped
    expected = np.nanmean(np.abs(col - np.nanmean(col))) if np.isfinite(col).any() else np.nan
    np.testing.assert_allclose(smad, expected, rtol=1e-9, atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(fmad["a"], expected, rtol=1e-9, atol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(flat, col)
    pd.testing.assert_frame_equal(copied, frame.astype(float))


def test_misc_worked_examples():
    source = """
    import pandas as pd
    def f(s: pd.Series, t: pd.Series):
        return s.bool(), t.dt.week, pd.Timestamp.utcnow(), pd.Timestamp.utcfromtimestamp(86400), t.index.is_monotonic
    """
    flag, week, now, epoch, mono = load(fixed(PandasMiscRemoved, source, unsafe=True))(
        pd.Series([True]), pd.Series(pd.to_datetime(["2024-01-01", "2024-12-30"]), index=[3, 1]))
    assert flag is True
    assert week.tolist() == [1, 1]  # ISO weeks, as dt.week gave
    assert now.tz is not None and abs(now - pd.Timestamp.now("UTC")) < pd.Timedelta(minutes=1)
    assert epoch == pd.Timestamp("1970-01-02", tz="UTC")
    assert mono is False


# -- the example project: the pipeline breaks on pandas 3 before finfix and runs after it ----------------------
def test_example_feature_pipeline_runs_after_the_fixes(tmp_path):
    from pathlib import Path

    from finfix import registry

    source = (Path(__file__).parents[1] / "examples" / "quantdesk" / "features.py").read_text()
    pandas_rules = [r for r in registry.all_rules() if r.code.startswith("FX2")]
    after, findings = fix_source(source, pandas_rules, unsafe=True)  # quantdesk sets unsafe-fixes = true
    assert {f.code for f in findings if f.applied} >= {"FX201", "FX202", "FX203", "FX204", "FX205", "FX206"}
    csv = tmp_path / "trades.csv"
    ts = pd.date_range("2024-01-02 09:00", periods=240, freq="min")
    rng = np.random.default_rng(0)
    price = 100 + rng.standard_normal(240).cumsum()
    price[[5, 77]] = np.nan
    pd.DataFrame({"ts": ts, "price": price, "qty": rng.integers(1, 9, 240)}).to_csv(csv, index=False)

    def run(code: str):
        import importlib.util
        import sys

        name = f"quantdesk_features_{len(code)}"
        path = tmp_path / f"{name}.py"
        path.write_text(code)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        try:
            spec.loader.exec_module(module)
        finally:
            del sys.modules[name]
        ns = vars(module)
        trades = ns["load_trades"](str(csv))
        bars = ns["hourly_bars"](trades)
        table = ns["feature_table"]({"AAA": bars, "BBB": bars})
        return trades, bars, ns["signal_matrix"](bars), ns["labels"](table), ns["minute_returns"](trades)

    with pytest.raises((TypeError, AttributeError, ValueError)), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pandas4Warning for inplace
        run(source)  # "H", fillna(method=), append: gone in 3.x
    trades, bars, matrix, labels, returns = run(after)
    assert trades.index.is_monotonic_increasing and not trades["price"].isna().any()
    assert len(bars) == 4 and not bars.isna().any().any()
    assert matrix.shape == (4, 4) and isinstance(matrix, np.ndarray)
    assert list(labels.index) == [0, 1] and labels.iloc[0, 0].endswith("%")
    assert returns.index.freqstr == "5min"
