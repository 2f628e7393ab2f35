"""Is this expression a pandas object? The evidence service every pandas and plotting rule asks.

:class:`PandasTypes` answers "what is this expression?" with a :class:`Typed`: a kind (DataFrame,
Series, Index, GroupBy, another library's object, not pandas, or unknown), a level (proven, inferred,
unknown) and one plain line of why. Sources, strongest first:

1. **the file** (proven): a name bound in its scope from ``pd.DataFrame(...)``, ``pd.read_*(...)``,
   ``pd.concat(...)`` ... (every binding must be one), a pandas annotation, a subscript / ``.loc`` /
   column attribute / known method result of such an object; a literal, numpy or a look-alike library
   proves the opposite;
2. **the project** (:mod:`finfix.sdk.evidence.project`, gathered once per run by ``finfix.project``):
   returns of project functions and re-exports (proven), attributes assigned in the class and parameters
   from every call site (inferred, with the count in the reason);
3. **duck evidence** in the same scope: a name also used with ``.iloc``, ``.groupby(`` ... (inferred);
4. **observed** types recorded by ``finfix record`` (proven when only pandas objects were seen);
5. **a type checker's answer** (inferred).

A subscript of an object nobody typed is unknown: "a string-literal subscript of any object in a module
that imports pandas" is not evidence (``self.history["dt"]`` is a list in a dict). :func:`looks_like_frame`
is the naming heuristic (``df``, ``*_df``) rules may use to *report*, never to rewrite.
"""

from __future__ import annotations

import re
from dataclasses import replace

import libcst as cst
from libcst.metadata import Assignment, ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.evidence import operators, sources
from finfix.sdk.evidence.kinds import DATA_KINDS, UNKNOWN, Kind, Level, Typed
from finfix.sdk.evidence.loops import loop_target
from finfix.sdk.evidence.order import in_source_order
from finfix.sdk.evidence.project import facts_of
from finfix.sdk.evidence.tables import (
    ACCESSORS, ANNOTATION_TEXT, ANNOTATIONS, CONSTRUCTORS, FOREIGN_LIBRARIES, FRAME_READERS, GROUP_RESULT,
    GROUPING, INDEXERS, ITER_KEYWORDS, LOOKALIKE_MODULES, NOT_PANDAS_BUILTINS, NUMERIC_DTYPES, PANDAS_RESULT,
    SAME_KIND, SAME_KIND_UFUNCS, UNKNOWN_READERS,
)
from finfix.sdk.names import QualifiedNames, code_of, is_dotted_name, qualified_names, short_code
from finfix.sdk.pandas_api import FRAME_SERIES_ATTRS
from finfix.sdk.rule import Rule, Safety

#: What a rule using :class:`PandasTypes` must list in ``METADATA_DEPENDENCIES`` (positions are computed
#: only when a checker answer or an observation is looked up).
METADATA = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider, PositionProvider)

__all__ = ["DATA_KINDS", "UNKNOWN", "Kind", "Level", "Typed", "LOOKALIKE_MODULES", "GROUP_RESULT", "METADATA",
           "PandasTypes", "PandasRule", "looks_like_frame", "gate", "Skip", "PANDAS_MARKERS", "evidence_policy"]



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
        unknown = next(t for t in types if t.kind is None)
        return unknown
    level = Level.PROVEN if all(t.level is Level.PROVEN for t in types) else Level.INFERRED
    if len(kinds) == 1 and kinds <= {Kind.NOT, Kind.OTHER, Kind.MODULE}:
        return replace(types[0], level=level)
    if not kinds <= DATA_KINDS | {Kind.GROUPBY}:
        return UNKNOWN if len(kinds) > 1 else types[0]
    kind = kinds.pop() if len(kinds) == 1 else Kind.PANDAS
    return Typed(
        kind,
        types[0].why if len({t.why for t in types}) == 1 else "every binding is a pandas object",
        numeric=all(t.numeric for t in types),
        fresh=all(t.fresh for t in types),
        view=any(t.view for t in types),
        level=level,
    )


def _from(base: Typed, kind: Kind, **extra) -> Typed:
    """A kind derived from ``base`` (a column of a frame, a method's result): as strong as ``base``."""
    return Typed(kind, extra.pop("why", base.why), level=base.level, **extra)


class PandasTypes:
    """Infers the kind of expressions of the module ``rule`` is visiting (memoised).

    ``rule`` must depend on :data:`METADATA`. Create one per rule run, in ``visit_Module``.
    """

    def __init__(self, rule: Rule, module: cst.Module) -> None:
        self.rule = rule
        self._memo: dict[cst.CSTNode, Typed] = {}
        self._active: set[cst.CSTNode] = set()
        imports = _Imports()
        module.visit(imports)
        self.imports_pandas = "pandas" in imports.roots
        self.imports_lookalike = bool(imports.roots & FOREIGN_LIBRARIES)
        self.pandas_alias = imports.pandas_alias
        self.project = facts_of(rule)
        self.path = sources.absolute_path(rule)
        self.module_name = self.project.module_of(self.path)
        self.verdict: Typed | None = None  # the last gate's answer, for PandasRule.report

    # -- public -------------------------------------------------------------------------------------
    def infer(self, expr: cst.BaseExpression) -> Typed:
        if expr in self._memo:
            return self._memo[expr]
        if expr in self._active:  # a cycle (`df = df.dropna()` seen from itself): neutral
            return Typed(Kind.PANDAS, "cycle")
        self._active.add(expr)
        try:
            result = self._infer(expr)
            if result.kind is None:
                result = sources.observed(self, expr) or sources.checker(self, expr) or result
            elif result.level is Level.INFERRED:
                seen = sources.observed(self, expr)  # what ran beats what was inferred; a conflict is unknown
                if seen is not None:
                    agree = seen.kind is result.kind or (seen.is_pandas and result.is_pandas)
                    result = seen if agree else Typed(None, level=Level.UNKNOWN, settle=(
                        f"the evidence conflicts ({result.why}; but {seen.why})"))
        finally:
            self._active.discard(expr)
        self._memo[expr] = result
        return result

    def is_pandas(self, expr: cst.BaseExpression) -> bool:
        return self.infer(expr).is_pandas

    def is_not_pandas(self, expr: cst.BaseExpression) -> bool:
        return self.infer(expr).foreign

    def qnames(self, node: cst.CSTNode) -> QualifiedNames:
        try:
            return qualified_names(self.rule, node)
        except KeyError:
            return QualifiedNames(())

    def bindings(self, name: cst.Name) -> list[tuple[Assignment, cst.CSTNode | None]] | None:
        """Every assignment of ``name`` visible where it is used, with the statement that binds it.

        The statement is the Assign/AnnAssign/AugAssign/For/With/NamedExpr/Param... node, or None when
        unknown. Returns None when the scope is not known (a node the rule built).
        """
        scope = self.rule.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        out = []
        for assignment in in_source_order(self, scope[name.value], lambda a: getattr(a, "node", None)):
            if not isinstance(assignment, Assignment):
                out.append((assignment, None))
                continue
            out.append((assignment, self._binder(assignment.node)))
        return out

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.rule.get_metadata(ParentNodeProvider, node, None)

    def position(self, node: cst.CSTNode) -> tuple[int, int] | None:
        pos = self.rule.get_metadata(PositionProvider, node, None)
        return (pos.start.line, pos.start.column) if pos is not None else None

    # -- the ladder ---------------------------------------------------------------------------------
    def _infer(self, expr: cst.BaseExpression) -> Typed:
        if isinstance(expr, (cst.Dict, cst.DictComp)):
            return Typed(Kind.NOT, "a dict literal")
        if isinstance(expr, (cst.List, cst.ListComp)):
            return Typed(Kind.NOT, "a list literal")
        if isinstance(expr, (cst.Set, cst.Tuple, cst.SetComp, cst.SimpleString, cst.Integer, cst.Float,
                             cst.FormattedString)):
            return Typed(Kind.NOT, "a literal")
        if isinstance(expr, cst.Name):  # True/False/None are names to LibCST, bound to builtins (no node)
            return Typed(Kind.NOT, "a literal") if expr.value in ("True", "False", "None") else self._infer_name(expr)
        if isinstance(expr, cst.Call):
            return self._infer_call(expr)
        if isinstance(expr, cst.Subscript):
            return self._infer_subscript(expr)
        if isinstance(expr, cst.Attribute):
            return self._infer_attribute(expr)
        if isinstance(expr, cst.BinaryOperation) and not isinstance(expr.operator, cst.MatrixMultiply):
            return self._infer_arithmetic(expr)
        if isinstance(expr, cst.UnaryOperation):
            return self._infer_unary(expr)
        if isinstance(expr, cst.Comparison):
            return operators.comparison(self, expr)
        return UNKNOWN

    def _infer_unary(self, expr: cst.UnaryOperation) -> Typed:
        """``~mask``, ``-returns``, ``+df``: elementwise, so a pandas operand's own kind; ``not x`` is a bool."""
        if isinstance(expr.operator, cst.Not):
            return Typed(Kind.NOT, "a `not` expression (a bool)")
        operand = self.infer(expr.expression)
        if operand.kind not in DATA_KINDS or operand.kind is Kind.NOT:
            return UNKNOWN
        return Typed(operand.kind, f"an elementwise `{code_of(expr.operator).strip()}` of a pandas object "
                     f"({operand.why})", fresh=True, level=operand.level)

    def _infer_arithmetic(self, expr: cst.BinaryOperation) -> Typed:
        sides = [self.infer(side) for side in (expr.left, expr.right)]
        kinds = [t.kind for t in sides]
        data = [t for t in sides if t.kind in DATA_KINDS]
        if not data or any(t.kind in (Kind.OTHER, Kind.GROUPBY) for t in sides):
            return UNKNOWN
        data_kinds = [t.kind for t in data]
        if Kind.FRAME in data_kinds:
            kind = Kind.FRAME
        elif len(data) == 1 and Kind.NOT in kinds:
            kind = data_kinds[0]  # with a scalar or an array: `idx - idx[0]` is an Index
        elif len(data) == 2 and data_kinds[0] is data_kinds[1]:
            kind = data_kinds[0]  # Index - Index is an Index, Series + Series a Series
        else:
            kind = Kind.PANDAS
        level = Level.PROVEN if all(t.level is Level.PROVEN for t in data) else Level.INFERRED
        return Typed(kind, f"an arithmetic result of a pandas object ({data[0].why})", fresh=True, level=level)

    def _infer_name(self, name: cst.Name) -> Typed:
        if name.value == "self":
            return sources.self_kind(self, name) or UNKNOWN
        if name.value == "cls":
            return UNKNOWN
        if (narrowed := sources.narrowed(self, name)) is not None:
            return narrowed
        found = self.bindings(name)
        if not found:
            return sources.project_global(self, name) or UNKNOWN
        types, nones = [], 0
        for assignment, binder in found:
            if binder is None:  # a builtin (`abs`, `len`) has no node: nothing to learn from it
                node = getattr(assignment, "node", None)
                types.append(node and loop_target(self, node) or sources.imported(self, name, assignment) or UNKNOWN)
            elif operators.binds_none(binder):
                nones += 1
            else:
                types.append(self._binding_type(assignment, binder))
        typed = _combine([t for t in types if t.why != "cycle"] or types)
        if typed.kind is None and types and not any(t.foreign for t in types):  # never over a dict binding
            typed = sources.duck(self, name) or typed
        return operators.or_none(name.value, typed, nones) if nones else typed

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
                typed = self._annotation(binder.annotation.annotation)
                if typed.kind is not None:
                    return typed
            return sources.parameter(self, binder)
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
            if typed.kind is not None and typed.why not in ("cycle",) and isinstance(binder.value, cst.Call) \
                    and typed.level is Level.PROVEN and typed.why.startswith("bound from"):
                return replace(typed, why=f"bound from `{_short(binder.value)}`")
            return typed
        if isinstance(binder, cst.NamedExpr):
            return self.infer(binder.value)
        return UNKNOWN

    def _annotation(self, ann: cst.BaseExpression) -> Typed:
        if isinstance(ann, cst.SimpleString):
            m = ANNOTATION_TEXT.match(ann.evaluated_value.strip())
            if m:
                kind = Kind.INDEX if m.group(1).endswith("Index") else Kind[m.group(1).upper().replace("DATAFRAME", "FRAME")]
                return Typed(kind, f"annotated `{ann.evaluated_value}`")
            return UNKNOWN
        for q in self.qnames(ann):
            if q in ANNOTATIONS:
                return Typed(ANNOTATIONS[q], f"annotated `{code_of(ann)}`")
            root = q.split(".")[0]
            if root in FOREIGN_LIBRARIES:
                return Typed(Kind.OTHER, f"annotated `{code_of(ann)}` ({root})")
            if root in LOOKALIKE_MODULES or q in NOT_PANDAS_BUILTINS:
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
            if root in FOREIGN_LIBRARIES:
                return Typed(Kind.OTHER, f"`{q}(...)` ({root})")
            ufunc = self._ufunc(q, call)
            if ufunc is not None:
                return ufunc
            if root in LOOKALIKE_MODULES or q in NOT_PANDAS_BUILTINS:
                return Typed(Kind.NOT, f"`{q}(...)`")
        project = sources.project_call(self, call)
        if project is not None:
            return project
        if not isinstance(func, cst.Attribute):
            return UNKNOWN
        method = func.attr.value
        recv = self.infer(func.value)
        if recv.kind is Kind.OTHER:
            return recv  # a polars frame's methods give polars objects
        if recv.kind is Kind.GROUPBY:
            return _from(recv, Kind.PANDAS, fresh=True) if method in GROUP_RESULT else UNKNOWN
        if recv.kind is Kind.ACCESSOR:
            return _from(recv, Kind.SERIES, fresh=True)
        if recv.kind not in DATA_KINDS:
            return UNKNOWN
        if method in GROUPING:
            return _from(recv, Kind.GROUPBY)
        if method == "astype":
            numeric = bool(call.args) and _numeric_dtype(call.args[0].value)
            return _from(recv, recv.kind, numeric=numeric, fresh=True)
        if method == "to_frame":
            return _from(recv, Kind.FRAME, fresh=True)
        if method in SAME_KIND:
            if any(a.keyword and a.keyword.value == "inplace" for a in call.args):
                return UNKNOWN  # may return None
            return _from(recv, recv.kind, fresh=True)
        if method in PANDAS_RESULT and recv.kind is not Kind.INDEX:
            if any(a.keyword and a.keyword.value == "inplace" for a in call.args):
                return UNKNOWN
            return _from(recv, Kind.PANDAS, fresh=True)
        return UNKNOWN

    def _ufunc(self, qname: str, call: cst.Call) -> Typed | None:
        """``np.log(prices)``: a one-argument numpy ufunc keeps the kind of a pandas argument."""
        leaf = qname.rsplit(".", 1)[-1]
        if not qname.startswith("numpy.") or leaf not in SAME_KIND_UFUNCS or len(call.args) != 1 \
                or call.args[0].keyword is not None or call.args[0].star:
            return None
        arg = self.infer(call.args[0].value)
        if arg.kind not in DATA_KINDS:
            return None
        return _from(arg, arg.kind, why=f"`np.{leaf}(...)` of a pandas object ({arg.why})", fresh=True)

    def _infer_subscript(self, sub: cst.Subscript) -> Typed:
        base = self.infer(sub.value)
        if base.kind is Kind.INDEXER:
            return _from(base, Kind.PANDAS, view=True)
        if base.kind is Kind.GROUPBY:
            return base  # `df.groupby(k)["x"]`, `df.resample("M")[cols]`: still grouped
        if base.kind is Kind.FRAME:
            if _is_list_key(sub):
                return _from(base, Kind.FRAME, fresh=True)
            if _is_label_key(sub):
                return _from(base, Kind.PANDAS, view=True)  # a column (or a sub-frame)
            return _from(base, Kind.PANDAS)
        if base.kind in (Kind.SERIES, Kind.PANDAS):
            if _is_position(sub) or (base.kind is Kind.SERIES and _is_label_key(sub)):
                return UNKNOWN  # an element: `s[0]`, `s["2024-01-02"]`
            return _from(base, Kind.SERIES if base.kind is Kind.SERIES else Kind.PANDAS, view=True)
        if base.kind is Kind.INDEX and _is_position(sub):
            return Typed(Kind.NOT, "an element of an Index")
        if base.kind in (Kind.OTHER, Kind.NOT) and base.why.startswith(("`", "annotated")):
            return replace(base, why=f"an item of {base.why}") if base.kind is Kind.OTHER else UNKNOWN
        if base.kind is None and _is_list_key(sub) and self.imports_pandas and not self.imports_lookalike \
                and not _is_self(sub.value):
            # A list is unhashable, so no mapping takes it as a key; ndarrays and frames do.
            return Typed(Kind.FRAME, f"`{_short(sub)}` selects a list of columns (a mapping cannot take a list "
                         "key), in a module that imports pandas", fresh=True, level=Level.INFERRED)
        return UNKNOWN

    def _infer_attribute(self, attr: cst.Attribute) -> Typed:
        name = attr.attr.value
        if _is_self(attr.value):
            found = sources.class_attribute(self, attr)
            if found is not None or sources.self_kind(self, attr.value) is None:
                return found or UNKNOWN
        base = self.infer(attr.value)
        if base.kind in (Kind.NOT, Kind.OTHER):
            return replace(base, why=base.why)
        if base.kind is Kind.MODULE:
            return UNKNOWN
        if base.kind is Kind.ACCESSOR:
            return _from(base, Kind.SERIES) if name not in FRAME_SERIES_ATTRS else UNKNOWN
        if base.kind not in DATA_KINDS:
            if base.kind is None:
                return sources.object_attribute(self, attr) or UNKNOWN
            return UNKNOWN
        if name in INDEXERS and base.kind is not Kind.INDEX:
            return _from(base, Kind.INDEXER)
        if name in ACCESSORS:
            return _from(base, Kind.ACCESSOR)
        if name in ("index", "columns") and base.kind is not Kind.INDEX:
            return _from(base, Kind.INDEX)
        if name == "T" and base.kind is Kind.FRAME:
            return _from(base, Kind.FRAME, fresh=True)
        if base.kind is Kind.FRAME and name not in FRAME_SERIES_ATTRS:
            return _from(base, Kind.PANDAS, why=f"column `{name}` of a DataFrame {base.why}", view=True)
        return UNKNOWN


def _short(node: cst.CSTNode) -> str:
    """One line of source for messages (whitespace collapsed, at most 40 characters)."""
    if isinstance(node, cst.Call):
        return short_code(node.func, 36) + "(...)"
    return short_code(node, 40)


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
    """May a method rule act on ``recv``? Returns (fixable, why) or raises :class:`Skip`.

    Pandas (of one of ``kinds``), proven or inferred: ``(True, how)``, the rule may fix; an inferred
    receiver makes :class:`PandasRule` report the fix as unsafe, naming the evidence. Unknown:
    ``(False, reason)`` saying what would settle it; the rule reports only, and only when the method
    name is ``distinctive`` of pandas (``applymap``, ``iteritems``, ``fillna(method=)``) or the receiver
    is named like a frame (``df.append``). Provably something else (a list, an ndarray, a polars frame,
    an ``Index`` for ``.append``): :class:`Skip`.
    """
    typed = types.infer(recv)
    types.verdict = typed
    if typed.kind in kinds:
        return True, typed.why
    if typed.kind is not None:
        raise Skip
    if distinctive or looks_like_frame(recv) or typed.maybe_pandas:
        return False, unproven(recv, typed)
    raise Skip


def unproven(recv: cst.BaseExpression, typed: Typed) -> str:
    """Why an unknown receiver gets no fix, and what would settle it."""
    settle = typed.settle or "annotate it or run `finfix record -m pytest`"
    return f"`{_short(recv)}` is not known to be a pandas object; {settle}"


class Skip(Exception):
    """Raised by :func:`gate`: not a pandas receiver, leave the call alone."""


class PandasRule:
    """Mixin for rules about pandas objects (``class MyRule(PandasRule, Rule)``): the shared prologue.

    Sets ``self.types`` (the evidence service) for each module, declares the metadata it needs, gives
    :meth:`gate`, and applies the evidence policy in :meth:`report`: a fix whose receiver is only
    *inferred* pandas (call sites, class attributes, duck typing, a checker) is reported unsafe, with the
    evidence named in the reason. Rules that define ``visit_Module`` call ``super().visit_Module(node)``.
    """

    METADATA_DEPENDENCIES = METADATA
    types: PandasTypes

    def visit_Module(self, node: cst.Module) -> bool | None:
        self.types = PandasTypes(self, node)  # type: ignore[arg-type]
        after = getattr(super(), "visit_Module", None)
        return after(node) if after is not None else None

    def gate(self, recv: cst.BaseExpression, *, kinds: frozenset[Kind] = DATA_KINDS,
             distinctive: bool = False) -> tuple[bool, str]:
        return gate(self.types, recv, kinds=kinds, distinctive=distinctive)

    def report(self, node: cst.CSTNode, message: str, *, fix: Safety = Safety.DETECT, reason: str = "") -> bool:
        verdict, self.types.verdict = self.types.verdict, None
        fix, reason = evidence_policy(verdict, fix, reason)
        return super().report(node, message, fix=fix, reason=reason)  # type: ignore[misc]


def evidence_policy(typed: Typed | None, fix: Safety, reason: str) -> tuple[Safety, str]:
    """Proven: the rule's own safety. Inferred: unsafe at best, with the evidence named."""
    if typed is None or typed.kind is None or typed.level is not Level.INFERRED or fix is Safety.DETECT:
        return fix, reason
    note = f"the receiver is inferred, not proven: {typed.why}"
    return Safety.UNSAFE, f"{reason}; {note}" if reason else note


#: Text that a file must contain for a pandas method rule to run on it at all: a name of pandas, or a
#: frame-like variable name (which the rules report, unproven). Keeps `.append(`, `axis`, `.view(`
#: from parsing every file of a project that has nothing to do with pandas.
PANDAS_MARKERS = ("pandas", "pd.", "DataFrame", "Series", re.compile(r"\b(?:df|ser|\w+_df)\b"))
