"""FX411 scipy-signal-wavelets: the wavelet functions SciPy 1.15 removed from `scipy.signal`."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import qualified_names, short_code
from finfix.sdk.rule import Example, Rule, Safety, Versions

REMOVED = ("daub", "qmf", "cascade", "morlet", "morlet2", "ricker", "cwt")
QUALIFIED = {f"{module}.{name}": name for module in ("scipy.signal", "scipy.signal.wavelets") for name in REMOVED}
ADVICE = {
    "cwt": "use `pywt.cwt` (PyWavelets; other scales and normalisation) or vendor SciPy 1.14's `cwt`",
    "ricker": "use PyWavelets' \"mexh\" wavelet or vendor SciPy 1.14's `ricker` (`finfix explain FX411`)",
    "morlet2": "use PyWavelets' \"cmorB-C\" wavelet or vendor SciPy 1.14's `morlet2` (other definitions)",
    "morlet": "use PyWavelets' \"morl\" wavelet or vendor SciPy 1.14's `morlet` (other definitions)",
    "daub": "use `pywt.Wavelet('dbN').dec_lo` (PyWavelets)",
    "qmf": "use PyWavelets, or vendor SciPy 1.14's `qmf`",
    "cascade": "use `pywt.Wavelet(...).wavefun()` (PyWavelets)",
}
REASON = ("PyWavelets' `cwt` takes scales, not SciPy's widths, and normalises the Mexican hat differently: "
          "the coefficients change")


class ScipySignalWavelets(Rule):
    """## What it does
    Reports uses of `scipy.signal.cwt`, `ricker`, `morlet`, `morlet2`, `daub`, `qmf` and `cascade`,
    which SciPy 1.15 removed. As an unsafe fix, `signal.cwt(data, signal.ricker, widths)` becomes
    `pywt.cwt(data, widths, "mexh")[0]` (PyWavelets).

    ## Why is this bad?
    The functions were deprecated in SciPy 1.12 and removed in 1.15: they raise `AttributeError`.

    ## Example
    ```python
    coefs = signal.cwt(returns, signal.ricker, np.arange(1, 31))
    ```
    Use instead (unsafe, see below):
    ```python
    coefs = pywt.cwt(returns, np.arange(1, 31), "mexh")[0]
    ```

    ## Fix safety
    Unsafe: PyWavelets' scales are not SciPy's widths and its Mexican hat is normalised differently,
    so the coefficients change. To keep the old numbers, vendor SciPy 1.14's implementation instead:
    ```python
    def ricker(points, a):
        A = 2 / (np.sqrt(3 * a) * np.pi**0.25)
        t = np.arange(0, points) - (points - 1.0) / 2
        return A * (1 - (t / a) ** 2) * np.exp(-(t**2) / (2 * a**2))

    def cwt(data, wavelet, widths, dtype=None, **kwargs):
        if dtype is None:
            kind = np.asarray(wavelet(1, widths[0], **kwargs)).dtype.char
            dtype = np.complex128 if kind in "FDG" else np.float64
        out = np.empty((len(widths), len(data)), dtype=dtype)
        for k, w in enumerate(widths):
            n = np.min([10 * w, len(data)])
            kern = np.conj(wavelet(n, w, **kwargs)[::-1])
            out[k] = scipy.signal.convolve(data, kern, mode="same")
        return out
    ```
    `scipy.signal.find_peaks_cwt` still exists and is left alone.
    """

    code = "FX411"
    name = "scipy-signal-wavelets"
    summary = "scipy.signal.cwt/ricker/morlet/morlet2/daub/qmf/cascade were removed in SciPy 1.15."
    safety = Safety.UNSAFE
    versions = Versions("scipy", deprecated="1.12", removed="1.15")
    requires = ("scipy",)  # every import form names the library
    triggers = REMOVED
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example("import numpy as np\nfrom scipy import signal\nc = signal.cwt(x, signal.ricker, np.arange(1, 31))\n",
                "import numpy as np\nimport pywt\nfrom scipy import signal\n\nc = pywt.cwt(x, np.arange(1, 31), \"mexh\")[0]\n",
                unsafe=True),
        Example("from scipy.signal import cwt, ricker, butter\nc = cwt(x, ricker, widths)\n",
                "import pywt\nfrom scipy.signal import butter\n\nc = pywt.cwt(x, widths, \"mexh\")[0]\n", unsafe=True),
        Example("from scipy import signal\nc = signal.cwt(x, signal.ricker, widths)\n",
                message="`signal.cwt(x, signal.ricker, widths)`", line=2, safety=Safety.UNSAFE),
        Example("from scipy import signal\nc = signal.cwt(x, signal.morlet2, widths, w=6)\n",
                message="`scipy.signal.cwt` was removed in SciPy 1.15", line=2, safety=Safety.DETECT),
        Example("import scipy.signal\nw = scipy.signal.ricker(100, 4.0)\n",
                message="`scipy.signal.ricker` was removed in SciPy 1.15", line=2, safety=Safety.DETECT),
        Example("from scipy.signal import daub\nh = daub(4)\n",
                message="`scipy.signal.daub` was removed in SciPy 1.15", line=2, safety=Safety.DETECT),
        # must not touch: find_peaks_cwt, PyWavelets, other libraries
        Example("from scipy import signal\npeaks = signal.find_peaks_cwt(x, np.arange(1, 10))\n"),
        Example("import pywt\nc, f = pywt.cwt(x, scales, 'mexh')\nm = obj.ricker(3)\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._inside: set[int] = set()  # ids of wavelet names consumed by a cwt(…, ricker, …) rewrite

    def _removed(self, node: cst.CSTNode) -> str | None:
        return next((QUALIFIED[q] for q in qualified_names(self, node) if q in QUALIFIED), None)

    def visit_Call(self, node: cst.Call) -> None:
        if self._removed(node.func) == "cwt" and self._ricker_call(node):
            self._inside.add(id(node.func))
            self._inside.add(id(node.args[1].value))

    def _ricker_call(self, node: cst.Call) -> bool:
        return (
            len(node.args) == 3
            and all(a.keyword is None and not a.star for a in node.args)
            and self._removed(node.args[1].value) == "ricker"
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node.func) not in self._inside:
            return updated_node
        data, widths = updated_node.args[0], updated_node.args[2]
        call = cst.Call(
            func=cst.parse_expression("pywt.cwt"),
            args=[data, widths.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                  cst.Arg(cst.SimpleString('"mexh"'))],
        )
        replacement = cst.Subscript(value=call, slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        message = (f"`{short_code(original_node, 50)}`: `cwt` and `ricker` were removed in SciPy 1.15 → "
                   f"`{short_code(replacement, 60)}`")
        if not self.report(original_node, message, fix=Safety.UNSAFE, reason=REASON):
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "pywt")
        for node, leaf in ((original_node.func, "cwt"), (original_node.args[1].value, "ricker")):
            if isinstance(node, cst.Name):
                asname = node.value if node.value != leaf else None
                module = next(q for q in qualified_names(self, node) if q in QUALIFIED).rpartition(".")[0]
                RemoveImportsVisitor.remove_unused_import(self.context, module, leaf, asname)
        return replacement

    def _report_name(self, node: cst.CSTNode) -> None:
        leaf = self._removed(node)
        if leaf is None or id(node) in self._inside:
            return
        self.report(node, f"`scipy.signal.{leaf}` was removed in SciPy 1.15: {ADVICE[leaf]}",
                    fix=Safety.DETECT, reason="no drop-in replacement with the same numbers")

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self._removed(node):
            self._report_name(node)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        self._report_name(node)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False
