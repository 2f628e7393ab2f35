"""FX005 numba-parallel-without-prange: `parallel=True` and `prange` that do not match (report only)."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import qualified_names
from finfix.sdk.numba.decorators import PRANGE, jit_decorator, module_dicts, option, parallel_state
from finfix.sdk.rule import Example, Rule, Safety


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
