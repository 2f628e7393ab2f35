"""What the project pass keeps of a module once it is read: its scopes with their walks done, no tree.

CPython's tree of a module takes 26 to 60 bytes of memory per byte of source, and the pass used to hold
every tree of a group (6 MB of pandas' source: 380 MB) until the group's facts were solved. The solver
needs much less: the expressions it evaluates (bindings, returns, ``self.x = ...`` values, the calls and
what they pass, defaults, annotations), the receivers the pandas rules ask about, and a few facts about
each function and class. :func:`summarise` reduces a module to that right after its parse, so at most one
whole tree is alive at a time:

- each scope walks its nodes once, here, and keeps what the solver asks of them (:class:`Walked`): of
  the calls, only those that may reach a project function (the rest, 98% of pandas' calls, are counted
  by method name: that is all the solver asks of them);
- functions and classes become a :class:`Signature` and a :class:`ClassShape`, their bodies gone;
- literals and comprehensions are emptied in place: the evaluator reads only their type (``[...]`` is a
  list whatever it holds), and a call or a receiver inside one is kept by its own reference.

The facts are the same as from whole trees (compared on pandas' sources and 14 quant packages).
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field
from typing import Iterable

from finfix.project import modules
from finfix.project.infer import Scope, dotted
from finfix.project.modules import Module, module_level
from finfix.sdk.evidence.tables import DUCK_ATTRS

#: Methods whose receiver the pandas rules ask about (beyond `.values` and any call with `inplace=`).
CANDIDATE_METHODS = frozenset(
    "iteritems applymap append fillna pad backfill swapaxes first last view groupby resample".split()
)
#: Nodes whose contents the evaluator never reads: it answers from their type alone (or not at all).
_OPAQUE = (ast.List, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda,
           ast.JoinedStr)
_OPAQUE_TYPES = frozenset(_OPAQUE)
_NOTHING = ast.Constant(value=None)


@dataclass
class Signature:
    """A function once its body is gone: what the call sites, predicates and docstrings need of it."""

    name: str
    lineno: int
    args: ast.arguments
    decorators: frozenset[str]  # `staticmethod`, `property`, the last part of `functools.cache` ...
    raw_docstring: str | None
    #: the returned value when the body, docstring aside, is a single ``return <value>`` (a predicate?)
    lone_return: ast.expr | None

    def docstring(self) -> str | None:
        """The docstring as ``ast.get_docstring(clean=True)`` gives it."""
        return inspect.cleandoc(self.raw_docstring) if self.raw_docstring is not None else None


@dataclass
class ClassShape:
    """A class once its body is gone."""

    lineno: int
    bases: list[ast.expr]
    #: what the body defines itself, in order: ``(name, line)`` of each def, class and assigned name
    own_names: list[tuple[str, int]] = field(default_factory=list)
    #: the methods and the ``name = ...`` assignments of the body: they shadow what ``self.name = ...`` sets
    overrides: frozenset[str] = frozenset()


@dataclass
class Walked:
    """What the solver asks of a scope's nodes, found in one walk."""

    #: the calls that may reach a project function, in the walk's order (the first call site is quoted)
    calls: list[ast.Call] = field(default_factory=list)
    #: the method names of the other calls ``x.m(...)``: a method also called on what finfix cannot type
    #: has call sites finfix does not know
    other_methods: list[str] = field(default_factory=list)
    references: set[tuple[str, ...]] = field(default_factory=set)  # dotted names loaded, not called
    candidates: list[tuple[ast.expr, str]] = field(default_factory=list)  # (receiver, method) the rules ask about
    duck_uses: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> first (pandas-only attr, line)


def read(paths: Iterable[str]) -> dict[str, Module]:
    """The project's modules, each summarised right after its parse (:func:`summarise`)."""
    paths = list(paths)
    tops = frozenset(modules.module_name(p)[0].split(".", 1)[0] for p in paths)
    return modules.read(paths, then=lambda mod: summarise(mod, tops))


def summarise(mod: Module, tops: frozenset[str]) -> None:
    """Build ``mod``'s scopes and walk them; keep only what the solver needs (see the module's doc).
    ``tops``: the top-level names of every module read with it (a name outside them is no project's)."""
    assert mod.tree is not None
    scopes = [Scope(mod, None, "", None)]
    nodes_of = [list(module_level(mod.tree))]
    for qual, func in mod.functions.items():
        owner_qual = qual.rpartition(".")[0]
        owner = f"{mod.name}.{owner_qual}" if owner_qual in mod.classes else None
        scope = Scope(mod, func, qual, owner)
        scopes.append(scope)
        nodes_of.append(scope.nodes)
    opaque: list[ast.AST] = []
    for scope, nodes in zip(scopes, nodes_of):
        scope.walked = _walk(scope, nodes, opaque, tops)
        if scope.func is not None:
            scope.returned, scope.self_assignments  # noqa: B018 - computed while the nodes are there
        scope.nodes = []
    for node in opaque:
        _empty(node)
    for scope in scopes[1:]:
        scope.func = _signature(scope.func)  # type: ignore[arg-type]
    mod.functions = {qual: scope.func for qual, scope in zip(mod.functions, scopes[1:])}  # type: ignore[misc]
    mod.classes = {qual: _class_shape(cls) for qual, cls in mod.classes.items()}  # type: ignore[misc]
    mod.scopes = scopes
    mod.tree = None


def _walk(scope: Scope, nodes: list[ast.AST], opaque: list[ast.AST], tops: frozenset[str]) -> Walked:
    walked = Walked()
    callees = set()
    # by exact type, not isinstance: parsed trees hold nothing else, and these loops see every node
    for node in nodes:
        kind = type(node)
        if kind is ast.Call:
            func = node.func
            callees.add(id(func))
            if _may_reach_project(scope, dotted(func), tops):
                walked.calls.append(node)
            elif isinstance(func, ast.Attribute):
                walked.other_methods.append(func.attr)
            if isinstance(func, ast.Attribute) and (
                    func.attr in CANDIDATE_METHODS or any(k.arg == "inplace" for k in node.keywords)):
                walked.candidates.append((func.value, func.attr))
        elif kind is ast.Attribute:
            value = node.value
            if node.attr == "values" and isinstance(node.ctx, ast.Load) \
                    and not (isinstance(value, ast.Name) and value.id in ("self", "cls")):
                walked.candidates.append((value, "values"))
            if node.attr in DUCK_ATTRS and isinstance(value, ast.Name):
                walked.duck_uses.setdefault(value.id, (node.attr, node.lineno))
        elif kind in _OPAQUE_TYPES:
            opaque.append(node)
    for node in nodes:
        kind = type(node)
        if (kind is ast.Name or kind is ast.Attribute) and isinstance(node.ctx, ast.Load) and id(node) not in callees:
            parts = dotted(node)
            if _may_reach_project(scope, parts, tops):
                walked.references.add(tuple(parts))  # type: ignore[arg-type]
    return walked


def _may_reach_project(scope: Scope, parts: list[str] | None, tops: frozenset[str]) -> bool:
    """Whether the dotted name ``parts`` may name a project function, as the solver resolves it
    (``_Project._callee``) from what this module alone shows: False for a local name, a library's name,
    a builtin; True when only the whole project can tell."""
    if parts is None:
        return False
    head = parts[0]
    if head in ("self", "cls") and len(parts) == 2 and scope.owner is not None:
        return True
    if head in scope.bindings or head in scope.params:
        return False
    mod = scope.module
    if head in mod.imports:
        return mod.imports[head].split(".", 1)[0] in tops
    return head in mod.defined or bool(mod.stars)


def _empty(node: ast.AST) -> None:
    if isinstance(node, (ast.List, ast.Set)):
        node.elts = []
    elif isinstance(node, ast.Dict):
        node.keys, node.values = [], []
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        node.elt, node.generators = _NOTHING, []
    elif isinstance(node, ast.DictComp):
        node.key, node.value, node.generators = _NOTHING, _NOTHING, []
    elif isinstance(node, ast.Lambda):
        node.body = _NOTHING
    elif isinstance(node, ast.JoinedStr):
        node.values = []


def _signature(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Signature:
    doc = ast.get_docstring(func, clean=False)
    rest = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    lone = rest[0].value if len(rest) == 1 and isinstance(rest[0], ast.Return) else None
    decorators = frozenset(d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in func.decorator_list)
    return Signature(func.name, func.lineno, func.args, decorators, doc, lone)


def _class_shape(cls: ast.ClassDef) -> ClassShape:
    own: list[tuple[str, int]] = []
    overrides = set()
    for stmt in cls.body:
        names: list[str] = []
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [stmt.name]
            if not isinstance(stmt, ast.ClassDef):
                overrides.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            overrides.update(names)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names = [stmt.target.id] if stmt.value is not None else []
        own.extend((name, stmt.lineno) for name in names)
    return ClassShape(cls.lineno, list(cls.bases), own, frozenset(overrides))
