"""FX414 scipy-misc-removed: integrate/signal/stats/misc functions SciPy 1.12–1.15 removed."""

from __future__ import annotations

import libcst as cst

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.names import has_star_args, keyword, qualified_names, replace_callee, short_code
from finfix.sdk.nodes import tight_equal
from finfix.sdk.renames import NameRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions

LTI_REASON = "the `*2` versions used `odeint` (other tolerances) and accepted its keyword arguments; " \
             "the replacements use a different solver and accept no odeint options"

RENAMES = (
    NameRename("scipy.integrate.trapz", "scipy.integrate.trapezoid", note="removed in SciPy 1.14"),
    NameRename("scipy.integrate.cumtrapz", "scipy.integrate.cumulative_trapezoid", note="removed in SciPy 1.14"),
    *(NameRename(f"scipy.signal.{old}2", f"scipy.signal.{old}", note="removed in SciPy 1.13",
                 safety=Safety.UNSAFE, reason=LTI_REASON) for old in ("lsim", "impulse", "step")),
    *(NameRename(f"scipy.signal.{old}", "", safety=Safety.DETECT,
                 note="was removed in SciPy 1.13: build the basis with "
                      "`scipy.interpolate.BSpline.basis_element(...)`") for old in ("bspline", "cubic", "quadratic")),
    NameRename("scipy.misc.derivative", "", safety=Safety.DETECT,
               note="was removed in SciPy 1.12: use `scipy.differentiate.derivative` (SciPy ≥ 1.15, another API) "
                    "or a finite difference"),
    *(NameRename(f"scipy.misc.{old}", f"scipy.special.{old}", note="moved to `scipy.special`")
      for old in ("comb", "factorial", "factorial2", "logsumexp")),
    *(NameRename(f"scipy.misc.{old}", f"scipy.datasets.{old}", note="moved to `scipy.datasets`",
                 safety=Safety.UNSAFE, reason="`scipy.datasets` downloads the data (it needs `pooch` and the network)")
      for old in ("face", "ascent", "electrocardiogram")),
)

#: Calls whose replacement has another shape, by qualified name.
CALLS = ("scipy.integrate.simps", "scipy.integrate.romberg", "scipy.integrate.quadrature", "scipy.stats.binom_test")


class ScipyMiscRemoved(RenameRule):
    """## What it does
    Rewrites SciPy functions removed in 1.12–1.15: `integrate.trapz` → `integrate.trapezoid`,
    `integrate.cumtrapz` → `integrate.cumulative_trapezoid`, `integrate.simps(y, x)` →
    `integrate.simpson(y, x)` (extra positional arguments become keywords),
    `integrate.romberg(f, a, b)` → `integrate.quad(f, a, b)[0]`, `integrate.quadrature(f, a, b)` →
    `integrate.quad(f, a, b)`, `signal.lsim2/impulse2/step2` → `signal.lsim/impulse/step`,
    `stats.binom_test(k, n, p)` → `stats.binomtest(k, n, p).pvalue`, and the `scipy.misc` functions
    that moved (`comb`, `factorial`, `logsumexp` → `scipy.special`; `face`, `ascent`,
    `electrocardiogram` → `scipy.datasets`). `signal.bspline/cubic/quadratic` and `misc.derivative`
    are reported: their replacements have another API.

    ## Why is this bad?
    Each of these raises `AttributeError` on SciPy 1.15+.

    ## Example
    ```python
    from scipy import integrate
    area = integrate.trapz(y, x)
    ```
    Use instead:
    ```python
    from scipy import integrate
    area = integrate.trapezoid(y, x)
    ```

    ## Fix safety
    Safe: `trapz`, `cumtrapz`, `binom_test` with an explicit `n`, and the `scipy.special` moves.
    Unsafe: `simps` → `simpson` (since SciPy 1.11 `simpson` uses another end correction for an even
    number of samples, and `even=` is gone), `romberg`/`quadrature` → `quad` (another algorithm and
    tolerances), `lsim2` & co. (another ODE solver), `scipy.datasets` (downloads the data).
    """

    code = "FX414"
    name = "scipy-misc-removed"
    summary = "SciPy removed integrate.trapz/simps/romberg, signal.lsim2/bspline, stats.binom_test, misc.*."
    safety = Safety.SAFE
    versions = Versions("scipy", deprecated="1.10", removed="1.12", fix_needs="1.7")  # binom_test first; binomtest came in 1.7
    requires = ("scipy",)  # every import form names the library
    renames = RENAMES
    triggers = (*sorted({r.old_leaf for r in RENAMES}), "simps", "romberg", "quadrature", "binom_test")
    ast_trigger = AstTrigger(names=triggers)  # every form reaches a removed name through its leaf

    examples = (
        Example("from scipy import integrate\na = integrate.trapz(y, x) + integrate.cumtrapz(y)[-1]\n",
                "from scipy import integrate\na = integrate.trapezoid(y, x) + integrate.cumulative_trapezoid(y)[-1]\n"),
        Example("from scipy.integrate import trapz\na = trapz(y)\n", "from scipy.integrate import trapezoid\na = trapezoid(y)\n"),
        Example("import scipy.integrate as si\na = si.simps(y, x)\n", "import scipy.integrate as si\na = si.simpson(y, x)\n",
                unsafe=True),
        Example("import scipy.integrate as si\na = si.simps(y, None, 0.1, 0)\n",
                "import scipy.integrate as si\na = si.simpson(y, None, dx=0.1, axis=0)\n", unsafe=True),
        Example("from scipy.integrate import simps\na = simps(y, x)\n",
                "from scipy.integrate import simpson\na = simpson(y, x)\n", unsafe=True),
        Example("import scipy.integrate as si\na = si.simps(y, x)\n",
                message="`si.simps(y, x)` → `si.simpson(y, x)` (removed in SciPy 1.14)", line=2, safety=Safety.UNSAFE),
        Example("import scipy.integrate as si\na = si.simps(y, x, even='first')\n",
                message="`simps` was removed in SciPy 1.14", line=2, safety=Safety.DETECT),
        Example("from scipy import integrate\nv = integrate.romberg(f, 0, 1)\nw, err = integrate.quadrature(f, 0, 1)\n",
                "from scipy import integrate\nv = integrate.quad(f, 0, 1)[0]\nw, err = integrate.quad(f, 0, 1)\n",
                unsafe=True),
        Example("from scipy import integrate\nv = integrate.romberg(f, 0, 1, tol=1e-10)\n",
                message="`romberg` was removed in SciPy 1.15", line=2, safety=Safety.DETECT),
        Example("from scipy import signal\nt, y, x = signal.lsim2(sys, u, t)\n",
                "from scipy import signal\nt, y, x = signal.lsim(sys, u, t)\n", unsafe=True),
        Example("from scipy import signal\nb = signal.bspline(x, 3)\n",
                message="`signal.bspline` was removed in SciPy 1.13", line=2, safety=Safety.DETECT),
        Example("from scipy import stats\np = stats.binom_test(7, 20, 0.5, alternative='greater')\n",
                "from scipy import stats\np = stats.binomtest(7, 20, 0.5, alternative='greater').pvalue\n"),
        Example("from scipy.stats import binom_test\np = binom_test(x=7, n=20)\n",
                "from scipy.stats import binomtest\np = binomtest(k=7, n=20).pvalue\n"),
        Example("from scipy import stats\np = stats.binom_test([7, 13])\n",
                message="`binom_test` was removed", line=2, safety=Safety.DETECT),
        Example("from scipy.misc import comb, derivative\nc = comb(5, 2)\n",
                "from scipy.misc import derivative\nfrom scipy.special import comb\n\nc = comb(5, 2)\n"),
        Example("from scipy import misc\nd = misc.derivative(f, 1.0)\n",
                message="`misc.derivative` was removed in SciPy 1.12", line=2, safety=Safety.DETECT),
        # must not touch: the current names, numpy's trapezoid, other objects
        Example("import numpy as np\nfrom scipy import integrate, signal, stats\n"
                "a = integrate.trapezoid(y) + integrate.simpson(y) + np.trapezoid(y)\n"
                "r = stats.binomtest(7, 20)\ns = signal.lsim(sys, u, t)\nq = model.simps(y)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated = super().leave_Call(original_node, updated_node)
        if not isinstance(updated, cst.Call):
            return updated
        name = next((n for n in CALLS if n in qualified_names(self, original_node.func)), None)
        if name is None:
            return updated
        leaf = name.rpartition(".")[2]
        if has_star_args(original_node):
            self.report(original_node, f"`{leaf}` was removed from SciPy; rewrite this call by hand")
            return updated
        return getattr(self, f"_{leaf}")(name, original_node, updated)

    def _fix(self, original: cst.Call, updated: cst.Call, replacement: cst.BaseExpression, note: str,
             fix: Safety = Safety.SAFE, reason: str = "") -> cst.BaseExpression:
        message = f"`{short_code(original)}` → `{short_code(replacement, 70)}` ({note})"
        pending, self._pending = self._pending, None
        if self.report(original, message, fix=fix, reason=reason):
            if pending is not None:  # a from-imported callee: fix the imports now that the fix is applied
                replace_callee(self, *pending)
            return replacement
        return updated

    def _simps(self, name: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if keyword(original, "even") is not None or len(original.args) > 4:
            self.report(original, "`simps` was removed in SciPy 1.14; `simpson` has no `even=` and handles an even "
                        "number of samples differently: choose the end correction by hand")
            return updated
        args = _keywords_from(list(updated.args), ("y", "x", "dx", "axis"), first_keyword=2)
        call = cst.Call(func=self._callee(updated.func, name, "simpson"), args=args)
        return self._fix(original, updated, call, "removed in SciPy 1.14", Safety.UNSAFE,
                         "since SciPy 1.11 `simpson` uses another end correction for an even number of samples")

    def _romberg(self, name: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self._quad(name, original, updated, subscript=True)

    def _quadrature(self, name: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self._quad(name, original, updated, subscript=False)

    def _quad(self, name: str, original: cst.Call, updated: cst.Call, subscript: bool) -> cst.BaseExpression:
        leaf = name.rpartition(".")[2]
        positional = [a for a in original.args if a.keyword is None]
        extra = [a for a in original.args if a.keyword is not None and a.keyword.value != "args"]
        if len(positional) != 3 or extra:
            self.report(original, f"`{leaf}` was removed in SciPy 1.15: use `scipy.integrate.quad` and map its "
                        "tolerances by hand")
            return updated
        call: cst.BaseExpression = updated.with_changes(func=self._callee(updated.func, name, "quad"))
        if subscript:  # romberg returned the value only; quad returns (value, abserr)
            call = cst.Subscript(value=call, slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        return self._fix(original, updated, call, "removed in SciPy 1.15", Safety.UNSAFE,
                         "`quad` uses another algorithm and tolerances, so the last digits can differ")

    def _binom_test(self, name: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        positional = [a for a in original.args if a.keyword is None]
        if len(positional) < 2 and keyword(original, "n") is None:
            self.report(original, "`binom_test` was removed: with `x` as [successes, failures] use "
                        "`binomtest(x[0], x[0] + x[1], p).pvalue`")
            return updated
        args = [a.with_changes(keyword=cst.Name("k")) if a.keyword is not None and a.keyword.value == "x" else a
                for a in updated.args]
        call = cst.Call(func=self._callee(updated.func, name, "binomtest"), args=args)
        return self._fix(original, updated, cst.Attribute(value=call, attr=cst.Name("pvalue")),
                         "removed in SciPy 1.12")

    def _callee(self, func: cst.BaseExpression, qualified: str, new_leaf: str) -> cst.BaseExpression:
        """The new callee spelled like ``func``; a from-import's edits wait for ``_fix``."""
        if isinstance(func, cst.Attribute):
            return func.with_changes(attr=cst.Name(new_leaf))
        self._pending = (func, qualified, new_leaf)
        return cst.Name(new_leaf)

    _pending: tuple[cst.BaseExpression, str, str] | None = None


def _keywords_from(args: list[cst.Arg], names: tuple[str, ...], first_keyword: int) -> list[cst.Arg]:
    """Positional arguments from index ``first_keyword`` on become keywords named after ``names``."""
    out = []
    for i, arg in enumerate(args):
        if arg.keyword is None and i >= first_keyword and i < len(names):
            arg = arg.with_changes(
                keyword=cst.Name(names[i]),
                equal=tight_equal(),
            )
        out.append(arg)
    return out

