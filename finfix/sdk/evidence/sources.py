"""The evidence sources beyond the file: project facts, duck typing, runtime observation, a type checker.

:class:`~finfix.sdk.pandas_types.PandasTypes` asks these when what the file proves is not enough. Each
returns a :class:`Typed` (with its level and one line of why) or None when it has nothing to say.
"""

from __future__ import annotations

import os
from typing import Any

import libcst as cst

from finfix.sdk.evidence.kinds import (
    Kind, Level, Typed, kind_of_type_text, mentions_pandas, pandas_or_ndarray, union_members,
)
from finfix.sdk.evidence.order import in_source_order
from finfix.sdk.evidence.tables import DUCK_ATTRS
from finfix.sdk.names import code_of
from finfix.sdk.snippets import snippet

#: What the sources receive: the PandasTypes instance asking (typed loosely: it imports this module).
PandasTypes = Any

SETTLE = "annotate it or run `finfix record -m pytest`"


def absolute_path(rule) -> str:
    return os.path.abspath(getattr(rule.session, "path", "") or "")


def _owners(types: PandasTypes, node: cst.CSTNode) -> list[cst.CSTNode]:
    """The FunctionDef/ClassDef nodes around ``node``, innermost first."""
    out = []
    cur = types.parent(node)
    while cur is not None:
        if isinstance(cur, (cst.FunctionDef, cst.ClassDef)):
            out.append(cur)
        cur = types.parent(cur)
    return out


def _qualname(owners: list[cst.CSTNode]) -> str:
    return ".".join(o.name.value for o in reversed(owners))


def _enclosing_class(types: PandasTypes, node: cst.CSTNode) -> str | None:
    """``pkg.mod.C`` for a node inside a method of class ``C`` (the method's own class)."""
    owners = _owners(types, node)
    if len(owners) < 2 or not isinstance(owners[0], cst.FunctionDef) or not isinstance(owners[1], cst.ClassDef):
        return None
    if types.module_name is None:
        return None
    return f"{types.module_name}.{_qualname(owners[1:])}"


def parameter(types: PandasTypes, param: cst.Param) -> Typed:
    """An unannotated parameter: what every call site in the project passes (inferred), else unknown."""
    name = param.name.value
    owners = _owners(types, param)
    if not owners or not isinstance(owners[0], cst.FunctionDef) or types.module_name is None:
        return Typed(None, level=Level.UNKNOWN, settle=f"`{name}` is a parameter: {SETTLE}")
    key = f"P:{types.module_name}.{_qualname(owners)}:{name}"
    fact = types.project.fact(key)
    if fact is not None:
        return fact.typed()
    why = types.project.unknown.get(key, f"`{name}` is a parameter with no call site in this project")
    return Typed(None, level=Level.UNKNOWN, settle=f"{why}: {SETTLE}")


def _canonical(types: PandasTypes, node: cst.CSTNode) -> list[str]:
    if types.module_name is None:
        return []
    out = []
    for q in types.qnames(node):
        absolute = types.project.absolute(types.module_name, q)
        out.append(types.project.canonical(absolute))
    return out


def imported(types: PandasTypes, name: cst.Name, assignment) -> Typed | None:
    """A name bound by an import of a project module's value (``from .data import prices``) or of a module."""
    node = getattr(assignment, "node", None)
    if not isinstance(node, (cst.Import, cst.ImportFrom)):
        return None
    if isinstance(node, cst.Import):  # `import x.y as z` binds a module, never a pandas object
        return Typed(Kind.MODULE, f"`{name.value}` is an imported module", level=Level.PROVEN)
    project_modules = set(types.project.modules.values())
    for q in _canonical(types, name):
        if q in project_modules:  # `from vectorbt.generic import dispatch`: dispatch.applymap is the project's
            return Typed(Kind.MODULE, f"`{name.value}` is the project module `{q}`", level=Level.PROVEN)
        module, _, leaf = q.rpartition(".")
        fact = types.project.fact(f"G:{module}:{leaf}")
        if fact is not None:
            return fact.typed()
    return None


def project_global(types: PandasTypes, name: cst.Name) -> Typed | None:
    if types.module_name is None:
        return None
    fact = types.project.fact(f"G:{types.module_name}:{name.value}")
    return fact.typed() if fact is not None else None


def project_call(types: PandasTypes, call: cst.Call) -> Typed | None:
    """The result of calling a project function or method (what every ``return`` of it gives)."""
    if not types.project.values:
        return None
    func = call.func
    keys = []
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        owner = _enclosing_class(types, call)
        if owner is not None:
            keys.append(f"R:{owner}.{func.attr.value}")
    elif isinstance(func, (cst.Name, cst.Attribute)):
        keys.extend(f"R:{q}" for q in _canonical(types, func))
    for key in keys:
        fact = types.project.fact(key)
        if fact is not None:
            return fact.typed()
    return None


def class_attribute(types: PandasTypes, attr: cst.Attribute) -> Typed | None:
    """``self.close``: what the class (or a project base class) assigns to it (inferred), or the class's own
    attribute (not pandas)."""
    owner = _enclosing_class(types, attr)
    if owner is None:
        return None
    fact = types.project.fact(f"A:{owner}:{attr.attr.value}")
    return fact.typed() if fact is not None else None


def self_kind(types: PandasTypes, name: cst.Name) -> Typed | None:
    """``self`` in a method of a project subclass of ``pd.DataFrame``/``pd.Series``."""
    owner = _enclosing_class(types, name)
    if owner is None:
        return None
    fact = types.project.fact(f"S:{owner}")
    return fact.typed() if fact is not None else None


def object_attribute(types: PandasTypes, attr: cst.Attribute) -> Typed | None:
    """``obj.close`` where ``obj`` is an instance of a project class: the class's attribute fact."""
    if not isinstance(attr.value, cst.Name) or not types.project.values:
        return None
    return None


def duck(types: PandasTypes, name: cst.Name) -> Typed | None:
    """A name also used with pandas-only API in the same scope (``x.iloc``, ``x.groupby(``): inferred pandas."""
    if types.imports_lookalike:
        return None  # xarray, dask, polars ... share much of that API
    scope = types.rule.get_metadata(cst.metadata.ScopeProvider, name, None)
    if scope is None:
        return None
    for access in in_source_order(types, scope.accesses[name.value], lambda a: a.node):
        node = access.node
        parent = types.parent(node)
        if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in DUCK_ATTRS:
            pos = types.position(parent)
            where = f" (line {pos[0]})" if pos else ""
            return Typed(Kind.PANDAS, f"`{name.value}` is also used as `{code_of(parent)}`{where}, pandas-only API",
                         level=Level.INFERRED)
    return None


def _has(types: PandasTypes, table_name: str) -> bool:
    cache = types.__dict__.setdefault("_source_paths", {})
    if table_name not in cache:
        table = getattr(types.project, table_name)
        cache[table_name] = any(k[0] == types.path for k in table)
    return cache[table_name]


def observed(types: PandasTypes, expr: cst.BaseExpression) -> Typed | None:
    """What ``finfix record`` saw at this site while the tests ran."""
    if not types.project.observed or not isinstance(expr, (cst.Name, cst.Attribute)) or not _has(types, "observed"):
        return None
    pos = types.position(expr)
    if pos is None:
        return None
    seen = types.project.observed.get((types.path, pos[0], code_of(expr)))
    if not seen:
        return None
    kinds = {_runtime_kind(t) for t in seen}
    total = sum(seen.values())
    if len(kinds) == 1 and None not in kinds:
        kind = kinds.pop()
        shown = ", ".join(f"{t.rsplit('.', 1)[-1]} x{n}" for t, n in sorted(seen.items()))
        return Typed(kind, f"seen at run time as {shown} (`finfix record`, {total} observation(s))")
    return None


def _runtime_kind(type_name: str) -> Kind | None:
    leaf = type_name.rsplit(".", 1)[-1]
    if type_name.startswith("pandas."):
        return kind_of_type_text(leaf)
    root = type_name.split(".", 1)[0]
    if root in ("polars", "xarray", "dask", "modin", "pyspark", "cudf"):
        return Kind.OTHER
    if type_name in ("builtins.list", "builtins.dict", "builtins.set", "builtins.tuple", "numpy.ndarray"):
        return Kind.NOT
    return None


def checker(types: PandasTypes, expr: cst.BaseExpression) -> Typed | None:
    """A type checker's answer for this expression (inferred: checkers guess through untyped code)."""
    if not types.project.checker or not _has(types, "checker"):
        return None
    pos = types.position(expr)
    if pos is None:
        return None
    text = types.project.checker.get((types.path, pos[0], pos[1]))
    if text is None:
        return None
    kind = kind_of_type_text(text)
    if kind is None:
        if _project_class(types, text):
            # pyrefly names classes by module: `vectorbt.records.mapped_array.MappedArray` is the project's own
            # class (one that is not a pandas subclass), whose `.values` is its own.
            return Typed(Kind.NOT, f"the type checker types it `{text}`, a class of this project",
                         level=Level.INFERRED)
        if mentions_pandas(text):
            return Typed(None, level=Level.UNKNOWN, maybe_pandas=True, unless_ndarray=pandas_or_ndarray(text),
                         settle=f"the type checker types it `{text}`: {SETTLE}")
        return None
    return Typed(kind, f"the type checker types it `{text}`", level=Level.INFERRED)


def _project_class(types: PandasTypes, text: str) -> bool:
    """A checker's answer that names one class of this project that is not a pandas subclass."""
    members = union_members(text)
    if len(members) != 1:
        return False
    head = members[0].split("[", 1)[0].strip()
    if "." not in head or not head.replace(".", "").replace("_", "").isalnum():
        return False
    module, _, leaf = head.rpartition(".")
    if not types.project.is_project(head) or leaf not in types.project.defined.get(module, ()):
        return False
    return types.project.fact(f"S:{head}") is None


_ISINSTANCE_KINDS = {
    "pandas.DataFrame": Kind.FRAME, "pandas.core.frame.DataFrame": Kind.FRAME,
    "pandas.Series": Kind.SERIES, "pandas.core.series.Series": Kind.SERIES,
    "pandas.Index": Kind.INDEX, "pandas.DatetimeIndex": Kind.INDEX,
}


def narrowed(types: PandasTypes, name: cst.Name) -> Typed | None:
    """``if isinstance(x, pd.DataFrame): ... x ...`` (or the ``else`` of ``if not isinstance(...)``): proven
    inside the branch, when nothing in the branch rebinds ``x``."""
    child: cst.CSTNode = name
    cur = types.parent(name)
    while cur is not None and not isinstance(cur, (cst.FunctionDef, cst.ClassDef, cst.Module, cst.Lambda)):
        if isinstance(cur, (cst.If, cst.IfExp)):
            branch = None
            if child is cur.body:
                branch = True
            elif child is cur.orelse:
                branch = False
            if branch is not None:
                kind = _isinstance_test(types, cur.test, name.value, branch)
                if kind is not None and not _rebound_inside(types, name, child):
                    shown = "the `if isinstance(...)` branch" if branch else "the `else` of `if not isinstance(...)`"
                    return Typed(kind, f"`{name.value}` is a {kind.value} in {shown}")
                test = _predicate_test(types, cur.test, name.value, branch)
                if test is not None and not _rebound_inside(types, name, child):
                    kind, fact = test
                    return Typed(kind, f"`{name.value}` is a {kind.value} where `{_short_test(cur.test)}` holds; "
                                 f"{fact.why}")
        if isinstance(cur, (cst.IndentedBlock, cst.Module)):
            found = _after_guard(types, name, cur, child)
            if found is not None:
                return found
        child, cur = cur, types.parent(cur)
    return None


_EXITS = (cst.Raise, cst.Return, cst.Continue, cst.Break)


def _after_guard(types: PandasTypes, name: cst.Name, block: cst.CSTNode, stmt: cst.CSTNode) -> Typed | None:
    """``if not isinstance(x, pd.Series): raise ...`` (or ``return``/``continue``), then ``x`` below it in the same
    block, with no rebinding of ``x`` in between: ``x`` is a Series there."""
    body = list(block.body)
    if stmt not in body:
        return None
    for guard in reversed(body[: body.index(stmt)]):
        if not isinstance(guard, cst.If) or guard.orelse is not None or not _exits(guard.body):
            continue
        kind = _isinstance_test(types, guard.test, name.value, False)
        why = None
        if kind is not None:
            why = f"`{name.value}` is a {kind.value} after `if {_short_test(guard.test)}:` exits"
        else:
            test = _predicate_test(types, guard.test, name.value, False)
            if test is not None:
                kind = test[0]
                why = f"`{name.value}` is a {kind.value} after `if {_short_test(guard.test)}:` exits; {test[1].why}"
        if kind is None:
            continue
        if _rebound_between(types, name, guard):
            return None
        return Typed(kind, why)
    return None


def _exits(body: cst.BaseSuite) -> bool:
    statements = list(getattr(body, "body", ()))
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return bool(last.body) and isinstance(last.body[-1], _EXITS)
    return False


def _rebound_between(types: PandasTypes, name: cst.Name, guard: cst.CSTNode) -> bool:
    """Is ``name`` assigned anywhere from the guard's start to the use (a loop may also rebind it later)?"""
    start, use = types.position(guard), types.position(name)
    scope = types.rule.get_metadata(cst.metadata.ScopeProvider, name, None)
    if start is None or use is None or scope is None:
        return True
    for assignment in scope[name.value]:
        node = getattr(assignment, "node", None)
        where = types.position(node) if isinstance(node, cst.CSTNode) else None
        if where is None:
            return True
        if start <= where <= use or _in_loop_around(types, name, guard, node):
            return True
    return False


def _in_loop_around(types: PandasTypes, use: cst.CSTNode, guard: cst.CSTNode, node: cst.CSTNode) -> bool:
    """An assignment inside a loop that holds the use but not the guard: a later iteration reaches the use
    with the new value without passing the guard again."""
    cur = types.parent(use)
    while cur is not None and not isinstance(cur, (cst.FunctionDef, cst.Module)):
        if isinstance(cur, (cst.For, cst.While)):
            if _inside(types, guard, cur):
                return False
            if _inside(types, node, cur):
                return True
        cur = types.parent(cur)
    return False


def _inside(types: PandasTypes, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
    while node is not None and node is not outer:
        node = types.parent(node)
    return node is outer


def _short_test(test: cst.BaseExpression) -> str:
    return snippet(test, 40)


def _isinstance_test(types: PandasTypes, test: cst.BaseExpression, name: str, branch: bool) -> Kind | None:
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _isinstance_test(types, test.expression, name, not branch)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And) and branch:
        return _isinstance_test(types, test.left, name, branch) or _isinstance_test(types, test.right, name, branch)
    if not branch or not isinstance(test, cst.Call) or len(test.args) != 2:
        return None
    if not (isinstance(test.func, cst.Name) and test.func.value == "isinstance"):
        return None
    subject, classes = test.args[0].value, test.args[1].value
    if not (isinstance(subject, cst.Name) and subject.value == name):
        return None
    options = [e.value for e in classes.elements] if isinstance(classes, cst.Tuple) else [classes]
    kinds = set()
    for option in options:
        found = {_ISINSTANCE_KINDS[q] for q in types.qnames(option) if q in _ISINSTANCE_KINDS}
        if len(found) != 1:
            return None
        kinds |= found
    if not kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else (Kind.PANDAS if kinds <= {Kind.FRAME, Kind.SERIES} else None)


def _predicate_test(types: PandasTypes, test: cst.BaseExpression, name: str, branch: bool):
    """``if checks.is_series(x):`` where the project function only returns ``isinstance(x, pd.Series)``:
    (kind, the project fact), or None."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _predicate_test(types, test.expression, name, not branch)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And) and branch:
        return _predicate_test(types, test.left, name, branch) or _predicate_test(types, test.right, name, branch)
    if not branch or not isinstance(test, cst.Call) or len(test.args) != 1 or test.args[0].keyword is not None:
        return None
    subject = test.args[0].value
    if not (isinstance(subject, cst.Name) and subject.value == name) or not isinstance(test.func, (cst.Name, cst.Attribute)):
        return None
    for q in _canonical(types, test.func):
        fact = types.project.fact(f"I:{q}")
        if fact is not None:
            return fact.typed().kind, fact
    return None


def _rebound_inside(types: PandasTypes, name: cst.Name, branch: cst.CSTNode) -> bool:
    scope = types.rule.get_metadata(cst.metadata.ScopeProvider, name, None)
    if scope is None:
        return True
    for assignment in scope[name.value]:
        node = getattr(assignment, "node", None)
        cur = node
        while cur is not None:
            if cur is branch:
                return True
            cur = types.parent(cur)
    return False
