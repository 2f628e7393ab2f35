"""FX531 gputil-unmaintained: GPUtil parses `nvidia-smi` output and has not been released since 2018."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import may_resolve_to, qualified_names
from finfix.sdk.rule import Example, Rule, Safety

#: GPUtil API -> its nvidia-ml-py (pynvml) equivalent
PYNVML = {
    "GPUtil.getGPUs": "`nvmlDeviceGetHandleByIndex` with `nvmlDeviceGetMemoryInfo`",
    "GPUtil.getAvailable": "`nvmlDeviceGetUtilizationRates` per device",
    "GPUtil.getFirstAvailable": "`nvmlDeviceGetUtilizationRates` per device",
    "GPUtil.showUtilization": "`nvmlDeviceGetUtilizationRates` per device",
}


class GputilUnmaintained(Rule):
    """## What it does
    Reports uses of GPUtil (`GPUtil.getGPUs()`, `getAvailable()`, `getFirstAvailable()`,
    `showUtilization()`) with their equivalent in NVIDIA's own bindings, `nvidia-ml-py` (`import
    pynvml`). An import of GPUtil with no such call is reported once.

    ## Why is this bad?
    GPUtil 1.4.0 (2018) is its last release. It runs `nvidia-smi` in a subprocess and parses its text
    output, so each call costs a process start, breaks when the output format or locale changes, and
    returns nothing on machines where `nvidia-smi` is not on `PATH` (containers, Windows services).
    NVML, which `nvidia-smi` itself uses, answers the same questions in-process.

    ## Example
    ```python
    import GPUtil
    load = [g.load for g in GPUtil.getGPUs()]
    ```
    Use instead:
    ```python
    import pynvml
    pynvml.nvmlInit()
    handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
    load = [pynvml.nvmlDeviceGetUtilizationRates(h).gpu / 100 for h in handles]
    ```

    ## Fix safety
    Report only: the replacement needs `nvmlInit()` once per process, error handling for machines
    without a driver (`pynvml.NVMLError`), and it reports utilisation in percent where GPUtil gave a
    fraction.
    """

    code = "FX531"
    name = "gputil-unmaintained"
    summary = "GPUtil is unmaintained and parses nvidia-smi: use nvidia-ml-py (pynvml)."
    safety = Safety.DETECT
    triggers = ("GPUtil",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example("import GPUtil\nload = [g.load for g in GPUtil.getGPUs()]\n",
                message="`GPUtil.getGPUs()` parses `nvidia-smi`", line=2),
        Example("from GPUtil import getAvailable\nfree = getAvailable(limit=1, maxLoad=0.5)\n",
                message="`GPUtil.getAvailable()` parses `nvidia-smi`", line=2),
        Example("import GPUtil\n", message="GPUtil is unmaintained since 2018", line=1),
        # must not touch: pynvml, a project's own module that happens to say GPUtil in a string
        Example("import pynvml\npynvml.nvmlInit()\nprint('GPUtil was replaced')\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._imports: list[cst.CSTNode] = []
        self._calls = 0

    def visit_Import(self, node: cst.Import) -> None:
        if any(isinstance(a.name, cst.Name) and a.name.value == "GPUtil" for a in node.names):
            self._imports.append(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.module, cst.Name) and node.module.value == "GPUtil":
            self._imports.append(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if may_resolve_to(self, original_node.func, {q.rpartition(".")[2] for q in PYNVML}):
            for name in sorted(qualified_names(self, original_node.func) & set(PYNVML)):
                self._calls += 1
                self.report(original_node, f"`{name}()` parses `nvidia-smi` (GPUtil is unmaintained): use "
                                           f"{PYNVML[name]} from `pynvml` (nvidia-ml-py)")
        return updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._calls:
            for node in self._imports:
                self.report(node, "GPUtil is unmaintained since 2018 and parses `nvidia-smi` output: use `pynvml` "
                                  "from nvidia-ml-py")
        return updated_node
