"""Which rules exist and which of them a run uses.

Every rule pack, the built-in one included, registers a tuple of rule classes under the ``finfix.rules``
entry-point group; finfix's own (``finfix.codemods:BUILTIN``, an explicit, ordered tuple) runs first,
the others after it in the order of their names. The order of a tuple is the order in which its rules
run on a file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from typing import Iterable, Sequence

from finfix.sdk.rule import Rule


class UnknownRule(ValueError):
    pass


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    from finfix.codemods import BUILTIN

    rules = list(BUILTIN)  # imported directly too: a source tree that was never installed still has them
    for ep in sorted(metadata.entry_points(group="finfix.rules"), key=lambda ep: ep.name):
        if ep.value == _BUILTIN_ENTRY_POINT:
            continue
        rules.extend(ep.load())
    return tuple(rules)


_BUILTIN_ENTRY_POINT = "finfix.codemods:BUILTIN"


def by_code() -> dict[str, type[Rule]]:
    return {r.code: r for r in all_rules()}


def _matches(rule: type[Rule], selector: str) -> bool:
    s = selector.strip()
    return rule.code.upper().startswith(s.upper()) or rule.name == s.lower()


def select(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    rules: Sequence[type[Rule]] | None = None,
) -> tuple[type[Rule], ...]:
    """Rules chosen by code, code prefix (``FX2``) or name (``pandas-inplace``), in run order."""
    pool = tuple(rules if rules is not None else all_rules())
    chosen = pool
    selectors = [s for s in (select or []) if s.strip()]
    ignores = [s for s in (ignore or []) if s.strip()]
    for s in selectors + ignores:
        if s.upper() != "ALL" and not any(_matches(r, s) for r in pool):
            raise UnknownRule(f"unknown rule selector {s!r} (use a code like FX101, a prefix like FX1, or a name)")
    if selectors and not any(s.upper() == "ALL" for s in selectors):
        chosen = tuple(r for r in pool if any(_matches(r, s) for s in selectors))
    # An opt-in rule runs only when a selector names it exactly (its code or its name), never through
    # a prefix, `ALL` or the default selection: its findings are for teams that asked for them.
    chosen = tuple(r for r in chosen if not r.opt_in or any(_names_exactly(r, s) for s in selectors))
    return tuple(r for r in chosen if not any(_matches(r, s) for s in ignores))


def _names_exactly(rule: type[Rule], selector: str) -> bool:
    s = selector.strip()
    return rule.code.upper() == s.upper() or rule.name == s.lower()


def resolve(codes: Iterable[str]) -> tuple[type[Rule], ...]:
    """Rule classes for exact codes, in run order (used by worker processes)."""
    wanted = set(codes)
    return tuple(r for r in all_rules() if r.code in wanted)
