"""FX311 mpl-plot-date: `plot_date` (removed in Matplotlib 3.11) → `axis_date` + `plot` with the old "o" format."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import code_of, is_false, is_none, is_true, may_resolve_to, qualified_names
from finfix.sdk.receivers import AXES, bound_in_function, receiver_kind
from finfix.sdk.rule import Example, Rule, Safety, Versions

PYPLOT = "matplotlib.pyplot.plot_date"
AXES_QUALIFIED = ("matplotlib.axes.Axes.plot_date", "matplotlib.axes._axes.Axes.plot_date")
# plot_date(x, y, fmt='o', tz=None, xdate=True, ydate=False, *, data=None, **kwargs)
POSITIONAL = ("x", "y", "fmt", "tz", "xdate", "ydate")


class _NoFix(Exception):
    pass


class MplPlotDate(Rule):
    """## What it does
    Rewrites `plot_date` (deprecated in Matplotlib 3.9, removed in 3.11) to what it did:

    * `ax.plot_date(d, v)` → `ax.xaxis.axis_date()` then `ax.plot(d, v, "o")`: the old default format
      `"o"` (markers, no line) is written out, and a given `fmt` is kept (`fmt="b-"` → `"b-"`);
    * `tz=tz` → `ax.xaxis.axis_date(tz)`; `ydate=True` → `ax.yaxis.axis_date(tz)`; `xdate=False` → no
      x-axis call;
    * `plt.plot_date(...)` → `plt.gca().xaxis.axis_date()` then `plt.plot(...)` (any import form of pyplot,
      including `from matplotlib.pyplot import plot_date`).

    The `axis_date` call is always written when `xdate` is true: it is what `plot_date` did first, it is
    what makes float date numbers (`mdates.date2num`) show as dates, and it is harmless for datetimes.

    ## Why is this bad?
    `Axes.plot_date` and `pyplot.plot_date` no longer exist in Matplotlib 3.11: the call raises
    `AttributeError`. A plain rename to `plot` would draw a line instead of markers and lose the date axis
    for numeric x.

    ## Example
    ```python
    ax.plot_date(days, prices, tz=ny)
    ```
    Use instead:
    ```python
    ax.xaxis.axis_date(ny)
    ax.plot(days, prices, "o")
    ```

    ## Fix safety
    Safe: the same calls in the same order (`plot_date` called `axis_date` and then `plot(x, y, fmt)`),
    the same return value (a list of `Line2D`).

    ## Receivers
    `ax.plot_date(...)` is rewritten only when `ax` is known to be a Matplotlib Axes: made by
    `plt.subplots()`, `plt.gca()`, `fig.add_subplot()`, an axes-level seaborn function, taken from an
    `axes` array, or annotated `Axes` (see `finfix.sdk.receivers`). Other receivers are reported with the code
    to write, as are calls that are not statements of their own (the `axis_date` call needs a line) and
    calls with `*args`/`**kwargs`.
    """

    code = "FX311"
    name = "mpl-plot-date"
    summary = "plot_date was removed in Matplotlib 3.11; use axis_date + plot(..., \"o\")."
    safety = Safety.SAFE
    versions = Versions("matplotlib", deprecated="3.9", removed="3.11")
    triggers = ("plot_date",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    examples = (
        Example(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot_date(days, prices)\n",
            'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.xaxis.axis_date()\n'
            'ax.plot(days, prices, "o")\n',
        ),
        Example(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nlines = ax.plot_date(d, v, 'b-', tz=ny, "
            "ydate=True, xdate=False, lw=2)\n",
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.yaxis.axis_date(ny)\nlines = ax.plot(d, v, "
            "'b-', lw=2)\n",
        ),
        Example(
            "import matplotlib.pyplot as plt\nplt.plot_date(n, v, linestyle='-')\n",
            'import matplotlib.pyplot as plt\nplt.gca().xaxis.axis_date()\nplt.plot(n, v, "o", linestyle=\'-\')\n',
        ),
        Example(
            "import matplotlib\nmatplotlib.pyplot.plot_date(n, v, fmt='g.')\n",
            "import matplotlib\nmatplotlib.pyplot.gca().xaxis.axis_date()\nmatplotlib.pyplot.plot(n, v, 'g.')\n",
        ),
        Example(
            "from matplotlib.pyplot import plot_date\nplot_date(n, v)\n",
            'from matplotlib.pyplot import gca, plot\ngca().xaxis.axis_date()\nplot(n, v, "o")\n',
        ),
        Example(
            """
            import matplotlib.pyplot as plt
            def draw(frames):
                fig, axes = plt.subplots(2, 2)
                for ax, (d, v) in zip(axes.flat, frames):
                    ax.plot_date(d, v)
            """,
            """
            import matplotlib.pyplot as plt
            def draw(frames):
                fig, axes = plt.subplots(2, 2)
                for ax, (d, v) in zip(axes.flat, frames):
                    ax.xaxis.axis_date()
                    ax.plot(d, v, "o")
            """,
        ),
        Example(
            "from matplotlib.axes import Axes\ndef draw(ax: Axes, d, v):\n    return ax.plot_date(d, v)[0]\n",
                message="`ax.plot_date` was removed in Matplotlib 3.11", line=3, safety=Safety.DETECT),
        # An unknown receiver: reported with the code to write, not rewritten.
        Example("def draw(ax, d, v):\n    ax.plot_date(d, v)\n",
                message="`ax.plot_date` was removed in Matplotlib 3.11", line=2, safety=Safety.DETECT),
        # Look-alikes.
        Example("import matplotlib.pyplot as plt\nplt.plot(d, v, 'o')\n"),
        Example("import matplotlib.dates as mdates\nn = mdates.date2num(d)\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._before: dict[cst.SimpleStatementLine, list[str]] = {}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not may_resolve_to(self, func, {"plot_date"}):
            return updated_node
        names = qualified_names(self, func)
        pyplot = PYPLOT in names
        if not pyplot:
            if not isinstance(func, cst.Attribute) or func.attr.value != "plot_date":
                return updated_node
            known = bool(names.intersection(AXES_QUALIFIED)) or receiver_kind(self, func.value) == AXES
        else:
            known = True
        spelled = code_of(func)
        message = f"`{spelled}` was removed in Matplotlib 3.11"
        try:
            recv, plot_fn, axis_fns, call_src = self._replacement(original_node, pyplot)
        except _NoFix as exc:
            self.report(original_node, message, reason=str(exc))
            return updated_node
        suggestion = "; ".join([*axis_fns, call_src])
        message += f": use `{suggestion}`"
        if not known:
            self.report(original_node, message, reason=f"`{code_of(func.value)}` is not known to be a Matplotlib "
                        "Axes (made by plt.subplots(), plt.gca(), fig.add_subplot(), ... or annotated Axes)")
            return updated_node
        line = self._statement_line(original_node)
        if axis_fns and line is None:
            self.report(original_node, message, reason="the axis_date call needs a statement of its own, and "
                        "this call is part of an expression")
            return updated_node
        if axis_fns and not pyplot and not _pure(func.value):
            self.report(original_node, message, reason=f"`{code_of(func.value)}` would be evaluated twice")
            return updated_node
        if pyplot and isinstance(func, cst.Name) and bound_in_function(self, func):
            self.report(original_node, message, reason=f"`{func.value}` is imported inside the function; finfix "
                        "would add module-level imports of matplotlib.pyplot")
            return updated_node
        if not self.report(original_node, message, fix=Safety.SAFE):
            return updated_node
        if pyplot and isinstance(func, cst.Name):
            module = "matplotlib.pyplot"
            AddImportsVisitor.add_needed_import(self.context, module, "plot")
            if axis_fns:
                AddImportsVisitor.add_needed_import(self.context, module, "gca")
            RemoveImportsVisitor.remove_unused_import(
                self.context, module, "plot_date", func.value if func.value != "plot_date" else None)
        if line is not None and axis_fns:
            self._before.setdefault(line, []).extend(axis_fns)
        new = cst.parse_expression(call_src)
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        before = self._before.pop(original_node, None)
        if not before:
            return updated_node
        lines = [cst.parse_statement(s + "\n") for s in before]
        lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([*lines, updated_node.with_changes(leading_lines=[])])

    def _statement_line(self, call: cst.Call) -> cst.SimpleStatementLine | None:
        parent = self.get_metadata(ParentNodeProvider, call, None)
        if not (isinstance(parent, cst.Expr) or (isinstance(parent, cst.Assign) and parent.value is call)):
            return None
        line = self.get_metadata(ParentNodeProvider, parent, None)
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line
        return None

    def _replacement(self, call: cst.Call, pyplot: bool) -> tuple[str, str, list[str], str]:
        func = call.func
        bound: dict[str, cst.BaseExpression] = {}
        rest: list[str] = []
        for i, arg in enumerate(call.args):
            if arg.star:
                raise _NoFix("arguments passed with * or **")
            if arg.keyword is None:
                if i >= len(POSITIONAL):
                    raise _NoFix("too many positional arguments")
                bound[POSITIONAL[i]] = arg.value
            elif arg.keyword.value in POSITIONAL:
                bound[arg.keyword.value] = arg.value
            else:
                rest.append(code_of(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip())
        if "x" not in bound or "y" not in bound:
            raise _NoFix("x and y are not both given")
        xdate = _flag(bound.get("xdate"), True, "xdate")
        ydate = _flag(bound.get("ydate"), False, "ydate")
        tz = bound.get("tz")
        tz_src = "" if tz is None or is_none(tz) else code_of(tz)
        fmt = code_of(bound["fmt"]) if "fmt" in bound else '"o"'
        if pyplot:
            if isinstance(func, cst.Attribute):
                base = code_of(func.value)
                recv, plot_fn = f"{base}.gca()", f"{base}.plot"
            else:
                recv, plot_fn = "gca()", "plot"
        else:
            recv = code_of(func.value)  # type: ignore[attr-defined]
            plot_fn = f"{recv}.plot"
        axis_fns = []
        if xdate:
            axis_fns.append(f"{recv}.xaxis.axis_date({tz_src})")
        if ydate:
            axis_fns.append(f"{recv}.yaxis.axis_date({tz_src})")
        args = [code_of(bound["x"]), code_of(bound["y"]), fmt, *rest]
        return recv, plot_fn, axis_fns, f"{plot_fn}({', '.join(args)})"


def _flag(value: cst.BaseExpression | None, default: bool, name: str) -> bool:
    if value is None:
        return default
    if is_true(value):
        return True
    if is_false(value):
        return False
    raise _NoFix(f"`{name}={code_of(value)}` is not a literal True/False")


def _pure(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.Name, cst.Integer, cst.SimpleString)):
        return True
    if isinstance(expr, cst.Attribute):
        return _pure(expr.value)
    if isinstance(expr, cst.Subscript):
        return _pure(expr.value) and all(
            isinstance(s.slice, cst.Index) and _pure(s.slice.value) for s in expr.slice
        )
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "gca":
        return not expr.args
    return False
