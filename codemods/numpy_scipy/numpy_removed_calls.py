"""FX401's call-shaped replacements: `np.in1d(a, b)` -> `np.isin(a, b).ravel()`, `np.msort(a)` ->
`np.sort(a, axis=0)`, `np.cast[dt](a)`, `a.ptp()`, ... Each handler builds the replacement and reports it;
the rule class (`numpy_removed_aliases`) dispatches to them from `leave_Call`."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from finfix.codemods.numpy_scipy.numpy_removed_tables import (
    EXACT, EXACT_CODES, INEXACT, INEXACT_CODES, ONE_D_MAKERS, R20, R24,
)
from finfix.sdk.names import keyword, qualified_names, short_code
from finfix.sdk.rule import Safety


class NumpyCallShapes:
    """Mixin of the rule: expects `report`, `option`, `context`, `_np_alias`, `_sum_shadowed`, `_pending`."""

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
            return bool(qualified_names(self, expr.func) & ONE_D_MAKERS)
        return False

    def _call_msort(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword is not None:
            return self._detect(original, updated, "`np.msort` was removed in NumPy 2.0: use `np.sort(a, axis=0)`")
        arg = updated.args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        call = updated.with_changes(func=self._numpy_ref(updated.func, "sort", "msort"),
                                    args=[arg, kwarg("axis", cst.Integer("0"))])
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
                    kwarg("dtype", dtype)]
        call = updated.with_changes(func=self._numpy_ref(updated.func, "asarray", "asfarray"), args=new_args)
        return self._fix(original, updated, call, R20, fix, reason)

    def _inexact(self, expr: cst.BaseExpression) -> bool | None:
        if isinstance(expr, cst.SimpleString):
            value = expr.evaluated_value
            value = value.lstrip("<>=|") if isinstance(value, str) else value
            return True if value in INEXACT_CODES else False if value in EXACT_CODES else None
        names = qualified_names(self, expr)
        return True if names & INEXACT else False if names & EXACT else None

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
        call = cst.Call(func=self._numpy_ref(sub, "asarray", "cast"), args=[arg, kwarg("dtype", dtype)])
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
                args.append(kwarg(key, cst.parse_expression(value)))
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
                    kwarg("file", device.value)]
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
        return self._fix(original.args[list(original.args).index(orig_arg(original, "newshape"))], updated, call, R24)

    def _method_ptp(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        receiver = cst.Arg(func.value.with_changes(lpar=[], rpar=[]) if isinstance(func.value, cst.Name) else func.value)
        args = list(updated.args)
        if args:
            receiver = receiver.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        call = cst.Call(func=cst.parse_expression(f"{self._np_alias}.ptp"), args=[receiver, *args])
        return self._fix(original, updated, call, "the ndarray method was removed in NumPy 2.0", Safety.UNSAFE,
                         "the receiver may not be a NumPy array")


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))


def orig_arg(call: cst.Call, name: str) -> cst.Arg:
    found = keyword(call, name)
    assert found is not None
    return found
