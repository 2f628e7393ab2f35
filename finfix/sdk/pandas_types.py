"""Is this expression a pandas object? The receiver-typing ladder every pandas rule shares.

Without a type checker, finfix proves "pandas" from what it can see in the file (docs/rules-background.md, section 2):

1. a name bound in its scope from ``pd.DataFrame(...)``, ``pd.Series(...)``, ``pd.read_*(...)``,
   ``pd.concat(...)``, ``pd.date_range(...)`` ... (every binding of the name must be one; a rebinding
   such as ``df = df.dropna()`` counts through the method);
2. a name annotated as a pandas type (parameter or ``x: pd.DataFrame = ...``);
3. a subscript, ``.loc[...]``/``.iloc[...]``, column attribute (``df.close``) or known-method result
   (``df.dropna()``, ``df.groupby(k).sum()``) of such an object;
4. a subscript of any object in a module that imports pandas and no look-alike library
   (xarray, polars, ...): ``frame["close"]``, ``data[["a", "b"]]``.

Anything else is unknown (``None``); an object bound from numpy, xarray, polars, torch, a dict or a
list literal is provably *not* pandas (:attr:`Kind.NOT`). :func:`looks_like_frame` is the naming
heuristic (``df``, ``*_df``, ``ser``, ``s``) that rules may use to *report*, never to rewrite.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

import libcst as cst
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from finfix.sdk.names import code_of, is_dotted_name, qualified_names
from finfix.sdk.pandas_api import FRAME_SERIES_ATTRS
from finfix.sdk.rule import Rule

#: What a rule using :class:`PandasTypes` must list in ``METADATA_DEPENDENCIES``.
METADATA = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)


class Kind(enum.Enum):
    FRAME = "DataFrame"
    SERIES = "Series"
    INDEX = "Index"
    PANDAS = "pandas object"  # a DataFrame or a Series, which one is not known
    GROUPBY = "GroupBy/Resampler/Window"
    INDEXER = "indexer"  # `.loc` / `.iloc` / `.at` / `.iat`
    ACCESSOR = "accessor"  # `.dt` / `.str` / `.cat`
    NOT = "not pandas"


#: Kinds whose `.values`, `.append`, ... are the pandas methods.
DATA_KINDS = frozenset({Kind.FRAME, Kind.SERIES, Kind.INDEX, Kind.PANDAS})


@dataclass(frozen=True)
class Typed:
    kind: Kind | None  # None: unknown
    why: str = ""  # how it was proved, for messages: "bound from `pd.read_csv(...)`"
    numeric: bool = False  # a Series whose dtype is provably numpy-native (`.astype(float)`)
    fresh: bool = False  # a new object nobody else refers to (constructor, reader, copy, method result)
    view: bool = False  # a column / `.loc` selection of another frame (a view on pandas < 3)

    @property
    def is_pandas(self) -> bool:
        return self.kind in DATA_KINDS


UNKNOWN = Typed(None)

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
_ANNOTATION_TEXT = re.compile(r"^(?:pd|pandas)\.(DataFrame|Series|Index|DatetimeIndex)$")

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

_HEURISTIC = re.compile(r"^(?:df|ser|s|sr|frame|series|.*_df|df_.*|.*_frame|.*_ser|.*_series)$")


def looks_like_frame(expr: cst.BaseExpression) -> bool:
    """The naming heuristic (docs/rules-background.md, section 2, step 3): enough to report, never to rewrite."""
    name = expr.attr.value if isinstance(expr, cst.Attribute) else getattr(expr, "value", None)
    return isinstance(name, str) and bool(_HEURISTIC.match(name))


def _combine(types: list[Typed]) -> Typed:
    if not types:
        return UNKNOWN
    kinds = {t.kind for t in types}
    if None in kinds:
        return UNKNOWN
    if kinds == {Kind.NOT}:
        return Typed(Kind.NOT, types[0].why)
    if Kind.NOT in kinds or not kinds <= DATA_KINDS | {Kind.GROUPBY}:
        return UNKNOWN if len(kinds) > 1 else types[0]
    kind = kinds.pop() if len(kinds) == 1 else Kind.PANDAS
    return Typed(
        kind,
        types[0].why if len(types) == 1 else "every binding is a pandas object",
        numeric=all(t.numeric for t in types),
        fresh=all(t.fresh for t in types),
        view=any(t.view for t in types),
    )


class PandasTypes:
    """Infers the pandas kind of expressions of the module ``rule`` is visiting (memoised).

    ``rule`` must depend on :data:`METADATA`. Create one per rule run, in ``visit_Module``.
    """

    def __init__(self, rule: Rule, module: cst.Module) -> None:
        self.rule = rule
        self._memo: dict[cst.CSTNode, Typed] = {}
        self._active: set[cst.CSTNode] = set()
        imports = _Imports()
        module.visit(imports)
        self.imports_pandas = "pandas" in imports.roots
        self.imports_lookalike = bool(imports.roots & set(LOOKALIKE_MODULES) - {"numpy"})
        self.pandas_alias = imports.pandas_alias

    # -- public -------------------------------------------------------------------------------------
    def infer(self, expr: cst.BaseExpression) -> Typed:
        if expr in self._memo:
            return self._memo[expr]
        if expr in self._active:  # a cycle (`df = df.dropna()` seen from itself): neutral
            return Typed(Kind.PANDAS, "cycle")
        self._active.add(expr)
        try:
            result = self._infer(expr)
        finally:
            self._active.discard(expr)
        self._memo[expr] = result
        return result

    def is_pandas(self, expr: cst.BaseExpression) -> bool:
        return self.infer(expr).is_pandas

    def is_not_pandas(self, expr: cst.BaseExpression) -> bool:
        return self.infer(expr).kind is Kind.NOT

    def qnames(self, node: cst.CSTNode) -> set[str]:
        try:
            return qualified_names(self.rule, node)
        except KeyError:
            return set()

    def bindings(self, name: cst.Name) -> list[tuple[Assignment, cst.CSTNode | None]] | None:
        """Every assignment of ``name`` visible where it is used, with the statement that binds it.

        The statement is the Assign/AnnAssign/AugAssign/For/With/NamedExpr/Param... node, or None when
        unknown. Returns None when the scope is not known (a node the rule built).
        """
        scope = self.rule.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        out = []
        for assignment in scope[name.value]:
            if not isinstance(assignment, Assignment):
                out.append((assignment, None))
                continue
            out.append((assignment, self._binder(assignment.node)))
        return out

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.rule.get_metadata(ParentNodeProvider, node, None)

    # -- the ladder ---------------------------------------------------------------------------------
    def _infer(self, expr: cst.BaseExpression) -> Typed:
        if isinstance(expr, (cst.Dict, cst.List, cst.Set, cst.Tuple, cst.DictComp, cst.ListComp, cst.SetComp,
                             cst.SimpleString, cst.Integer, cst.Float, cst.FormattedString)):
            return Typed(Kind.NOT, "a literal")
        if isinstance(expr, cst.Name):
            return self._infer_name(expr)
        if isinstance(expr, cst.Call):
            return self._infer_call(expr)
        if isinstance(expr, cst.Subscript):
            return self._infer_subscript(expr)
        if isinstance(expr, cst.Attribute):
            return self._infer_attribute(expr)
        if isinstance(expr, cst.BinaryOperation) and not isinstance(expr.operator, cst.MatrixMultiply):
            return self._infer_arithmetic(expr)
        return UNKNOWN

    def _infer_arithmetic(self, expr: cst.BinaryOperation) -> Typed:
        kinds = [self.infer(side).kind for side in (expr.left, expr.right)]
        if Kind.NOT in kinds and not any(k in DATA_KINDS for k in kinds):
            return UNKNOWN
        data = [k for k in kinds if k in DATA_KINDS]
        if not data:
            return UNKNOWN
        if Kind.FRAME in data:
            kind = Kind.FRAME
        elif len(data) == 1 and Kind.NOT in kinds:
            kind = data[0]  # with a scalar or an array: `idx - idx[0]` is an Index
        elif len(data) == 2 and data[0] is data[1]:
            kind = data[0]  # Index - Index is an Index, Series + Series a Series
        else:
            kind = Kind.PANDAS
        return Typed(kind, "an arithmetic result of a pandas object", fresh=True)

    def _infer_name(self, name: cst.Name) -> Typed:
        if name.value in ("self", "cls"):
            return UNKNOWN
        found = self.bindings(name)
        if not found:
            return UNKNOWN
        types = []
        for assignment, binder in found:
            if binder is None:
                return UNKNOWN
            types.append(self._binding_type(assignment, binder))
        return _combine([t for t in types if t.why != "cycle"] or types)

    def _binder(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if isinstance(node, cst.Param):
            return node
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            return self.parent(parent)
        if isinstance(parent, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)) and parent.target is node:
            return parent
        return None  # for/with/except/import/tuple targets: not provable

    def _binding_type(self, assignment: Assignment, binder: cst.CSTNode) -> Typed:
        if isinstance(binder, cst.Param):
            if binder.annotation is not None:
                return self._annotation(binder.annotation.annotation)
            return UNKNOWN
        if isinstance(binder, cst.AnnAssign):
            typed = self._annotation(binder.annotation.annotation)
            if typed.kind is not None or binder.value is None:
                if binder.value is not None and typed.is_pandas:
                    value = self.infer(binder.value)
                    return replace(typed, fresh=value.fresh, view=value.view)
                return typed
            return self.infer(binder.value)
        if isinstance(binder, cst.AugAssign):
            return Typed(Kind.PANDAS, "cycle")  # `df += 1` keeps whatever df was
        if isinstance(binder, cst.Assign):
            if len(binder.targets) != 1:
                return UNKNOWN
            typed = self.infer(binder.value)
            if typed.kind is not None and typed.why not in ("cycle",) and isinstance(binder.value, cst.Call):
                return replace(typed, why=f"bound from `{_short(binder.value)}`")
            return typed
        if isinstance(binder, cst.NamedExpr):
            return self.infer(binder.value)
        return UNKNOWN

    def _annotation(self, ann: cst.BaseExpression) -> Typed:
        if isinstance(ann, cst.SimpleString):
            m = _ANNOTATION_TEXT.match(ann.evaluated_value.strip())
            if m:
                kind = Kind.INDEX if m.group(1).endswith("Index") else Kind[m.group(1).upper().replace("DATAFRAME", "FRAME")]
                return Typed(kind, f"annotated `{ann.evaluated_value}`")
            return UNKNOWN
        for q in self.qnames(ann):
            if q in ANNOTATIONS:
                return Typed(ANNOTATIONS[q], f"annotated `{code_of(ann)}`")
            if q.split(".")[0] in LOOKALIKE_MODULES or q in NOT_PANDAS_BUILTINS:
                return Typed(Kind.NOT, f"annotated `{code_of(ann)}`")
        return UNKNOWN

    def _infer_call(self, call: cst.Call) -> Typed:
        func = call.func
        for q in self.qnames(func) if is_dotted_name(func) else ():
            if q in CONSTRUCTORS:
                return Typed(CONSTRUCTORS[q], f"bound from `{_short(call)}`", fresh=True)
            if q.startswith("pandas."):
                leaf = q.rsplit(".", 1)[1]
                if leaf in FRAME_READERS or leaf in UNKNOWN_READERS:
                    if any(a.keyword and a.keyword.value in ITER_KEYWORDS for a in call.args):
                        return UNKNOWN
                    kind = Kind.FRAME if leaf in FRAME_READERS else Kind.PANDAS
                    return Typed(kind, f"bound from `{_short(call)}`", fresh=True)
                if leaf == "to_numeric" and call.args and self.infer(call.args[0].value).kind is Kind.SERIES:
                    return Typed(Kind.SERIES, "from `pd.to_numeric(...)`", numeric=True, fresh=True)
                return UNKNOWN
            root = q.split(".")[0]
            if root in LOOKALIKE_MODULES or q in NOT_PANDAS_BUILTINS:
                return Typed(Kind.NOT, f"`{q}(...)`")
        if not isinstance(func, cst.Attribute):
            return UNKNOWN
        method = func.attr.value
        recv = self.infer(func.value)
        if recv.kind is Kind.GROUPBY:
            return Typed(Kind.PANDAS, recv.why, fresh=True) if method in GROUP_RESULT else UNKNOWN
        if recv.kind is Kind.ACCESSOR:
            return Typed(Kind.SERIES, recv.why, fresh=True)
        if recv.kind not in DATA_KINDS:
            return UNKNOWN
        if method in GROUPING:
            return Typed(Kind.GROUPBY, recv.why)
        if method == "astype":
            numeric = bool(call.args) and _numeric_dtype(call.args[0].value)
            return Typed(recv.kind, recv.why, numeric=numeric, fresh=True)
        if method == "to_frame":
            return Typed(Kind.FRAME, recv.why, fresh=True)
        if method in SAME_KIND:
            if any(a.keyword and a.keyword.value == "inplace" for a in call.args):
                return UNKNOWN  # may return None
            return Typed(recv.kind, recv.why, fresh=True)
        if method in PANDAS_RESULT and recv.kind is not Kind.INDEX:
            if any(a.keyword and a.keyword.value == "inplace" for a in call.args):
                return UNKNOWN
            return Typed(Kind.PANDAS, recv.why, fresh=True)
        return UNKNOWN

    def _infer_subscript(self, sub: cst.Subscript) -> Typed:
        base = self.infer(sub.value)
        if base.kind is Kind.INDEXER:
            return Typed(Kind.PANDAS, base.why, view=True)
        if base.kind is Kind.FRAME:
            if _is_list_key(sub):
                return Typed(Kind.FRAME, base.why, fresh=True)
            if _is_label_key(sub):
                return Typed(Kind.PANDAS, base.why, view=True)  # a column (or a sub-frame)
            return Typed(Kind.PANDAS, base.why)
        if base.kind in (Kind.SERIES, Kind.PANDAS):
            if _is_position(sub) or (base.kind is Kind.SERIES and _is_label_key(sub)):
                return UNKNOWN  # an element: `s[0]`, `s["2024-01-02"]`
            return Typed(Kind.SERIES if base.kind is Kind.SERIES else Kind.PANDAS, base.why, view=True)
        if base.kind is Kind.INDEX and _is_position(sub):
            return Typed(Kind.NOT, "an element of an Index")
        if base.kind is not None:
            return UNKNOWN if base.kind is not Kind.NOT else Typed(Kind.NOT, base.why)
        if self.imports_pandas and not self.imports_lookalike and not _is_self(sub.value):
            if _is_list_key(sub):  # a list is unhashable: no mapping takes it as a key
                return Typed(Kind.FRAME, "a column selection in a module that imports pandas", fresh=True)
            if _is_column_key(sub):  # `frame["close"]`, `frame[frame.px > 0]`; not `blocks[0]`
                return Typed(Kind.PANDAS, "a subscript in a module that imports pandas", view=True)
        return UNKNOWN

    def _infer_attribute(self, attr: cst.Attribute) -> Typed:
        name = attr.attr.value
        base = self.infer(attr.value)
        if base.kind is Kind.NOT:
            return Typed(Kind.NOT, base.why)
        if base.kind is Kind.ACCESSOR:
            return Typed(Kind.SERIES, base.why) if name not in FRAME_SERIES_ATTRS else UNKNOWN
        if base.kind not in DATA_KINDS:
            return UNKNOWN
        if name in INDEXERS and base.kind is not Kind.INDEX:
            return Typed(Kind.INDEXER, base.why)
        if name in ACCESSORS:
            return Typed(Kind.ACCESSOR, base.why)
        if name in ("index", "columns") and base.kind is not Kind.INDEX:
            return Typed(Kind.INDEX, base.why)
        if name == "T" and base.kind is Kind.FRAME:
            return Typed(Kind.FRAME, base.why, fresh=True)
        if base.kind is Kind.FRAME and name not in FRAME_SERIES_ATTRS:
            return Typed(Kind.PANDAS, f"column `{name}` of a DataFrame {base.why}", view=True)
        return UNKNOWN


def _short(node: cst.CSTNode) -> str:
    text = code_of(node)
    if isinstance(node, cst.Call):
        text = code_of(node.func) + "(...)"
    return text if len(text) <= 40 else text[:37] + "..."


def _is_self(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value in ("self", "cls")


def _is_list_key(sub: cst.Subscript) -> bool:
    return (
        len(sub.slice) == 1
        and isinstance(sub.slice[0].slice, cst.Index)
        and isinstance(sub.slice[0].slice.value, cst.List)
    )


def _is_position(sub: cst.Subscript) -> bool:
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return False
    value = sub.slice[0].slice.value
    if isinstance(value, cst.UnaryOperation):
        value = value.expression
    return isinstance(value, cst.Integer)


def _is_column_key(sub: cst.Subscript) -> bool:
    """A string label or a boolean mask: what selects columns/rows of a frame, not items of a list."""
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return False
    value = sub.slice[0].slice.value
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    return isinstance(value, (cst.Comparison, cst.BinaryOperation)) and isinstance(
        getattr(value, "operator", None), (cst.BitAnd, cst.BitOr, cst.BitXor, type(None)))


def _is_label_key(sub: cst.Subscript) -> bool:
    return (
        len(sub.slice) == 1
        and isinstance(sub.slice[0].slice, cst.Index)
        and isinstance(sub.slice[0].slice.value, (cst.SimpleString, cst.Integer, cst.Name, cst.Attribute))
    )


def _numeric_dtype(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.SimpleString):
        return expr.evaluated_value in NUMERIC_DTYPES
    if isinstance(expr, cst.Name):
        return expr.value in ("float", "int", "bool")
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value in ("np", "numpy"):
        return expr.attr.value in NUMERIC_DTYPES
    return False


class _Imports(cst.CSTVisitor):
    """Top-level packages the module imports, and the name it binds pandas to (`pd`)."""

    def __init__(self) -> None:
        super().__init__()
        self.roots: set[str] = set()
        self.pandas_alias: str | None = None
        self._depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            full = code_of(alias.name)
            self.roots.add(full.split(".")[0])
            if full == "pandas" and self._depth == 0:
                if alias.asname and isinstance(alias.asname.name, cst.Name):
                    self.pandas_alias = self.pandas_alias or alias.asname.name.value
                else:
                    self.pandas_alias = self.pandas_alias or "pandas"
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.module is not None and not node.relative:
            self.roots.add(code_of(node.module).split(".")[0])
        return False


def gate(
    types: PandasTypes,
    recv: cst.BaseExpression,
    *,
    kinds: frozenset[Kind] = DATA_KINDS,
    distinctive: bool = False,
) -> tuple[bool, str]:
    """May a method rule act on ``recv``? Returns (proved, why) or raises :class:`Skip`.

    Proved pandas (of one of ``kinds``): ``(True, how)``, the rule may fix. Unknown: ``(False, reason)``,
    the rule reports only, and only when the method name is ``distinctive`` of pandas (``applymap``,
    ``iteritems``) or the receiver is named like a frame (``df.append``); otherwise, or when the
    receiver is provably something else (a list, an ndarray, an ``Index`` for ``.append``), :class:`Skip`.
    """
    typed = types.infer(recv)
    if typed.kind in kinds:
        return True, typed.why
    if typed.kind is not None:
        raise Skip
    if distinctive or looks_like_frame(recv):
        return False, f"`{code_of(recv)}` is not provably a pandas object (report only)"
    raise Skip


class Skip(Exception):
    """Raised by :func:`gate`: not a pandas receiver, leave the call alone."""


#: Text that a file must contain for a pandas method rule to run on it at all: a name of pandas, or a
#: frame-like variable name (which the rules report, unproven). Keeps `.append(`, `axis`, `.view(`
#: from parsing every file of a project that has nothing to do with pandas.
PANDAS_MARKERS = ("pandas", "pd.", "DataFrame", "Series", re.compile(r"\b(?:df|ser|\w+_df)\b"))
