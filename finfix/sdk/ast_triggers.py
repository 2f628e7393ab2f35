"""Rules' ast triggers: the first stage of a file, on CPython's ``ast`` (about 15x faster than LibCST's parser) says which rules
can act on it, so LibCST parses, and computes metadata for, only the files some rule will really look at.

A rule opts in with one class attribute, ``ast_trigger = AstTrigger(names=..., attributes=..., modules=...)``:
it can only report on a file whose code spells one of ``names`` as an identifier (a variable, an
attribute, a keyword argument, an imported name or alias, a definition or a parameter: never a comment
or the text of a string), one of ``attributes`` after a dot (``x.attr``), or that imports one of
``modules`` (or a sub-module of one), or that has a node one of ``shapes`` accepts:
``shapes={ast.Call: test}`` with ``test(node, scan) -> bool`` (``scan``: the file's `Prescan`), for rules
whose identifiers are too common to narrow anything (FX401's ``sum`` matters only as ``np.sum(<generator>)``,
FX206's ``freq`` only with a literal some alias table rewrites). A name the project re-exports under
another spelling (``from numpy import trapz as T`` in a project module, then ``from pkg import T``) also
counts as the name it stands for, as LibCST's qualified names plus the project's re-exports see it
(`Prescan.may_name` for shapes). A rule without an ``ast_trigger`` runs whenever its text pre-check
(``Rule.applies_to``) lets it; the ast stage only ever narrows that set, and only for rules that declare
what they need.

The stage must never drop a rule that would report or rewrite something: tests run every rule's
examples with and without it (tests/test_prescan.py), a shaped trigger's cases to keep and to drop
(tests/test_ast_shapes.py), and benchmarks/compare_outputs.py compares whole outputs over real code.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from finfix.sdk.ast_nodes import walk

_R = TypeVar("_R")


@dataclass(frozen=True)
class AstTrigger:
    """What a file must contain, as code, for a rule to be able to act on it (either condition suffices)."""

    names: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()
    shapes: tuple[tuple[type[ast.AST], Callable[[Any, Prescan], bool]], ...] = ()

    def __init__(
        self,
        names: Iterable[str] = (),
        attributes: Iterable[str] = (),
        modules: Iterable[str] = (),
        shapes: Mapping[type[ast.AST], Callable[[Any, Prescan], bool]] | None = None,
    ) -> None:
        object.__setattr__(self, "names", frozenset(names))
        object.__setattr__(self, "attributes", frozenset(attributes))
        object.__setattr__(self, "modules", frozenset(modules))
        object.__setattr__(self, "shapes", tuple((shapes or {}).items()))

    def met_by(self, scan: Prescan) -> bool:
        if not self.names.isdisjoint(scan.names) or not self.attributes.isdisjoint(scan.attributes):
            return True
        if not self.modules.isdisjoint(scan.module_prefixes):
            return True
        return any(test(node, scan) for kind, test in self.shapes for node in scan.nodes.get(kind, ()))


def last_name(expr: ast.expr) -> str | None:
    """``m`` of ``x.m``, ``n`` of a bare ``n``; None for any other expression."""
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else None


def method_of(call: ast.Call) -> str | None:
    """``m`` of a call ``x.m(...)``; None for a call of a plain name or of another expression."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else None


def passes_keyword(call: ast.Call, name: str) -> bool:
    """Does ``call`` spell ``name=`` (not through ``**kwargs``)?"""
    return any(k.arg == name for k in call.keywords)


def positional_count(call: ast.Call) -> int:
    """Positional arguments other than ``*args``."""
    return sum(not isinstance(a, ast.Starred) for a in call.args)


#: The other nodes that bind a plain identifier in a ``name`` or ``rest`` field (``except E as name``,
#: ``case [*rest]``, ``case {**rest}``; type parameters on Python 3.12+), read off this Python's ``ast``.
_BINDS_BY_NAME = frozenset(
    cls
    for cls in vars(ast).values()
    if isinstance(cls, type) and issubclass(cls, ast.AST) and {"name", "rest"} & set(getattr(cls, "_fields", ()))
) - {ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias}


class Prescan:
    """The identifiers and imported modules of one module's code, from one walk of its ``ast``, and its
    nodes of the ``kinds`` some rule's ``shapes`` test."""

    __slots__ = ("names", "attributes", "module_prefixes", "nodes", "import_aliases", "aliases")

    def __init__(
        self,
        tree: ast.AST,
        aliases: Mapping[str, frozenset[str]] | None = None,
        kinds: Iterable[type[ast.AST]] = (),
    ) -> None:
        names: set[str] = set()
        attributes: set[str] = set()
        modules: set[str] = set()
        import_aliases: set[str] = set()
        add = names.add
        nodes: dict[type[ast.AST], list[ast.AST]] = {kind: [] for kind in kinds}
        bucket_of = nodes.get
        for node in walk(tree):
            kind = type(node)
            bucket = bucket_of(kind)
            if bucket is not None:
                bucket.append(node)
            if kind is ast.Name:
                add(node.id)  # type: ignore[attr-defined]
            elif kind is ast.Attribute:
                add(node.attr)  # type: ignore[attr-defined]
                attributes.add(node.attr)  # type: ignore[attr-defined]
            elif kind is ast.keyword:
                if node.arg is not None:  # type: ignore[attr-defined]
                    add(node.arg)  # type: ignore[attr-defined]
            elif kind is ast.arg:
                add(node.arg)  # type: ignore[attr-defined]
            elif kind is ast.alias:
                names.update(node.name.split("."))  # type: ignore[attr-defined]
                if node.asname:  # type: ignore[attr-defined]
                    add(node.asname)  # type: ignore[attr-defined]
                    import_aliases.add(node.asname)  # type: ignore[attr-defined]
            elif kind is ast.Import:
                modules.update(alias.name for alias in node.names)  # type: ignore[attr-defined]
            elif kind is ast.ImportFrom:
                if node.module:  # type: ignore[attr-defined]
                    names.update(node.module.split("."))  # type: ignore[attr-defined]
                    if not node.level:  # type: ignore[attr-defined]
                        modules.add(node.module)  # type: ignore[attr-defined]
            elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                add(node.name)  # type: ignore[attr-defined]
            elif kind in (ast.Global, ast.Nonlocal):
                names.update(node.names)  # type: ignore[attr-defined]
            elif kind in _BINDS_BY_NAME:  # except-as, match patterns
                for attr in ("name", "rest"):
                    value = getattr(node, attr, None)
                    if isinstance(value, str):
                        add(value)
        if aliases:
            for name in names & aliases.keys():
                names |= aliases[name]
                attributes |= aliases[name]
        self.names = frozenset(names)
        self.attributes = frozenset(attributes)
        # `import os.path` imports `os` and `os.path`: a trigger on either module is met
        prefixes: set[str] = set()
        for module in modules:
            parts = module.split(".")
            prefixes.update(".".join(parts[:cut]) for cut in range(1, len(parts) + 1))
        self.module_prefixes = frozenset(prefixes)
        self.nodes = nodes
        self.import_aliases = frozenset(import_aliases)  # `import x as y`, `from m import x as y`: the ys
        self.aliases = aliases or {}  # the project's names for others (`project_aliases`)

    def may_name(self, name: str, leaf: str) -> bool:
        """Can the identifier ``name`` stand for something whose last part is ``leaf``: it is spelled so,
        bound by an ``as`` import, or a project re-export of it under another name?"""
        return name == leaf or name in self.import_aliases or leaf in self.aliases.get(name, ())


_aliases_of: tuple[Any, dict[str, frozenset[str]]] | None = None  # (project facts, their aliases), per process


def project_aliases(project: Any) -> Mapping[str, frozenset[str]]:
    """``local name -> the leaf names it stands for`` for every name a project module imports under
    another spelling (``from numpy import trapz as T`` gives ``T -> {trapz}``), followed through the
    project's re-exports as rules' qualified names are (`ProjectFacts.canonical`)."""
    global _aliases_of
    if project is None or not getattr(project, "exports", None):
        return {}
    if _aliases_of is not None and _aliases_of[0] is project:
        return _aliases_of[1]
    found: dict[str, set[str]] = {}
    for module, exports in project.exports.items():
        for local, origin in exports.items():
            leaves = {origin.rpartition(".")[2], project.canonical(f"{module}.{local}").rpartition(".")[2]}
            leaves.discard(local)
            if leaves:
                found.setdefault(local, set()).update(leaves)
    aliases = {k: frozenset(v) for k, v in found.items()}
    _aliases_of = (project, aliases)
    return aliases


def narrow(rules: Sequence[_R], source: str | ast.Module, project: Any = None) -> Sequence[_R]:
    """The rules of ``rules`` whose ``ast_trigger`` (if any) the code meets, in their order. ``source``:
    the text, or CPython's tree of it when the caller has one (the engine parses every file once).
    ``project``: the run's project facts (their re-exports under other names count, see above).

    Source that CPython cannot parse keeps every rule: the engine then reports it exactly as before.
    """
    if all(r.ast_trigger is None for r in rules):  # type: ignore[attr-defined]
        return rules
    if isinstance(source, ast.Module):
        tree = source
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes etc.: not this stage's business
                tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return rules
    kinds = {kind for r in rules if r.ast_trigger is not None for kind, _ in r.ast_trigger.shapes}  # type: ignore[attr-defined]
    scan = Prescan(tree, project_aliases(project), kinds)
    return [r for r in rules if r.ast_trigger is None or r.ast_trigger.met_by(scan)]  # type: ignore[attr-defined]
