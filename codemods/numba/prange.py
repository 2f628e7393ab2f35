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

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import PositionProvider, QualifiedNameProvider

from finfix.sdk.numba.decorators import PRANGE, drop_keyword, jit_decorator, module_dicts, option, parallel_state
from finfix.sdk.numba.race_forms import RACY, UNPROVEN, Verdict
from finfix.sdk.numba.races import Resolver, analyse_loop
from finfix.sdk.names import code_of, qualified_names
from finfix.sdk.rule import Example, Rule, Safety


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

    * **racy** loops are rewritten `prange` -> `range`. When no `prange` is left in the function,
      `parallel=True` is dropped from its decorator in the same fix, and an unused `prange` import is
      removed (`import numba` stays).
    * **race-free** loops stay parallel and are not reported.
    * **unproven** loops (a callee finfix cannot see, a chunked loop whose chunks it cannot prove
      disjoint, a statement it does not analyse) stay parallel and are reported with the reason.

    The finding names the racy statement and shows a parallel-safe alternative (a scalar or whole-array
    reduction, a per-chunk histogram). Options under `[tool.finfix.FX001]`: `sequentialize-all = true`
    applies the audit's blanket fix to every `prange` loop instead; `report-race-free = true` also
    reports each race-free loop with the reason it was proven safe.

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
    to make the loop parallel again without the race.

    ## Known problems
    Distinct array names are assumed not to alias (`f(x, x)`, `v = X[:, 0]` then `v[i]` and `X[i, 0]`).
    Chunked loops (`for j in range(c * k, (c + 1) * k)`, CSR row segments) are reported as unproven;
    flattened indices (`i * m + j`) and writes to `y[2 * i]` plus `y[2 * i + 1]` count as racy, though
    they are disjoint. Only decorators are seen: `njit(parallel=True)(f)` is not analysed. Race-free
    loops are not reported at all, so `finfix check` stays quiet on correct parallel code.
    """

    code = "FX001"
    name = "numba-prange-race"
    summary = "Rewrite racy numba prange loops to range; leave proven race-free ones parallel."
    safety = Safety.SAFE
    requires = ("numba",)  # prange, njit and jit all come from numba
    triggers = ("prange",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)
    options = {"sequentialize-all": False, "report-race-free": False}
    examples = (
        Example(
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def hist(b, nbins):
                h = np.zeros(nbins)
                for i in prange(b.shape[0]):
                    h[b[i]] += 1
                return h
            """,
            """
            import numpy as np
            from numba import njit

            @njit
            def hist(b, nbins):
                h = np.zeros(nbins)
                for i in range(b.shape[0]):
                    h[b[i]] += 1
                return h
            """,
        ),
        Example(
            """
            import numba as nb

            @nb.njit(parallel=True, nogil=True)
            def total(x, out):
                for i in nb.prange(x.shape[0]):
                    out[0] += x[i]
            """,
            """
            import numba as nb

            @nb.njit(nogil=True)
            def total(x, out):
                for i in range(x.shape[0]):
                    out[0] += x[i]
            """,
        ),
        Example(  # a loop-carried dependency; the race-free second loop keeps parallel=True
            """
            import numba
            from numba import prange

            @numba.jit(nopython=True, parallel=True)
            def ema(x, y, a):
                for i in prange(1, x.shape[0]):
                    y[i] = a * x[i] + (1 - a) * y[i - 1]
                for i in prange(x.shape[0]):
                    x[i] = y[i] * 2
            """,
            """
            import numba
            from numba import prange

            @numba.jit(nopython=True, parallel=True)
            def ema(x, y, a):
                for i in range(1, x.shape[0]):
                    y[i] = a * x[i] + (1 - a) * y[i - 1]
                for i in prange(x.shape[0]):
                    x[i] = y[i] * 2
            """,
        ),
        Example(  # race-free: disjoint writes, a scalar reduction, a private buffer
            """
            import numpy as np
            from numba import njit, prange

            @njit(parallel=True)
            def features(x, out):
                s = 0.0
                for i in prange(x.shape[0]):
                    tmp = np.empty(3)
                    for j in range(3):
                        tmp[j] = x[i, j] * 2
                    out[i, 0] = tmp.sum()
                    s += x[i, 0]
                return s
            """
        ),
        Example(  # per-thread slots through a jitted callee: race-free
            """
            from numba import njit, prange

            @njit
            def work(P, t, x):
                for k in range(x.shape[0]):
                    P[t, k] += x[k] * t

            @njit(parallel=True)
            def run(P, x, n_threads):
                for t in prange(n_threads):
                    work(P, t, x)
            """
        ),
        Example(  # a callee finfix cannot see: left alone, reported
            """
            from numba import njit, prange
            from mylib import kernel

            @njit(parallel=True)
            def run(out, x):
                for i in prange(x.shape[0]):
                    kernel(out, x, i)
            """,
            reported=True,
        ),
        Example(  # a local function named prange is not numba's
            """
            from numba import njit

            def prange(n):
                return range(n)

            @njit(parallel=True)
            def f(out):
                for i in prange(3):
                    out[0] += 1
            """
        ),
        Example(  # without parallel=True, prange is range: no race (FX005 reports it)
            """
            from numba import njit, prange

            @njit
            def f(out, x):
                for i in prange(x.shape[0]):
                    out[0] += x[i]
            """
        ),
        Example(  # sequentialize-all: the audit's blanket fix
            """
            from numba import njit, prange

            @njit(parallel=True, boundscheck=False)
            def f(out, x):
                for i in prange(x.shape[0]):
                    out[i] = x[i] * 2
            """,
            """
            from numba import njit

            @njit(boundscheck=False)
            def f(out, x):
                for i in range(x.shape[0]):
                    out[i] = x[i] * 2
            """,
            options={"sequentialize-all": True},
        ),
        Example(  # parallel=True from a dict: the loop is fixed, the dict is FX005's to report
            """
            from numba import jit, prange

            JIT_SETTINGS = {"nopython": True, "parallel": True}

            @jit(**JIT_SETTINGS)
            def f(out, x):
                for i in prange(x.shape[0]):
                    out[i % 4] += x[i]
            """,
            """
            from numba import jit

            JIT_SETTINGS = {"nopython": True, "parallel": True}

            @jit(**JIT_SETTINGS)
            def f(out, x):
                for i in range(x.shape[0]):
                    out[i % 4] += x[i]
            """,
        ),
        Example(  # report-race-free: said why, nothing changed
            """
            from numba import njit, prange

            @njit(parallel=True)
            def f(out, x):
                s = 0.0
                for i in prange(x.shape[0]):
                    out[i] = x[i] * 2
                    s += x[i]
                return s
            """,
            reported=True,
            options={"report-race-free": True},
        ),
        Example(  # jax.jit is not numba
            """
            from jax import jit
            from numba import prange

            @jit
            def f(out):
                for i in prange(3):
                    out[0] += 1
            """
        ),
    )

    # -- visiting --------------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._functions = {s.name.value: s for s in node.body if isinstance(s, cst.FunctionDef)}
        self._dicts = module_dicts(node)
        self._resolver = Resolver(lambda n: qualified_names(self, n), self._functions)
        self._rewrite: set[cst.For] = set()
        self._drop: dict[cst.FunctionDef, cst.Decorator] = {}
        self._applied = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        dec = jit_decorator(self, node)
        if dec is None or parallel_state(dec.call, self._dicts) == "no":
            return
        loops = _prange_loops(self, node)
        if not loops:
            return
        blanket = bool(self.option("sequentialize-all"))
        verdicts: dict[cst.For, Verdict] = {}
        for loop, _ in loops:
            verdicts[loop] = analyse_loop(loop, node, self._resolver)
        fixable = {loop for loop, v in verdicts.items() if blanket or v.status == RACY}
        opt = option(dec.call, "parallel", self._dicts)
        parallel_kw = opt.arg  # None when parallel=True comes from a `**dict`
        all_go = len(fixable) == len(loops)
        if all_go and parallel_kw is not None:
            tail = f"; no `prange` is left, so `parallel=True` goes from `{code_of(dec.decorator).strip()}`"
        elif all_go and opt.dict_name:
            tail = f"; `parallel=True` comes from the shared `{opt.dict_name}` and stays (see FX005)"
        else:
            tail = ""
        fixed: set[cst.For] = set()
        for loop, outer in loops:
            if outer is not None and outer not in fixed:
                continue  # nested in a loop that stays parallel: numba runs it serially
            if loop in fixable and self._report_fix(loop, verdicts[loop], blanket, tail):
                fixed.add(loop)
            elif verdicts[loop].status == UNPROVEN and loop not in fixable:
                self._report_unproven(loop, verdicts[loop])
            elif loop not in fixable and self.option("report-race-free"):
                self.report(loop, f"`prange` loop is race-free and stays parallel: {verdicts[loop].reason}",
                            reason="nothing to fix; reported because `report-race-free` is set")
        self._rewrite |= fixed
        if fixed:
            self._applied = True
        if fixed and len(fixed) == len(loops) and parallel_kw is not None:
            self._drop[node] = dec.decorator

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
            return ""
        try:
            return f"line {self.get_metadata(PositionProvider, node).start.line}: "
        except KeyError:
            return ""

    def _report_fix(self, loop: cst.For, verdict: Verdict, blanket: bool, tail: str) -> bool:
        if verdict.status == RACY:
            message = (
                f"`prange` loop races: {self._line(verdict.statement)}`{verdict.text}`: {verdict.reason}; "
                f"fix: `range`{tail}"
            )
            reason = verdict.suggestion
        else:
            why = "proven race-free" if verdict.status != UNPROVEN else f"unproven: {verdict.reason}"
            message = f"`prange` loop sequentialised by `sequentialize-all` ({why}); fix: `range`{tail}"
            reason = "this loop is correct in parallel; sequentialising it only makes it slower" if (
                verdict.status != UNPROVEN) else ""
        return self.report(loop, message, fix=Safety.SAFE, reason=reason)

    def _report_unproven(self, loop: cst.For, verdict: Verdict) -> None:
        where = f"{self._line(verdict.statement)}`{verdict.text}`: " if verdict.text else ""
        self.report(
            loop,
            f"`prange` loop left parallel: finfix cannot prove it race-free ({where}{verdict.reason})",
            reason="finfix only rewrites loops it proves racy; check this one by hand, or set "
            "`sequentialize-all` to run every prange loop serially",
        )


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


class ParallelWithoutPrange(Rule):
    """## What it does
    Reports numba functions whose `parallel=True` and `prange` do not match (runs after FX001, on the
    code FX001 left):

    * `parallel=True` coming from a shared options dict (`@jit(**JIT_SETTINGS)`) on a function with no
      `prange` left: the finding names the dict, since editing it changes every function that uses it;
    * `parallel=True` written on a function whose loops are all `range` loops: they run serially;
    * `prange` in a function compiled without `parallel=True`: it behaves exactly like `range`.

    When FX001 sequentialises the last `prange` of a function it drops a `parallel=True` keyword in the
    same fix, so this rule never needs to.

    ## Why is this bad?
    `parallel=True` makes numba run its parallel passes (and warn
    `NumbaPerformanceWarning: ... no transformation for parallel execution was possible` when there is
    nothing to parallelise); `prange` without it gives no parallelism at all. Either way the code does
    not do what it says.

    ## Example
    ```python
    JIT_SETTINGS = {"nopython": True, "parallel": True}

    @jit(**JIT_SETTINGS)
    def imbalance(bid, ask, out):
        for i in range(bid.shape[0]):
            out[0] += bid[i] - ask[i]
    ```

    ## Fix safety
    No automatic fix. Removing `parallel=True` from a function that has no `prange` can still slow it
    down (numba parallelises array expressions without `prange`), and turning `range` into `prange` can
    introduce the races FX001 looks for.
    """

    code = "FX005"
    name = "numba-parallel-without-prange"
    summary = "Report parallel=True without prange (and prange without parallel=True)."
    safety = Safety.DETECT
    requires = ("numba",)
    triggers = ("parallel", "prange")
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    examples = (
        Example(
            """
            from numba import jit

            JIT_SETTINGS = {"nopython": True, "parallel": True}

            @jit(**JIT_SETTINGS)
            def f(out, x):
                for i in range(x.shape[0]):
                    out[0] += x[i]
            """,
            reported=True,
        ),
        Example(
            """
            from numba import njit

            @njit(parallel=True)
            def f(out, x):
                for i in range(x.shape[0]):
                    out[i] = x[i] * 2
            """,
            reported=True,
        ),
        Example(
            """
            import numba as nb

            @nb.njit
            def f(out, x):
                for i in nb.prange(x.shape[0]):
                    out[i] = x[i]
            """,
            reported=True,
        ),
        Example(  # array expressions only: parallel=True does work here
            """
            import numpy as np
            from numba import njit

            @njit(parallel=True)
            def f(x):
                return np.sin(x) + x * 2
            """
        ),
        Example(  # prange with parallel=True: fine
            """
            from numba import njit, prange

            @njit(parallel=True)
            def f(out, x):
                for i in prange(x.shape[0]):
                    out[i] = x[i]
            """
        ),
        Example(  # numba.cuda.jit and jax.jit are other compilers
            """
            import jax
            from numba import cuda

            @jax.jit
            def f(x):
                for i in range(3):
                    x = x + 1
                return x

            @cuda.jit
            def g(out):
                for i in range(3):
                    out[i] = i
            """
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._dicts = module_dicts(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        dec = jit_decorator(self, node)
        if dec is None:
            return
        state = parallel_state(dec.call, self._dicts)
        pranges = _prange_calls(self, node)
        fn = node.name.value
        if state == "yes" and not pranges and _has_loop(node):
            opt = option(dec.call, "parallel", self._dicts)
            if opt.dict_name:
                self.report(
                    dec.decorator,
                    f"`{fn}` has no `prange` loop, but `parallel=True` comes from `{opt.dict_name}`: its "
                    "loops run serially",
                    reason=f"`{opt.dict_name}` is shared: drop `parallel` from it, or give `{fn}` its own "
                    "options without `parallel=True`",
                )
            else:
                self.report(
                    opt.arg or dec.decorator,
                    f"`parallel=True` on `{fn}`, which has no `prange` loop: its `range` loops run serially",
                    reason="use `prange` where iterations are independent (FX001 checks them), or drop "
                    "`parallel=True`",
                )
        elif state == "no" and pranges:
            self.report(
                pranges[0],
                f"`prange` in `{fn}`, compiled without `parallel=True`: it runs serially, like `range`",
                reason="add `parallel=True` if the loop is race-free, or write `range`",
            )


def _prange_calls(rule: Rule, fn: cst.FunctionDef) -> list[cst.Call]:
    found: list[cst.Call] = []

    class V(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if qualified_names(rule, node.func) & set(PRANGE):
                found.append(node)

    fn.body.visit(V())
    return found


def _has_loop(fn: cst.FunctionDef) -> bool:
    return bool(m.findall(fn.body, m.For() | m.While()))
