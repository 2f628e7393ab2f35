"""The edits of each fix, one fix at a time, for `check --format json|sarif` (and the language server
to come): the file is fixed again with that fix alone (:attr:`Settings.fix_only`), so a fix's edits
include the imports it adds. This re-runs the finding's rule once per fixable finding: it is only
done for the machine-readable formats."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from finfix.report.edits import Edit, edits_between
from finfix.results import FileResult

if TYPE_CHECKING:
    from finfix.session import Plan


def finding_edits(plan: Plan, results: Sequence[FileResult]) -> dict[tuple[str, tuple[str, int, int]], list[Edit]]:
    from finfix import session
    from finfix.engine.core import SourceError, decode, process_source

    out: dict[tuple[str, tuple[str, int, int]], list[Edit]] = {}
    for r in results:
        keys = list(dict.fromkeys(f.key for f in r.findings if f.fixable))
        if not keys or (r.error and not r.findings):
            continue
        raw = r.old
        if raw is None:
            try:
                with open(r.path, "rb") as fh:
                    raw = fh.read()
            except OSError:
                continue
        try:
            text = decode(raw).text
        except SourceError:
            continue
        own = plan.for_path(r.path)
        settings = replace(session.settings_for(own, fix=True), unsafe_fixes=True)
        for key in keys:
            # only the finding's own rule: with one fix allowed, no other rule changes the tree it sees
            rule = [rule for rule in own.rules if rule.code == key[0]]
            alone = process_source(r.path, raw, rule, replace(settings, fix_only=frozenset({key})))
            if alone.changed and not alone.error and alone.new is not None:
                out[(r.path, key)] = edits_between(text, decode(alone.new).text)
    return out
