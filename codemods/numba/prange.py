"""FX001 numba-prange-race and FX005 numba-parallel-without-prange.

How the two cooperate: FX001 owns every edit. When it sequentialises the last `prange` loop of a
function, the same fix drops `parallel=True` from the decorator (a function is never left half-fixed,
and `--select FX001` alone gives the complete fix). FX005 runs right after FX001 on the tree FX001
left and only reports: `parallel=True` set through a shared dict (`@jit(**JIT_SETTINGS)`) on a
function with no `prange` left, a function written with `parallel=True` and only `range` loops, and
`prange` in a function compiled without `parallel=True`. FX005 does not remove `parallel=True` on its
own: without `prange`, numba still parallelises array expressions, so removing it can slow down
correct code.
"""

from __future__ import annotations

import json

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import PositionProvider, QualifiedNameProvider

from finfix.sdk.numba.decorators import PRANGE, drop_keyword, jit_decorator, module_dicts, option, parallel_state
from finfix.sdk.numba import witness
from finfix.sdk.numba.race_forms import RACE_FREE, RACY, UNPROVEN, Verdict
from finfix.sdk.numba.witness import Witness
from finfix.sdk.numba.races import Resolver, analyse_loop
from finfix.sdk.names import code_of, qualified_names
from finfix.sdk.rule import Rule, Safety

from finfix.codemods.numba.parallel_flag import ParallelWithoutPrange
from finfix.codemods.numba.prange_examples import FX001_EXAMPLES


__all__ = ["PrangeRace", "ParallelWithoutPrange"]  # FX005 is registered from here


def _is_prange_loop(rule: Rule, node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.For)
        and isinstance(node.iter, cst.Call)
        and bool(qualified_names(rule, node.iter.func) & set(PRANGE))
    )


def _prange_loops(rule: Rule, fn: cst.FunctionDef) -> list[tuple[cst.For, cst.For | None]]:
    """The prange loops of ``fn`` itself (not of nested functions), outermost first, each with the
    prange loop it is nested in, if any."""
    found: list[tuple[cst.For, cst.For | None]] = []
    stack: list[cst.For] = []

    class V(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_For(self, node: cst.For) -> None:
            if _is_prange_loop(rule, node):
                found.append((node, stack[-1] if stack else None))
                stack.append(node)

        def leave_For(self, node: cst.For) -> None:
            if stack and stack[-1] is node:
                stack.pop()

    fn.body.visit(V())
    return found


class PrangeRace(Rule):
    """## What it does
    Finds `for i in prange(...)` loops (`numba.prange` under any import form or alias) in functions
    compiled by `@njit`/`@jit` with `parallel=True`, and runs a static race analysis over each loop
    body, including nested `range` loops and the bodies of jitted functions of the same module that the
    loop calls (with their parameters bound to the caller's arguments).

    * **racy** loops are rewritten `prange` -> `range`, but only with a **witness**: the kernel's
      pure-Python version (decorators stripped, what `kernel.py_func` runs) is run on generated inputs
      in a child process, with the blamed array's reads and writes recorded per iteration, until two
      iterations touch one element ("with b=[0, 0], nbins=2: iteration i=0 writes h[0], which iteration
      i=1 also writes"). The witness is in the message, and in full under `witness` in the JSON output.
      When no `prange` is left in the function, `parallel=True` is dropped from its decorator in the
      same fix, and an unused `prange` import is removed (`import numba` stays).
    * **race-free** loops stay parallel and are not reported.
    * **unproven** loops (a callee finfix cannot see, a chunked loop whose chunks it cannot prove
      disjoint, a statement it does not analyse) and suspected races with no witness within the search
      budget stay parallel and are reported with the reason.

    Conditions that do not depend on the loop (`if idx % 2 == 0:` on a parameter) are analysed one
    outcome at a time: what one branch does never meets what the other does, since every iteration
    takes the same branch. Where every index of an array is affine, an exact integer test (ISL, with
    the optional `finfix[exact]` extra) decides whether two iterations can meet
    (see docs/dependence-test.md).

    The finding names the racy statement and shows a parallel-safe alternative (a scalar or whole-array
    reduction, a per-chunk histogram). Options under `[tool.finfix.FX001]`: `sequentialize-all = true`
    applies the audit's blanket fix to every `prange` loop instead (no witness needed);
    `report-race-free = true` also reports each race-free loop with the reason it was proven safe;
    `witness-budget` (seconds per loop, default 2.0; 0 turns the search, and so every rewrite, off).

    Proven race-free: every write to an outer array has, at some index position, the same injective
    function of `i` in every access to that array (`out[i]`, `out[i, j]`, `out[k, i]`, `out[i + c]`,
    `out[c - i]`, `out[2 * i]`, a body-local name bound to such an expression, a view `row = X[i]`, a
    callee parameter bound to `i`); arrays allocated in the body; numba reductions on outer names
    (`s += e`, `-=`, `*=`, `/=`, `s = s + e`, `s = max(s, e)`, `acc += row`) with one operator per name.

    ## Why is this bad?
    Iterations of a `prange` loop run on different threads. Numba privatises reduction variables, but
    any other write to shared memory from several iterations is a data race that numba does not
    diagnose: on numba 0.68, `out[0] += x[i]` returned 24949.6 instead of 50043.1, and a histogram
    `h[b[i]] += 1` over 1,000,000 items counted 624802.

    ## Example
    ```python
    @njit(parallel=True)
    def volume_profile(price, qty, lo, width, nbins):
        h = np.zeros(nbins)
        for i in prange(price.shape[0]):
            b = int((price[i] - lo) / width)
            h[b] += qty[i]
        return h
    ```
    becomes `for i in range(price.shape[0]):` and `@njit`.

    ## Fix safety
    Safe: a loop run with `range` computes exactly what the function computes when its iterations run
    one after another, which is what `kernel.py_func` computes. It may be slower: the finding shows how
    to make the loop parallel again without the race. The witness search runs the module's functions
    (and its numpy, numba, math and standard-library imports and simple module-level assignments, with
    numba replaced by a stub; nothing else at module level) in a subprocess with a timeout. Checked with
    numba 0.68 and numpy 2.4.

    ## Known problems
    Distinct array names are assumed not to alias (`f(x, x)`, `v = X[:, 0]` then `v[i]` and `X[i, 0]`).
    Chunked loops (`for j in range(c * k, (c + 1) * k)`, CSR row segments) are reported as unproven;
    flattened indices (`i * m + j`) are suspected and reported (no run finds a conflict), not rewritten.
    A real race whose inputs the search cannot build (a kernel that needs a typed dict, a callee from
    another module) is reported, not rewritten. Only decorators are seen: `njit(parallel=True)(f)` is
    not analysed. Race-free loops are not reported at all, so `finfix check` stays quiet on correct
    parallel code.
    """

    code = "FX001"
    name = "numba-prange-race"
    summary = "Rewrite racy numba prange loops to range; leave proven race-free ones parallel."
    safety = Safety.SAFE
    requires = ("numba",)  # prange, njit and jit all come from numba
    triggers = ("prange",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)
    options = {"sequentialize-all": False, "report-race-free": False, "witness-budget": witness.DEFAULT_BUDGET}
    examples = FX001_EXAMPLES

    # -- visiting --------------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._functions = {s.name.value: s for s in node.body if isinstance(s, cst.FunctionDef)}
        self._dicts = module_dicts(node)
        self._resolver = Resolver(lambda n: qualified_names(self, n), self._functions)
        self._rewrite: set[cst.For] = set()
        self._drop: dict[cst.FunctionDef, cst.Decorator] = {}
        self._applied = False
        self._verdicts: dict[cst.FunctionDef, dict[cst.For, Verdict]] = {}
        self._found: dict[cst.For, Witness] = {}
        # The module's functions first, so that one witness search (one child process) serves them all.
        requests = []
        for fn in self._functions.values():
            dec = jit_decorator(self, fn)
            if dec is None or parallel_state(dec.call, self._dicts) == "no":
                continue
            loops = _prange_loops(self, fn)
            verdicts = self._verdicts[fn] = {loop: analyse_loop(loop, fn, self._resolver) for loop, _ in loops}
            requests += [witness.Request(fn, loop, verdicts[loop]) for loop in _searchable(loops, verdicts)]
        if not self.option("sequentialize-all"):
            self._found = self._search(requests)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        dec = jit_decorator(self, node)
        if dec is None or parallel_state(dec.call, self._dicts) == "no":
            return
        loops = _prange_loops(self, node)
        if not loops:
            return
        blanket = bool(self.option("sequentialize-all"))
        verdicts = self._verdicts.get(node)
        if verdicts is None:  # a function the module-level pass did not see (nested, a method)
            verdicts = {loop: analyse_loop(loop, node, self._resolver) for loop, _ in loops}
            if not blanket:
                self._found |= self._search([witness.Request(node, loop, verdicts[loop])
                                             for loop in _searchable(loops, verdicts)])
        witnesses = {} if blanket else self._witnesses(verdicts)
        fixable = {loop for loop, v in verdicts.items() if blanket or (v.status == RACY and witnesses[loop].found)}
        opt = option(dec.call, "parallel", self._dicts)
        parallel_kw = opt.arg  # None when parallel=True comes from a `**dict`
        all_go = len(fixable) == len(loops)
        if all_go and parallel_kw is not None:
            shown = code_of(dec.call.func if dec.call is not None else dec.decorator.decorator).strip()
            tail = f", and removes `parallel=True` from the `@{shown}` decorator because no `prange` loop is left"
        elif all_go and opt.dict_name:
            tail = f"; `parallel=True` comes from the shared `{opt.dict_name}` and stays (FX005 reports it)"
        else:
            tail = ""
        fixed: set[cst.For] = set()
        for loop, outer in loops:
            if outer is not None and outer not in fixed:
                continue  # nested in a loop that stays parallel: numba runs it serially
            verdict = verdicts[loop]
            if loop in fixable and self._report_fix(loop, verdict, witnesses.get(loop), tail):
                fixed.add(loop)
            elif verdict.status == RACY and loop not in fixable:
                self._report_no_witness(loop, verdict, witnesses[loop])
            elif verdict.status == UNPROVEN and loop not in fixable:
                self._report_unproven(loop, verdict)
            elif loop not in fixable and self.option("report-race-free"):
                self.report(loop, f"`prange` loop is race-free and stays parallel: {verdict.reason}.",
                            reason="nothing to fix; reported because `report-race-free` is set")
        self._rewrite |= fixed
        if fixed:
            self._applied = True
        if fixed and len(fixed) == len(loops) and parallel_kw is not None:
            self._drop[node] = dec.decorator

    def _search(self, requests: list[witness.Request]) -> dict[cst.For, Witness]:
        budget = float(self.option("witness-budget"))
        if not requests or budget <= 0:
            return {}
        return {r.loop: w for r, w in zip(requests, witness.search(self.module, requests, budget=budget))}

    def _witnesses(self, verdicts: dict[cst.For, Verdict]) -> dict[cst.For, Witness]:
        """The witness of each racy loop, or why there is none."""
        out = {}
        for loop, v in verdicts.items():
            if v.status != RACY:
                continue
            if loop in self._found:
                out[loop] = self._found[loop]
            elif float(self.option("witness-budget")) <= 0:
                out[loop] = Witness(False, why_not="the witness search is off (`witness-budget = 0`)")
            else:
                out[loop] = Witness(False, why_not="its outer loop stays parallel")
        return out

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        if original_node in self._rewrite and isinstance(updated_node.iter, cst.Call):
            return updated_node.with_changes(iter=updated_node.iter.with_changes(func=cst.Name("range")))
        return updated_node

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        dec = self._drop.get(original_node)
        if dec is None:
            return updated_node
        at = next(k for k, d in enumerate(original_node.decorators) if d is dec)
        decorators = list(updated_node.decorators)
        decorators[at] = drop_keyword(decorators[at], "parallel")
        return updated_node.with_changes(decorators=decorators)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._applied:
            return updated_node
        for asname in _prange_imports(original_node):
            # RemoveImportsVisitor re-resolves scopes over the whole file: only queue it when the name
            # may have become unused (no prange loop of it is left)
            local = asname or "prange"
            if not m.findall(updated_node, m.For(iter=m.Call(func=m.Name(local)))):
                RemoveImportsVisitor.remove_unused_import(self.context, "numba", "prange", asname)
        return updated_node

    # -- findings --------------------------------------------------------------------------------------
    def _line(self, node: cst.CSTNode | None) -> str:
        if node is None:
            return "?"
        try:
            return str(self.get_metadata(PositionProvider, node).start.line)
        except KeyError:
            return "?"

    def _report_fix(self, loop: cst.For, verdict: Verdict, found: Witness | None, tail: str) -> bool:
        if verdict.status == RACY and found is not None and found.found:
            where = f"line {self._line(verdict.statement)}"
            when = f" when {verdict.scenario}" if verdict.scenario else ""
            message = (
                f"`prange` loop races at {where} (`{verdict.text}`){when}: {verdict.reason}; witness: "
                f"{found.summary}; the fix runs the loop with `range`{tail}."
            )
            return self.report(loop, message, fix=Safety.SAFE, reason=verdict.suggestion,
                               witness=_witness_json(found))
        why = "proven race-free" if verdict.status == RACE_FREE else f"{verdict.status}: {verdict.reason}"
        message = f"`prange` loop: `sequentialize-all` is set, so the fix runs it with `range` ({why}){tail}."
        reason = "this loop is correct in parallel; sequentialising it only makes it slower" if (
            verdict.status == RACE_FREE) else ""
        return self.report(loop, message, fix=Safety.SAFE, reason=reason)

    def _report_no_witness(self, loop: cst.For, verdict: Verdict, found: Witness) -> None:
        self.report(
            loop,
            f"`prange` loop left parallel: finfix cannot prove the race it suspects at line "
            f"{self._line(verdict.statement)} (`{verdict.text}`), where {verdict.reason}, because no run "
            f"found a witness ({found.why_not}).",
            reason="finfix rewrites a loop only when a run of its pure-Python version shows two iterations "
            "touching one element; check this one by hand, or set `sequentialize-all`",
        )

    def _report_unproven(self, loop: cst.For, verdict: Verdict) -> None:
        where = f"line {self._line(verdict.statement)}: `{verdict.text}`: " if verdict.text else ""
        self.report(
            loop,
            f"`prange` loop left parallel: finfix cannot prove it race-free ({where}{verdict.reason}).",
            reason="finfix only rewrites loops it proves racy; check this one by hand, or set "
            "`sequentialize-all` to run every prange loop serially",
        )


def _searchable(loops: list[tuple[cst.For, cst.For | None]], verdicts: dict[cst.For, Verdict]) -> list[cst.For]:
    """The racy loops that could be rewritten: not nested in a loop that stays parallel."""
    racy = {loop for loop, v in verdicts.items() if v.status == RACY}
    return [loop for loop, outer in loops if loop in racy and (outer is None or outer in racy)]


def _witness_json(found: Witness) -> str:
    return json.dumps({"text": found.summary, **found.detail}, sort_keys=True)


def _prange_imports(module: cst.Module) -> list[str | None]:
    """The `as` names of `from numba import prange [as x]` at module level."""
    found: list[str | None] = []
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if (
                isinstance(small, cst.ImportFrom)
                and isinstance(small.module, cst.Name)
                and small.module.value == "numba"
                and not isinstance(small.names, cst.ImportStar)
            ):
                for alias in small.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == "prange":
                        found.append(alias.evaluated_alias)
    return found
