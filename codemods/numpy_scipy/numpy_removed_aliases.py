"""FX401 numpy2-removed-aliases: names NumPy 2.0–2.4 removed, and their replacements.

Most rows are data for the declarative rename transformer. The rows whose replacement has another
shape (`np.msort(a)` → `np.sort(a, axis=0)`, `np.in1d(a, b)` → `np.isin(a, b).ravel()`,
`np.cast[dt](a)`, `a.ptp()`, …) are handled in :meth:`NumpyRemovedAliases.leave_Call`.
"""

from __future__ import annotations

import ast

import libcst as cst

from finfix.codemods.numpy_scipy.numpy_removed_calls import NumpyCallShapes
from finfix.sdk.ast_triggers import AstTrigger, Prescan, last_name
from finfix.sdk.fallbacks import FallbackGuards
from finfix.codemods.numpy_scipy.numpy_removed_tables import (
    CALL_SHAPED, CALL_SHAPED_REMOVED, QUANTILES, R20, RENAMES,
)
from finfix.sdk.names import code_of, has_star_args, qualified_names
from finfix.sdk.renames import KeywordRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions


#: Removed numpy names that other libraries' names share, and the modules those usually come from
_ELSEWHERE_TOO = frozenset({"cast", "product"})
_THEIR_USUAL_MODULES = frozenset({"itertools", "typing", "typing_extensions"})
_REMOVED_KEYWORDS = frozenset({"interpolation", "newshape"})
#: the removed names handled by their call's shape (`NumpyCallShapes`) or referenced bare
_CALL_ROWS = ("in1d", "msort", "asfarray", "find_common_type", "cast", "obj2sctype", "sctype2char", "recfromcsv",
              "recfromtxt", "fastCopyAndTranspose", "nbytes", "disp", "sum", "ptp", "source")
_NAMES = frozenset({r.old_leaf for r in RENAMES}.union(_CALL_ROWS)) - {"sum"}


class NumpyRemovedAliases(FallbackGuards, NumpyCallShapes, RenameRule):
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
    `np.NAN` → `np.nan`; the exceptions and warnings that moved to `numpy.exceptions` (`np.AxisError` →
    `np.exceptions.AxisError`, `ComplexWarning`, `VisibleDeprecationWarning`, `RankWarning`,
    `ModuleDeprecationWarning`, `TooHardError`, `DTypePromotionError`); `np.chararray` →
    `np.char.chararray`. Names with no drop-in replacement (`np.lookfor`, `np.who`, `np.compat`,
    `np.set_string_function`, `np.deprecate`, `np.geterrobj`/`seterrobj`, `np.sctypes`, …) are reported,
    and so are removed functions referenced without being called (`f = np.source`, `[np.in1d]`).

    Compatibility fallbacks are left alone: the handlers of `try: ... except ImportError:` (or
    `ModuleNotFoundError`, `AttributeError`, or a tuple with one of them), names bound by the imports of
    such a `try`, and the branches of an `if` or conditional expression that tests `hasattr(np, ...)`,
    `getattr(np, ...)` or `np.__version__`.

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
    `jax.numpy` and `cupy` are not NumPy: their names are left alone. Checked against NumPy 2.4's
    `numpy._expired_attrs_2_0` and ruff's NPY201 table; not covered: the C API, `np.core` /
    `np.lib` private sub-module moves other than `linalg.linalg` and `fft.helper`, the removed `np.ERR_*`,
    `np.FPE_*`, `np.CLIP`-style constants, and value-based casting changes (NEP 50) that no name shows.
    """

    code = "FX401"
    name = "numpy2-removed-aliases"
    summary = "NumPy 2 removed these aliases and functions (np.float_, np.NaN, np.trapz, np.in1d, ...)."
    safety = Safety.SAFE
    versions = Versions("numpy", deprecated="1.25", removed="2.0", fix_needs="2.0")  # np.trapezoid needs 2.0
    options = {"ravel-in1d": True}
    renames = RENAMES
    keyword_renames = (
        KeywordRename(QUANTILES, "interpolation", "method", note="removed in NumPy 2.4"),
    )
    triggers = (*sorted({r.old_leaf for r in RENAMES}), *sorted(_REMOVED_KEYWORDS), *_CALL_ROWS, "linalg.linalg",
                "fft.helper")
    # Where the rule's qualified names can find them: a removed name after a dot (`np.NaN`, `a.ptp()`, a
    # project module's re-export), imported by name (`from numpy import NaN as N`, not `from typing import
    # cast`) or in an `import` (`import numpy.compat`), a removed keyword, a removed sub-module imported.
    # `sum` is in most numpy files and only `np.sum(<generator>)` is acted on: that call's shape stands in
    # for it, whatever the callee is called.
    ast_trigger = AstTrigger(
        attributes=_NAMES,
        modules=("numpy.linalg.linalg", "numpy.fft.helper"),
        shapes={
            ast.Call: lambda call, scan: _sum_of_generator(call, scan) or _passes_removed_keyword(call),
            ast.ImportFrom: lambda node, _scan: _imports_removed_name(node),
            ast.Import: lambda node, _scan: any(not _NAMES.isdisjoint(a.name.split(".")) for a in node.names),
        },
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
        Example("import numpy as np\nx = np.NAN\ntry:\n    f()\nexcept np.AxisError:\n    c = np.chararray(3)\n",
                "import numpy as np\nx = np.nan\ntry:\n    f()\nexcept np.exceptions.AxisError:\n"
                "    c = np.char.chararray(3)\n"),
        Example("import numpy as np\nconvert = np.source\n", reported=True),
        # compatibility fallbacks: the old name is used only where the new one is missing
        Example("try:\n    from numpy import trapezoid\nexcept ImportError:\n    from numpy import trapz as trapezoid\n"),
        Example("import numpy as np\ntrap = np.trapezoid if hasattr(np, 'trapezoid') else np.trapz\n"),
        Example("import numpy as np\ntry:\n    E = np.exceptions.AxisError\nexcept (ImportError, AttributeError):\n"
                "    E = np.AxisError\n"),
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
        # (spelled out, not parsed: `ast_trigger` then tells `np.sum(x)` from `np.sum(<generator>)`)
        return "numpy" in source and any(t in source for t in cls.triggers)

    def __init__(self, session) -> None:
        super().__init__(session)
        self._np_alias: str | None = None
        self._sum_shadowed = False
        self._pending: list = []  # import edits of the replacement being built, queued if it is applied

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._called: set[int] = set()  # ids of nodes called (`np.in1d(...)`) or subscripted (`np.cast[dt]`)
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

    # -- removed functions referenced without a call: `f = np.source` -----------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._called.add(id(node.func))
        if isinstance(node.func, cst.Subscript):
            self._called.add(id(node.func.value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._called.add(id(node.value))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        result = super().leave_Attribute(original_node, updated_node)
        if original_node.attr.value in CALL_SHAPED:
            self._bare_reference(original_node)
        return result

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if self.guarded_binding(original_node):
            return updated_node  # bound by a compatibility fallback import: the old name is the point
        result = super().leave_Name(original_node, updated_node)
        if not self.in_import and (original_node.value in CALL_SHAPED or original_node.value in self.session.as_names):
            self._bare_reference(original_node)
        return result

    def _bare_reference(self, node: cst.BaseExpression) -> None:
        if id(node) in self._called:
            return
        for name in qualified_names(self, node):
            leaf = name[len("numpy."):] if name.startswith("numpy.") else ""
            if leaf in CALL_SHAPED:
                self.report(node, f"`{code_of(node)}` was removed in NumPy {CALL_SHAPED_REMOVED[leaf]} and is "
                            f"referenced without a call here: replace it by hand (use {CALL_SHAPED[leaf]})",
                            fix=Safety.DETECT)
                return

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


def _sum_of_generator(call: ast.Call, scan: Prescan) -> bool:
    """``np.sum(x for x in xs)`` (any receiver, any name `sum` may go by): the only `sum` call the rule
    rewrites (`NumpyCallShapes._call_sum`)."""
    if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], ast.GeneratorExp):
        return False
    name = last_name(call.func)
    return name is not None and scan.may_name(name, "sum")


def _passes_removed_keyword(call: ast.Call) -> bool:
    return any(k.arg in _REMOVED_KEYWORDS for k in call.keywords)


def _imports_removed_name(node: ast.ImportFrom) -> bool:
    """`from <anywhere> import NaN` (a project module may re-export numpy's), but not `from typing import
    cast` or `from itertools import product`."""
    usual = node.module in _THEIR_USUAL_MODULES and not node.level
    return any(a.name in _NAMES and not (usual and a.name in _ELSEWHERE_TOO) for a in node.names)


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
