"""FX002-FX004 and FX006: numba `@jit` compilation modes (numba 0.59+).

Every rule here acts on calls that resolve to numba's CPU compilers (`numba.jit`, `numba.njit`, any
import form or alias), used as decorators or called directly (`jit(nopython=True)(f)`); `jax.jit`,
`torch.jit` and `numba.cuda.jit` never match.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.numba.decorators import CPU_COMPILERS, JIT, is_true, module_dicts, option
from finfix.sdk.names import code_of, has_star_args, keyword, qualified_names, remove_arg
from finfix.sdk.rule import Example, Rule, Safety, Versions

ERROR_MODEL_TARGETS = CPU_COMPILERS + ("numba.vectorize", "numba.guvectorize", "numba.cfunc", "numba.stencil")


def _without(call: cst.Call, arg: cst.Arg) -> cst.BaseExpression:
    """``call`` without the keyword ``arg``; the bare function when no argument is left."""
    kept = remove_arg(call.args, arg)
    return call.with_changes(args=kept) if kept else call.func


def _is_false(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "False"


class JitNopythonDefault(Rule):
    """## What it does
    Rewrites `@jit(nopython=True, ...)` to `@njit(...)` for numba's `jit` under any import form:
    `@jit(nopython=True)` -> `@njit` (adding `from numba import njit`, and removing the `jit` import
    when nothing else uses it), `@numba.jit(nopython=True, cache=True)` -> `@numba.njit(cache=True)`.

    ## Why is this bad?
    Since numba 0.59, `@jit` compiles in nopython mode by default and the object-mode fallback is gone,
    so `nopython=True` is noise; `@njit` says the same thing and is what the numba docs use.

    ## Example
    ```python
    @numba.jit(nopython=True, cache=True)
    def spread(bid, ask): ...
    ```
    becomes `@numba.njit(cache=True)`.

    ## Fix safety
    Safe on numba 0.59 and later, where `@jit(nopython=True)`, `@jit` and `@njit` compile identically.
    (On older numba `@njit` is also `@jit(nopython=True)`.) Calls that also pass `forceobj` or a
    `**options` dict are left alone.
    """

    code = "FX002"
    name = "numba-jit-nopython-default"
    summary = "Rewrite @jit(nopython=True) to @njit."
    safety = Safety.SAFE
    versions = Versions("numba", deprecated="0.44", removed="0.59")
    triggers = ("nopython",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    examples = (
        Example(
            """
            from numba import jit

            @jit(nopython=True)
            def f(x):
                return x + 1
            """,
            """
            from numba import njit

            @njit
            def f(x):
                return x + 1
            """,
        ),
        Example(
            """
            import numba

            @numba.jit(nopython=True, cache=True)
            def f(x):
                return x + 1
            """,
            """
            import numba

            @numba.njit(cache=True)
            def f(x):
                return x + 1
            """,
        ),
        Example(
            """
            import numba as nb

            g = nb.jit(nopython=True)(lambda x: x + 1)
            """,
            """
            import numba as nb

            g = nb.njit(lambda x: x + 1)
            """,
        ),
        Example(
            """
            import jax
            import torch
            from numba import cuda

            @jax.jit
            def f(x):
                return x + 1

            g = torch.jit.script(f)

            @cuda.jit(nopython=True)
            def k(out):
                out[0] = 1
            """
        ),
        Example(
            """
            from numba import jit

            @jit
            def f(x):
                return x + 1
            """
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = qualified_names(self, original_node.func)
        jit_name = next((n for n in JIT if n in names), None)
        if jit_name is None:
            return updated_node
        arg = keyword(updated_node, "nopython")
        if arg is None or not is_true(arg.value):
            return updated_node
        if keyword(updated_node, "forceobj") is not None or has_star_args(updated_node):
            return updated_node
        func = updated_node.func
        if isinstance(func, cst.Attribute):
            new_func: cst.BaseExpression = func.with_changes(attr=cst.Name("njit"))
        elif isinstance(func, cst.Name):
            new_func = cst.Name("njit")
        else:
            return updated_node
        shown = code_of(original_node)
        if not self.report(original_node, f"`{shown}`: nopython is the default since numba 0.59; use `njit`",
                           fix=Safety.SAFE):
            return updated_node
        if isinstance(func, cst.Name):
            module = jit_name.rsplit(".", 1)[0]
            AddImportsVisitor.add_needed_import(self.context, "numba", "njit")
            RemoveImportsVisitor.remove_unused_import(
                self.context, module, "jit", None if func.value == "jit" else func.value
            )
        return _without(updated_node.with_changes(func=new_func), keyword(updated_node, "nopython"))


class NopythonFalse(Rule):
    """## What it does
    Removes `nopython=False` from numba's `@jit(...)` (`@jit(nopython=False)` -> `@jit`).

    ## Why is this bad?
    Since numba 0.59 `nopython=False` has no effect: it warns (`NumbaDeprecationWarning`) and the
    function is compiled in nopython mode anyway. Code that relied on it for object mode now raises
    `TypingError` at its first call.

    ## Example
    ```python
    @jit(nopython=False, cache=True)
    def load(path): ...
    ```
    becomes `@jit(cache=True)`.

    ## Fix safety
    Safe: the keyword already does nothing. If the function needs Python objects, the note says how to
    keep them: `forceobj=True`, or move that code out of the jitted function.
    """

    code = "FX003"
    name = "numba-nopython-false"
    summary = "Drop nopython=False from numba @jit (no effect since 0.59)."
    safety = Safety.SAFE
    versions = Versions("numba", deprecated="0.59")
    triggers = ("nopython",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    examples = (
        Example(
            """
            from numba import jit

            @jit(nopython=False)
            def f(x):
                return x + 1
            """,
            """
            from numba import jit

            @jit
            def f(x):
                return x + 1
            """,
        ),
        Example(
            """
            import numba

            @numba.jit(nopython=False, cache=True)
            def f(x):
                return x + 1
            """,
            """
            import numba

            @numba.jit(cache=True)
            def f(x):
                return x + 1
            """,
        ),
        Example(
            """
            from jax import jit

            @jit(nopython=False)
            def f(x):
                return x + 1
            """
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not qualified_names(self, original_node.func) & set(JIT):
            return updated_node
        arg = keyword(updated_node, "nopython")
        if arg is None or not _is_false(arg.value):
            return updated_node
        if self.report(
            original_node,
            f"`{code_of(original_node)}`: `nopython=False` has no effect since numba 0.59 (it compiles in "
            "nopython mode anyway)",
            fix=Safety.SAFE,
            reason="if this function needs Python objects it now fails with TypingError: use "
            "`forceobj=True`, or move the Python-object code out of the jitted function",
        ):
            return _without(updated_node, arg)
        return updated_node


class Forceobj(Rule):
    """## What it does
    Reports `forceobj=True` on numba's `jit`/`njit`.

    ## Why is this bad?
    Object mode runs the function through the Python interpreter: numba gives no speed-up, only
    compile time. On `@njit` the option is ignored with a `RuntimeWarning`; with `nopython=True` it
    raises `ValueError`.

    ## Example
    ```python
    @jit(forceobj=True)
    def report(df): ...
    ```

    ## Fix safety
    No automatic fix: remove numba from the function, or keep the Python part in a
    `with numba.objmode(...)` block inside an `@njit` function.
    """

    code = "FX004"
    name = "numba-forceobj"
    summary = "Report numba forceobj=True (object mode: no speed-up)."
    safety = Safety.DETECT
    triggers = ("forceobj",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    examples = (
        Example(
            """
            from numba import jit

            @jit(forceobj=True)
            def f(df):
                return df.sum()
            """,
            reported=True,
        ),
        Example(
            """
            import numba as nb

            @nb.njit(forceobj=True)
            def f(x):
                return x
            """,
            reported=True,
        ),
        Example(
            """
            from numba import jit

            @jit(forceobj=False)
            def f(x):
                return x
            """
        ),
        Example(
            """
            from mylib import jit

            @jit(forceobj=True)
            def f(x):
                return x
            """
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        names = qualified_names(self, node.func)
        if not names & set(CPU_COMPILERS):
            return
        arg = keyword(node, "forceobj")
        if arg is None or not is_true(arg.value):
            return
        if names & {"numba.njit", "numba.core.decorators.njit"}:
            message = "`forceobj=True` on `njit` is ignored (numba warns and compiles in nopython mode)"
        else:
            message = "`forceobj=True` compiles in object mode: numba gives no speed-up here"
        self.report(
            arg,
            message,
            reason="drop numba from this function, or keep the Python part in a `with numba.objmode(...)` block",
        )


class ErrorModel(Rule):
    """## What it does
    Reports `error_model='numpy'` on numba's compilers (`jit`, `njit`, `vectorize`, `guvectorize`,
    `cfunc`, `stencil`), given as a keyword or through a module-level options dict.

    ## Why is this bad?
    With `error_model='numpy'` division by zero no longer raises: `1.0 / 0.0` is `inf`, `0.0 / 0.0` is
    `nan`, and integer `1 // 0` is silently `0`. In financial code that hides returns computed on a zero
    price or weights divided by an empty count. The default, `'python'`, raises `ZeroDivisionError`.

    ## Example
    ```python
    @njit(error_model="numpy")
    def returns(px): ...
    ```

    ## Fix safety
    No automatic fix: the option may be there on purpose (it allows some vectorisation). Check every
    division in the function, or guard the zero case explicitly.
    """

    code = "FX006"
    name = "numba-error-model"
    summary = "Report error_model='numpy' (division by zero stops raising)."
    safety = Safety.DETECT
    triggers = ("error_model",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    examples = (
        Example(
            """
            from numba import njit

            @njit(error_model="numpy")
            def f(a, b):
                return a // b
            """,
            reported=True,
        ),
        Example(
            """
            import numba

            OPTS = dict(cache=True, error_model="numpy")

            @numba.jit(**OPTS)
            def f(a, b):
                return a / b
            """,
            reported=True,
        ),
        Example(
            """
            from numba import njit

            @njit(error_model="python")
            def f(a, b):
                return a / b
            """
        ),
        Example(
            """
            from numba import cuda

            @cuda.jit(error_model="numpy")
            def f(a):
                a[0] = 1
            """
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._dicts = module_dicts(node)

    def visit_Call(self, node: cst.Call) -> None:
        if not qualified_names(self, node.func) & set(ERROR_MODEL_TARGETS):
            return
        opt = option(node, "error_model", self._dicts)
        value = opt.value
        if not isinstance(value, cst.SimpleString) or value.evaluated_value != "numpy":
            return
        source = f" (from `{opt.dict_name}`)" if opt.dict_name else ""
        self.report(
            opt.arg or node,
            f"`error_model='numpy'`{source}: division by zero returns inf/nan, and integer `x // 0` "
            "returns 0, without an error",
            reason="check every division in this function for a zero divisor, or keep the default "
            "`error_model='python'`",
        )
