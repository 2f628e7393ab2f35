"""Project-wide knowledge: facts that one file cannot show (a real type checker's answers, call sites...).

Gathered in the parent process once per run (see :mod:`finfix.project.gather`).

``FINFIX_EVIDENCE=local`` turns the project pass off (each file is then judged on what it proves alone).
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from finfix.project.paths import file_size, top_package
from finfix.results import Settings

if TYPE_CHECKING:
    from finfix.sdk.evidence.project import ProjectFacts


#: A run's packages up to this many bytes of source are read whole for their facts; beyond it, the project
#: modules the run's files import and what those re-export with `*`, smallest first, up to the same budget.
#: The project pass costs 2.5 to 5 CPU-seconds per MB (pandas' 1,400 modules cost it minutes: too much for
#: one file checked from pre-commit or an editor).
MAX_CONTEXT_BYTES = 500_000


def evidence_for(paths: Sequence[str], root: Path | str, settings: Settings, exclude: Sequence[str] = (),
                 cache_dir: Path | None = None, isolate: bool = False) -> Settings:
    """``settings`` carrying the project facts of ``paths`` (see :class:`ProjectEvidence`)."""
    evidence = project_evidence(paths, root, exclude, cache_dir=cache_dir, isolate=isolate)
    return evidence.settings(settings) if evidence is not None else settings


def project_evidence(paths: Sequence[str], root: Path | str, exclude: Sequence[str] = (), *,
                     cache_dir: Path | None = None, isolate: bool = False,
                     whole_dirs: Sequence[str] = ()) -> ProjectEvidence | None:
    """The run's :class:`ProjectEvidence`; None when ``FINFIX_EVIDENCE=local`` turns the project pass off."""
    if os.environ.get("FINFIX_EVIDENCE", "").lower() == "local":
        return None
    return ProjectEvidence(paths, root, exclude, cache_dir=cache_dir, isolate=isolate, whole_dirs=whole_dirs)


class ProjectEvidence:
    """The project facts of ``paths`` (the run's files), read together with the other modules of the packages
    they belong to: a run on some files of a package (pre-commit's staged files, an editor's open file) sees
    the same re-exports, helpers and call sites as a run on the whole package.

    With ``cache_dir``, facts gathered from the same unchanged files are read back instead of gathered; a
    run can ask for their per-file digests alone first (:meth:`cached_digests`: they key the results cache,
    and a run served from it whole never needs the facts). ``isolate``: gather large projects in a child
    process (`finfix.project.isolated`), for a command that forks workers afterwards; not in a long-lived
    process with threads (the language server). ``whole_dirs``: directories whose every file is in ``paths``
    (their packages have no other modules to look for)."""

    def __init__(self, paths: Sequence[str], root: Path | str, exclude: Sequence[str] = (), *,
                 cache_dir: Path | None = None, isolate: bool = False, whole_dirs: Sequence[str] = ()) -> None:
        from finfix.project import facts_cache

        self.root = root
        self.python = [p for p in paths if p.endswith(".py")]
        self.context = package_context(self.python, root, exclude, whole_dirs=whole_dirs)
        self.cache_dir = cache_dir
        self.isolate = isolate
        self.key = facts_cache.key([*self.python, *self.context], root) if cache_dir is not None else None
        self._facts: ProjectFacts | None = None

    def cached_digests(self) -> dict[str, str] | None:
        """The digests of the cached facts, without reading the facts; None when there are none."""
        from finfix.project import facts_cache

        if self._facts is not None:
            return dict(self._facts.digests)
        if self.cache_dir is None or self.key is None:
            return None
        return facts_cache.load_digests(self.cache_dir, self.key)

    def settings(self, settings: Settings) -> Settings:
        return replace(settings, project=self.facts())

    def facts(self) -> ProjectFacts:
        if self._facts is None:
            self._facts = self._load_or_gather()
        return self._facts

    def _load_or_gather(self) -> ProjectFacts:
        from finfix.project import facts_cache, isolated
        from finfix.project.sources import observed_types

        cached = self.cache_dir is not None and self.key is not None
        facts = facts_cache.load(self.cache_dir, self.key) if cached else None
        if facts is not None:
            return facts
        observed = observed_types(self.root)
        args = (self.python, self.root, observed, self.context)
        done = False
        if self.isolate and isolated.worth_isolating([*self.python, *self.context]):
            done, answer = isolated.call_in_child(_project_pass, *args)
        if not done:
            answer = _project_pass(*args)
        facts, checker_failed = _with_checker_and_digests(self.root, *answer)
        if done:
            from finfix.engine import heap

            # Unpickling the child's answer, the checker's copy of the sources and the digests' rows left
            # ~90 MB of garbage in the heap of pandas' run, which every worker forked next would start with.
            heap.trim()
        if cached and not checker_failed:  # a checker that crashed may answer next time
            facts_cache.store(self.cache_dir, self.key, facts)
        return facts


def _gather_noting_failures(python: list[str], root: Path | str, observed: dict, context: list[str]):
    """``(facts, whether the type checker failed)``: the project pass, then the checker, in this process."""
    return _with_checker_and_digests(root, *_project_pass(python, root, observed, context))


def _project_pass(python: list[str], root: Path | str, observed: dict, context: list[str]):
    """``(undigested facts, module shells, checker queries)``; a large run a group of files at a time
    (`finfix.project.groups`: bounded memory). No tree outlives it: the checker runs afterwards, in a
    process that no longer holds them (they were half of a pandas run's peak, next to the checker's own)."""
    from finfix.project.gather import gather_undigested
    from finfix.project.groups import gather_in_groups, shells_of, split
    from finfix.project.sources import checker_wanted

    ask = checker_wanted()
    groups = split(python, context)
    # The pass allocates millions of objects (CPython's trees) and makes almost no reference cycles: the
    # collector's runs over the growing heap were a third of its time (14 quant packages: 8.2 -> 6.0 CPU-s).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if len(groups) == 1:
            facts, modules, queries = gather_undigested(python, root, observed=observed, context=context, ask=ask)
            return facts, shells_of(modules), queries
        return gather_in_groups(groups, lambda run, more: gather_undigested(
            run, root, observed=observed, context=more, ask=ask))
    finally:
        if was_enabled:
            gc.enable()


def _with_checker_and_digests(root: Path | str, facts: ProjectFacts, shells: dict, queries: dict):
    """``(facts, whether the type checker failed)``: the checker asked once about every query, then the
    digests that key the results cache (they cover the checker's answers)."""
    from finfix.project.gather import with_answers, with_digests
    from finfix.project.sources import checker_answers

    failures: list[BaseException] = []
    answers = checker_answers(str(root), queries, failures=failures)
    return with_digests(with_answers(facts, answers), shells), bool(failures)


def package_context(paths: Sequence[str], root: Path | str, exclude: Sequence[str] = (), *,
                    whole_dirs: Sequence[str] = ()) -> list[str]:
    """The other Python files of the top-level packages (folders with ``__init__.py``, walked up from each
    file) that ``paths`` belong to, the configuration's excludes applied; for packages larger than
    MAX_CONTEXT_BYTES, the modules the files import and what those re-export with ``*``, within that budget.
    A package inside one of ``whole_dirs`` (real paths of directories all of whose files are ``paths``) has
    no other files: it is not walked again."""
    from finfix.engine.files import discover

    top_of: dict[str, str | None] = {}  # directory -> its top-level package: files share their folders
    tops: set[str] = set()
    for path in paths:
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in top_of:
            top_of[directory] = top_package(path)
        if top_of[directory] is not None:
            tops.add(top_of[directory])  # type: ignore[arg-type]
    if whole_dirs:
        tops = {t for t in tops if not _inside(os.path.realpath(t), whole_dirs)}
    if not tops:
        return []
    is_given = _membership(paths)
    found = discover(sorted(tops), exclude=exclude, exclude_root=Path(root))
    extra = [str(f) for f in found.files if str(f).endswith(".py") and not is_given(str(f))]
    if sum(map(file_size, extra)) <= MAX_CONTEXT_BYTES:
        return extra
    imported = sorted((p for p in _imported_closure(paths) if not is_given(p)), key=file_size)
    taken, budget = [], MAX_CONTEXT_BYTES
    for path in imported:
        budget -= file_size(path)
        if budget < 0:
            break
        taken.append(path)
    return taken


def _inside(path: str, directories: Sequence[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip(os.sep) + os.sep) for d in directories)


def _membership(paths: Sequence[str]):
    """A test of whether a file is one of ``paths``: by absolute path first, by real path (symbolic links
    resolved, one system call per part of the path) only for files that differ in spelling."""
    absolute = {os.path.abspath(p) for p in paths}
    real: set[str] | None = None

    def is_given(path: str) -> bool:
        nonlocal real
        if os.path.abspath(path) in absolute:
            return True
        if real is None:
            real = {os.path.realpath(p) for p in paths}
        return os.path.realpath(path) in real

    return is_given



_STAR_IMPORT = re.compile(rb"\bimport\s*\(?\s*\*")


def _statements(tree):
    """The statements of ``tree`` (at every depth) in ``ast.walk``'s order, without its expressions: imports
    are statements, and walking every node to find them was most of a warm run on explicit files (pandas,
    every 10th file: 0.7 of 0.86 s)."""
    import ast
    from collections import deque

    kinds = (ast.stmt, ast.excepthandler, ast.match_case)
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        yield node
        for _name, value in ast.iter_fields(node):
            if isinstance(value, list):
                todo.extend(v for v in value if isinstance(v, kinds))


def _imported_closure(paths: Sequence[str]) -> list[str]:
    """Project files the run's files import (one step), then what those re-export with ``*`` (every step)."""
    import ast

    from finfix.engine.reading import read_regular_or_none
    from finfix.project.paths import module_name

    def imports(path: str, stars_only: bool) -> list[str]:
        raw = read_regular_or_none(path) or b""
        if stars_only and not _STAR_IMPORT.search(raw):  # most modules re-export nothing: no parse needed
            return []
        try:
            tree = ast.parse(raw)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
        top = top_package(path)
        if top is None:
            return []
        name, is_package = module_name(path)
        base = os.path.dirname(top)
        out = []
        for node in _statements(tree):
            if isinstance(node, ast.ImportFrom):
                if stars_only and all(a.name != "*" for a in node.names):
                    continue
                parts = name.split(".") if is_package else name.split(".")[:-1]
                origin = (node.module or "") if not node.level else ".".join(
                    [*parts[: len(parts) - (node.level - 1)], *([node.module] if node.module else [])])
                candidates = [origin] + ([] if stars_only else [f"{origin}.{a.name}" for a in node.names])
            elif isinstance(node, ast.Import) and not stars_only:
                candidates = [a.name for a in node.names]
            else:
                continue
            for dotted in candidates:
                stem = os.path.join(base, *dotted.split("."))
                for file in (stem + ".py", os.path.join(stem, "__init__.py")):
                    if dotted and os.path.isfile(file):
                        out.append(file)
        return out

    seen: dict[str, None] = {}
    todo = [(p, False) for p in paths]
    while todo and len(seen) <= 1000:  # a bound for pathological import graphs; the byte budget decides
        path, stars_only = todo.pop()
        for file in imports(path, stars_only):
            if file not in seen:
                seen[file] = None
                todo.append((file, True))
    return list(seen)
