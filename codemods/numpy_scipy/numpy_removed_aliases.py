"""FX401 numpy2-removed-aliases: names NumPy 2.0–2.4 removed, and their replacements.

Most rows are data for the declarative rename transformer. The rows whose replacement has another
shape (`np.msort(a)` → `np.sort(a, axis=0)`, `np.in1d(a, b)` → `np.isin(a, b).ravel()`,
`np.cast[dt](a)`, `a.ptp()`, …) are handled in :meth:`NumpyRemovedAliases.leave_Call`.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from finfix.sdk.names import code_of, has_star_args, keyword, qualified_names, short_code
from finfix.sdk.renames import KeywordRename, NameRename, RenameRule
from finfix.sdk.rule import Example, Safety
from finfix.sdk.prefilter import module_uses

R20 = "removed in NumPy 2.0"
R24 = "removed in NumPy 2.4"


def _rows(new: str, *olds: str, note: str = R20, **kw) -> tuple[NameRename, ...]:
    return tuple(NameRename(f"numpy.{old}", new, note=note, **kw) for old in olds)


def _detect(old: str, advice: str) -> NameRename:
    return NameRename(f"numpy.{old}", "", note=f"was removed in NumPy 2.0 with no drop-in replacement: {advice}",
                      safety=Safety.DETECT)


RENAMES: tuple[NameRename, ...] = (
    *_rows("numpy.nan", "NaN"),
    *_rows("numpy.inf", "Inf", "Infinity", "infty", "PINF"),
    NameRename("numpy.NINF", "numpy.inf", note=R20, template="-{}"),
    NameRename("numpy.PZERO", "0.0", note=R20, template="0.0"),
    NameRename("numpy.NZERO", "-0.0", note=R20, template="-0.0"),
    *_rows("numpy.float64", "float_"),
    *_rows("numpy.complex128", "complex_", "cfloat"),
    *_rows("numpy.complex64", "singlecomplex"),
    *_rows("numpy.longdouble", "longfloat"),
    *_rows("numpy.clongdouble", "clongfloat", "longcomplex"),
    *_rows("numpy.str_", "unicode_", "str0"),
    *_rows("numpy.bytes_", "string_", "bytes0"),
    *_rows("numpy.intp", "int0"),
    *_rows("numpy.uintp", "uint0"),
    *_rows("numpy.bool_", "bool8"),
    *_rows("numpy.object_", "object0"),
    *_rows("numpy.void", "void0"),
    *_rows("numpy.prod", "product"),
    *_rows("numpy.cumprod", "cumproduct"),
    *_rows("numpy.all", "alltrue"),
    *_rows("numpy.any", "sometrue"),
    *_rows("numpy.round", "round_"),
    *_rows("numpy.asmatrix", "mat"),
    *_rows("builtins.issubclass", "issubclass_"),
    *_rows("ast.literal_eval", "safe_eval"),
    *_rows("numpy.lib.array_utils.byte_bounds", "byte_bounds"),
    *_rows("numpy.char.compare_chararrays", "compare_chararrays"),
    *_rows("numpy.rec.format_parser", "format_parser"),
    *_rows("numpy.lib.npyio.DataSource", "DataSource"),
    *_rows("numpy.lib.add_newdoc", "add_newdoc"),
    *_rows("numpy.lib.add_docstring", "add_docstring"),
    *_rows("numpy.lib.tracemalloc_domain", "tracemalloc_domain"),
    NameRename("numpy.issubsctype", "numpy.issubdtype", note=R20, safety=Safety.UNSAFE,
               reason="`issubsctype` also accepted arrays and unknown objects; `issubdtype` raises for them"),
    NameRename("numpy.trapz", "numpy.trapezoid", note=R24),
    NameRename("numpy.row_stack", "numpy.vstack", note="deprecated in NumPy 2.0"),
    _detect("lookfor", "search NumPy's documentation"),
    _detect("who", "use an IDE variable explorer or `locals()`"),
    _detect("set_string_function", "use `np.set_printoptions(formatter=...)`"),
    _detect("deprecate", "use `warnings.warn(..., DeprecationWarning)` or `typing_extensions.deprecated`"),
    _detect("deprecate_with_doc", "use `warnings.warn(..., DeprecationWarning)`"),
    _detect("geterrobj", "use the `np.errstate` context manager"),
    _detect("seterrobj", "use the `np.errstate` context manager"),
    _detect("set_numeric_ops", "define `__array_ufunc__` on an ndarray subclass"),
    _detect("add_newdoc_ufunc", "it was internal"),
    _detect("issctype", "use `issubclass(rep, np.generic)`"),
    _detect("maximum_sctype", "choose a specific dtype"),
    _detect("sctypes", "list the dtypes explicitly"),
    _detect("get_array_wrap", "it was internal"),
)

QUANTILES = tuple(f"numpy.{f}" for f in ("percentile", "quantile", "nanpercentile", "nanquantile"))

#: dtypes known to be inexact (asfarray keeps them) or known not to be (asfarray used float64).
_INEXACT = {
    "builtins.float", "builtins.complex", *(f"numpy.{t}" for t in (
        "float16", "float32", "float64", "longdouble", "half", "single", "double", "complex64", "complex128",
        "clongdouble", "csingle", "cdouble", "floating", "inexact", "complexfloating"))
}
_EXACT = {
    "builtins.int", "builtins.bool", "builtins.object", *(f"numpy.{t}" for t in (
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp", "int_",
        "bool_", "bool", "object_", "str_", "bytes_", "integer", "signedinteger", "unsignedinteger"))
}
_INEXACT_CODES = {"f", "d", "g", "e", "F", "D", "G", "f2", "f4", "f8", "f16", "c8", "c16", "c32", "float", "double",
                  "float16", "float32", "float64", "complex", "complex64", "complex128", "longdouble", "single"}
_EXACT_CODES = {"i", "l", "q", "b", "B", "h", "H", "I", "L", "Q", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "int",
                "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool", "?", "O", "object"}

_ONE_D_MAKERS = {f"numpy.{f}" for f in ("arange", "linspace", "logspace", "geomspace", "flatnonzero")}


_TEXT_ROWS = frozenset({"ptp", "interpolation", "newshape"})
_SPECIAL_TEXT = re.compile(r"\.ptp\(|\b(?:interpolation|newshape)\s*=|linalg\.linalg|fft\.helper")


class NumpyRemovedAliases(RenameRule):
    """## What it does
    Rewrites the NumPy names removed in NumPy 2.0 and 2.4 (NEP 52) to their replacements:
    `np.NaN` → `np.nan`; `np.Inf`/`np.Infinity`/`np.infty`/`np.PINF` → `np.inf`; `np.NINF` → `-np.inf`
    (parenthesised where precedence needs it: `x**(-np.inf)`); `np.PZERO`/`np.NZERO` → `0.0`/`-0.0`;
    the scalar-type aliases (`np.float_` → `np.float64`, `np.complex_`/`np.cfloat` → `np.complex128`,
    `np.unicode_` → `np.str_`, `np.string_` → `np.bytes_`, `np.int0`, `np.bool8`, …); the function
    aliases (`np.product` → `np.prod`, `np.cumproduct`, `np.alltrue`, `np.sometrue`, `np.round_`,
    `np.mat`, `np.trapz` → `np.trapezoid`, `np.row_stack` → `np.vstack`); and the calls whose
    replacement has another shape: `np.in1d(a, b)` → `np.isin(a, b).ravel()`, `np.msort(a)` →
    `np.sort(a, axis=0)`, `np.asfarray(a)` → `np.asarray(a, dtype=np.float64)`,
    `np.find_common_type(ts, [])` → `np.result_type(*ts)`, `np.cast[dt](a)` → `np.asarray(a, dtype=dt)`,
    `np.obj2sctype(x)` → `np.dtype(x).type`, `np.sctype2char(x)` → `np.dtype(x).char`,
    `np.recfromcsv(f)` → `np.genfromtxt(f, delimiter=",", names=True, dtype=None, case_sensitive="lower")
    .view(np.recarray)`, `np.fastCopyAndTranspose(a)` → `np.asarray(a).T.copy()`, `np.nbytes[dt]` →
    `np.dtype(dt).itemsize`, `np.disp(x)` → `print(x)`, `np.sum(<generator>)` → `sum(<generator>)`,
    `a.ptp()` → `np.ptp(a)`, `np.source(f)` → `print(inspect.getsource(f))`;
    `percentile`/`quantile`/`nanpercentile`/`nanquantile(interpolation=)` → `method=`,
    `np.reshape(a, newshape=s)` → `np.reshape(a, s)`, and `numpy.linalg.linalg`/`numpy.fft.helper` imports.
    Names with no drop-in replacement (`np.lookfor`, `np.who`, `np.set_string_function`,
    `np.deprecate`, `np.geterrobj`/`seterrobj`, `np.sctypes`, …) are reported.

    ## Why is this bad?
    On NumPy 2.4 every one of these raises `AttributeError` (or `TypeError` for the keywords);
    `np.row_stack` still runs but warns.

    ## Example
    ```python
    import numpy as np
    prices = np.array(raw, dtype=np.float_)
    prices[prices < 0] = np.NaN
    area = np.trapz(prices)
    ```
    Use instead:
    ```python
    import numpy as np
    prices = np.array(raw, dtype=np.float64)
    prices[prices < 0] = np.nan
    area = np.trapezoid(prices)
    ```

    ## Fix safety
    Safe: same objects under new names, and each call-shaped replacement reproduces the old result
    (`in1d` flattened its result, hence `.ravel()`; `recfromcsv` returned a `recarray`, hence `.view`).
    Unsafe: `np.asfarray(a, dtype)` with a `dtype` that is not a literal (asfarray swapped
    non-float dtypes for float64), `np.find_common_type` with scalar types (value-based promotion is
    gone), `np.obj2sctype`/`issubsctype` on anything but a dtype literal (they also took arrays),
    `a.ptp()` (the receiver may not be a NumPy array), `np.source` (it printed a header line too),
    and `np.in1d` without `.ravel()` when you set the option `ravel-in1d = false`.
    `np.trapezoid` needs NumPy ≥ 2.0; projects that still support NumPy 1.x can use
    `scipy.integrate.trapezoid` instead.

    ## Known problems
    `jax.numpy` and `cupy` are not NumPy: their names are left alone.
    """

    code = "FX401"
    name = "numpy2-removed-aliases"
    summary = "NumPy 2 removed these aliases and functions (np.float_, np.NaN, np.trapz, np.in1d, ...)."
    safety = Safety.SAFE
    options = {"ravel-in1d": True}
    renames = RENAMES
    keyword_renames = (
        KeywordRename(QUANTILES, "interpolation", "method", note="removed in NumPy 2.4"),
    )
    triggers = (
        *sorted({r.old_leaf for r in RENAMES}),
        "interpolation", "newshape", "in1d", "msort", "asfarray", "find_common_type", "cast", "obj2sctype",
        "sctype2char", "recfromcsv", "recfromtxt", "fastCopyAndTranspose", "nbytes", "disp", "sum", "ptp",
        "source", "linalg.linalg", "fft.helper",
    )

    examples = (
        Example(
            """
            import numpy as np
            x = np.array(v, dtype=np.float_)
            x[x < 0] = np.NaN
            lo = np.NINF
            y = 2.0 ** np.NINF
            area = np.trapz(x)
            """,
            """
            import numpy as np
            x = np.array(v, dtype=np.float64)
            x[x < 0] = np.nan
            lo = -np.inf
            y = 2.0 ** (-np.inf)
            area = np.trapezoid(x)
            """,
        ),
        Example("import numpy\nc = numpy.complex_(1)\n", "import numpy\nc = numpy.complex128(1)\n"),
        Example(
            "from numpy import float_, NaN as missing\nz = float_(missing)\n",
            "from numpy import float64, nan as missing\nz = float64(missing)\n",
        ),
        Example("from numpy import float_ as F\nz = F(1)\n", "from numpy import float64 as F\nz = F(1)\n"),
        Example("import numpy as np\nt = np.product(a) * np.cumproduct(b)\n",
                "import numpy as np\nt = np.prod(a) * np.cumprod(b)\n"),
        Example("import numpy as np\nok = np.alltrue(m) or np.sometrue(n)\nr = np.round_(x, 2)\n",
                "import numpy as np\nok = np.all(m) or np.any(n)\nr = np.round(x, 2)\n"),
        Example("import numpy as np\nm = np.in1d(a, b)\n", "import numpy as np\nm = np.isin(a, b).ravel()\n"),
        Example("import numpy as np\nm = np.in1d([1, 2, 3], b, invert=True)\n",
                "import numpy as np\nm = np.isin([1, 2, 3], b, invert=True)\n"),
        Example("import numpy as np\nm = np.in1d(np.arange(5), b)\n",
                "import numpy as np\nm = np.isin(np.arange(5), b)\n"),
        Example("import numpy as np\nm = np.in1d(a, b)\n", "import numpy as np\nm = np.isin(a, b)\n",
                unsafe=True, options={"ravel-in1d": False}),
        Example("import numpy as np\nm = np.in1d(a, b)\n", reported=True, options={"ravel-in1d": False}),
        Example("import numpy as np\nfrom numpy import in1d\nm = in1d(a, b)\n",
                "import numpy as np\nm = np.isin(a, b).ravel()\n"),
        Example("from numpy import msort as ms\ns = ms(a)\n", "import numpy\n\ns = numpy.sort(a, axis=0)\n"),
        Example("import numpy as np\ns = np.msort(a)\n", "import numpy as np\ns = np.sort(a, axis=0)\n"),
        Example("import numpy as np\nv = np.row_stack([a, b])\n", "import numpy as np\nv = np.vstack([a, b])\n"),
        Example("import numpy as np\nf = np.asfarray(a)\ng = np.asfarray(b, np.float32)\nh = np.asfarray(c, int)\n",
                "import numpy as np\nf = np.asarray(a, dtype=np.float64)\ng = np.asarray(b, dtype=np.float32)\n"
                "h = np.asarray(c, dtype=np.float64)\n"),
        Example("import numpy as np\nf = np.asfarray(a, dt)\n", "import numpy as np\nf = np.asarray(a, dtype=dt)\n",
                unsafe=True),
        Example("import numpy as np\nf = np.asfarray(a, dt)\n", reported=True),
        Example("import numpy as np\nt = np.find_common_type([np.int8, np.float32], [])\n",
                "import numpy as np\nt = np.result_type(*[np.int8, np.float32])\n"),
        Example("import numpy as np\nt = np.find_common_type(ts, [np.float64])\n", reported=True),
        Example("import numpy as np\nb = np.cast['f8'](a)\nn = np.nbytes[np.int32]\n",
                "import numpy as np\nb = np.asarray(a, dtype='f8')\nn = np.dtype(np.int32).itemsize\n"),
        Example("import numpy as np\nc = np.sctype2char(np.float32)\nt = np.obj2sctype('f4')\n",
                "import numpy as np\nc = np.dtype(np.float32).char\nt = np.dtype('f4').type\n"),
        Example("import numpy as np\nr = np.recfromcsv(path, skip_header=1)\n",
                "import numpy as np\nr = np.genfromtxt(path, skip_header=1, delimiter=\",\", names=True, dtype=None, "
                "case_sensitive=\"lower\").view(np.recarray)\n"),
        Example("import numpy as np\nt = np.fastCopyAndTranspose(a)\n",
                "import numpy as np\nt = np.asarray(a).T.copy()\n"),
        Example("import numpy as np\nnp.disp(msg)\n", "import numpy as np\nprint(msg)\n"),
        Example("import numpy as np\ns = np.sum(x * x for x in xs)\n", "import numpy as np\ns = sum(x * x for x in xs)\n"),
        Example("import numpy as np\nr = prices.ptp(axis=0)\n", "import numpy as np\nr = np.ptp(prices, axis=0)\n",
                unsafe=True),
        Example("import numpy as np\nq = np.percentile(a, 5, interpolation='lower')\n",
                "import numpy as np\nq = np.percentile(a, 5, method='lower')\n"),
        Example("import numpy as np\nb = np.reshape(a, newshape=(2, 3), order='F')\n",
                "import numpy as np\nb = np.reshape(a, (2, 3), order='F')\n"),
        Example("from numpy.linalg.linalg import norm\nimport numpy.fft.helper as h\n",
                "from numpy.linalg import norm\nimport numpy.fft as h\n"),
        Example("import numpy as np\nnp.lookfor('fft')\n", reported=True),
        Example("import numpy as np\nfrom numpy import safe_eval\nv = safe_eval(s)\n",
                "from ast import literal_eval\n\nimport numpy as np\n\nv = literal_eval(s)\n"),
        # must not touch: already correct, other libraries' numpy, other objects
        Example("import numpy as np\nx = np.float64(np.nan) + np.inf\nr = np.round(x)\nt = np.trapezoid(y)\n"),
        Example("import math\nx = math.inf + math.nan\n"),
        Example("import jax.numpy as jnp\nx = jnp.float_(1)\ny = jnp.trapz(v)\n"),
        Example("import jax.numpy as np\nx = np.NaN\n"),
        Example("import cupy as cp\nm = cp.in1d(a, b)\n"),
        Example("import torch\nx = torch.float\ny = obj.NaN\n"),
        Example("import numpy as np\nw = np.hanning(5)\nq = np.percentile(a, 5, method='lower')\nc = np.cast_to\n"),
        Example("s = sum(x for x in xs)\nr = prices.ptp()\n"),
        Example("import numpy as np\ndef total(xs, sum=0):\n    return np.sum(x for x in xs)\n", reported=True),
    )

    @classmethod
    def applies_to(cls, source: str) -> bool:
        # A removed name is used as `np.X` (any alias) or imported from numpy; the method and keyword
        # rows (`a.ptp()`, `interpolation=`, `newshape=`) and the removed sub-modules need their own text.
        if "numpy" not in source:
            return False
        names = [t for t in cls.triggers if t.isidentifier() and t not in _TEXT_ROWS]
        return module_uses(source, "numpy", names) or _SPECIAL_TEXT.search(source) is not None

    def __init__(self, session) -> None:
        super().__init__(session)
        self._np_alias: str | None = None
        self._sum_shadowed = False
        self._pending: list = []  # import edits of the replacement being built, queued if it is applied

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        for stmt in node.body:
            for small in getattr(stmt, "body", ()) if isinstance(stmt, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if code_of(alias.name) == "numpy":
                            self._np_alias = alias.evaluated_alias or "numpy"
        self._sum_shadowed = _binds_name(node, "sum")

    # -- imports of removed sub-modules ---------------------------------------------------------------
    _MODULES = {"numpy.linalg.linalg": "numpy.linalg", "numpy.fft.helper": "numpy.fft"}

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        updated_node = super().leave_ImportFrom(original_node, updated_node)
        if updated_node.module is None or updated_node.relative:
            return updated_node
        module = code_of(updated_node.module)
        new = self._MODULES.get(module)
        if new is None:
            return updated_node
        private = not isinstance(updated_node.names, cst.ImportStar) and any(
            code_of(a.name).startswith("_") for a in updated_node.names
        )
        message = f"`{module}` → `{new}` (removed in NumPy 2.4)"
        if private:
            self.report(original_node, message, fix=Safety.DETECT,
                        reason=f"private names are not re-exported by `{new}`")
            return updated_node
        if self.report(original_node, message, fix=Safety.SAFE):
            return updated_node.with_changes(module=cst.parse_expression(new))
        return updated_node

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        updated_node = super().leave_Import(original_node, updated_node)
        names = list(updated_node.names)
        for i, alias in enumerate(updated_node.names):
            module = code_of(alias.name)
            new = self._MODULES.get(module)
            if new is None:
                continue
            message = f"`import {module}` → `import {new}` (removed in NumPy 2.4)"
            if alias.asname is None:  # `numpy.linalg.linalg.norm` uses would need rewriting too
                self.report(original_node, message, fix=Safety.DETECT,
                            reason=f"rewrite the `{module}.` uses to `{new}.` by hand")
            elif self.report(original_node, message, fix=Safety.SAFE):
                names[i] = alias.with_changes(name=cst.parse_expression(new))
        return updated_node.with_changes(names=names)

    # -- subscripts: np.nbytes[dt] ----------------------------------------------------------------------
    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        updated_node = super().leave_Subscript(original_node, updated_node)
        if "numpy.nbytes" not in qualified_names(self, original_node.value) or len(updated_node.slice) != 1:
            return updated_node
        index = updated_node.slice[0].slice
        if not isinstance(index, cst.Index):
            return updated_node
        replacement = cst.Attribute(
            value=cst.Call(func=self._numpy_ref(updated_node.value, "dtype", "nbytes"), args=[cst.Arg(index.value)]),
            attr=cst.Name("itemsize"),
        )
        return self._fix(original_node, updated_node, replacement, R20)

    # -- calls whose replacement has another shape -----------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = super().leave_Call(original_node, updated_node)
        if not isinstance(updated_node, cst.Call) or has_star_args(original_node):
            return updated_node
        func = original_node.func
        if isinstance(func, cst.Subscript):  # np.cast[dt](a)
            if "numpy.cast" in qualified_names(self, func.value):
                return self._cast(original_node, updated_node)
            return updated_node
        names = qualified_names(self, func)
        for name in names:
            handler = getattr(self, "_call_" + name[len("numpy."):], None) if name.startswith("numpy.") else None
            if handler is not None and name.count(".") == 1:
                return handler(original_node, updated_node)
        if (
            not any(n.startswith("numpy.") for n in names)
            and isinstance(func, cst.Attribute)
            and func.attr.value == "ptp"
            and self._np_alias is not None
        ):
            return self._method_ptp(original_node, updated_node)
        return updated_node

    # helpers
    def _numpy_ref(self, func: cst.BaseExpression, leaf: str, old_leaf: str | None = None) -> cst.BaseExpression:
        """`np.<leaf>` spelled like ``func`` (`np.in1d` → `np.isin`); for a from-imported name, the
        module's numpy alias (or a new `import numpy`), and the from-import is dropped once unused."""
        if isinstance(func, cst.Subscript):
            func = func.value
        if isinstance(func, cst.Attribute):
            return func.with_changes(attr=cst.Name(leaf))
        if isinstance(func, cst.Name) and old_leaf:
            asname = func.value if func.value != old_leaf else None
            self._pending.append(lambda: RemoveImportsVisitor.remove_unused_import(
                self.context, "numpy", old_leaf, asname))
        alias = self._np_alias
        if alias is None:
            self._pending.append(lambda: AddImportsVisitor.add_needed_import(self.context, "numpy"))
            alias = "numpy"
        return cst.Attribute(value=cst.parse_expression(alias), attr=cst.Name(leaf))

    def _fix(self, original: cst.CSTNode, updated: cst.BaseExpression, replacement: cst.BaseExpression,
             note: str, fix: Safety = Safety.SAFE, reason: str = "") -> cst.BaseExpression:
        message = f"`{short_code(original)}` → `{short_code(replacement, 70)}` ({note})"
        pending, self._pending = self._pending, []
        if self.report(original, message, fix=fix, reason=reason):
            for queue_import_edit in pending:  # only now that the fix is applied
                queue_import_edit()
            return replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return updated

    def _detect(self, original: cst.CSTNode, updated: cst.BaseExpression, message: str) -> cst.BaseExpression:
        self._pending = []
        self.report(original, message, fix=Safety.DETECT)
        return updated

    @staticmethod
    def _positional(call: cst.Call) -> list[cst.Arg]:
        return [a for a in call.args if a.keyword is None]

    def _call_in1d(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) < 2:
            return self._detect(original, updated, "`np.in1d` was removed in NumPy 2.4: use `np.isin(a, b).ravel()`")
        args = [
            a.with_changes(keyword=cst.Name({"ar1": "element", "ar2": "test_elements"}[a.keyword.value]))
            if a.keyword is not None and a.keyword.value in ("ar1", "ar2") else a
            for a in updated.args
        ]
        call = updated.with_changes(func=self._numpy_ref(updated.func, "isin", "in1d"), args=args)
        first = original.args[0].value if original.args else None
        if first is not None and self._known_1d(first):
            return self._fix(original, updated, call, R24)
        if self.option("ravel-in1d"):
            ravel = cst.Call(func=cst.Attribute(value=call, attr=cst.Name("ravel")))
            return self._fix(original, updated, ravel, R24)
        return self._fix(original, updated, call, R24, Safety.UNSAFE,
                         "`in1d` always returned a flattened 1-D array; `isin` keeps the shape of its first argument")

    def _known_1d(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, (cst.List, cst.Tuple)):
            return all(
                isinstance(e, cst.Element) and not isinstance(e.value, (cst.List, cst.Tuple, cst.ListComp))
                and not isinstance(e, cst.StarredElement)
                for e in expr.elements
            )
        if isinstance(expr, cst.Call):
            return bool(qualified_names(self, expr.func) & _ONE_D_MAKERS)
        return False

    def _call_msort(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword is not None:
            return self._detect(original, updated, "`np.msort` was removed in NumPy 2.0: use `np.sort(a, axis=0)`")
        arg = updated.args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        call = updated.with_changes(func=self._numpy_ref(updated.func, "sort", "msort"),
                                    args=[arg, _kwarg("axis", cst.Integer("0"))])
        return self._fix(original, updated, call, R20)

    def _call_asfarray(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        args = list(updated.args)
        dtype_arg = keyword(updated, "dtype") or (args[1] if len(args) > 1 and args[1].keyword is None else None)
        if not args or args[0].keyword is not None or len(args) > 2:
            return self._detect(original, updated, "`np.asfarray` was removed in NumPy 2.0: use `np.asarray(a, dtype=...)`")
        float64 = self._numpy_ref(updated.func, "float64", None)
        fix, reason = Safety.SAFE, ""
        if dtype_arg is None:
            dtype = float64
        else:
            orig_dtype = original.args[list(updated.args).index(dtype_arg)].value
            kind = self._inexact(orig_dtype)
            if kind is True:
                dtype = dtype_arg.value
            elif kind is False:
                dtype = float64
            else:
                dtype = dtype_arg.value
                fix, reason = Safety.UNSAFE, "asfarray used float64 whenever the dtype was not a float or complex type"
        new_args = [args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    _kwarg("dtype", dtype)]
        call = updated.with_changes(func=self._numpy_ref(updated.func, "asarray", "asfarray"), args=new_args)
        return self._fix(original, updated, call, R20, fix, reason)

    def _inexact(self, expr: cst.BaseExpression) -> bool | None:
        if isinstance(expr, cst.SimpleString):
            value = expr.evaluated_value
            value = value.lstrip("<>=|") if isinstance(value, str) else value
            return True if value in _INEXACT_CODES else False if value in _EXACT_CODES else None
        names = qualified_names(self, expr)
        return True if names & _INEXACT else False if names & _EXACT else None

    def _call_find_common_type(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        args = self._positional(updated)
        if len(args) != 2 or len(updated.args) != 2:
            return self._detect(original, updated, "`np.find_common_type` was removed in NumPy 2.0: use `np.result_type`")
        array_types, scalar_types = args
        empty = isinstance(scalar_types.value, (cst.List, cst.Tuple)) and not scalar_types.value.elements
        star = [cst.Arg(array_types.value, star="*")]
        fix, reason = Safety.SAFE, ""
        if not empty:
            star = [cst.Arg(array_types.value, star="*", comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(scalar_types.value, star="*")]
            fix, reason = Safety.UNSAFE, "scalar types took part in value-based promotion, which NumPy 2 removed"
        call = updated.with_changes(func=self._numpy_ref(updated.func, "result_type", "find_common_type"), args=star)
        return self._fix(original, updated, call, R20, fix, reason)

    def _cast(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        sub = updated.func
        if len(updated.args) != 1 or updated.args[0].keyword is not None or len(sub.slice) != 1 \
                or not isinstance(sub.slice[0].slice, cst.Index):
            return self._detect(original, updated, "`np.cast` was removed in NumPy 2.0: use `np.asarray(a, dtype=dt)`")
        dtype = sub.slice[0].slice.value
        arg = updated.args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        call = cst.Call(func=self._numpy_ref(sub, "asarray", "cast"), args=[arg, _kwarg("dtype", dtype)])
        return self._fix(original, updated, call, R20)

    def _dtype_attr(self, original: cst.Call, updated: cst.Call, old: str, attr: str) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword is not None:
            return self._detect(original, updated, f"`np.{old}` was removed in NumPy 2.0: use `np.dtype(x).{attr}`")
        value = updated.args[0].value
        call = cst.Call(func=self._numpy_ref(updated.func, "dtype", old), args=[cst.Arg(value)])
        replacement = cst.Attribute(value=call, attr=cst.Name(attr))
        if self._inexact(original.args[0].value) is not None:
            return self._fix(original, updated, replacement, R20)
        return self._fix(original, updated, replacement, R20, Safety.UNSAFE,
                         f"`np.{old}` also accepted arrays (and gave None for unknown objects); `np.dtype` raises for them")

    def _call_obj2sctype(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self._dtype_attr(original, updated, "obj2sctype", "type")

    def _call_sctype2char(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self._dtype_attr(original, updated, "sctype2char", "char")

    def _recfrom(self, original: cst.Call, updated: cst.Call, old: str, defaults: dict[str, str]) -> cst.BaseExpression:
        if keyword(updated, "usemask") is not None or len(self._positional(updated)) != 1:
            return self._detect(original, updated, f"`np.{old}` was removed in NumPy 2.0: use `np.genfromtxt`")
        args = list(updated.args)
        for key, value in defaults.items():
            if keyword(updated, key) is None:
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                args.append(_kwarg(key, cst.parse_expression(value)))
        call = updated.with_changes(func=self._numpy_ref(updated.func, "genfromtxt", old), args=args)
        recarray = self._numpy_ref(updated.func, "recarray", None)
        view = cst.Call(func=cst.Attribute(value=call, attr=cst.Name("view")), args=[cst.Arg(recarray)])
        return self._fix(original, updated, view, R20)

    def _call_recfromcsv(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        defaults = {"delimiter": '","', "names": "True", "dtype": "None", "case_sensitive": '"lower"'}
        return self._recfrom(original, updated, "recfromcsv", defaults)

    def _call_recfromtxt(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self._recfrom(original, updated, "recfromtxt", {"dtype": "None"})

    def _call_fastCopyAndTranspose(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword is not None:
            return self._detect(original, updated, "`np.fastCopyAndTranspose` was removed: use `a.T.copy()`")
        asarray = cst.Call(func=self._numpy_ref(updated.func, "asarray", "fastCopyAndTranspose"),
                           args=[cst.Arg(updated.args[0].value)])
        replacement = cst.Call(func=cst.Attribute(value=cst.Attribute(value=asarray, attr=cst.Name("T")),
                                                  attr=cst.Name("copy")))
        return self._fix(original, updated, replacement, R20)

    def _call_disp(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        positional = self._positional(updated)
        device = keyword(updated, "device") or (positional[1] if len(positional) > 1 else None)
        if len(positional) != 1 or len(updated.args) > 1 + (device is not None):
            return self._detect(original, updated, "`np.disp` was removed in NumPy 2.4: use `print`")
        args = [cst.Arg(positional[0].value)]
        if device is not None:
            args = [args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    _kwarg("file", device.value)]
        if isinstance(updated.func, cst.Name):
            self._pending.append(lambda: RemoveImportsVisitor.remove_unused_import(self.context, "numpy", "disp"))
        return self._fix(original, updated, cst.Call(func=cst.Name("print"), args=args), R24)

    def _call_sum(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or not isinstance(updated.args[0].value, cst.GeneratorExp):
            return updated
        if self._sum_shadowed or isinstance(updated.func, cst.Name):
            return self._detect(original, updated, "`np.sum(<generator>)` raises TypeError since NumPy 2.4: "
                                "use the builtin `sum(...)`")
        call = updated.with_changes(func=cst.Name("sum"))
        return self._fix(original, updated, call, "a generator raises TypeError since NumPy 2.4")

    def _call_source(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword is not None:
            return self._detect(original, updated, "`np.source` was removed in NumPy 2.0: use `inspect.getsource`")
        self._pending.append(lambda: AddImportsVisitor.add_needed_import(self.context, "inspect"))
        if isinstance(updated.func, cst.Name):
            self._pending.append(lambda: RemoveImportsVisitor.remove_unused_import(self.context, "numpy", "source"))
        getsource = cst.Call(func=cst.parse_expression("inspect.getsource"), args=[cst.Arg(updated.args[0].value)])
        replacement = cst.Call(func=cst.Name("print"), args=[cst.Arg(getsource)])
        return self._fix(original, updated, replacement, R20, Safety.UNSAFE,
                         "`np.source` also printed an `In file: ...` header line")

    def _call_reshape(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        newshape = keyword(updated, "newshape")
        if newshape is None:
            return updated
        positional = self._positional(updated)
        if len(positional) != 1 or updated.args[0].keyword is not None:
            return self._detect(original, updated, "`newshape=` was removed in NumPy 2.4: pass the shape positionally")
        rest = [a for a in updated.args[1:] if a is not newshape]
        shape = cst.Arg(newshape.value, comma=newshape.comma if rest else cst.MaybeSentinel.DEFAULT)
        first = updated.args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        if rest and shape.comma is cst.MaybeSentinel.DEFAULT:
            shape = shape.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        if rest:
            rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        call = updated.with_changes(args=[first, shape, *rest])
        return self._fix(original.args[list(original.args).index(_orig(original, "newshape"))], updated, call, R24)

    def _method_ptp(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        receiver = cst.Arg(func.value.with_changes(lpar=[], rpar=[]) if isinstance(func.value, cst.Name) else func.value)
        args = list(updated.args)
        if args:
            receiver = receiver.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        call = cst.Call(func=cst.parse_expression(f"{self._np_alias}.ptp"), args=[receiver, *args])
        return self._fix(original, updated, call, "the ndarray method was removed in NumPy 2.0", Safety.UNSAFE,
                         "the receiver may not be a NumPy array")


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))


def _orig(call: cst.Call, name: str) -> cst.Arg:
    found = keyword(call, name)
    assert found is not None
    return found


def _binds_name(module: cst.Module, name: str) -> bool:
    """Does the module bind ``name`` anywhere (def, class, import, assignment target)?"""

    class _Finder(cst.CSTVisitor):
        found = False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.found |= node.name.value == name

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self.found |= node.name.value == name

        def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
            self.found |= (node.evaluated_alias or code_of(node.name).split(".")[0]) == name

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self.found |= isinstance(node.target, cst.Name) and node.target.value == name

        def visit_Param(self, node: cst.Param) -> None:
            self.found |= node.name.value == name

        def visit_For(self, node: cst.For) -> None:
            self.found |= isinstance(node.target, cst.Name) and node.target.value == name

    finder = _Finder()
    module.visit(finder)
    return finder.found
