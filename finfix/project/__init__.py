"""Project-wide knowledge: facts that one file cannot show (a real type checker's answers, call sites...).

Gathered in the parent process once per run (see :mod:`finfix.project.gather`).

``FINFIX_EVIDENCE=local`` turns the project pass off (each file is then judged on what it proves alone).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from finfix.results import Settings


#: A run's packages up to this many bytes of source are read whole for their facts; beyond it, the project
#: modules the run's files import and what those re-export with `*`, smallest first, up to the same budget.
#: The project pass costs 2.5 to 5 CPU-seconds per MB (pandas' 1,400 modules cost it minutes: too much for
#: one file checked from pre-commit or an editor).
MAX_CONTEXT_BYTES = 500_000


def evidence_for(paths: Sequence[str], root: Path | str, settings: Settings, exclude: Sequence[str] = (),
                 cache_dir: Path | None = None, isolate: bool = False) -> Settings:
    """``settings`` carrying the project facts of ``paths`` (the run's files), read together with the other
    modules of the packages they belong to: a run on some files of a package (pre-commit's staged files, an
    editor's open file) sees the same re-exports, helpers and call sites as a run on the whole package.
    With ``cache_dir``, facts gathered from the same unchanged files are read back instead of gathered.
    ``isolate``: gather large projects in a child process (`finfix.project.isolated`), for a command that
    forks workers afterwards; not in a long-lived process with threads (the language server)."""
    if os.environ.get("FINFIX_EVIDENCE", "").lower() == "local":
        return settings
    from finfix.project import facts_cache

    python = [p for p in paths if p.endswith(".py")]
    context = package_context(python, root, exclude)
    key = facts_cache.key([*python, *context], root) if cache_dir is not None else None
    facts = facts_cache.load(cache_dir, key) if cache_dir is not None and key is not None else None
    if facts is None:
        from finfix.project import isolated
        from finfix.project.sources import observed_types

        observed = observed_types(root)
        done = False
        if isolate and isolated.worth_isolating([*python, *context]):
            done, answer = isolated.call_in_child(_gather_noting_failures, python, root, observed, context)
            if done:
                facts, checker_failed = answer
        if not done:
            facts, checker_failed = _gather_noting_failures(python, root, observed, context)
        if cache_dir is not None and key is not None and not checker_failed:  # it may not crash next time
            facts_cache.store(cache_dir, key, facts)
    return replace(settings, project=facts)


def _gather_noting_failures(python: list[str], root: Path | str, observed: dict, context: list[str]):
    """``(facts, whether the type checker failed)``."""
    from finfix.project.gather import gather
    from finfix.project.sources import checker_answers

    failures: list[BaseException] = []
    facts = gather(python, root, checker=functools.partial(checker_answers, failures=failures),
                   observed=observed, context=context)
    return facts, bool(failures)


def package_context(paths: Sequence[str], root: Path | str, exclude: Sequence[str] = ()) -> list[str]:
    """The other Python files of the top-level packages (folders with ``__init__.py``, walked up from each
    file) that ``paths`` belong to, the configuration's excludes applied; for packages larger than
    MAX_CONTEXT_BYTES, the modules the files import and what those re-export with ``*``, within that budget."""
    from finfix.engine.files import discover

    tops: set[str] = {top for top in map(_top_package, paths) if top is not None}
    if not tops:
        return []
    given = {os.path.realpath(p) for p in paths}
    found = discover(sorted(tops), exclude=exclude, exclude_root=Path(root))
    extra = [str(f) for f in found.files if str(f).endswith(".py") and os.path.realpath(f) not in given]
    if sum(map(_size, extra)) <= MAX_CONTEXT_BYTES:
        return extra
    imported = sorted((p for p in _imported_closure(paths) if os.path.realpath(p) not in given), key=_size)
    taken, budget = [], MAX_CONTEXT_BYTES
    for path in imported:
        budget -= _size(path)
        if budget < 0:
            break
        taken.append(path)
    return taken


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _top_package(path: str) -> str | None:
    directory, top = os.path.dirname(os.path.abspath(path)), None
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        top, parent = directory, os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return top


_STAR_IMPORT = re.compile(rb"\bimport\s*\(?\s*\*")


def _imported_closure(paths: Sequence[str]) -> list[str]:
    """Project files the run's files import (one step), then what those re-export with ``*`` (every step)."""
    import ast

    from finfix.engine.reading import read_regular_or_none
    from finfix.project.modules import module_name

    def imports(path: str, stars_only: bool) -> list[str]:
        raw = read_regular_or_none(path) or b""
        if stars_only and not _STAR_IMPORT.search(raw):  # most modules re-export nothing: no parse needed
            return []
        try:
            tree = ast.parse(raw)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
        top = _top_package(path)
        if top is None:
            return []
        name, is_package = module_name(path)
        base = os.path.dirname(top)
        out = []
        for node in ast.walk(tree):
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
