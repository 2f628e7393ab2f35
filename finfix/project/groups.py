"""The project pass of a large run, a group of files at a time, so its memory stays bounded.

The pass holds CPython's tree of every module it reads at once (26 to 60 bytes of memory per byte of
source: 336 MB for the 8.8 MB of 14 quant packages, 1,180 MB for pandas' 24.5 MB). Above
:data:`BUDGET` bytes of source, the files are split into groups gathered one after the other and their
facts merged:

1. packages (and loose modules) that import one another, directly or through others, stay together:
   their facts depend on each other; those that do not are independent (the one exception: the count of
   ``.m(...)`` calls on objects finfix cannot type, which marks a method's call sites as incomplete, is
   then counted per group);
2. a group still above the budget is cut into runs of files in path order (a package's modules stay next
   to their neighbours): there, a call site or a re-export in another part is not seen, and the facts
   that needed it are missing (the rules report instead of fixing, saying why), never wrong;
3. small groups are packed together up to the budget, so the checker starts a few times, not per package.

The type checker is asked once, after the last group (its trees gone), about every group's queries; the
digests that key the results cache are computed then, over every module's imports, so an edit anywhere
still invalidates the results of every file that imports it.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from finfix.project.paths import file_size, top_package
from finfix.sdk.evidence.project import ProjectFacts

#: Bytes of Python source gathered at once (220 to 360 MB of trees at the peak).
BUDGET = 6_000_000

_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([^\n#;]+))", re.M)


@dataclass
class Shell:
    """What :func:`finfix.project.gather.with_digests` needs of a module once its tree is gone."""

    path: str
    imports: dict[str, str] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)


class Groups(list):
    """``(run files, context files)`` of each group; ``cut``: the files of import groups cut in parts."""

    cut: frozenset[str] = frozenset()


def split(run: Sequence[str], context: Sequence[str], budget: int | None = None) -> Groups:
    """``(run files, context files)`` of each group, in order; one group when everything fits the budget
    (:data:`BUDGET` unless given)."""
    budget = BUDGET if budget is None else budget
    sizes = {p: file_size(p) for p in (*run, *context)}
    if sum(sizes.values()) <= budget:
        return Groups([(list(run), list(context))])
    components = _import_components(list(sizes))
    pieces: list[list[str]] = []
    cut: set[str] = set()
    for files in components:
        parts = _cut(sorted(files), sizes, budget)
        if len(parts) > 1:
            cut.update(files)
        pieces.extend(parts)
    bins: list[tuple[int, list[str]]] = []
    for piece in sorted(pieces, key=lambda fs: -sum(sizes[f] for f in fs)):
        weight = sum(sizes[f] for f in piece)
        for i, (used, files) in enumerate(bins):
            if used + weight <= budget:
                bins[i] = (used + weight, files + piece)
                break
        else:
            bins.append((weight, list(piece)))
    in_run = set(run)
    groups = Groups(([f for f in files if f in in_run], [f for f in files if f not in in_run]) for _, files in bins)
    groups.cut = frozenset(os.path.abspath(f) for f in cut)
    return groups


Queries = dict[str, list[tuple[int, int, int, int]]]  # path -> spans the type checker is to be asked about


def gather_in_groups(groups: list[tuple[list[str], list[str]]],
                     gather_one: Callable[..., tuple[ProjectFacts, dict, Queries]],
                     ) -> tuple[ProjectFacts, dict[str, Shell], Queries]:
    """Gather each group with ``gather_one(run, context) -> (undigested facts, modules, queries)``, one group's
    trees in memory at a time: the merged facts (still without digests and checker answers), a
    :class:`Shell` of every module for :func:`~finfix.project.gather.with_digests`, and every group's queries
    (each run file is in one group), for one checker run after the pass. What the facts of a package read in
    parts could not settle says so (:func:`_say_read_in_parts`): a report, never a silent gap."""
    parts: list[ProjectFacts] = []
    shells: dict[str, Shell] = {}
    queries: Queries = {}
    for i, (run, context) in enumerate(groups):
        facts, modules, asked = gather_one(run, context)
        parts.append(facts)
        queries.update(asked)
        shells.update(shells_of(modules, keep=shells))
        del facts, modules
        if i < len(groups) - 1:
            # this group's trees go before the next group's are read: they are held in cycles (modules and
            # their scopes, the project and its evaluator), and the pass runs with the collector off; after
            # the last group, the collector's next run (or the pass's process ending) frees them
            gc.collect()
    merged = merge(parts)
    cut = getattr(groups, "cut", frozenset())
    if cut:
        merged = _say_read_in_parts(merged, cut)
    return merged, shells, queries


def shells_of(modules: Mapping[str, Any], keep: Mapping[str, Shell] | None = None) -> dict[str, Shell]:
    """A :class:`Shell` of each module not already in ``keep`` (the first group to read a name wins)."""
    return {name: Shell(mod.path, dict(mod.imports), list(mod.stars))
            for name, mod in modules.items() if keep is None or name not in keep}


READ_IN_PARTS = ("; this package was read in parts to bound the project pass's memory (over "
                 f"{BUDGET // 1_000_000} MB of source), so call sites and re-exports in the other parts were not seen")


def _say_read_in_parts(facts: ProjectFacts, cut: frozenset[str]) -> ProjectFacts:
    """The reasons of the unknowns of modules in ``cut`` (absolute paths) say that the package was read in parts."""
    from dataclasses import replace

    names = {name for path, name in facts.modules.items() if path in cut}
    if not names:
        return facts
    unknown = {}
    for key, why in facts.unknown.items():
        owner = key[2:].split(":", 1)[0]
        parts = owner.split(".")
        inside = any(".".join(parts[:n]) in names for n in range(len(parts), 0, -1))
        unknown[key] = why + READ_IN_PARTS if inside else why
    return replace(facts, unknown=unknown)


def merge(parts: Sequence[ProjectFacts]) -> ProjectFacts:
    """One :class:`ProjectFacts` of several groups' (a name two groups define: the first group's)."""

    def union(field_name: str) -> dict:
        out: dict = {}
        for part in parts:
            for key, value in getattr(part, field_name).items():
                out.setdefault(key, value)
        return out

    return ProjectFacts(
        modules=union("modules"), packages=frozenset().union(*(p.packages for p in parts)),
        exports=union("exports"), stars=union("stars"), defined=union("defined"), values=union("values"),
        unknown=union("unknown"), checker=union("checker"), observed=union("observed"), bases=union("bases"),
    )


def _import_components(files: list[str]) -> list[list[str]]:
    """``files`` grouped by the packages (top-level folders with ``__init__.py``) or loose modules they are
    in, those that import one another (as the source spells it: a cheap scan, no parse) in one group."""
    unit_of: dict[str, str] = {}  # file -> its package folder, or the file itself
    name_of: dict[str, str] = {}  # the importable top-level name -> unit
    for f in files:
        top = top_package(f)
        unit = top if top is not None else os.path.abspath(f)
        unit_of[f] = unit
        name = os.path.basename(unit) if top is not None else os.path.basename(f)[:-3]
        name_of.setdefault(name, unit)
    parent: dict[str, str] = {u: u for u in unit_of.values()}

    def find(u: str) -> str:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for f in files:
        for name in _imported_tops(f):
            other = name_of.get(name)
            if other is not None:
                parent[find(unit_of[f])] = find(other)
    groups: dict[str, list[str]] = {}
    for f in files:
        groups.setdefault(find(unit_of[f]), []).append(f)
    return list(groups.values())


def _imported_tops(path: str) -> set[str]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return set()
    tops = set()
    for m in _IMPORT.finditer(raw):
        if m.group(1):
            tops.add(m.group(1).split(b".")[0].decode("ascii", "replace"))
        else:
            for part in m.group(2).split(b","):
                words = part.strip().split()
                if words:
                    tops.add(words[0].split(b".")[0].strip(b"()\\").decode("ascii", "replace"))
    return tops


def _cut(files: list[str], sizes: dict[str, int], budget: int) -> list[list[str]]:
    pieces, piece, used = [], [], 0
    for f in files:
        if piece and used + sizes[f] > budget:
            pieces.append(piece)
            piece, used = [], 0
        piece.append(f)
        used += sizes[f]
    if piece:
        pieces.append(piece)
    return pieces

