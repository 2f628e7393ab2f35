"""finfix's built-in rules, in the order they run on a file.

The order matters where fixes interact: numba rules first (FX005 looks at what FX001 left), then
Python, pandas, plotting and numpy/scipy rules. Import clean-up runs after all of them (engine).
"""

from finfix.codemods.numba.cuda import BuiltinCuda
from finfix.codemods.numba.jit_modes import ErrorModel, Forceobj, JitNopythonDefault, NopythonFalse
from finfix.codemods.numba.prange import ParallelWithoutPrange, PrangeRace
from finfix.codemods.pandas.append import PandasAppend
from finfix.codemods.pandas.applymap import PandasApplymap
from finfix.codemods.pandas.delim_whitespace import PandasDelimWhitespace
from finfix.codemods.pandas.fillna_method import PandasFillnaMethod
from finfix.codemods.pandas.first_last import PandasFirstLast
from finfix.codemods.pandas.groupby_axis import PandasGroupbyAxis
from finfix.codemods.pandas.idx_na import PandasIdxNa
from finfix.codemods.pandas.inplace import PandasInplace
from finfix.codemods.pandas.is_dtype import PandasIsDtypeFuncs
from finfix.codemods.pandas.misc_removed import PandasMiscRemoved
from finfix.codemods.pandas.offset_aliases import PandasOffsetAliases
from finfix.codemods.pandas.resample_base import PandasResampleBase
from finfix.codemods.pandas.series_view import PandasSeriesView
from finfix.codemods.pandas.swapaxes import PandasSwapaxes
from finfix.codemods.pandas.value_counts import PandasTopValueCounts
from finfix.codemods.pandas.values import PandasValues
from finfix.codemods.python.mutable_default import MutableDefault
from finfix.codemods.python.silent_except import SilentExcept
from finfix.codemods.python.utcnow import DatetimeUtcnow
from finfix.codemods.python.removed_stdlib import PythonRemovedStdlib
from finfix.codemods.python.unittest_aliases import UnittestRemovedAliases
from finfix.codemods.python.deprecated_stdlib import PythonDeprecatedStdlib
from finfix.codemods.python.float_money import FloatMoney
from finfix.codemods.pandas.ix_indexer import PandasIx
from finfix.codemods.plotting.mplfinance_frame import MplfinanceUnvalidatedFrame
from finfix.codemods.numpy_scipy.talib_inputs import TalibInputs
from finfix.codemods.ops.redis_read_modify_write import RedisReadModifyWrite
from finfix.codemods.ops.cachetools_ttl import CachetoolsTtlNoInvalidation
from finfix.codemods.ops.gputil_unmaintained import GputilUnmaintained
from finfix.codemods.plotting.distplot import SeabornDistplot
from finfix.codemods.plotting.mpl_plot_date import MplPlotDate
from finfix.codemods.plotting.mpl_cm_get_cmap import MplCmGetCmap
from finfix.codemods.plotting.mpl_style_names import MplSeabornStyleNames
from finfix.codemods.plotting.mpl_misc import MplMisc
from finfix.codemods.plotting.plotly_image_engine import PlotlyImageEngine
from finfix.codemods.numpy_scipy.numpy_removed_aliases import NumpyRemovedAliases
from finfix.codemods.numpy_scipy.numpy_builtin_aliases import NumpyBuiltinAliases
from finfix.codemods.numpy_scipy.scipy_signal_windows import ScipySignalWindows
from finfix.codemods.numpy_scipy.scipy_misc_removed import ScipyMiscRemoved
from finfix.codemods.numpy_scipy.scipy_signal_wavelets import ScipySignalWavelets
from finfix.codemods.numpy_scipy.scipy_fir_nyq import ScipyFirNyq
from finfix.codemods.numpy_scipy.sklearn_agglomerative_affinity import SklearnAgglomerativeAffinity
from finfix.codemods.numpy_scipy.sklearn_kmeans_algorithm import SklearnKmeansAlgorithm
from finfix.codemods.numpy_scipy.sklearn_kmeans_n_init import SklearnKmeansNInit
from finfix.codemods.ops.psutil_renamed_apis import PsutilRenamedApis
from finfix.codemods.ops.optuna_suggest_legacy import OptunaSuggestLegacy
from finfix.codemods.ops.optuna_unseeded_sampler import OptunaUnseededSampler

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
    PythonRemovedStdlib,
    UnittestRemovedAliases,
    PythonDeprecatedStdlib,
    FloatMoney,
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
    PandasIx,
    # plotting (FX3xx): after the pandas rules
    SeabornDistplot,
    MplPlotDate,
    MplCmGetCmap,
    MplSeabornStyleNames,
    MplMisc,
    PlotlyImageEngine,
    MplfinanceUnvalidatedFrame,
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
    TalibInputs,
    PsutilRenamedApis,
    OptunaSuggestLegacy,
    OptunaUnseededSampler,
    RedisReadModifyWrite,
    CachetoolsTtlNoInvalidation,
    GputilUnmaintained,
)
