"""Project facts, gathered once per run in the parent process (CPython ``ast``; no LibCST).

What finfix resolves project-wide where one file's view stops: re-exports through project modules
(star imports, ``__all__``, ``from . import x as y``), what project functions return, what classes assign
to ``self.x``, and what every call site passes to a parameter. The result is a
:class:`~finfix.sdk.evidence.project.ProjectFacts`: plain data that the workers receive.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections import defaultdict
from dataclasses import replace
from typing import Any, Iterable, Mapping

from finfix.project.docstrings import parameter_types
from finfix.project.infer import Evaluator, Scope, combine, dotted
from finfix.project.modules import Module
from finfix.project.summaries import Signature, read
from finfix.sdk.evidence.project import Fact, ProjectFacts, inherited_fact
from finfix.sdk.evidence.tables import FOREIGN_LIBRARIES

_ROUNDS = 6
_DATA_FACTS = frozenset({"DataFrame", "Series", "pandas"})
_PANDAS_CLASSES = {
    "pandas.DataFrame": "DataFrame", "pandas.core.frame.DataFrame": "DataFrame",
    "pandas.Series": "Series", "pandas.core.series.Series": "Series",
}


class _Project:
    def __init__(self, modules: dict[str, Module], root: str) -> None:
        self.modules = modules
        self.root = root
        self.facts: dict[str, Fact] = {}
        self.unknown: dict[str, str] = {}
        self._scopes: list[Scope] | None = None
        self._relative: dict[str, str] = {}
        self.shell = ProjectFacts(
            modules={m.path: m.name for m in modules.values()},
            packages=frozenset(n for n, m in modules.items() if m.is_package),
            exports={n: dict(m.imports) for n, m in modules.items()},
            stars={n: tuple(m.stars) for n, m in modules.items()},
            defined={n: frozenset(m.defined - set(m.imports)) for n, m in modules.items()},
        )
        self.evaluator = Evaluator(self.lookup, self.resolve, self.is_project_class)
        self.class_names = {f"{m.name}.{q}" for m in modules.values() for q in m.classes}
        self.bases: dict[str, tuple[str, ...]] = {}
        for m in modules.values():
            for q, cls in m.classes.items():
                found = []
                for base in cls.bases:
                    parts = dotted(base)
                    target = self.resolve(m, parts) if parts else None
                    if target in self.class_names:
                        found.append(target)
                self.bases[f"{m.name}.{q}"] = tuple(found)

    def lookup(self, key: str) -> Fact | None:
        """A fact; attributes and `self` also through the project base classes (``A:``/``S:`` keys)."""
        return inherited_fact(key, self.facts, self.bases)

    # -- names ------------------------------------------------------------------------------------
    def resolve(self, module: Module, parts: list[str]) -> str | None:
        head = parts[0]
        if head in module.imports:
            base = module.imports[head]
        elif head in self.shell.defined.get(module.name, ()):
            base = f"{module.name}.{head}"
        elif module.stars:
            base = self.shell.canonical(f"{module.name}.{head}")
            if base == f"{module.name}.{head}":
                return None
        else:
            return None if head not in _BUILTINS else head
        return self.shell.canonical(".".join([base, *parts[1:]]))

    def is_project_class(self, qname: str) -> bool:
        if qname not in self.class_names:
            return False
        module, _, qual = qname.rpartition(".")
        while module and module not in self.modules:
            module, _, head = module.rpartition(".")
            qual = f"{head}.{qual}"
        mod = self.modules.get(module)
        cls = mod.classes.get(qual) if mod else None
        if cls is None:
            return False
        for base in cls.bases:  # a subclass of a library class (`pd.DataFrame`, `dict`) is not "a user class"
            parts = dotted(base)
            target = self.resolve(mod, parts) if parts else None
            if target is None or (target != "object" and not self.is_project_class(target)):
                return False
        return True

    # -- scopes -----------------------------------------------------------------------------------
    def scopes(self) -> list[Scope]:
        """Every module body's scope and every function's, built (and walked) when the module was read."""
        if self._scopes is None:
            self._scopes = [scope for mod in self.modules.values() for scope in mod.scopes]
        return self._scopes

    @staticmethod
    def module_scope(mod: Module) -> Scope:
        """The module body's scope (a default argument is evaluated in it at every call site)."""
        return mod.scopes[0]

    def solve(self) -> None:
        scopes = self.scopes()
        calls = self._call_sites(scopes)
        for _ in range(_ROUNDS):
            before = dict(self.facts)
            self.unknown.clear()
            new: dict[str, Fact] = {}
            self._returns(scopes, new)
            self._attributes(scopes, new)
            self._globals(new)
            self._parameters(calls, new)
            self.facts.clear()
            self.facts.update(new)
            if self.facts == before:
                break
        self.facts.update(self._predicates())

    def _predicates(self) -> dict[str, Fact]:
        """``I:pkg.mod.is_series``: a project function that only returns ``isinstance(<first parameter>,
        pd.Series)`` (or an ``or`` of such tests and of other such functions), so ``if is_series(x):`` narrows
        ``x`` as ``if isinstance(x, pd.Series):`` does (vectorbt's ``checks.is_series``/``is_pandas``)."""
        found: dict[str, Fact] = {}
        for _ in range(3):  # `is_pandas` = `is_series(arg) or is_frame(arg)`: a few rounds reach the composites
            for mod in self.modules.values():
                for qual, func in mod.functions.items():
                    key = f"I:{mod.name}.{qual}"
                    if key in found or "." in qual:
                        continue
                    kind = self._predicate_kind(mod, func, found)
                    if kind is not None:
                        shown = "(pd.DataFrame, pd.Series)" if kind == "pandas" else f"pd.{kind}"
                        found[key] = Fact(kind, "proven", f"`{qual}(x)` is an `isinstance(x, {shown})` test "
                                          f"({self._rel(mod.path)}:{func.lineno})")
        return found

    def _predicate_kind(self, mod: Module, func: Signature, found: dict[str, Fact]) -> str | None:
        args = func.args
        params = [*args.posonlyargs, *args.args]
        if not params or func.lone_return is None:
            return None
        first = params[0].arg

        def test_kind(node: ast.expr) -> set[str] | None:
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                parts = [test_kind(v) for v in node.values]
                return set().union(*parts) if all(p is not None for p in parts) else None
            if not (isinstance(node, ast.Call) and len(node.args) >= 1 and not node.keywords
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == first):
                return None
            parts = dotted(node.func)
            target = self.resolve(mod, parts) if parts else None
            if target == "isinstance" or (parts == ["isinstance"] and target is None):
                if len(node.args) != 2:
                    return None
                options = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
                kinds = set()
                for option in options:
                    opt = dotted(option)
                    name = self.resolve(mod, opt) if opt else None
                    kind = _PANDAS_CLASSES.get(name or "")
                    if kind is None:
                        return None
                    kinds.add(kind)
                return kinds
            fact = found.get(f"I:{target}") if target and len(node.args) == 1 else None
            return {fact.kind} if fact is not None else None

        kinds = test_kind(func.lone_return)
        if not kinds:
            return None
        if len(kinds) == 1:
            return kinds.pop()
        return "pandas" if kinds <= {"DataFrame", "Series", "pandas"} else None

    def _returns(self, scopes: list[Scope], out: dict[str, Fact]) -> None:
        for scope in scopes:
            values = scope.returned
            if not values:
                continue
            fact = combine([self.evaluator.kind(v, scope) for v in values])
            if fact is not None:
                out[f"R:{scope.module.name}.{scope.qual}"] = fact

    def _attributes(self, scopes: list[Scope], out: dict[str, Fact]) -> None:
        assigned: dict[str, list[Fact | None]] = defaultdict(list)
        where: dict[str, str] = {}
        for scope in scopes:
            if scope.owner is None:
                continue
            for key, value, line in scope.self_assignments:
                if value is None:
                    assigned[key].append(None)
                    continue
                assigned[key].append(self.evaluator.kind(value, scope))
                where.setdefault(key, f"{self._rel(scope.module.path)}:{line}")
        for key, facts in assigned.items():
            owner, attr = key[2:].rsplit(":", 1)
            if self._class_defines(owner, attr):
                continue
            fact = combine(facts)
            if fact is not None:
                n = len(facts)
                out[key] = Fact(fact.kind, "inferred", f"`self.{attr}` is assigned {_a(fact.kind)} in the class "
                                f"({n} assignment{'s' if n > 1 else ''}, first at {where[key]})")
        for mod in self.modules.values():
            for qual, cls in mod.classes.items():
                for base in cls.bases:
                    parts = dotted(base)
                    target = self.resolve(mod, parts) if parts else None
                    if target in ("pandas.DataFrame", "pandas.core.frame.DataFrame", "pandas.Series",
                                  "pandas.core.series.Series"):
                        kind = "DataFrame" if target.endswith("DataFrame") else "Series"
                        out[f"S:{mod.name}.{qual}"] = Fact(kind, "proven", f"`self` is a `{qual}`, a subclass of "
                                                           f"`pd.{kind}` ({self._rel(mod.path)}:{cls.lineno})")
                for name, line in cls.own_names:
                    out[f"A:{mod.name}.{qual}:{name}"] = Fact(
                        "class", "proven", f"`{qual}` defines `{name}` itself ({self._rel(mod.path)}:{line})")

    def _class_defines(self, owner: str, attr: str) -> bool:
        module, _, qual = owner.rpartition(".")
        mod = self.modules.get(module)
        cls = mod.classes.get(qual) if mod else None
        return cls is not None and attr in cls.overrides

    def _globals(self, out: dict[str, Fact]) -> None:
        for mod in self.modules.values():
            scope = self.module_scope(mod)
            for name, values in mod.assigned.items():
                if name in mod.imports:
                    continue
                fact = combine([self.evaluator.kind(v, scope) for v in values])
                if fact is not None:
                    out[f"G:{mod.name}:{name}"] = fact

    # -- call sites -------------------------------------------------------------------------------
    def _call_sites(self, scopes: list[Scope]):
        """target function -> [(scope, call, where)], and the functions that escape (used as values)."""
        functions = {f"{m.name}.{q}": (m, fn) for m in self.modules.values() for q, fn in m.functions.items()}
        sites: dict[str, list] = defaultdict(list)
        escaped: set[str] = set()
        called_names: dict[str, int] = defaultdict(int)  # method name -> calls on receivers finfix cannot type
        for scope in scopes:
            walked = scope.walked
            for node in walked.calls:
                target = self._callee(scope, dotted(node.func))
                if target is not None and target in functions:
                    sites[target].append((scope, node, f"{self._rel(scope.module.path)}:{node.lineno}"))
                elif isinstance(node.func, ast.Attribute):
                    called_names[node.func.attr] += 1
            for name in walked.other_methods:
                called_names[name] += 1
            for parts in walked.references:
                target = self._callee(scope, parts)
                if target is not None and target in functions and not target.endswith(".__init__"):
                    escaped.add(target)  # a reference to the class itself does not leak `__init__`
        return functions, sites, escaped, called_names

    def _callee(self, scope: Scope, parts: list[str] | tuple[str, ...] | None) -> str | None:
        """The project function a call of (or a reference to) the dotted name ``parts`` reaches, if any."""
        if parts is None:
            return None
        if parts[0] in ("self", "cls") and len(parts) == 2 and scope.owner is not None:
            return f"{scope.owner}.{parts[1]}"
        if parts[0] in scope.bindings or parts[0] in scope.params:
            return None
        target = self.resolve(scope.module, list(parts))
        if target is not None and target in self.class_names:
            return f"{target}.__init__"
        return target

    def _parameters(self, calls, out: dict[str, Fact]) -> None:
        functions, sites, escaped, called_names = calls
        for qname, (mod, fn) in functions.items():
            args = fn.args
            params = [*args.posonlyargs, *args.args]
            is_method = qname.rpartition(".")[0] in self.class_names
            if is_method and "staticmethod" not in fn.decorators:
                params = params[1:]
            names = [p.arg for p in params] + [p.arg for p in args.kwonlyargs]
            keys = {n: f"P:{qname}:{n}" for n in names}
            found = sites.get(qname, [])
            method_name = qname.rpartition(".")[2]
            if qname in escaped:
                why = f"`{method_name}` is also passed around as a value, so not every call site is known"
            elif is_method and called_names.get(method_name if method_name != "__init__" else "", 0):
                why = f"`.{method_name}(...)` is also called on objects finfix cannot type"
            elif not found:
                why = "no call site in this project"
            else:
                why = ""
            documented = self._documented(mod, fn, qname)
            if why:
                for n, key in keys.items():
                    if n in documented:
                        out[key] = documented[n]
                        continue
                    self.unknown[key] = f"`{n}` is a parameter and {why}" if why.startswith("`") else \
                        f"`{n}` is a parameter with {why}"
                continue
            defaults = dict(zip([p.arg for p in params][len(params) - len(args.defaults):], args.defaults))
            defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
            per_param: dict[str, list[Fact | None]] = defaultdict(list)
            for scope, call, _where in found:
                if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                    for n in names:
                        per_param[n].append(None)
                    continue
                given: dict[str, ast.expr] = {}
                for p, a in zip(params, call.args):
                    given[p.arg] = a
                for k in call.keywords:
                    given[k.arg] = k.value
                for n in names:
                    if n in given:
                        per_param[n].append(self.evaluator.kind(given[n], scope))
                    elif n in defaults:
                        per_param[n].append(self.evaluator.kind(defaults[n], self.module_scope(mod)))
                    else:
                        per_param[n].append(None)
            first = found[0][2]
            for n, facts in per_param.items():
                fact = combine(facts)
                key = keys[n]
                count = len(facts)
                if fact is None:
                    known = [f for f in facts if f is not None]
                    if n in documented and all(f.kind in _DATA_FACTS for f in known):
                        out[key] = documented[n]  # no call site contradicts the docstring
                        continue
                    self.unknown[key] = (f"`{n}` is a parameter; {len(known)} of {count} call site(s) pass "
                                         "something finfix can type")
                    continue
                out[key] = Fact(fact.kind, "inferred", f"every call site in this project passes {_a(fact.kind)} "
                                f"to `{n}`: {count} call{'s' if count > 1 else ''}, first at {first}")

    def _documented(self, mod: Module, fn: Signature, qname: str) -> dict[str, Fact]:
        """What the function's docstring says its parameters are, when that is pandas' DataFrame/Series."""
        cache = self.__dict__.setdefault("_doc_cache", {})
        if qname not in cache:
            cache[qname] = {}
            roots = {t.split(".")[0] for t in mod.imports.values()}
            if "pandas" in roots and not roots & FOREIGN_LIBRARIES:
                leaf = qname.rpartition(".")[2]
                for name, (kind, text) in parameter_types(fn.docstring(), fn.args).items():
                    cache[qname][name] = Fact(kind, "inferred", f"the docstring of `{leaf}` documents `{name}` as "
                                              f"`{text}` ({self._rel(mod.path)}:{fn.lineno})")
        return cache[qname]

    def _rel(self, path: str) -> str:
        shown = self._relative.get(path)
        if shown is None:
            try:
                shown = os.path.relpath(path, self.root)
            except ValueError:
                shown = path
            self._relative[path] = shown
        return shown


def _a(kind: str) -> str:
    return {"DataFrame": "a DataFrame", "Series": "a Series", "Index": "an Index", "pandas": "a pandas object",
            "GroupBy": "a GroupBy", "class": "an instance of a project class", "other": "another library's object",
            }.get(kind, f"a {kind}")


_BUILTINS = frozenset({"list", "dict", "set", "tuple", "sorted"})


def gather(paths: Iterable[str], root: str | os.PathLike[str] = ".", *, checker=None,
           observed=None, context: Iterable[str] = ()) -> ProjectFacts:
    """The facts of the project made of ``paths``. ``checker(root, queries)`` is asked for the types of the
    candidate receivers finfix could not type itself; ``observed`` is what `finfix record` saw. ``context``:
    more of the project's files, read for their facts (re-exports, returns, call sites) only; the checker is
    asked about the receivers of ``paths`` alone."""
    facts, modules, queries = gather_undigested(paths, root, observed=observed, context=context,
                                                ask=checker is not None)
    answers = checker(str(root), queries) if checker is not None else {}
    return with_digests(with_answers(facts, answers), modules)


def gather_undigested(paths: Iterable[str], root: str | os.PathLike[str] = ".", *, observed=None,
                      context: Iterable[str] = (), ask: bool = False,
                      ) -> tuple[ProjectFacts, dict[str, Module], dict[str, list[tuple[int, int, int, int]]]]:
    """:func:`gather` without the checker's answers and the per-file digests: the facts, the modules read
    (for :func:`with_digests`) and, with ``ask``, what the checker is to be asked (path -> spans of the
    receivers of ``paths`` that finfix could not type)."""
    absolute = [os.path.abspath(p) for p in paths]
    modules = read([*absolute, *(os.path.abspath(p) for p in context)])  # the run's files win a name clash
    project = _Project(modules, os.path.abspath(root))
    project.solve()
    asked = set(absolute)
    queries = {path: spans for path, spans in unknown_receivers(project).items() if path in asked} if ask else {}
    facts = ProjectFacts(
        modules=project.shell.modules, packages=project.shell.packages, exports=project.shell.exports,
        stars=project.shell.stars, defined=project.shell.defined, values=dict(project.facts),
        unknown=dict(project.unknown), observed=dict(observed or {}), bases=project.bases,
    )
    return facts, modules, queries


def with_answers(facts: ProjectFacts, answers: Mapping[tuple[str, int, int], str] | None) -> ProjectFacts:
    """``facts`` with the type checker's answers (asked once the pass is done and its trees are gone)."""
    return replace(facts, checker=dict(answers or {}))


def unknown_receivers(project: _Project) -> dict[str, list[tuple[int, int, int, int]]]:
    """Spans of the candidate receivers the project pass could not type: what the checker is asked."""
    from finfix.project.sources import candidate_sites, span_of

    queries: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for path, scope, expr, _why in candidate_sites(project):
        if project.evaluator.kind(expr, scope) is None:
            queries[path].append(span_of(scope.module.lines, expr))
    return dict(queries)


def with_digests(facts: ProjectFacts, modules: Mapping[str, Any]) -> ProjectFacts:
    """Each file's cache-key part: the facts of its module and of every project module it imports (closure).
    ``modules``: name -> anything with the ``path``, ``imports`` and ``stars`` of a :class:`Module`."""
    own: dict[str, list] = defaultdict(list)
    for key, fact in facts.values.items():
        body = key[2:]
        owner = body.split(":", 1)[0]
        module = _owning_module(owner, facts.defined)
        own[module].append([key, fact.kind, fact.level, fact.why])
    for key, why in facts.unknown.items():
        own[_owning_module(key[2:].split(":", 1)[0], facts.defined)].append([key, why])
    for name in facts.defined:
        own[name].append([sorted(facts.exports.get(name, {}).items()), list(facts.stars.get(name, ()))])
    per_module = {name: hashlib.blake2b(json.dumps(sorted(map(str, rows))).encode(), digest_size=8).hexdigest()
                  for name, rows in own.items()}
    deps: dict[str, set[str]] = {}
    for name, mod in modules.items():
        targets = {*mod.imports.values(), *mod.stars}
        found = set()
        for t in targets:
            parts = t.split(".")
            for cut in range(len(parts), 0, -1):
                head = ".".join(parts[:cut])
                if head in modules:
                    found.add(head)
                    break
        deps[name] = found
    digests = {}
    for name, mod in modules.items():
        closure, todo = {name}, [name]
        while todo:
            for d in deps.get(todo.pop(), ()):
                if d not in closure:
                    closure.add(d)
                    todo.append(d)
        rows = [per_module.get(m, "") for m in sorted(closure)]
        rows += sorted(f"{k}={v}" for k, v in facts.checker.items() if k[0] == mod.path)
        rows += sorted(f"{k}={sorted(v.items())}" for k, v in facts.observed.items() if k[0] == mod.path)
        digests[mod.path] = hashlib.blake2b("|".join(rows).encode(), digest_size=10).hexdigest()
    return replace(facts, digests=digests)


def _owning_module(qname: str, defined) -> str:
    parts = qname.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in defined:
            return head
    return qname
