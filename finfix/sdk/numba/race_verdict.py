"""The verdict of FX001's race analysis: arrays (through the dependence test) and outer names.

Path sensitivity: each combination of outcomes of the loop-invariant conditions met in the body is a
*scenario*, judged on its own; what is recorded under one outcome of a condition never meets what is
recorded under the other (every iteration takes the same branch).
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from finfix.sdk.names import code_of
from finfix.sdk.numba.dependence import judge_array
from finfix.sdk.numba.race_forms import (
    RACE_FREE, RACY, SUGGEST_LASTPRIVATE, SUGGEST_SCALAR, UNPROVEN, Verdict, compatible,
)

REDUCTION_OPS = {"+", "-", "*", "/", "max", "min"}


class VerdictMixin:
    """Judging what the walk recorded (a mixin of ``races.LoopAnalysis``)."""

    def judge(self, live: set[str]) -> Verdict:
        found = [p for p in self.problems if p.status == RACY]
        for outcomes in self._scenarios():
            accesses = [a for a in self.accesses if compatible(a.scenario, outcomes)]
            reductions = _keep(self.reductions, outcomes)
            assigns = _keep(self.assigns, outcomes)
            outer_reads = _keep(self.outer_reads, outcomes)
            here = self._judge_arrays(accesses) + self._judge_names(live, reductions, assigns, outer_reads)
            if outcomes:
                when = self._describe(outcomes)
                here = [replace(v, scenario=when) for v in here]
            found += here
        racy = [v for v in found if v.status == RACY]
        if racy:
            return racy[0]
        unproven = [v for v in found if v.status == UNPROVEN] + [
            p for p in self.problems if p.status == UNPROVEN]
        return unproven[0] if unproven else Verdict(RACE_FREE, self._why_race_free())

    def _scenarios(self) -> list[dict[int, bool]]:
        ids = sorted(self.conditions.values())
        return [dict(zip(ids, values)) for values in itertools.product((True, False), repeat=len(ids))]

    def _describe(self, outcomes: dict[int, bool]) -> str:
        texts = {cid: text for text, cid in self.conditions.items()}
        used = {c for a in self.accesses for c, _ in a.scenario}
        parts = [f"`{texts[c]}` is {'true' if v else 'false'}" for c, v in sorted(outcomes.items()) if c in used]
        return " and ".join(parts)

    def _why_race_free(self) -> str:
        parts = []
        written = list(dict.fromkeys(a.base for a in self.accesses if a.write))
        if written:
            parts.append("each iteration writes only its own elements of " + ", ".join(f"`{b}`" for b in written))
        if self.reductions:
            shown = ", ".join(f"`{n}` ({ops[0][0]})" for n, ops in self.reductions.items())
            parts.append(f"numba reduces {shown} across threads")
        if self.conditions:
            parts.append("each outcome of " + ", ".join(f"`{c}`" for c in self.conditions)
                         + " (the same in every iteration) was checked on its own")
        return "; ".join(parts) or "it writes nothing shared between iterations"

    def _judge_arrays(self, accesses) -> list[Verdict]:
        out: list[Verdict] = []
        bases = list(dict.fromkeys(a.base for a in accesses if a.write))
        for base in bases:
            accs = [a for a in accesses if a.base == base]
            verdict = judge_array(base, accs, self.var)
            if verdict is not None:
                out.append(replace(verdict, subject=("array", base)))
        return out

    def _judge_names(self, live: set[str], reductions, assigns, outer_reads) -> list[Verdict]:
        out: list[Verdict] = []
        for name, ops in reductions.items():
            stmt = ops[0][1]
            text = code_of(stmt).strip()
            kinds = {op for op, *_ in ops}
            subject = ("name", name)
            if name in assigns:
                out.append(Verdict(RACY, f"`{name}` is both reassigned and reduced in the loop", stmt,
                                   text, SUGGEST_SCALAR, subject))
            elif len(kinds) > 1:
                shown = ", ".join(sorted(kinds))
                out.append(Verdict(RACY, f"`{name}` is reduced with mixed operators ({shown}), and numba needs "
                                   "one operator per reduction variable", stmt, text, SUGGEST_SCALAR, subject))
            elif not kinds <= REDUCTION_OPS:
                out.append(Verdict(RACY, f"`{kinds.pop()}=` is not a reduction numba supports, so every thread "
                                   f"updates the shared `{name}`", stmt, text, SUGGEST_SCALAR, subject))
            elif name in outer_reads:
                out.append(Verdict(RACY, f"it reads the partial reduction `{name}` inside the loop", stmt,
                                   text, SUGGEST_SCALAR, subject))
        for name, stmts in assigns.items():
            if name in reductions:
                continue
            if name in live or name in outer_reads:
                stmt = stmts[0][0]
                why = ("is read after the loop, so its value is whichever iteration wrote last"
                       if name in live else "is read before it is assigned, so it sees other iterations' writes")
                out.append(Verdict(RACY, f"it assigns the outer name `{name}`, which {why}", stmt,
                                   code_of(stmt).strip(), SUGGEST_LASTPRIVATE, ("name", name)))
        return out


def _keep(table: dict[str, list[tuple]], outcomes: dict[int, bool]) -> dict[str, list[tuple]]:
    """The entries of ``table`` recorded under a scenario compatible with ``outcomes``."""
    out: dict[str, list[tuple]] = {}
    for name, entries in table.items():
        kept = [e for e in entries if compatible(e[-1], outcomes)]
        if kept:
            out[name] = kept
    return out
