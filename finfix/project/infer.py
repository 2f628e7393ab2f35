"""A small kind evaluator over CPython ``ast``: the project pass's counterpart of the per-file ladder.

It answers the same question as :mod:`finfix.sdk.pandas_types` (is this a DataFrame, a Series, a list ...)
for the expressions the project facts are made of: what functions return, what classes assign to
``self.x``, what call sites pass. Answers are ``(kind, level, why)`` triples (:class:`Fact`) or None.
"""

from __future__ import annotations

import ast
import functools
from typing import TYPE_CHECKING, Any, Callable

from finfix.sdk.ast_nodes import below_until, children
from finfix.sdk.evidence.project import Fact
from finfix.sdk.evidence.tables import (
    SAME_KIND_UFUNCS, CONSTRUCTORS, FOREIGN_LIBRARIES, FRAME_READERS, GROUP_RESULT, GROUPING, ITER_KEYWORDS, PANDAS_RESULT,
    SAME_KIND, UNKNOWN_READERS,
)
from finfix.sdk.pandas_api import FRAME_SERIES_ATTRS

if TYPE_CHECKING:
    from finfix.project.modules import Module

_KIND_NAMES = {"DataFrame": "DataFrame", "Series": "Series", "Index": "Index", "pandas object": "pandas"}
_PANDAS = frozenset({"DataFrame", "Series", "Index", "pandas"})
_DATA = frozenset({"DataFrame", "Series", "pandas"})
_ARRAY_MAKERS = frozenset("array asarray zeros ones empty full arange linspace zeros_like ones_like".split())
_ELEMENTWISE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_ANNOTATIONS = {"DataFrame": "DataFrame", "Series": "Series", "Index": "Index", "DatetimeIndex": "Index"}


CYCLE = Fact("cycle", "proven", "")  # a binding seen from itself (`df = df.dropna()`): neutral


def combine(facts: list[Fact | None]) -> Fact | None:
    facts = [f for f in facts if f is not CYCLE] or facts
    if facts and all(f is CYCLE for f in facts):
        return None
    if not facts or any(f is None for f in facts):
        return None
    kinds = {f.kind for f in facts}  # type: ignore[union-attr]
    level = "proven" if all(f.level == "proven" for f in facts) else "inferred"  # type: ignore[union-attr]
    first = facts[0]
    assert first is not None
    if len(kinds) == 1:
        return Fact(first.kind, level, first.why)
    if kinds <= _DATA:
        return Fact("pandas", level, "every value is a pandas object")
    return None


def weaker(fact: Fact | None, why: str | None = None, level: str | None = None) -> Fact | None:
    if fact is None:
        return None
    return Fact(fact.kind, level or fact.level, why or fact.why)


class Scope:
    """The bindings of one function (or the module body) that the evaluator follows."""

    def __init__(self, module: Module, func: ast.FunctionDef | ast.AsyncFunctionDef | None, qual: str,
                 owner: str | None) -> None:
        self.module = module
        self.func: Any = func  # the def; once summarised, its finfix.project.summaries.Signature
        self.qual = qual  # `C.m`, `f`, "" for the module body
        self.owner = owner  # `pkg.mod.C` for a method
        self.bindings: dict[str, list[ast.expr | None]] = {}
        self.params: dict[str, ast.arg] = {}
        self.nodes: list[ast.AST] = []  # the scope's own nodes, until summarised
        self.walked: Any = None  # what the solver asks of them: a finfix.project.summaries.Walked
        if func is None:
            for name, values in module.assigned.items():
                self.bindings[name] = list(values)
            return
        args = func.args
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            self.params[a.arg] = a
        for a in (args.vararg, args.kwarg):
            if a is not None:
                self.bindings[a.arg] = [None]
        self.nodes = list(_own_nodes(func))
        for node in self.nodes:
            if type(node) not in _BINDERS:  # most nodes (parsed trees hold the exact types)
                continue
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    self._bind(t, node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                self._bind(node.target, node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                self.bindings.setdefault(node.target.id, [])  # keeps the kind of its other bindings
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                self._bind(node.target, None)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._bind(item.optional_vars, None)
            elif isinstance(node, ast.NamedExpr):
                self._bind(node.target, node.value)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                for n in node.names:
                    self.bindings[n] = [None]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    self.bindings[(alias.asname or alias.name).split(".")[0]] = [None]
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self.bindings[node.name] = [None]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not func:
                self.bindings[node.name] = [None]

    @functools.cached_property
    def returned(self) -> list[ast.expr]:
        """What the function returns, found once (the solver asks every round); empty for the module body,
        a generator, a bare ``return`` or no ``return`` at all: nothing to say about its value."""
        if self.func is None:
            return []
        values = []
        for node in self.nodes:
            if isinstance(node, ast.Return):
                if node.value is None:
                    return []
                values.append(node.value)
            elif isinstance(node, (ast.Yield, ast.YieldFrom)):
                return []
        return values

    @functools.cached_property
    def self_assignments(self) -> list[tuple[str, ast.expr | None, int]]:
        """``(A:<owner>:<attr>, value, line)`` for each ``self.attr = value`` of a method, in order (value None
        for an unpacking target), found once: every round of the solver reads them."""
        found: list[tuple[str, ast.expr | None, int]] = []
        for node in self.nodes:
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                    if isinstance(node, ast.AugAssign) or getattr(node, "value", None) is None:
                        continue
                    found.append((f"A:{self.owner}:{t.attr}", node.value, node.lineno))
                elif isinstance(t, (ast.Tuple, ast.List)):
                    for el in t.elts:
                        if isinstance(el, ast.Attribute) and isinstance(el.value, ast.Name) and el.value.id == "self":
                            found.append((f"A:{self.owner}:{el.attr}", None, node.lineno))
        return found

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.bindings.setdefault(target.id, []).append(value)
            if target.id in self.params:
                self.bindings[target.id].append(ast.Name(id=target.id))  # the parameter's own value too
        elif isinstance(target, (ast.Tuple, ast.List)):
            for el in target.elts:
                self._bind(el.value if isinstance(el, ast.Starred) else el, None)


def _own_nodes(func: ast.AST):
    """Nodes of ``func``'s body, not of nested functions, classes or lambdas (their own scopes)."""
    return below_until(children(func), _OWN_SCOPES)


_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
#: the node types `Scope.__init__` reads bindings from
_BINDERS = frozenset({
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.With, ast.AsyncWith,
    ast.NamedExpr, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.ExceptHandler, ast.FunctionDef,
    ast.AsyncFunctionDef, ast.ClassDef,
})


def duck(scope: Scope, name: str) -> Fact | None:
    """The project pass's duck evidence, as the per-file ladder's (``sources.duck``): a name of a function
    scope also used with pandas-only API (``x.iloc``, ``x.dropna``) is inferred pandas, in a module that
    imports no look-alike library (xarray, dask, polars share much of that API)."""
    cache = scope.__dict__.setdefault("_duck", {})
    if name not in cache:
        cache[name] = None
        use = scope.walked.duck_uses.get(name) if not _imports_lookalike(scope.module) else None
        if use is not None:
            attr, line = use
            cache[name] = Fact("pandas", "inferred", f"`{name}` is also used as `{name}.{attr}` "
                               f"(line {line}), pandas-only API")
    return cache[name]


def _imports_lookalike(module: Module) -> bool:
    found = module.__dict__.get("_lookalike")
    if found is None:
        found = any(target.split(".")[0] in FOREIGN_LIBRARIES for target in module.imports.values())
        module.__dict__["_lookalike"] = found
    return found


def dotted(expr: ast.expr) -> list[str] | None:
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return parts[::-1]


class Evaluator:
    """Kinds of expressions in a scope, given a look-up of project facts (``lookup(key) -> Fact | None``)
    and of qualified names (``resolve(module, dotted) -> canonical absolute name``)."""

    def __init__(self, lookup: Callable[[str], Fact | None], resolve: Callable[[Module, list[str]], str | None],
                 is_project_class: Callable[[str], bool]) -> None:
        self._facts_of = lookup
        self.resolve = resolve
        self.is_project_class = is_project_class
        self._active: set[tuple[int, str]] = set()
        # The solver's rounds ask the same questions again with a few facts changed. An expression's kind
        # depends on the tree (fixed) and on the facts it looked up, so a top-level answer is kept with
        # those look-ups and reused while every one of them still gives the same fact.
        self._memo: dict[tuple[int, int], tuple[Fact | None, dict[str, Fact | None], ast.expr]] = {}
        self._reads: dict[str, Fact | None] | None = None

    def lookup(self, key: str) -> Fact | None:
        fact = self._facts_of(key)
        if self._reads is not None:
            self._reads[key] = fact
        return fact

    def kind(self, expr: ast.expr | None, scope: Scope, depth: int = 0) -> Fact | None:
        if expr is None or depth > 12:
            return None
        if depth == 0 and self._reads is None and not self._active:  # the solver's question, not a step of an answer
            key = (id(expr), id(scope))
            kept = self._memo.get(key)
            if kept is not None and all(self._facts_of(k) == fact for k, fact in kept[1].items()):
                return kept[0]
            self._reads = reads = {}
            try:
                answer = self._kind(expr, scope, depth)
            finally:
                self._reads = None
            self._memo[key] = (answer, reads, expr)  # `expr` kept alive: its id stays its own
            return answer
        return self._kind(expr, scope, depth)

    def _kind(self, expr: ast.expr, scope: Scope, depth: int) -> Fact | None:
        d = depth + 1
        if isinstance(expr, (ast.List, ast.ListComp)):
            return Fact("list", "proven", "a list")
        if isinstance(expr, (ast.Dict, ast.DictComp)):
            return Fact("dict", "proven", "a dict")
        if isinstance(expr, (ast.Set, ast.SetComp)):
            return Fact("set", "proven", "a set")
        if isinstance(expr, ast.Tuple):
            return Fact("tuple", "proven", "a tuple")
        if isinstance(expr, ast.Constant):
            return Fact("str" if isinstance(expr.value, str) else "number", "proven", "a literal") \
                if expr.value is not None else None
        if isinstance(expr, ast.JoinedStr):
            return Fact("str", "proven", "a string")
        if isinstance(expr, ast.Name):
            return self._name(expr.id, scope, d)
        if isinstance(expr, ast.Call):
            return self._call(expr, scope, d)
        if isinstance(expr, ast.Attribute):
            return self._attribute(expr, scope, d)
        if isinstance(expr, ast.Subscript):
            return self._subscript(expr, scope, d)
        if isinstance(expr, ast.BinOp) and not isinstance(expr.op, ast.MatMult):
            sides = [self.kind(expr.left, scope, d), self.kind(expr.right, scope, d)]
            data = [s for s in sides if s is not None and s.kind in _PANDAS]
            if not data or any(s is not None and s.kind in ("other", "GroupBy") for s in sides):
                return None
            kind = "DataFrame" if any(s.kind == "DataFrame" for s in data) else (
                data[0].kind if len({s.kind for s in data}) == 1 else "pandas")
            level = "proven" if all(s.level == "proven" for s in data) else "inferred"
            return Fact(kind, level, f"an arithmetic result of a pandas object ({data[0].why})")
        if isinstance(expr, ast.IfExp):
            return combine([self.kind(expr.body, scope, d), self.kind(expr.orelse, scope, d)])
        if isinstance(expr, ast.Compare):
            return self._compare(expr, scope, d)
        return None

    def _compare(self, expr: ast.Compare, scope: Scope, depth: int) -> Fact | None:
        """``prices > 0``: elementwise on a DataFrame/Series, the same kind (an Index's is an ndarray; ``is``/
        ``in`` and chained comparisons are bools), as the per-file ladder (``finfix.sdk.evidence.operators``)."""
        if len(expr.ops) != 1:
            return None
        if not isinstance(expr.ops[0], _ELEMENTWISE):
            return Fact("bool", "proven", "an `is`/`in` test")
        sides = [self.kind(expr.left, scope, depth), self.kind(expr.comparators[0], scope, depth)]
        data = [s for s in sides if s is not None and s is not CYCLE and s.kind in _DATA]
        if not data or any(s is not None and s.kind in ("other", "GroupBy", "Index") for s in sides):
            return None
        kinds = {s.kind for s in data}
        kind = "DataFrame" if "DataFrame" in kinds else (kinds.pop() if len(kinds) == 1 else "pandas")
        level = "proven" if all(s.level == "proven" for s in data) else "inferred"
        return Fact(kind, level, f"an elementwise comparison of a pandas object ({data[0].why})")

    # -- names --------------------------------------------------------------------------------------
    def _name(self, name: str, scope: Scope, depth: int) -> Fact | None:
        fact = self._bound_name(name, scope, depth)
        if fact is None and scope.func is not None and (name in scope.params or name in scope.bindings) \
                and not self._bound_to_non_pandas(name, scope, depth):
            return duck(scope, name)
        return fact

    def _bound_to_non_pandas(self, name: str, scope: Scope, depth: int) -> bool:
        """``df = dict(lower=[])`` ... ``df = pd.DataFrame(df)``: a binding proven not pandas means duck evidence
        (``df.set_index`` after the rebinding) says nothing about the uses before it."""
        key = (id(scope), name)
        if key in self._active:
            return False
        self._active.add(key)  # `df = df.dropna()` evaluates `df` again: seen from itself, a cycle
        try:
            for v in scope.bindings.get(name, ()):
                if v is None or (isinstance(v, ast.Name) and v.id == name):
                    continue
                fact = self.kind(v, scope, depth)
                if fact is not None and fact is not CYCLE and fact.kind not in _PANDAS and fact.kind != "GroupBy":
                    return True
            return False
        finally:
            self._active.discard(key)

    def _bound_name(self, name: str, scope: Scope, depth: int) -> Fact | None:
        if scope.func is not None and name in scope.params and name not in scope.bindings:
            return self.param(scope, name)
        if name in scope.bindings:
            key = (id(scope), name)
            if key in self._active:
                return CYCLE
            self._active.add(key)
            try:
                facts = []
                for v in scope.bindings[name]:
                    if isinstance(v, ast.Name) and v.id == name and name in scope.params:
                        facts.append(self.param(scope, name))
                    else:
                        facts.append(self.kind(v, scope, depth) if v is not None else None)
            finally:
                self._active.discard(key)
            return combine(facts)
        module = scope.module
        if scope.func is not None and name in module.assigned:
            return self.lookup(f"G:{module.name}:{name}")
        if name in module.imports:
            target = self.resolve(module, [name])
            if target:
                mod, _, leaf = target.rpartition(".")
                return self.lookup(f"G:{mod}:{leaf}")
        return None

    def param(self, scope: Scope, name: str) -> Fact | None:
        arg = scope.params[name]
        if arg.annotation is not None:
            ann = self.annotation(arg.annotation, scope)
            if ann is not None:
                return ann
        if name == "self" and scope.owner is not None:
            return self.lookup(f"S:{scope.owner}")  # a subclass of pd.DataFrame / pd.Series
        if name == "cls" and scope.owner is not None:
            return None
        return self.lookup(f"P:{scope.module.name}.{scope.qual}:{name}")

    def annotation(self, ann: ast.expr, scope: Scope) -> Fact | None:
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            text = ann.value.strip()
            leaf = text.rsplit(".", 1)[-1]
            if text.split(".")[0] in ("pd", "pandas") and leaf in _ANNOTATIONS:
                return Fact(_ANNOTATIONS[leaf], "proven", f"annotated `{text}`")
            return None
        parts = dotted(ann)
        if parts is None:
            return None
        target = self.resolve(scope.module, parts) or ".".join(parts)
        root, leaf = target.split(".")[0], target.rsplit(".", 1)[-1]
        if root == "pandas" and leaf in _ANNOTATIONS:
            return Fact(_ANNOTATIONS[leaf], "proven", f"annotated `{'.'.join(parts)}`")
        if root in FOREIGN_LIBRARIES:
            return Fact("other", "proven", f"annotated `{'.'.join(parts)}` ({root})")
        if target in ("list", "dict", "set", "tuple", "builtins.list", "builtins.dict"):
            return Fact(target.rsplit(".", 1)[-1], "proven", f"annotated `{target}`")
        return None

    # -- calls --------------------------------------------------------------------------------------
    def _call(self, call: ast.Call, scope: Scope, depth: int) -> Fact | None:
        func = call.func
        parts = dotted(func)
        if parts is not None:
            if parts[0] in ("self", "cls") and len(parts) == 2 and scope.owner is not None:
                fact = self.lookup(f"R:{scope.owner}.{parts[1]}")
                if fact is not None:
                    return fact
            elif parts[0] not in scope.bindings and parts[0] not in scope.params:
                target = self.resolve(scope.module, parts)
                if target is not None:
                    fact = self._ufunc(target, call, scope, depth) or self._library_call(target, call)
                    if fact is not None:
                        return fact
                    fact = self.lookup(f"R:{target}")
                    if fact is not None:
                        origin = f" ({fact.why})" if len(fact.why) <= 40 else ""
                        return weaker(fact, f"returned by `{target}(...)`{origin}")
                    if self.is_project_class(target):
                        return Fact("class", "proven", f"an instance of project class `{target}`")
                    if target in ("list", "dict", "set", "tuple", "sorted"):
                        return Fact("list" if target == "sorted" else target, "proven", f"`{target}(...)`")
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        recv = self.kind(func.value, scope, depth)
        if recv is None or recv is CYCLE:
            return recv
        if recv.kind == "other":
            return recv
        inplace = any(k.arg == "inplace" for k in call.keywords)
        if recv.kind == "GroupBy":
            return Fact("pandas", recv.level, recv.why) if method in GROUP_RESULT else None
        if recv.kind not in _PANDAS:
            return None
        if method in GROUPING:
            return Fact("GroupBy", recv.level, recv.why)
        if method == "to_frame":
            return Fact("DataFrame", recv.level, recv.why)
        if method in SAME_KIND and not inplace:
            return Fact(recv.kind, recv.level, recv.why)
        if method in PANDAS_RESULT and recv.kind != "Index" and not inplace:
            return Fact("pandas", recv.level, recv.why)
        if method in ("to_numpy",):
            return Fact("ndarray", recv.level, "`.to_numpy()`")
        return None

    def _library_call(self, target: str, call: ast.Call) -> Fact | None:
        shown = f"`{target.replace('pandas.', 'pd.', 1)}(...)`"
        if target in CONSTRUCTORS:
            return Fact(_KIND_NAMES.get(CONSTRUCTORS[target].value, "pandas"), "proven", f"bound from {shown}")
        root, leaf = target.split(".")[0], target.rsplit(".", 1)[-1]
        if root == "pandas" and (leaf in FRAME_READERS or leaf in UNKNOWN_READERS):
            if any(k.arg in ITER_KEYWORDS for k in call.keywords):
                return None
            return Fact("DataFrame" if leaf in FRAME_READERS else "pandas", "proven", f"bound from {shown}")
        if root in FOREIGN_LIBRARIES:
            return Fact("other", "proven", f"{shown} ({root})")
        if root == "numpy" and leaf in _ARRAY_MAKERS:
            return Fact("ndarray", "proven", shown)
        return None

    def _ufunc(self, target: str, call: ast.Call, scope: Scope, depth: int) -> Fact | None:
        """``np.log(prices)``: a one-argument numpy ufunc keeps the kind of a pandas argument."""
        root, leaf = target.split(".")[0], target.rsplit(".", 1)[-1]
        if root != "numpy" or leaf not in SAME_KIND_UFUNCS or len(call.args) != 1 or call.keywords:
            return None
        arg = self.kind(call.args[0], scope, depth)
        if arg is None or arg.kind not in _PANDAS:
            return None
        return Fact(arg.kind, arg.level, f"`np.{leaf}(...)` of a pandas object ({arg.why})")

    # -- attributes and subscripts --------------------------------------------------------------------
    def _attribute(self, attr: ast.Attribute, scope: Scope, depth: int) -> Fact | None:
        if isinstance(attr.value, ast.Name) and attr.value.id == "self" and scope.owner is not None:
            fact = self.lookup(f"A:{scope.owner}:{attr.attr}")
            if fact is not None or self.lookup(f"S:{scope.owner}") is None:
                return fact
        base = self.kind(attr.value, scope, depth)
        if base is None:
            parts = dotted(attr)
            if parts is not None and parts[0] not in scope.bindings and parts[0] not in scope.params:
                target = self.resolve(scope.module, parts)
                if target:
                    mod, _, leaf = target.rpartition(".")
                    return self.lookup(f"G:{mod}:{leaf}")
            return None
        if base.kind == "other" or base is CYCLE:
            return base
        if base.kind not in _PANDAS:
            return None
        name = attr.attr
        if name in ("index", "columns") and base.kind != "Index":
            return Fact("Index", base.level, base.why)
        if name == "T" and base.kind == "DataFrame":
            return base
        if base.kind == "DataFrame" and name not in FRAME_SERIES_ATTRS:
            return Fact("pandas", base.level, f"column `{name}` of a DataFrame {base.why}")
        return None

    def _subscript(self, sub: ast.Subscript, scope: Scope, depth: int) -> Fact | None:
        key = sub.slice
        if isinstance(sub.value, ast.Attribute) and sub.value.attr in ("loc", "iloc"):
            base = self.kind(sub.value.value, scope, depth)
            return Fact("pandas", base.level, base.why) if base is not None and base.kind in _DATA else None
        base = self.kind(sub.value, scope, depth)
        if base is None or base is CYCLE or base.kind in ("other", "GroupBy"):
            return base  # `df.groupby(k)["x"]` is still grouped
        if base.kind == "DataFrame":
            if isinstance(key, ast.List):
                return base
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return Fact("pandas", base.level, f"a column of a DataFrame {base.why}")
            label = self.kind(key, scope, depth)
            if label is not None and label.kind == "str":
                level = "proven" if base.level == label.level == "proven" else "inferred"
                return Fact("pandas", level, f"a column of a DataFrame {base.why}")
            return None
        if base.kind in ("Series", "pandas") and isinstance(key, ast.Slice):
            return base
        return None
