"""finfix's built-in rules, in the order they run on a file.

The order matters where fixes interact: numba rules first (FX005 looks at what FX001 left), then
Python, pandas, plotting and numpy/scipy rules. Import clean-up runs after all of them (engine).
"""

from codemods.numba_cuda import BuiltinCuda
from codemods.numba_jit_modes import ErrorModel, Forceobj, JitNopythonDefault, NopythonFalse
from codemods.numba_prange import ParallelWithoutPrange, PrangeRace
from codemods.pandas_append import PandasAppend
from codemods.pandas_applymap import PandasApplymap
from codemods.pandas_delim_whitespace import PandasDelimWhitespace
from codemods.pandas_fillna_method import PandasFillnaMethod
from codemods.pandas_first_last import PandasFirstLast
from codemods.pandas_groupby_axis import PandasGroupbyAxis
from codemods.pandas_idx_na import PandasIdxNa
from codemods.pandas_inplace import PandasInplace
from codemods.pandas_is_dtype import PandasIsDtypeFuncs
from codemods.pandas_misc_removed import PandasMiscRemoved
from codemods.pandas_offset_aliases import PandasOffsetAliases
from codemods.pandas_resample_base import PandasResampleBase
from codemods.pandas_series_view import PandasSeriesView
from codemods.pandas_swapaxes import PandasSwapaxes
from codemods.pandas_value_counts import PandasTopValueCounts
from codemods.pandas_values import PandasValues
from codemods.python_mutable_default import MutableDefault
from codemods.python_silent_except import SilentExcept
from codemods.python_utcnow import DatetimeUtcnow
from codemods.seaborn_distplot import SeabornDistplot
from codemods.mpl_plot_date import MplPlotDate
from codemods.mpl_cm_get_cmap import MplCmGetCmap
from codemods.mpl_style_names import MplSeabornStyleNames
from codemods.mpl_misc import MplMisc
from codemods.plotly_image_engine import PlotlyImageEngine
from codemods.numpy_removed_aliases import NumpyRemovedAliases
from codemods.numpy_builtin_aliases import NumpyBuiltinAliases
from codemods.scipy_signal_windows import ScipySignalWindows
from codemods.scipy_misc_removed import ScipyMiscRemoved
from codemods.scipy_signal_wavelets import ScipySignalWavelets
from codemods.scipy_fir_nyq import ScipyFirNyq
from codemods.sklearn_agglomerative_affinity import SklearnAgglomerativeAffinity
from codemods.sklearn_kmeans_algorithm import SklearnKmeansAlgorithm
from codemods.sklearn_kmeans_n_init import SklearnKmeansNInit
from codemods.psutil_renamed_apis import PsutilRenamedApis
from codemods.optuna_suggest_legacy import OptunaSuggestLegacy
from codemods.optuna_unseeded_sampler import OptunaUnseededSampler

BUILTIN = (
    # numba (FX0xx) first: FX001 rewrites racy prange loops, FX005 reports what FX001 left
    PrangeRace,
    ParallelWithoutPrange,
    JitNopythonDefault,
    NopythonFalse,
    Forceobj,
    ErrorModel,
    BuiltinCuda,
    MutableDefault,
    SilentExcept,
    DatetimeUtcnow,
    # pandas (FX2xx)
    PandasInplace,
    PandasValues,
    PandasFillnaMethod,
    PandasAppend,
    PandasApplymap,
    PandasOffsetAliases,
    PandasDelimWhitespace,
    PandasGroupbyAxis,
    PandasSwapaxes,
    PandasTopValueCounts,
    PandasIsDtypeFuncs,
    PandasFirstLast,
    PandasSeriesView,
    PandasIdxNa,
    PandasResampleBase,
    PandasMiscRemoved,
    # plotting (FX3xx): after the pandas rules
    SeabornDistplot,
    MplPlotDate,
    MplCmGetCmap,
    MplSeabornStyleNames,
    MplMisc,
    PlotlyImageEngine,
    # numpy/scipy/sklearn (FX4xx), psutil/optuna (FX5xx)
    NumpyRemovedAliases,
    NumpyBuiltinAliases,
    ScipySignalWindows,
    ScipyMiscRemoved,
    ScipySignalWavelets,
    ScipyFirNyq,
    SklearnAgglomerativeAffinity,
    SklearnKmeansAlgorithm,
    SklearnKmeansNInit,
    PsutilRenamedApis,
    OptunaSuggestLegacy,
    OptunaUnseededSampler,
)
