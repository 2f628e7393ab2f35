"""`finfix apply --interactive`: review the fixes one by one, as Bowler and Fixit did.

The unit of review is one fix together with the edits it needs elsewhere in the file (the
``import logging`` and ``logger = ...`` that FX102 adds, the ``timezone`` import of FX103, the
``if x is None:`` that FX101 puts in the body). Each unit is shown as the diff of the file with that
fix alone, headed by its number, rule and message (``[3/12] FX102 silent-except: ...``), and the
user answers

  y  apply this fix          n  skip this fix
  a  apply this fix and every remaining one, in every file, without asking
  q  quit: skip this fix and all the remaining ones (the fixes already accepted are kept)

The file is then fixed again by the engine with the accepted fixes only (:attr:`Settings.fix_only`),
so what is written is what finfix writes for that choice of fixes, with exactly the import edits
they need, checked to parse like any other fix: declining one fix can never leave another without
its import. Fixes of two functions are two units however close they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Sequence

from finfix.report.diff import unified
from finfix.results import FileResult, Finding, Safety, Settings

if TYPE_CHECKING:
    from finfix.session import Plan

Key = tuple[str, int, int]
#: ``refix(result, keys)``: the file of ``result`` fixed again with only the fixes of ``keys``.
Refix = Callable[[FileResult, frozenset[Key]], FileResult]

PROMPT = "Apply this fix? [y]es, [n]o, [a]ll remaining, [q]uit: "
ANSWERS = {"y": "yes", "yes": "yes", "n": "no", "no": "no", "a": "all", "all": "all", "q": "quit", "quit": "quit"}


@dataclass
class Review:
    """What the user chose: the results with the accepted fixes only, and why files were left."""

    results: list[FileResult]
    units_total: int = 0
    units_accepted: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, why)


@dataclass
class _Unit:
    key: Key
    finding: Finding
    diff: str


def engine_refix(rules: Sequence[type], settings: Settings) -> Refix:
    """The :data:`Refix` of a run with these rules and settings."""
    from finfix.engine.core import process_source

    def refix(r: FileResult, keys: frozenset[Key]) -> FileResult:
        # one fix alone: only its rule needs to run (with one fix allowed, no other rule changes the tree)
        codes = {code for code, _line, _col in keys}
        chosen = [rule for rule in rules if rule.code in codes] if len(keys) == 1 else rules
        return process_source(r.path, r.old or b"", chosen, replace(settings, fix=True, fix_only=keys))

    return refix


def applied_keys(r: FileResult) -> list[Key]:
    """The fixes of ``r``, in file order, each once."""
    return list(dict.fromkeys(f.key for f in sorted(r.findings, key=lambda f: (f.line, f.col)) if f.applied))


def review(
    results: Sequence[FileResult],
    ask: Callable[[str], str],
    show: Callable[[str], None],
    refix: Refix,
) -> Review:
    """Ask about every fix of every changed result; ``ask(prompt)`` returns the user's answer."""
    out = Review(results=[])
    total = sum(len(applied_keys(r)) for r in results if r.changed)
    number = 0
    mode = "ask"  # "ask", "all" or "quit"
    for r in results:
        if not r.changed:
            out.results.append(r)
            continue
        units = _units(r, refix, out)
        total -= len(applied_keys(r)) - len(units)  # fixes that change nothing alone are not asked about
        accepted: set[Key] = set()
        for unit in units:
            number += 1
            if mode == "ask":
                show(_header(number, total, unit.finding) + unit.diff)
                answer = _ask(ask)
                if answer == "yes":
                    accepted.add(unit.key)
                elif answer in ("all", "quit"):
                    mode = answer
            if mode == "all":
                accepted.add(unit.key)
            if mode == "quit":
                break
        out.units_total += len(units)
        out.results.append(_chosen(r, units, accepted, refix, out))
    return out


def _units(r: FileResult, refix: Refix, out: Review) -> list[_Unit]:
    findings = {f.key: f for f in r.findings if f.applied}
    units = []
    for key in applied_keys(r):
        alone = refix(r, frozenset({key}))
        if alone.error or not alone.changed:
            continue  # this fix does nothing (or nothing that parses) without another one
        units.append(_Unit(key, findings[key], unified(r.path, r.old or b"", alone.new or b"")))
    if not units:  # changes that no finding names (edits the rules queued on their own): one unit
        whole = Finding(r.path, 1, 1, "", "", "changes to this file", Safety.SAFE)
        units.append(_Unit(("", 0, 0), whole, unified(r.path, r.old or b"", r.new or b"")))
    return units


def _header(number: int, total: int, f: Finding) -> str:
    what = f"{f.code} {f.name}: {f.message}" if f.code else f.message
    return f"[{number}/{total}] {f.path}:{f.line}: {what}\n"


def _ask(ask: Callable[[str], str]) -> str:
    while True:
        try:
            answer = ask(PROMPT).strip().lower()
        except EOFError:
            return "quit"
        if answer in ANSWERS:
            return ANSWERS[answer]


def _chosen(r: FileResult, units: list[_Unit], accepted: set[Key], refix: Refix, out: Review) -> FileResult:
    unapplied = replace(r, new=None, findings=tuple(replace(f, applied=False) for f in r.findings))
    if not accepted:
        return unapplied
    if len(accepted) == len(units):
        out.units_accepted += len(accepted)
        return r
    chosen = refix(r, frozenset(accepted))
    if chosen.error or not chosen.changed:
        why = chosen.error or "no change"
        out.notes.append(
            (r.path, f"the accepted fixes cannot be applied without the others ({why}); file left unchanged")
        )
        return unapplied
    out.units_accepted += len(accepted)
    return replace(chosen, stamp=r.stamp)


def terminal_ask(prompt: str) -> str:
    from finfix.console import stdout

    return stdout().input(prompt, markup=False)


def terminal_review(plan: Plan):
    """`apply --interactive`: the review of :mod:`finfix.interactive`, asking on the terminal."""
    from finfix import session
    from finfix.console import print_diff

    def refix(result: FileResult, keys: frozenset[Key]) -> FileResult:
        own = plan.for_path(result.path)  # configured as the file is
        return engine_refix(own.rules, session.settings_for(own, fix=True))(result, keys)

    def on_terminal(results: list[FileResult]) -> tuple[list[FileResult], list[tuple[str, str]]]:
        chosen = review(results, terminal_ask, print_diff, refix)
        return chosen.results, chosen.notes

    return on_terminal
