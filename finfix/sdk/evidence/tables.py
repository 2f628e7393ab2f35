"""The tables of pandas' API that finfix's local reasoning reads (pandas 3.1.1, plus names removed since 1.x)."""

from __future__ import annotations

import re

from finfix.sdk.evidence.kinds import Kind

CONSTRUCTORS = {
    "pandas.DataFrame": Kind.FRAME,
    "pandas.core.frame.DataFrame": Kind.FRAME,
    "pandas.Series": Kind.SERIES,
    "pandas.core.series.Series": Kind.SERIES,
    "pandas.concat": Kind.PANDAS,
    "pandas.merge": Kind.FRAME,
    "pandas.merge_asof": Kind.FRAME,
    "pandas.merge_ordered": Kind.FRAME,
    "pandas.pivot_table": Kind.FRAME,
    "pandas.crosstab": Kind.FRAME,
    "pandas.get_dummies": Kind.FRAME,
    "pandas.json_normalize": Kind.FRAME,
    "pandas.Index": Kind.INDEX,
    "pandas.DatetimeIndex": Kind.INDEX,
    "pandas.TimedeltaIndex": Kind.INDEX,
    "pandas.PeriodIndex": Kind.INDEX,
    "pandas.MultiIndex.from_tuples": Kind.INDEX,
    "pandas.MultiIndex.from_product": Kind.INDEX,
    "pandas.MultiIndex.from_arrays": Kind.INDEX,
    "pandas.date_range": Kind.INDEX,
    "pandas.bdate_range": Kind.INDEX,
    "pandas.period_range": Kind.INDEX,
    "pandas.timedelta_range": Kind.INDEX,
}
# Readers that return one DataFrame (unless `chunksize=`/`iterator=`, or `sheet_name=` for Excel).
FRAME_READERS = frozenset(
    "read_csv read_table read_fwf read_parquet read_feather read_excel read_sql read_sql_query "
    "read_sql_table read_stata read_sas read_spss read_orc read_xml read_clipboard".split()
)
UNKNOWN_READERS = frozenset({"read_json", "read_hdf"})  # a DataFrame or a Series
ITER_KEYWORDS = frozenset({"chunksize", "iterator", "sheet_name"})

ANNOTATIONS = {
    "pandas.DataFrame": Kind.FRAME,
    "pandas.core.frame.DataFrame": Kind.FRAME,
    "pandas.Series": Kind.SERIES,
    "pandas.core.series.Series": Kind.SERIES,
    "pandas.Index": Kind.INDEX,
    "pandas.DatetimeIndex": Kind.INDEX,
}
ANNOTATION_TEXT = re.compile(r"^(?:pd|pandas)\.(DataFrame|Series|Index|DatetimeIndex)$")

#: Libraries whose objects look like pandas ones (`.values`, subscripts) but are not.
LOOKALIKE_MODULES = ("numpy", "xarray", "polars", "torch", "tensorflow", "jax", "dask", "modin", "pyspark", "cudf")
NOT_PANDAS_BUILTINS = frozenset({"builtins.dict", "builtins.list", "builtins.set", "builtins.tuple"})

# Methods of a DataFrame/Series that return an object of the same kind.
SAME_KIND = frozenset(
    "copy dropna fillna ffill bfill sort_values sort_index rename rename_axis drop drop_duplicates "
    "astype head tail abs round clip where mask replace interpolate shift diff pct_change cumsum cumprod "
    "cummax cummin rank reindex reindex_like truncate tz_localize tz_convert asfreq infer_objects "
    "convert_dtypes set_axis sample isna notna isnull notnull between_time at_time add_prefix "
    "add_suffix filter take nlargest nsmallest sort_index swaplevel droplevel reorder_levels "
    "append applymap swapaxes pad backfill first last to_timestamp to_period "
    "add sub mul div truediv floordiv mod pow radd rsub rmul rdiv rtruediv explode squeeze".split()
)
# ... that return some pandas object (a frame or a series).
PANDAS_RESULT = frozenset(
    "assign query merge join pivot pivot_table melt stack unstack set_index reset_index to_frame "
    "transpose describe corr cov value_counts apply map agg aggregate transform combine_first "
    "update idxmax idxmin sum mean median std var min max count nunique prod quantile mode "
    "any all isin duplicated first_valid_index".split()
) - {"first_valid_index", "update"}
GROUPING = frozenset({"groupby", "resample", "rolling", "expanding", "ewm"})
GROUP_RESULT = frozenset(
    "sum mean median std var min max count size first last nth ohlc agg aggregate apply transform "
    "ffill bfill cumsum cumprod cummax cummin prod sem nunique quantile diff shift pct_change rank "
    "corr cov interpolate asfreq filter head tail".split()
)
NUMERIC_DTYPES = frozenset(
    "float int float64 float32 int64 int32 int16 int8 uint8 uint16 uint32 uint64 bool f8 f4 i8 i4".split()
)
INDEXERS = frozenset({"loc", "iloc", "at", "iat"})
ACCESSORS = frozenset({"dt", "str", "cat"})

#: Look-alike libraries whose objects are "another library's object" (numpy's are ndarrays: Kind.NOT).
FOREIGN_LIBRARIES = frozenset(LOOKALIKE_MODULES) - {"numpy"}
#: Attributes that only pandas (or a pandas-API clone) has: a name used with one of them, in a module that
#: imports no look-alike library, is inferred pandas ("duck evidence").
DUCK_ATTRS = frozenset({"iloc", "iat", "loc", "groupby", "rolling", "resample", "iterrows", "itertuples",
                        "pct_change", "reset_index", "set_index", "to_csv", "dropna", "ffill", "bfill",
                        "ewm", "expanding"})  # polars spells these `ewm_mean`/`cum_*`; numpy has neither

#: numpy ufuncs of one argument: on a pandas object they return the same kind (``__array_ufunc__``),
#: ``np.log(prices)`` is a DataFrame; on anything else an ndarray.
SAME_KIND_UFUNCS = frozenset(
    "log log1p log2 log10 exp exp2 expm1 sqrt cbrt square abs absolute fabs sign negative positive floor ceil "
    "trunc rint sin cos tan arcsin arccos arctan sinh cosh tanh isnan isfinite isinf reciprocal".split()
)
