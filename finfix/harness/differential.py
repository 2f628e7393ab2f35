"""One function, two versions, many inputs: the verdict and its evidence.

Runs inside the worker process. For each drawn call, both versions run twice on fresh copies of the
arguments (the second call exposes state shared between calls, such as a mutable default). Hypothesis
drives the inputs and shrinks the first difference it finds to a small counterexample.

numba kernels are compiled once per signature before the examples run, so the examples measure calls,
not compilation. A kernel with ``prange`` under ``parallel=True`` is compared through its sequential
meaning (the same function built with ``parallel=False``), and the parallel build is also run several
times on large inputs: when those runs disagree, the note says "race observed in the original".
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from finfix.harness import intent, verdict
from finfix.harness import inputs as inp
from finfix.harness.body import analyse
from finfix.harness.branches import BranchMap, branch_map
from finfix.harness.compare import Comparer, Mismatch, Outcome, invoke, removed_api, snapshot
from finfix.harness.explore import explore, shrink

MAX_FRESH = 5_000  # fresh copies of the original per function, when it keeps state between calls
FRESH_BUDGET_SECONDS = 5.0  # ... and the time they may take (a fresh module recompiles its kernels)
RACE_MIN_RUNS = 8
RACE_MAX_RUNS = 400
RACE_BUDGET_SECONDS = 1.0  # a race shows up only when threads overlap: keep trying for this long
# A parallel reduction adds in another order than the loop: on a million elements its sum can be some
# thousand ulps from the sequential one. A race's answer is off by far more (a lost update, another
# iteration's value).
REDUCTION_ULPS = 1 << 24


@dataclass
class Side:
    """One version of the function, ready to call with a drawn :class:`Call`."""

    fn: Callable  # the function, the sequential build, or the unbound method
    cls: type | None = None  # for instance methods: the class to build `self` from
    name: str = ""

    def __call__(self, call: inp.Call) -> Outcome:
        args, kwargs = call.split()
        if self.cls is None:
            if inp.is_dispatcher(self.fn):
                _poison(args)
            return invoke(self.fn, args, kwargs)
        init_args, init_kwargs = call.init.split() if call.init else ([], {})
        made = invoke(self.cls, init_args, init_kwargs)
        if made.raised:
            return made
        instance = made.value
        out = invoke(getattr(instance, self.name), args, kwargs)
        if not out.raised:
            out.args_after = (*out.args_after, snapshot(instance))
        return out


_POISON: list[Any] = []


def _poison(args: list[Any]) -> None:
    """Leave the allocator's free blocks full of a sentinel before a kernel runs.

    A kernel that reads an ``np.empty`` element it never wrote would otherwise often read what the
    previous call left in the same block (the other version's answer), and look equivalent.
    """
    sizes = [a.nbytes for a in args if isinstance(a, np.ndarray)]
    if not sizes:
        return
    if not _POISON:
        import numba

        @numba.njit
        def fill(nbytes: int) -> None:
            for k in (8, 16, 32, 64, 128):  # blocks of the sizes the kernel may ask for
                block = np.empty(max(nbytes, 8) // 8 * k // 16 + 1, dtype=np.float64)
                block[:] = -7.7e77
        _POISON.append(fill)
    for n in set(sizes):
        _POISON[0](n)


class _Different(Exception):
    pass


class _OutOfTime(Exception):
    """The function's share of the time budget is spent: stop generating, keep the verdict so far."""


def resolve(module: Any, qualname: str) -> Any:
    obj = module
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def uses_prange(fn: Callable) -> bool:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    return any(
        (isinstance(n, ast.Name) and n.id == "prange") or (isinstance(n, ast.Attribute) and n.attr == "prange")
        for n in ast.walk(tree)
    )


def sequential_build(disp: Any) -> Any:
    import numba

    options = {k: v for k, v in disp.targetoptions.items() if k not in ("cache", "parallel", "nopython")}
    return numba.njit(parallel=False, **options)(disp.py_func)


def sequentialize(module: Any) -> dict[str, Any]:
    """Swap the module's ``parallel=True`` kernels for their sequential builds; return the originals.

    Callers in the module then run the sequential meaning too, so a Python function that calls a racy
    kernel is compared deterministically (and a parallel reduction's order does not show as ULPs).
    Builds compile lazily, on first call.
    """
    originals: dict[str, Any] = {}
    for name, obj in list(vars(module).items()):
        if (
            inp.is_dispatcher(obj)
            and obj.targetoptions.get("parallel")
            and getattr(obj.py_func, "__module__", None) == module.__name__
        ):
            originals[name] = obj
            setattr(module, name, sequential_build(obj))
    return originals


def verify_function(
    before: Any, after: Any, qualname: str, *, dotted: str, examples: int, ulps: int,
    user: dict[str, dict[str, Any]], recorded: dict[str, list], load_seconds: float,
    reload_before: Callable[[], Any] | None = None,
    parallel: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
    budget: float = 60.0,
    race_witness: str = "",
    effects: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "function": qualname, "verdict": "skipped", "examples": 0, "max_ulp": 0, "counterexample": None,
        "note": "", "compile_seconds": 0.0, "examples_seconds": 0.0, "race_seconds": 0.0,
        "load_seconds": round(load_seconds, 3),
        "inputs": "",
    }
    fb, fa = resolve(before, qualname), resolve(after, qualname)
    if fb is None or fa is None:
        record["note"] = f"not found in the {'before' if fb is None else 'after'} version"
        return record
    started = time.perf_counter()
    notes: list[str] = []
    owner = resolve(before, qualname.rsplit(".", 1)[0]) if "." in qualname else None
    raw = inspect.getattr_static(owner, qualname.rsplit(".", 1)[-1]) if isinstance(owner, type) else fb
    user_params = inp.lookup(user, dotted, qualname)
    is_method = isinstance(owner, type) and not isinstance(raw, (staticmethod, classmethod))
    plain = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    parallel_before = parallel_after = False

    if inp.is_dispatcher(fb):
        if not inp.is_dispatcher(fa):
            notes.append("the after version is no longer compiled by numba")
        params = inp.parameters(fb.py_func, skip_first=False)
        plan = inp.plan_numba(fb, params, user=user_params, recorded=recorded.get(f"{dotted}.{qualname}"))
        par_b, par_a = parallel[0].get(qualname), parallel[1].get(qualname)
        parallel_before, parallel_after = par_b is not None, par_a is not None
        side_b, side_a = Side(fb), Side(fa)  # sequential builds when the module had prange kernels
        if parallel_before:
            notes.append("original compared through its sequential meaning (parallel=False build)")
        if parallel_after:
            notes.append("the rewrite keeps parallel=True: compared through its sequential meaning too")
        _compile(plan, [fb, fa, *[d for d in (par_b, par_a) if d is not None]])
    elif callable(plain) and not isinstance(plain, type):
        if inp.is_dispatcher(fa):
            notes.append("the after version is compiled by numba, the before is not")
        params = inp.parameters(plain, skip_first=is_method or isinstance(raw, classmethod))
        if is_method:
            side_b = Side(None, owner, qualname.rsplit(".", 1)[-1])  # type: ignore[arg-type]
            owner_after = resolve(after, qualname.rsplit(".", 1)[0])
            side_a = Side(None, owner_after, side_b.name)  # type: ignore[arg-type]
        else:
            side_b, side_a = Side(fb), Side(fa)
        init_plan = None
        if is_method:
            init = owner.__init__
            init_params = inp.parameters(init, skip_first=True) if init is not object.__init__ else []
            init_plan = inp.plan_python(init, init_params, user=inp.lookup(user, dotted, owner.__name__), call=None)

        texts = (_source(plain), _source(resolve(after, qualname)))

        def fits(call: inp.Call) -> bool:
            """The before version returns; or it fails on a removed API and the rewrite returns."""
            out = side_b(call)
            if out.raised is None:
                return True
            return bool(removed_api(out, *texts)) and side_a(call).raised is None

        plan = inp.plan_python(plain, params, user=user_params, call=None)
        plan.init = init_plan
        if any(p.source == "guess" for p in plan.params):
            inp.trial_python(plan, [i for i, p in enumerate(plan.params) if p.source == "guess"], fits)
    else:
        record["note"] = f"not a function ({type(fb).__name__})"
        return record

    record["inputs"] = plan.describe()
    record["compile_seconds"] = round(time.perf_counter() - started, 3)
    fresh = None
    if reload_before is not None and not inp.is_dispatcher(fb):

        def fresh() -> Side | None:
            module = reload_before()
            if side_b.cls is not None:
                return Side(None, resolve(module, qualname.rsplit(".", 1)[0]), side_b.name)  # type: ignore[arg-type]
            fn = resolve(module, qualname)
            return Side(fn) if fn is not None else None

    target_fn = fb.py_func if inp.is_dispatcher(fb) else plain
    probe = Probe(
        branches=branch_map(target_fn),
        trace=(lambda call: invoke(fb.py_func, *call.split())) if inp.is_dispatcher(fb) else None,
        before_text=_source(target_fn),
        after_text=_source(getattr(fa, "py_func", fa)),
        literals={n: h.literals for n, h in analyse(target_fn).params.items() if h.literals},
        effects=list(effects or []),
    )
    result = _run_examples(plan, side_b, side_a, examples=examples, ulps=ulps, fresh_before=fresh,
                           budget=budget, probe=probe)
    record.update(result)
    if result.get("note"):
        notes.append(result["note"])
    if inp.is_dispatcher(fb) and (parallel_before or parallel_after):
        t = time.perf_counter()
        big = inp.large_call(plan)
        raced = big is not None and par_b is not None and uses_prange(par_b.py_func) and _races(Side(par_b), big, side_b)
        if raced:
            notes.append("race observed in the original")
        elif par_b is not None and race_witness:  # the threads did not overlap here; the records show it
            raced = True
            notes.append(f"race observed in the original's recorded accesses ({race_witness}); "
                         "its parallel runs agreed here")
        if big is not None:
            if par_a is not None and uses_prange(par_a.py_func) and _races(Side(par_a), big, side_a):
                if raced:  # the race is the original's: the rewrite keeps it, it does not add one
                    notes.append("race observed in the rewrite too")
                else:
                    notes.append("race observed in the rewrite")
                    if record["verdict"] == "equivalent":
                        record["verdict"] = "different"
        record["race_seconds"] = round(time.perf_counter() - t, 3)
    record["note"] = "; ".join(n for n in notes if n)
    return record


def _source(fn: Any) -> str:
    fn = getattr(fn, "py_func", fn)
    fn = getattr(fn, "__func__", fn)
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return ""


def _compile(plan: inp.CallPlan, dispatchers: list[Any]) -> None:
    kinds = [p.kind for p in plan.params]
    if not all(kinds) or any(p.source == "user strategy" for p in plan.params):
        return  # compiled on first call
    argtypes = tuple(inp.numba_type(k) for k in kinds)  # type: ignore[arg-type]
    for d in dispatchers:
        try:
            d.compile(argtypes)
        except Exception:
            pass  # the call raises the same error, and the comparison reports it


def _races(side: Side, call: inp.Call, sequential: Side | None = None) -> bool:
    """Whether repeated parallel runs on the same large input disagree, or the parallel build's answer
    is not its sequential meaning's beyond rounding. The second catches races whose outcome is the same
    in every run (a scalar written in every iteration keeps the last chunk's value, not the last
    iteration's) and lost updates on a machine too busy for the threads to overlap twice alike."""
    first = side(call)
    if first.raised:
        return False
    if sequential is not None:
        meant = sequential(call)
        if not meant.raised and Comparer(REDUCTION_ULPS).outcomes(meant, first) is not None:
            return True
    cmp = Comparer(0)
    deadline = time.perf_counter() + RACE_BUDGET_SECONDS
    for run in range(1, RACE_MAX_RUNS):
        if cmp.outcomes(first, side(call)) is not None:
            return True
        if run >= RACE_MIN_RUNS and time.perf_counter() > deadline:
            break
    return False


def _unstable(first: Outcome, second: Outcome, ulps: int) -> bool:
    return Comparer(ulps).outcomes(first, second) is not None


def _stateful(b1: Outcome, b2: Outcome, a1: Outcome, a2: Outcome, ulps: int) -> bool:
    """The original answered the same call twice differently, and the rewrite did not."""
    return Comparer(ulps).outcomes(b1, b2) is not None and Comparer(ulps).outcomes(a1, a2) is None


@dataclass
class Probe:
    """What the examples are measured against: the before function's branches, and the texts of both
    versions (to recognise a removed-API fix)."""

    branches: BranchMap | None = None
    trace: Callable[[inp.Call], Any] | None = None  # runs the before version as Python, for coverage
    before_text: str = ""
    after_text: str = ""
    literals: dict[str, list[Any]] = field(default_factory=dict)
    effects: list[dict[str, Any]] = field(default_factory=list)  # what the fixes in the function announce


def _run_examples(
    plan: inp.CallPlan, side_b: Side, side_a: Side, *, examples: int, ulps: int,
    fresh_before: Callable[[], Side | None] | None = None, budget: float = 60.0, probe: Probe | None = None,
) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings
    from hypothesis.errors import Flaky

    probe = probe or Probe()
    bm = probe.branches
    cmp = Comparer(ulps)
    state = verdict.new_state()
    corpus: list[inp.Call] = []

    def run_before(call: inp.Call) -> Outcome:
        """The before version, with its branches measured (in the same call for Python functions)."""
        if bm is None or len(bm.reached) >= bm.total:  # nothing left to find: no tracing cost
            return side_b(call)
        if probe.trace is not None:  # a kernel: its py_func runs as Python for the coverage
            new = bm.run(lambda: probe.trace(call))
            out = side_b(call)
        else:
            box: list[Outcome] = []
            new = bm.run(lambda: box.append(side_b(call)))
            out = box[0] if box else side_b(call)
        if new:
            corpus.append(call)  # mutated after Hypothesis's calls (its target phase is off: minutes on bool arrays)
        return out

    def check(call: inp.Call) -> None:
        if time.perf_counter() > deadline:
            raise _OutOfTime
        state["count"] += 1
        ulp_before = cmp.max_ulp  # an announced difference's values are not rounding: kept out of max ULP
        b1, a1 = run_before(call), side_a(call)
        b2, a2 = side_b(call), side_a(call)
        for o in (b1, a1, b2, a2):
            state["used"] |= o.used
        found, shown = cmp.outcomes(b1, a1), (b1, a1)
        if found is None:
            second = cmp.outcomes(b2, a2)
            if second is not None:
                found, shown = Mismatch("second call: " + second.where, second.before, second.after), (b2, a2)
        if b1.raised and b1.raised == b2.raised and removed_api(b1, probe.before_text, probe.after_text):
            # The original fails on an API today's libraries removed, and the rewrite no longer uses it.
            state["fixed"] += 1
            state["fixed_error"] = state["fixed_error"] or f"{b1.raised}: {b1.message}"[:160]
            state["fixed_returned"] += a1.raised is None
            state["raised"].add(b1.raised)
            return
        if found is not None and _unstable(b1, b2, ulps) and _unstable(a1, a2, ulps):
            state["nondeterministic"] += 1  # both versions answer the same call differently each time
            found = None
        if found is not None and probe.effects:
            match = _announced(call, b1, a1, b2, a2)
            if match is not None:
                cmp.max_ulp = ulp_before
                counts = state["effect_fixed" if match.verdict == "fixed" else "intended_matches"]
                key = next((k for k in counts if k[:2] == (match.code, match.text)), (match.code, match.text, match.detail))
                counts[key] = counts.get(key, 0) + 1  # shown with the first call's detail
                if match.verdict == "fixed":
                    return
                state["intended"] += 1
                if state["intended_example"] is None:
                    state["intended_example"] = verdict.intended_example(call, b1, a1, plan, found.where)
                found = None
        if (found is not None and fresh_before is not None and state["fresh"] < MAX_FRESH
                and state["fresh_seconds"] < FRESH_BUDGET_SECONDS):
            t0 = time.perf_counter()
            # State left by earlier calls (a mutable default, a module global) can make the original
            # differ from itself: the rewrite is held to what a freshly loaded original does.
            fresh = fresh_before()
            if fresh is not None:
                state["fresh"] += 1
                f1, f2 = fresh(call), fresh(call)
                again = Comparer(ulps).outcomes(f1, a1)
                again2 = Comparer(ulps).outcomes(f2, a2) if again is None else None
                if again is None and (again2 is None or _stateful(f1, f2, a1, a2, ulps)):
                    state["shared"] += 1
                    found = None
                elif Comparer(ulps).outcomes(f1, b1) is None and Comparer(ulps).outcomes(f2, b2) is None:
                    pass  # the fresh original agrees with the loaded one: no state involved
                else:
                    miss = again or again2
                    prefix = "" if again else "second call: "
                    found = Mismatch(f"{prefix}{miss.where} (against a freshly loaded original)",  # type: ignore[union-attr]
                                     miss.before, miss.after)  # type: ignore[union-attr]
                    shown = (f1, a1) if again else (f2, a2)
            state["fresh_seconds"] += time.perf_counter() - t0
        elif found is not None and _stateful(b1, b2, a1, a2, ulps):
            state["shared"] += 1  # no fresh copy to compare with: the original is not repeatable, the rewrite is
            state["unchecked"] += 1
            found = None
        if b1.raised is None:
            state["returned"] += 1
        else:
            state["raised"].add(b1.raised)
        if found is not None:
            state["failure"] = (call, found, *shown)
            raise _Different(str(found))

    def _announced(call: inp.Call, b1: Outcome, a1: Outcome, b2: Outcome, a2: Outcome) -> intent.Match | None:
        """The fix's announced effect, when it is the whole difference on both calls."""
        args, kwargs = call.split()
        passed = [*args, *kwargs.values()]
        first = intent.classify(b1, a1, probe.effects, passed, ulps)
        if first is None:
            return None
        if cmp.outcomes(b2, a2) is None:
            return first
        second = intent.classify(b2, a2, probe.effects, passed, ulps)
        return first if second is not None and second.verdict == first.verdict else None

    @settings(
        max_examples=examples, database=None, deadline=None, derandomize=True, report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet, print_blob=False,
    )
    @given(inp.calls(plan))
    def prop(call: inp.Call) -> None:
        check(call)

    for edge in reversed(inp.edge_calls(plan)):
        prop = example(edge)(prop)
    started = time.perf_counter()
    deadline = started + budget
    note = ""
    try:
        prop()
        if bm is not None:
            state["mutants"] = explore(corpus, check, lambda: len(bm.reached), bm.total, deadline=deadline,
                                       literals=probe.literals, limit=max(examples * 4, 200))
    except _Different:
        failing = state["failure"][0]
        if failing.origin != "generated":  # Hypothesis shrank its own; edge cases and mutants get a greedy pass

            def fails(candidate: inp.Call) -> bool:
                try:
                    check(candidate)
                except _Different:
                    return True
                except _OutOfTime:
                    return False
                return False

            kept = state["failure"]
            shrink(failing, fails)
            if state["failure"] is None:
                state["failure"] = kept
    except _OutOfTime:
        note = f"stopped after {budget:.0f}s (its share of --timeout): {state['count']} examples"
        state["failure"] = None
    except Flaky as exc:
        if all(isinstance(e, _OutOfTime) for e in getattr(exc, "exceptions", ()) or [None]):
            # the budget ran out inside a Hypothesis run, whose replay then "passed": out of time, not flaky
            note = f"stopped after {budget:.0f}s (its share of --timeout): {state['count']} examples"
            state["failure"] = None
        elif state["failure"] is not None and _unstable_rewrite(state["failure"][0], side_b, side_a, cmp):
            note = "the rewrite answers this call differently from run to run, the original does not (uninitialised memory?)"
        else:
            note = "nondeterministic: the difference did not reproduce on replay (time, randomness, threads?)"
            state["flaky"] = True
    elapsed = time.perf_counter() - started
    return verdict.decide(state, note, plan, bm, examples_seconds=elapsed, max_ulp=cmp.max_ulp)


def _unstable_rewrite(call: inp.Call, side_b: Side, side_a: Side, cmp: Comparer, runs: int = 5) -> bool:
    """The original answers ``call`` the same every time, and the rewrite differs from it at least once."""
    first = side_b(call)
    if any(cmp.outcomes(first, side_b(call)) is not None for _ in range(runs)):
        return False
    return any(cmp.outcomes(first, side_a(call)) is not None for _ in range(runs))
