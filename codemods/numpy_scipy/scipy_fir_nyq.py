"""FX413 scipy-fir-nyq: `nyq=`/`Hz=` of the FIR design functions became `fs=`."""

from __future__ import annotations

import math

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import has_star_args, qualified_names, short_code
from finfix.sdk.nodes import tight_equal
from finfix.sdk.rule import Example, Rule, Safety, Versions

#: Old positional order of each function (SciPy < 1.14) and how many leading arguments stay positional.
SIGNATURES = {
    "scipy.signal.firwin": (("numtaps", "cutoff", "width", "window", "pass_zero", "scale", "nyq", "fs"), 2),
    "scipy.signal.firwin2": (("numtaps", "freq", "gain", "nfreqs", "window", "nyq", "antisymmetric", "fs"), 3),
    "scipy.signal.firls": (("numtaps", "bands", "desired", "weight", "nyq", "fs"), 3),
    "scipy.signal.remez": (
        ("numtaps", "bands", "desired", "weight", "Hz", "type", "maxiter", "grid_density", "fs"), 3),
}
_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float)


def _number(expr: cst.BaseExpression) -> float | int | None:
    if isinstance(expr, (cst.Integer, cst.Float)) and not expr.lpar:
        return expr.evaluated_value
    return None


def twice(expr: cst.BaseExpression) -> cst.BaseExpression:
    """``2 * expr``, simplified: a literal is doubled, ``0.5 * x``/``x * 0.5``/``x / 2`` give ``x``."""
    value = _number(expr)
    if value is not None and math.isfinite(2 * value):
        doubled = 2 * value
        return cst.Integer(str(doubled)) if isinstance(doubled, int) else cst.Float(repr(doubled))
    if isinstance(expr, cst.BinaryOperation) and not expr.lpar:
        left, right, op = expr.left, expr.right, expr.operator
        if isinstance(op, cst.Multiply) and _number(left) == 0.5:
            return right
        if isinstance(op, cst.Multiply) and _number(right) == 0.5:
            return left
        if isinstance(op, cst.Divide) and _number(right) == 2:
            return left
    operand = expr
    if not isinstance(expr, _ATOMS) or isinstance(expr, cst.Integer) and expr.lpar:
        operand = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if not expr.lpar else expr
    return cst.BinaryOperation(
        left=cst.Integer("2"), operator=cst.Multiply(cst.SimpleWhitespace(" "), cst.SimpleWhitespace(" ")),
        right=operand,
    )


class ScipyFirNyq(Rule):
    """## What it does
    Rewrites the removed `nyq=` argument of `scipy.signal.firwin`, `firwin2` and `firls` to
    `fs=2 * nyq` (simplified: `nyq=0.5 * fs_hz` → `fs=fs_hz`, `nyq=500` → `fs=1000`), and `remez`'s
    `Hz=` to `fs=` (it already was the sampling rate). Arguments passed positionally after the
    required ones become keywords, since the functions now take them keyword-only:
    `firwin(11, 0.2, None, "hann")` → `firwin(11, 0.2, width=None, window="hann")`.

    ## Why is this bad?
    `nyq` and `Hz` were deprecated in SciPy 1.0 and removed in 1.14 (TypeError); SciPy 1.14 also made
    every argument after the required ones keyword-only.

    ## Example
    ```python
    taps = signal.firwin(101, 40.0, nyq=0.5 * fs_hz)
    ```
    Use instead:
    ```python
    taps = signal.firwin(101, 40.0, fs=fs_hz)
    ```

    ## Fix safety
    Safe: the old code computed `fs = 2 * nyq` and normalised by `0.5 * fs`, which gives back `nyq`
    exactly (multiplying by 2 or 0.5 is exact in binary floating point). Calls that gave both `nyq`
    and `fs` (an error before too) or use `*args`/`**kwargs` are reported only.
    """

    code = "FX413"
    name = "scipy-fir-nyq"
    summary = "firwin/firwin2/firls(nyq=) and remez(Hz=) were removed in SciPy 1.14; use fs=."
    safety = Safety.SAFE
    versions = Versions("scipy", deprecated="1.0", removed="1.14")
    requires = ("scipy",)  # every import form names the library
    triggers = ("firwin", "firls", "remez")
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example("from scipy import signal\ntaps = signal.firwin(101, 40.0, nyq=0.5 * fs_hz)\n",
                "from scipy import signal\ntaps = signal.firwin(101, 40.0, fs=fs_hz)\n"),
        Example("from scipy.signal import firwin\ntaps = firwin(101, [5.0, 40.0], nyq=500, pass_zero=False)\n",
                "from scipy.signal import firwin\ntaps = firwin(101, [5.0, 40.0], fs=1000, pass_zero=False)\n"),
        Example("import scipy.signal as ss\ntaps = ss.firwin2(51, f, g, nyq=nyq)\nb = ss.firls(11, bands, d, nyq=fs / 2)\n",
                "import scipy.signal as ss\ntaps = ss.firwin2(51, f, g, fs=2 * nyq)\nb = ss.firls(11, bands, d, fs=fs)\n"),
        Example("import scipy.signal\nb = scipy.signal.firwin(11, 0.2, nyq=a + b)\nc = scipy.signal.firwin(11, 0.2, nyq=2.5)\n",
                "import scipy.signal\nb = scipy.signal.firwin(11, 0.2, fs=2 * (a + b))\nc = scipy.signal.firwin(11, 0.2, fs=5.0)\n"),
        Example("from scipy import signal\nb = signal.remez(72, bands, desired, Hz=fs)\n",
                "from scipy import signal\nb = signal.remez(72, bands, desired, fs=fs)\n"),
        Example("from scipy import signal\nb = signal.firwin(11, 0.2, None, 'hann')\n",
                "from scipy import signal\nb = signal.firwin(11, 0.2, width=None, window='hann')\n"),
        Example("from scipy import signal\nb = signal.firwin(11, 0.2, None, 'hamming', True, True, 50.0)\n",
                "from scipy import signal\nb = signal.firwin(11, 0.2, width=None, window='hamming', pass_zero=True, "
                "scale=True, fs=100.0)\n"),
        Example("from scipy import signal\nb = signal.firwin(11, 0.2, nyq=50, fs=100)\n",
                message="`firwin` got both `nyq` and `fs`", line=2, safety=Safety.DETECT),
        Example("from scipy import signal\nb = signal.firwin(11, 0.2, nyq=1e308)\n",
                "from scipy import signal\nb = signal.firwin(11, 0.2, fs=2 * 1e308)\n"),
        Example("from scipy import signal\nb = signal.firwin(11, 0.2, *extra)\n",
                message="`firwin`: the arguments after the required ones are keyword-only since",
                line=2, safety=Safety.DETECT),
        # must not touch: already modern, no nyq (the normalised default is unchanged), other libraries
        Example("from scipy import signal\nb = signal.firwin(11, 0.2, fs=100)\nc = signal.firwin(11, 0.2)\n"
                "d = signal.firwin(11, 0.2, window='hann')\n"),
        Example("import mylib\nb = mylib.firwin(11, 0.2, nyq=50)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = qualified_names(self, original_node.func)
        name = next((n for n in SIGNATURES if n in names), None)
        if name is None:
            return updated_node
        params, required = SIGNATURES[name]
        leaf = name.rpartition(".")[2]
        old_kw = "Hz" if leaf == "remez" else "nyq"
        positional = [a for a in original_node.args if a.keyword is None and not a.star]
        given = {a.keyword.value for a in original_node.args if a.keyword is not None}
        if len(positional) > required:
            given |= set(params[required:len(positional)])
        star = any(a.star == "*" for a in original_node.args)
        if len(positional) <= required and old_kw not in given and not star:
            return updated_node  # nothing removed is used
        if has_star_args(original_node) or len(positional) > len(params):
            self.report(original_node, f"`{leaf}`: the arguments after the required ones are keyword-only since "
                        f"SciPy 1.14 and `{old_kw}=` is gone (`fs=`); rewrite this call by hand")
            return updated_node
        if old_kw in given and "fs" in given:
            self.report(original_node, f"`{leaf}` got both `{old_kw}` and `fs`: keep `fs` (this call raised before too)")
            return updated_node
        args: list[cst.Arg] = []
        for index, arg in enumerate(updated_node.args):
            if arg.keyword is None and not arg.star and index >= required:
                arg = arg.with_changes(keyword=cst.Name(params[index]), equal=tight_equal())
            if arg.keyword is not None and arg.keyword.value == old_kw:
                value = twice(arg.value) if old_kw == "nyq" else arg.value
                arg = arg.with_changes(keyword=cst.Name("fs"), value=value)
            args.append(arg)
        new = updated_node.with_changes(args=args)
        message = f"`{short_code(original_node, 60)}` → `{short_code(new, 60)}` (removed in SciPy 1.14)"
        if old_kw not in given:
            message = f"`{leaf}` takes its optional arguments by keyword since SciPy 1.14: `{short_code(new, 60)}`"
        if self.report(original_node, message, fix=Safety.SAFE):
            return new
        return updated_node


