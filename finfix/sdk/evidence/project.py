"""Project facts: what finfix knows about the whole project, as plain data the workers receive.

The parent process gathers them once per run with CPython's ``ast`` (``finfix.project``) and hands them to
every worker inside :class:`~finfix.results.Settings`; rules read them through :func:`facts_of`. Nothing
here parses or imports the engine: it is lookups over dictionaries.

Keys of :attr:`ProjectFacts.values` (qualified names are absolute, ``pkg.mod.func``):

* ``R:pkg.mod.f`` what ``f`` returns (``R:pkg.mod.C.m`` for a method);
* ``P:pkg.mod.f:x`` what every call site passes to parameter ``x``;
* ``A:pkg.mod.C:close`` what the class assigns to ``self.close``;
* ``G:pkg.mod:prices`` a module-level name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from finfix.sdk.evidence.kinds import FACT_KINDS, Level, Typed


@dataclass(frozen=True)
class Fact:
    kind: str  # a key of kinds.FACT_KINDS
    level: str  # "proven" or "inferred"
    why: str

    def typed(self, **extra: Any) -> Typed:
        return Typed(FACT_KINDS[self.kind], self.why, level=Level(self.level), **extra)


@dataclass(frozen=True)
class ProjectFacts:
    modules: Mapping[str, str] = field(default_factory=dict)  # absolute path -> module name
    packages: frozenset[str] = frozenset()  # module names that are packages (`__init__.py`)
    exports: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # module -> name -> origin
    stars: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # module -> `from X import *` origins
    defined: Mapping[str, frozenset[str]] = field(default_factory=dict)  # module -> top-level defs/classes
    values: Mapping[str, Fact] = field(default_factory=dict)
    unknown: Mapping[str, str] = field(default_factory=dict)  # P: keys left unknown -> what would settle it
    #: (absolute path, line, col) -> a type checker's type text, for expressions finfix could not type.
    checker: Mapping[tuple[str, int, int], str] = field(default_factory=dict)
    #: (absolute path, line, receiver source) -> {runtime type: count}, from `finfix record`.
    observed: Mapping[tuple[str, int, str], Mapping[str, int]] = field(default_factory=dict)
    bases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # project class -> project bases
    #: absolute path -> digest of every fact the file's findings may depend on (cache key part).
    digests: Mapping[str, str] = field(default_factory=dict)

    # -- names ------------------------------------------------------------------------------------
    def module_of(self, path: str) -> str | None:
        return self.modules.get(path)

    def absolute(self, module: str, qname: str) -> str:
        """LibCST's qualified name as seen from ``module`` made absolute: ``._sns.distplot`` → ``pkg._sns.distplot``;
        a bare name defined in the module (``load``) → ``pkg.mod.load``."""
        if qname.startswith("."):
            dots = len(qname) - len(qname.lstrip("."))
            parts = module.split(".")
            base = parts if module in self.packages else parts[:-1]
            base = base[: len(base) - (dots - 1)] if dots > 1 else base
            rest = qname[dots:]
            return ".".join([*base, rest] if rest else base)
        head = qname.split(".", 1)[0]
        if head in self.defined.get(module, ()) or head in self.exports.get(module, {}):
            return f"{module}.{qname}"
        return qname

    def is_project(self, qname: str) -> bool:
        return qname.split(".", 1)[0] in self._tops

    @property
    def _tops(self) -> frozenset[str]:
        tops = self.__dict__.get("_tops_cache")
        if tops is None:
            tops = frozenset(m.split(".", 1)[0] for m in self.defined)
            object.__setattr__(self, "_tops_cache", tops)
        return tops

    def canonical(self, qname: str, _depth: int = 0) -> str:
        """Follow project re-exports: ``pkg._sns.distplot`` → ``seaborn.distplot`` when ``pkg/_sns.py`` does
        ``from seaborn import *``; ``pkg.frame`` → ``pkg.io.frame`` for ``from .io import frame``."""
        if _depth > 12 or not self.is_project(qname):
            return qname
        parts = qname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module not in self.defined:
                continue
            name, rest = parts[cut], parts[cut + 1 :]
            if name in self.defined[module]:
                return qname
            origin = self.exports.get(module, {}).get(name)
            if origin is None:
                stars = self.stars.get(module, ())
                project = [s for s in stars if s in self.defined and self._provides(s, name)]
                external = [s for s in stars if s not in self.defined]
                if project:
                    origin = f"{project[0]}.{name}"
                elif len(external) == 1:
                    origin = f"{external[0]}.{name}"
                else:
                    return qname
            if origin == qname:
                return qname
            return self.canonical(".".join([origin, *rest]), _depth + 1)
        return qname

    def _provides(self, module: str, name: str) -> bool:
        return name in self.defined.get(module, ()) or name in self.exports.get(module, {})

    def reexport_note(self, original: str, canonical: str) -> str:
        module = original.rsplit(".", 1)[0]
        return f"`{canonical}`, re-exported by project module `{module}`"

    # -- values -----------------------------------------------------------------------------------
    def fact(self, key: str) -> Fact | None:
        """A fact; ``A:`` (attributes) and ``S:`` (`self` of a pandas subclass) also through project bases."""
        return inherited_fact(key, self.values, self.bases)


EMPTY = ProjectFacts()


def facts_of(rule: Any) -> ProjectFacts:
    """The project facts of the run ``rule`` belongs to (empty when the run gathered none)."""
    settings = getattr(getattr(rule, "session", None), "settings", None)
    return getattr(settings, "project", None) or EMPTY


def absolute_path(rule: Any) -> str:
    import os

    return os.path.abspath(getattr(rule.session, "path", ""))


def inherited_fact(key: str, facts: Mapping[str, Fact], bases: Mapping[str, Sequence[str]]) -> Fact | None:
    """``facts[key]``; for ``A:``/``S:`` keys (attributes, `self`) also the first project base class that
    has it, breadth first. Used by the parent while it gathers and by the rules through ProjectFacts."""
    found = facts.get(key)
    if found is None and key[:2] == "R:":
        return _inherited_return(key, facts, bases)
    if found is not None or key[:2] not in ("A:", "S:"):
        return found
    owner, sep, attr = key[2:].partition(":")
    for base in _breadth_first(bases.get(owner, ()), bases, skip=owner):
        found = facts.get(f"{key[:2]}{base}{sep}{attr}")
        if found is not None:
            return found
    return None


def _breadth_first(start: Iterable[str], bases: Mapping[str, Sequence[str]], skip: str = "") -> Iterator[str]:
    """``start`` and then their project base classes, breadth first, each once (``skip`` never)."""
    seen, todo = {skip}, list(start)
    while todo:
        cls = todo.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        yield cls
        todo.extend(bases.get(cls, ()))


def _inherited_return(key: str, facts: Mapping[str, Fact], bases: Mapping[str, Sequence[str]]) -> Fact | None:
    """``R:pkg.mod.Sub.m`` for a method ``Sub`` inherits: the return fact of the first project base class that
    defines ``m`` (breadth first); None as soon as a class on the way defines ``m`` without a return fact."""
    owner, _, method = key[2:].rpartition(".")
    if owner not in bases:
        return None
    for cls in _breadth_first([owner], bases):
        found = facts.get(f"R:{cls}.{method}")
        if found is not None:
            return found
        if f"A:{cls}:{method}" in facts:  # defined here (an override) but its result is not known
            return None
    return None
