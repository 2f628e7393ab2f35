"""From what the examples found to a verdict: equivalent, fixed, intended, different or skipped.

*fixed*: the original raised where the rewrite returns, on an API today's libraries removed (the
message names it and only the original's text uses it), or as the fix announced (an
``raises-fixed``/``chained-no-op`` effect, harness/intent.py). *intended*: the only difference on some
calls is an effect the fix announced (the argument no longer mutated, an ndarray with the same values, a
chart that agrees in outline); every other call matched. Each note says how many examples were which.
"""

from __future__ import annotations

import re
from typing import Any

from finfix.harness import environment
from finfix.harness import inputs as inp
from finfix.harness.branches import BranchMap
from finfix.harness.compare import Mismatch, Outcome


def new_state() -> dict[str, Any]:
    return {
        "count": 0, "returned": 0, "shared": 0, "fresh": 0, "fresh_seconds": 0.0, "unchecked": 0,
        "nondeterministic": 0, "failure": None, "raised": set(), "fixed": 0, "fixed_returned": 0, "fixed_error": "",
        "mutants": 0, "intended": 0, "intended_example": None, "intended_matches": {}, "effect_fixed": {},
        "used": set(),
    }


def _fold_effects(state: dict[str, Any]) -> None:
    """Fixes the rule announced (raises-fixed, chained-no-op) count as fixed examples."""
    for (code, text, detail), n in state["effect_fixed"].items():
        state["fixed"] += n
        state["fixed_returned"] += n
    if state["effect_fixed"] and not state["fixed_error"]:
        (code, text, detail), _ = next(iter(state["effect_fixed"].items()))
        state["fixed_error"] = f"{code}: {text}"


def _fixed_note(state: dict[str, Any]) -> str:
    parts = []
    removed = state["fixed"] - sum(state["effect_fixed"].values())
    if removed:
        parts.append(f"fixed: the original raised {state['fixed_error']} in {removed} of {state['count']} examples "
                     f"and the rewrite returns in {state['fixed_returned'] - sum(state['effect_fixed'].values())} "
                     "of them")
    for (code, text, detail), n in state["effect_fixed"].items():
        parts.append(f"fixed as {code} announces ({text}) in {n} of {state['count']} examples: {detail}")
    return "; ".join(parts)


def _intended_note(state: dict[str, Any], note: str) -> str:
    parts = [f"intended: in {n} of {state['count']} examples the only difference is {code}'s announced effect, "
             f"{text} ({detail})" for (code, text, detail), n in state["intended_matches"].items()]
    if state["fixed"]:
        parts.append(_fixed_note(state))
    rest = state["count"] - state["intended"] - state["fixed"]
    parts.append(f"the other {rest} matched" if rest else "nothing else to compare")
    if note:
        parts.append(note)
    return "; ".join(parts)


def _n(count: int, noun: str, *, number: bool = True) -> str:
    word = noun if count == 1 else noun + "s"
    return f"{count} {word}" if number else word


def decide(state: dict[str, Any], note: str, plan: inp.CallPlan, bm: BranchMap | None, *,
           examples_seconds: float, max_ulp: int) -> dict[str, Any]:
    """The verdict, its note, the counterexample and the coverage, from what the examples found."""
    _fold_effects(state)
    out: dict[str, Any] = {
        "examples": state["count"], "max_ulp": max_ulp, "examples_seconds": round(examples_seconds, 3), "note": note,
    }
    if bm is not None:
        out["coverage"] = bm.summary()
    if state.get("flaky") and state["failure"] is None:
        out["verdict"] = "skipped"  # a difference was seen once and not again: nothing is known
    elif state["failure"] is not None:
        call, found, b, a = state["failure"]
        out["verdict"] = "skipped" if state.get("flaky") else "different"
        out["counterexample"] = _counterexample(call, found, b, a, plan)
        out["note"] = f"{found.where} differs" + (f"; {note}" if note else "")
        if b.raised and not a.raised:
            out["note"] += f"; the original raises {b.raised} there and the rewrite returns"
        if b.no_op and not a.no_op:
            # pandas itself says the original's call did nothing; what it was meant to do cannot be run,
            # so this stays a difference, with the reason a reviewer needs
            out["note"] += ("; there pandas warned ChainedAssignmentError: the original's chained in-place call "
                            "changed nothing (copy-on-write), which is what the fix is for; review that the "
                            "rewrite does what the call says")
    elif state["nondeterministic"] and state["nondeterministic"] * 2 >= state["count"]:
        out["verdict"] = "skipped"
        out["note"] = (
            f"nondeterministic: both versions answered the same call differently each time in "
            f"{state['nondeterministic']} of {state['count']} examples (time, randomness, threads); nothing to compare"
        )
    elif state["intended"]:
        out["verdict"] = "intended"
        out["note"] = _intended_note(state, note)
        out["counterexample"] = state["intended_example"]
    elif state["fixed"] and not state["fixed_returned"] and state["returned"]:
        out["verdict"] = "equivalent"
        out["note"] = (f"the {state['count'] - state['fixed']} examples where the original returned matched; in "
                       f"{state['fixed']} it raised {state['fixed_error']} (a removed API) and the rewrite raised too")
    elif state["fixed"] and not state["fixed_returned"]:
        out["verdict"] = "skipped"
        out["note"] = (f"the original raised {state['fixed_error']} (an API today's libraries removed), and the "
                       f"rewrite never returned on those {state['fixed']} examples: the inputs do not fit; add a strategy")
    elif state["fixed"]:
        out["verdict"] = "fixed"
        compared = state["count"] - state["fixed"]
        out["note"] = _fixed_note(state) + (f"; the other {compared} matched" if compared else "; nothing else to compare")
    elif state["returned"] == 0 and state["count"]:
        out["verdict"] = "skipped"
        raised = ", ".join(sorted(state["raised"]))
        out["note"] = f"every example raised ({raised}) in the original: the inputs do not fit; add a strategy"
    else:
        out["verdict"] = "equivalent"
        out["note"] = note
        if state["shared"]:
            checked = state["shared"] - state["unchecked"]
            out["note"] = (note + "; " if note else "") + (
                f"the original keeps state between calls ({_n(state['shared'], 'example')} depended on earlier "
                f"calls); the rewrite does not" + (
                    f", and it matched a freshly loaded original in {'that' if checked == 1 else 'those'} "
                    f"{_n(checked, 'example', number=False)}" if checked else ""
                )
            )
        if 0 < state["returned"] < state["count"] / 2:
            extra = f"only {state['returned']} of {state['count']} examples returned normally in the original"
            out["note"] = f"{out['note']}; {extra}" if out.get("note") else extra
    if bm is not None and bm.total:
        cov = f"reached {len(bm.reached)}/{bm.total} branches"
        if state["mutants"]:
            cov += f" ({state['mutants']} coverage-guided mutants)"
        uncovered = bm.uncovered()
        if uncovered and out["verdict"] in ("equivalent", "fixed", "intended"):
            shown = ", ".join(b.describe() for b in uncovered[:3]) + (" ..." if len(uncovered) > 3 else "")
            cov += f"; not reached: {shown}"
        out["note"] = f"{out['note']}; {cov}" if out.get("note") else cov
    world = environment.describe(state["used"])
    if world:
        out["note"] = f"{out['note']}; {world}" if out.get("note") else world
    return out



_ARG_AFTER = re.compile(r"argument (\d+) after the call")


def _counterexample(call: inp.Call, found: Mismatch, b: Outcome, a: Outcome, plan: inp.CallPlan) -> dict[str, Any]:
    """The call, what each version did, the mutated argument after the call, and where the inputs came from."""
    names = call.passed_names()
    where = found.where
    args_after: dict[str, dict[str, str]] = {}
    m = _ARG_AFTER.search(where)
    if m:
        k = int(m.group(1)) - 1
        name = names[k] if k < len(names) else "self"
        where = where.replace(m.group(0), f"{name} after the call")
        for side, outcome in (("before", b), ("after", a)):
            if k < len(outcome.args_after):
                args_after[side] = {name: inp.short_repr(outcome.args_after[k])}
    origin = {"edge case": "a fixed edge case", "coverage mutation": "a coverage-guided mutant (not shrunk)",
              "generated": "generated by Hypothesis, shrunk"}.get(call.origin, call.origin)
    cx: dict[str, Any] = {"args": call.shown(), "where": where, "before": b.shown(), "after": a.shown(),
                          "origin": f"{origin}; {plan.describe()}" if plan.describe() else origin}
    if args_after:
        cx["args_after"] = args_after
    return cx


def intended_example(call: inp.Call, b: Outcome, a: Outcome, plan: inp.CallPlan, where: str) -> dict[str, Any]:
    """The first call that showed the announced effect, shown like a counterexample."""
    return _counterexample(call, Mismatch(where, b.shown(), a.shown()), b, a, plan)
