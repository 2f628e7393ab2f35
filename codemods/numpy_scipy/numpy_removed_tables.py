"""FX401's tables: the NumPy names removed in 2.0-2.4, their replacements, and the dtype sets the
call-shaped fixes consult."""

from __future__ import annotations

from finfix.sdk.renames import NameRename
from finfix.sdk.rule import Safety

R20 = "removed in NumPy 2.0"
R24 = "removed in NumPy 2.4"


def rows(new: str, *olds: str, note: str = R20, **kw) -> tuple[NameRename, ...]:
    return tuple(NameRename(f"numpy.{old}", new, note=note, **kw) for old in olds)


def detect_row(old: str, advice: str) -> NameRename:
    return NameRename(f"numpy.{old}", "", note=f"was removed in NumPy 2.0 with no drop-in replacement: {advice}",
                      safety=Safety.DETECT)


#: Exceptions and warnings that moved to `numpy.exceptions` (there since NumPy 1.25).
EXCEPTIONS = ("AxisError", "ComplexWarning", "VisibleDeprecationWarning", "RankWarning",
              "ModuleDeprecationWarning", "TooHardError", "DTypePromotionError")

RENAMES: tuple[NameRename, ...] = (
    *rows("numpy.nan", "NaN", "NAN"),
    *rows("numpy.inf", "Inf", "Infinity", "infty", "PINF", "INF"),
    *(NameRename(f"numpy.{name}", f"numpy.exceptions.{name}", note="moved to `numpy.exceptions` in NumPy 2.0")
      for name in EXCEPTIONS),
    NameRename("numpy.chararray", "numpy.char.chararray",
               note="deprecated in the main namespace; NumPy 2.4 warns"),
    NameRename("numpy.NINF", "numpy.inf", note=R20, template="-{}"),
    NameRename("numpy.PZERO", "0.0", note=R20, template="0.0"),
    NameRename("numpy.NZERO", "-0.0", note=R20, template="-0.0"),
    *rows("numpy.float64", "float_"),
    *rows("numpy.complex128", "complex_", "cfloat"),
    *rows("numpy.complex64", "singlecomplex"),
    *rows("numpy.longdouble", "longfloat"),
    *rows("numpy.clongdouble", "clongfloat", "longcomplex"),
    *rows("numpy.str_", "unicode_", "str0"),
    *rows("numpy.bytes_", "string_", "bytes0"),
    *rows("numpy.intp", "int0"),
    *rows("numpy.uintp", "uint0"),
    *rows("numpy.bool_", "bool8"),
    *rows("numpy.object_", "object0"),
    *rows("numpy.void", "void0"),
    *rows("numpy.prod", "product"),
    *rows("numpy.cumprod", "cumproduct"),
    *rows("numpy.all", "alltrue"),
    *rows("numpy.any", "sometrue"),
    *rows("numpy.round", "round_"),
    *rows("numpy.asmatrix", "mat"),
    *rows("builtins.issubclass", "issubclass_"),
    *rows("ast.literal_eval", "safe_eval"),
    *rows("numpy.lib.array_utils.byte_bounds", "byte_bounds"),
    *rows("numpy.char.compare_chararrays", "compare_chararrays"),
    *rows("numpy.rec.format_parser", "format_parser"),
    *rows("numpy.lib.npyio.DataSource", "DataSource"),
    *rows("numpy.lib.add_newdoc", "add_newdoc"),
    *rows("numpy.lib.add_docstring", "add_docstring"),
    *rows("numpy.lib.tracemalloc_domain", "tracemalloc_domain"),
    NameRename("numpy.issubsctype", "numpy.issubdtype", note=R20, safety=Safety.UNSAFE,
               reason="`issubsctype` also accepted arrays and unknown objects; `issubdtype` raises for them"),
    NameRename("numpy.trapz", "numpy.trapezoid", note=R24),
    NameRename("numpy.row_stack", "numpy.vstack", note="deprecated in NumPy 2.0"),
    detect_row("lookfor", "search NumPy's documentation"),
    detect_row("who", "use an IDE variable explorer or `locals()`"),
    detect_row("set_string_function", "use `np.set_printoptions(formatter=...)`"),
    detect_row("deprecate", "use `warnings.warn(..., DeprecationWarning)` or `typing_extensions.deprecated`"),
    detect_row("deprecate_with_doc", "use `warnings.warn(..., DeprecationWarning)`"),
    detect_row("geterrobj", "use the `np.errstate` context manager"),
    detect_row("seterrobj", "use the `np.errstate` context manager"),
    detect_row("set_numeric_ops", "define `__array_ufunc__` on an ndarray subclass"),
    detect_row("add_newdoc_ufunc", "it was internal"),
    detect_row("issctype", "use `issubclass(rep, np.generic)`"),
    detect_row("maximum_sctype", "choose a specific dtype"),
    detect_row("sctypes", "list the dtypes explicitly"),
    detect_row("get_array_wrap", "it was internal"),
    detect_row("compat", "it held Python 2 helpers; use the standard library"),
)

#: Removed functions whose replacement is a call of another shape (`numpy_removed_calls`): a reference
#: that is not such a call (`f = np.source`, `callbacks = [np.in1d]`) is reported with this advice.
CALL_SHAPED = {
    "in1d": "`np.isin(a, b).ravel()`", "msort": "`np.sort(a, axis=0)`", "asfarray": "`np.asarray(a, dtype=...)`",
    "find_common_type": "`np.result_type`", "cast": "`np.asarray(a, dtype=dt)`", "obj2sctype": "`np.dtype(x).type`",
    "sctype2char": "`np.dtype(x).char`", "recfromcsv": "`np.genfromtxt(..., delimiter=\",\")`",
    "recfromtxt": "`np.genfromtxt`", "fastCopyAndTranspose": "`a.T.copy()`", "nbytes": "`np.dtype(dt).itemsize`",
    "disp": "`print`", "source": "`inspect.getsource`",
}
#: The NumPy release that removed each of them.
CALL_SHAPED_REMOVED = {name: "2.4" if name in ("in1d", "disp") else "2.0" for name in CALL_SHAPED}

QUANTILES = tuple(f"numpy.{f}" for f in ("percentile", "quantile", "nanpercentile", "nanquantile"))

#: dtypes known to be inexact (asfarray keeps them) or known not to be (asfarray used float64).
INEXACT = {
    "builtins.float", "builtins.complex", *(f"numpy.{t}" for t in (
        "float16", "float32", "float64", "longdouble", "half", "single", "double", "complex64", "complex128",
        "clongdouble", "csingle", "cdouble", "floating", "inexact", "complexfloating"))
}
EXACT = {
    "builtins.int", "builtins.bool", "builtins.object", *(f"numpy.{t}" for t in (
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp", "int_",
        "bool_", "bool", "object_", "str_", "bytes_", "integer", "signedinteger", "unsignedinteger"))
}
INEXACT_CODES = {"f", "d", "g", "e", "F", "D", "G", "f2", "f4", "f8", "f16", "c8", "c16", "c32", "float", "double",
                  "float16", "float32", "float64", "complex", "complex64", "complex128", "longdouble", "single"}
EXACT_CODES = {"i", "l", "q", "b", "B", "h", "H", "I", "L", "Q", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "int",
                "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool", "?", "O", "object"}

ONE_D_MAKERS = {f"numpy.{f}" for f in ("arange", "linspace", "logspace", "geomspace", "flatnonzero")}
