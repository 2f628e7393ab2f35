"""Public attribute names of pandas DataFrame and Series (pandas 3.1.1, plus names removed since 1.x).

Data for :mod:`finfix.sdk.pandas_types`: an attribute of a frame that is *not* one of these is a column
(`df.close`). Generated with ``sorted(n for n in dir(pd.DataFrame) + dir(pd.Series) if not n.startswith("_"))``
and a hand-kept list of removed names; regenerate it when pandas adds methods.
"""

FRAME_SERIES_ATTRS = frozenset(
    """
T abs add add_prefix add_suffix agg aggregate align all any append apply applymap argmax argmin argsort array
as_matrix asfreq asobject asof assign astype at at_time attrs autocorr axes backfill between between_time
bfill bool boxplot case_when cat clip clip_lower clip_upper columns combine combine_first compare compound
consolidate convert_dtypes convert_objects copy corr corrwith count cov cummax cummin cumprod cumsum describe
diff div divide divmod dot drop drop_duplicates droplevel dropna dt dtype dtypes duplicated empty eq equals
eval ewm expanding explode factorize ffill fillna filter first first_valid_index flags floordiv from_arrow
from_dict from_records ftypes ge get get_dtype_counts get_ftype_counts get_value get_values groupby gt hasnans
head hist iat idxmax idxmin iloc index infer_objects info insert interpolate is_copy is_monotonic
is_monotonic_decreasing is_monotonic_increasing is_unique isetitem isin isna isnull item items iteritems
iterrows itertuples ix join keys kurt kurtosis last last_valid_index le list loc lookup lt mad map mask max
mean median melt memory_usage merge min mod mode mul multiply name nbytes ndim ne nlargest notna notnull
nsmallest nunique pad pct_change pipe pivot pivot_table plot pop pow prod product quantile query radd rank
ravel rdiv rdivmod reindex reindex_axis reindex_like rename rename_axis reorder_levels repeat replace resample
reset_index rfloordiv rmod rmul rolling round rpow rsub rtruediv sample searchsorted select select_dtypes sem
set_axis set_flags set_index set_value shape shift size skew slice_shift sort sort_index sort_values sortlevel
sparse squeeze stack std str struct style sub subtract sum swapaxes swaplevel tail take to_clipboard to_csv
to_dict to_excel to_feather to_frame to_hdf to_html to_iceberg to_json to_latex to_list to_markdown to_numpy
to_orc to_panel to_parquet to_period to_pickle to_records to_sparse to_sql to_stata to_string to_timestamp
to_xarray to_xml tolist transform transpose truediv truncate tshift tz_convert tz_localize unique unstack
update valid value_counts values var view where xs
    """.split()
)
