"""The verdict of FX001's race analysis: arrays (through the dependence test) and outer names."""

from __future__ import annotations

from finfix.sdk.names import code_of
from finfix.sdk.numba.dependence import judge_array
from finfix.sdk.numba.race_forms import (
    RACE_FREE, RACY, SUGGEST_LASTPRIVATE, SUGGEST_SCALAR, UNPROVEN, Verdict,
)

REDUCTION_OPS = {"+", "-", "*", "/", "max", "min"}


class VerdictMixin:
    """Judging what the walk recorded (a mixin of ``races.LoopAnalysis``)."""

    # -- the verdict -----------------------------------------------------------------------------------
    def judge(self, live: set[str]) -> Verdict:
        found = [p for p in self.problems if p.status == RACY]
        found += self._judge_arrays()
        found += self._judge_names(live)
        racy = [v for v in found if v.status == RACY]
        if racy:
            return racy[0]
        unproven = [v for v in found if v.status == UNPROVEN] + [
            p for p in self.problems if p.status == UNPROVEN]
        return unproven[0] if unproven else Verdict(RACE_FREE, self._why_race_free())

    def _why_race_free(self) -> str:
        parts = []
        written = list(dict.fromkeys(a.base for a in self.accesses if a.write))
        if written:
            parts.append("each iteration writes only its own elements of " + ", ".join(f"`{b}`" for b in written))
        if self.reductions:
            shown = ", ".join(f"`{n}` ({ops[0][0]})" for n, ops in self.reductions.items())
            parts.append(f"numba reduces {shown} across threads")
        return "; ".join(parts) or "it writes nothing shared between iterations"

    def _judge_arrays(self) -> list[Verdict]:
        out: list[Verdict] = []
        bases = list(dict.fromkeys(a.base for a in self.accesses if a.write))
        for base in bases:
            accs = [a for a in self.accesses if a.base == base]
            verdict = judge_array(base, accs, self.var)
            if verdict is not None:
                out.append(verdict)
        return out

    def _judge_names(self, live: set[str]) -> list[Verdict]:
        out: list[Verdict] = []
        for name, ops in self.reductions.items():
            stmt = ops[0][1]
            text = code_of(stmt).strip()
            kinds = {op for op, _ in ops}
            if name in self.assigns:
                out.append(Verdict(RACY, f"`{name}` is both reassigned and reduced in the loop", stmt,
                                   text, SUGGEST_SCALAR))
            elif len(kinds) > 1:
                shown = ", ".join(sorted(kinds))
                out.append(Verdict(RACY, f"`{name}` is reduced with mixed operators ({shown}); numba needs one "
                                   "operator per reduction variable", stmt, text, SUGGEST_SCALAR))
            elif not kinds <= REDUCTION_OPS:
                out.append(Verdict(RACY, f"`{kinds.pop()}=` is not a reduction numba supports; every thread "
                                   f"updates the shared `{name}`", stmt, text, SUGGEST_SCALAR))
            elif name in self.outer_reads:
                out.append(Verdict(RACY, f"reads the partial reduction `{name}` inside the loop", stmt,
                                   text, SUGGEST_SCALAR))
        for name, stmts in self.assigns.items():
            if name in self.reductions:
                continue
            if name in live or name in self.outer_reads:
                stmt = stmts[0]
                why = ("is read after the loop: its value is whichever iteration wrote last"
                       if name in live else "is read before it is assigned, so it sees other iterations' writes")
                out.append(Verdict(RACY, f"assigns the outer name `{name}`, which {why}", stmt,
                                   code_of(stmt).strip(), SUGGEST_LASTPRIVATE))
        return out

