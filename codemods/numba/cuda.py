"""FX007 numba-builtin-cuda."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import qualified_names
from finfix.sdk.rule import Example, Rule, Safety, Versions

MESSAGE = (
    "the CUDA target built into numba (`numba.cuda`) is deprecated since numba 0.61: add `numba-cuda` "
    "(e.g. `numba-cuda[cu12]`) to the project's dependencies"
)
REASON = "a dependency change, not a code change: `numba-cuda` installs itself as `numba.cuda`, so imports stay"


class BuiltinCuda(Rule):
    """## What it does
    Reports uses of numba's built-in CUDA target: `from numba import cuda`, `import numba.cuda`,
    `from numba.cuda import ...`, or `numba.cuda.<x>` through `import numba` (reported once per file).

    ## Why is this bad?
    The built-in target is deprecated since numba 0.61 and maintained by NVIDIA as the separate
    `numba-cuda` package; numba 0.68 still ships it, but new CUDA features and fixes land only in
    `numba-cuda`.

    ## Example
    ```python
    from numba import cuda

    @cuda.jit
    def scale(out, x): ...
    ```

    ## Fix safety
    No source fix: installing `numba-cuda` replaces `numba.cuda` under the same import path, so the
    code stays as it is; add the package to the dependencies. Imports are never rewritten to
    `numba_cuda`.
    """

    code = "FX007"
    name = "numba-builtin-cuda"
    summary = "Report numba's deprecated built-in CUDA target (depend on numba-cuda)."
    safety = Safety.DETECT
    versions = Versions("numba", deprecated="0.61")
    requires = ("numba",)
    triggers = ("cuda",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    examples = (
        Example("from numba import cuda\n", reported=True),
        Example("import numba.cuda\n", reported=True),
        Example("from numba.cuda import jit as cuda_jit\n", reported=True),
        Example(
            """
            import numba

            @numba.cuda.jit
            def k(out):
                out[0] = 1
            """,
            reported=True,
        ),
        Example(
            """
            import cupy
            from numba import njit

            x = cupy.cuda.Device(0)
            """
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._reported = False

    def _report(self, node: cst.CSTNode) -> None:
        self._reported = True
        self.report(node, MESSAGE, reason=REASON)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = get_full_name_for_node(node.module) or ""
        if module == "numba.cuda" or module.startswith("numba.cuda."):
            self._report(node)
        elif module == "numba" and not isinstance(node.names, cst.ImportStar):
            if any(isinstance(a.name, cst.Name) and a.name.value == "cuda" for a in node.names):
                self._report(node)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if name == "numba.cuda" or name.startswith("numba.cuda."):
                self._report(node)
                return

    def visit_Attribute(self, node: cst.Attribute) -> bool | None:
        if self._reported:
            return False
        if any(q == "numba.cuda" for q in qualified_names(self, node)):
            self._report(node)
            return False
        return None
