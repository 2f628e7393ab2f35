"""FX314 mpl-misc: smaller Matplotlib removals (boxplot `labels`, `vert`, hist `normed`, `Figure.number`,
`matplotlib.tight_layout`)."""

from __future__ import annotations

import ast

import libcst as cst
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.names import code_of, is_false, is_true, may_resolve_to, qualified_names
from finfix.sdk.receivers import AXES, FIGURE, receiver_kind
from finfix.sdk.rule import Example, Rule, Safety, Versions

# method -> keywords this rule handles on it
METHODS = {"boxplot": ("labels", "vert"), "violinplot": ("vert",), "hist": ("normed",)}
WHY = {
    "labels": "`labels=` was renamed `tick_labels=` in Matplotlib 3.9 and removed in 3.11 (TypeError)",
    "vert": "`vert=` is deprecated since Matplotlib 3.11 (removal in 3.13)",
    "normed": "`normed=` was removed in Matplotlib 3.1; use `density=`",
}


class MplMisc(Rule):
    """## What it does
    Fixes smaller Matplotlib API removals:

    | before | after | safety |
    |---|---|---|
    | `ax.boxplot(data, labels=[...])` | `ax.boxplot(data, tick_labels=[...])` | safe (needs ≥ 3.9) |
    | `ax.boxplot(..., vert=False)`, `ax.violinplot(..., vert=False)` | `orientation="horizontal"` (`vert=True` is dropped) | safe (needs ≥ 3.10) |
    | `ax.hist(x, normed=True)` | `ax.hist(x, density=True)` | safe |
    | `fig.number = n` | create the figure with `plt.figure(num=n)` | reported |
    | `fig.number` on a `Figure()` not made by pyplot | raises AttributeError in 3.11 | reported |
    | `import matplotlib.tight_layout` | `fig.tight_layout()` / `layout="tight"` | reported |

    The same keywords are fixed on the pyplot functions (`plt.boxplot`, `plt.violinplot`, `plt.hist`).

    ## Why is this bad?
    `boxplot(labels=)` raises `TypeError` on Matplotlib 3.11, `hist(normed=)` has raised since 3.1,
    `vert=` warns in 3.11 and goes in 3.13, and the `matplotlib.tight_layout` module is gone.

    ## Example
    ```python
    ax.boxplot([pnl_a, pnl_b], labels=["A", "B"], vert=False)
    ```
    Use instead:
    ```python
    ax.boxplot([pnl_a, pnl_b], tick_labels=["A", "B"], orientation="horizontal")
    ```

    ## Fix safety
    Safe: the keywords are renamed to what Matplotlib renamed them to. The `Figure.number` and
    `tight_layout` findings have no automatic fix.

    ## Receivers
    `ax.boxplot(...)`, `ax.violinplot(...)` and `ax.hist(...)` are rewritten only when `ax` is known to be a
    Matplotlib Axes (`finfix.sdk.receivers`: made by `plt.subplots()`, `plt.gca()`, `fig.add_subplot()`, ... or
    annotated `Axes`). `df.boxplot(...)`, `df.hist(...)` and other unknown receivers are reported, since
    pandas passes these keywords on to Matplotlib too. `Figure.number` is checked only on receivers known
    to be Figures.

    ## Known problems
    No version gate: `tick_labels` needs Matplotlib ≥ 3.9 and `orientation` ≥ 3.10.
    """

    code = "FX314"
    name = "mpl-misc"
    summary = "Matplotlib removals: boxplot labels=, vert=, hist normed=, Figure.number, tight_layout module."
    safety = Safety.SAFE
    versions = Versions("matplotlib", deprecated="2.1", removed="3.1", fix_needs="3.10")  # hist(normed=) first; orientation= needs 3.10
    requires = ("boxplot", "violinplot", "hist", ".number", "tight_layout")  # the APIs concerned
    triggers = ("labels", "vert", "normed", ".number", "tight_layout")
    # `tight_layout` matters only as the removed module (not `fig.tight_layout()`), the others as keywords
    ast_trigger = AstTrigger(
        attributes={"number"},
        modules={"matplotlib.tight_layout"},
        shapes={ast.Call: lambda call, _scan: _passes_renamed_keyword(call),
                ast.ImportFrom: lambda node, _scan: _imports_tight_layout(node)},
    )
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    examples = (
        Example(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.boxplot([a, b], labels=['A', 'B'], vert=False)\n",
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.boxplot([a, b], tick_labels=['A', 'B'], "
            "orientation=\"horizontal\")\n",
        ),
        Example(
            "import matplotlib.pyplot as plt\nplt.violinplot(data, vert=True)\nplt.hist(x, bins=20, normed=True)\n",
            "import matplotlib.pyplot as plt\nplt.violinplot(data)\nplt.hist(x, bins=20, density=True)\n",
        ),
        Example(
            "from matplotlib.pyplot import boxplot\nboxplot(d, labels=names)\n",
            "from matplotlib.pyplot import boxplot\nboxplot(d, tick_labels=names)\n",
        ),
        Example(
            "import matplotlib.pyplot as plt\nax = plt.gca()\nax.boxplot(d, vert=horizontal)\n",
                message="`vert=` is deprecated since Matplotlib 3.11 (removal in 3.13)", line=3, safety=Safety.DETECT),
        Example("import matplotlib.pyplot as plt\nfig = plt.figure()\nfig.number = 3\n",
                message="setting `Figure.number` is deprecated since Matplotlib 3.10", line=3, safety=Safety.DETECT),
        Example("from matplotlib.figure import Figure\nfig = Figure()\nprint(fig.number)\n",
                message="`Figure.number` of a figure not made by pyplot raises AttributeError in",
                line=3, safety=Safety.DETECT),
        Example("import matplotlib.tight_layout\n",
                message="the `matplotlib.tight_layout` module was removed", line=1, safety=Safety.DETECT),
        Example("from matplotlib.tight_layout import get_renderer\n",
                message="the `matplotlib.tight_layout` module was removed", line=1, safety=Safety.DETECT),
        # Unknown receivers are reported, not rewritten.
        Example("def f(df):\n    df.boxplot(column='pnl', labels=['x'])\n",
                message="`labels=` was renamed `tick_labels=` in Matplotlib 3.9 and removed in",
                line=2, safety=Safety.DETECT),
        # Look-alikes.
        Example("import seaborn as sns\nsns.boxplot(x=d, orient='h')\n"),
        Example("import numpy as np\nh = np.histogram(x, density=True)\n"),
        Example("import matplotlib.pyplot as plt\nfig = plt.figure()\nprint(fig.number)\n"),
        Example("class Ticket:\n    def __init__(self):\n        self.number = 3\n"),
    )

    # -- keywords --------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = original_node.func
        if not may_resolve_to(self, func, METHODS) or not any(
            a.keyword is not None and a.keyword.value in ("labels", "vert", "normed") for a in original_node.args
        ):
            return updated_node
        names = qualified_names(self, func)
        method = next((m for m in METHODS if f"matplotlib.pyplot.{m}" in names), None)
        known = method is not None
        if method is None:
            if not isinstance(func, cst.Attribute) or func.attr.value not in METHODS:
                return updated_node
            method = func.attr.value
            known = receiver_kind(self, func.value) == AXES
        wanted = METHODS[method]
        args = list(updated_node.args)
        changed = False
        for i, (orig, arg) in enumerate(zip(original_node.args, updated_node.args)):
            if orig.keyword is None or orig.keyword.value not in wanted:
                continue
            kw = orig.keyword.value
            new_arg = self._fixed(kw, orig)
            message = WHY[kw]
            if new_arg is False:
                self.report(orig, message, reason=f"`{kw}={code_of(orig.value)}` is not a literal True/False")
                continue
            shown = "drop it" if new_arg is None else f"`{code_of(new_arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))}`"
            message += f": {shown}"
            if not known:
                self.report(orig, message, reason=f"`{code_of(func.value)}` is not known to be a Matplotlib Axes "
                            "(pandas and others have methods of the same name)")
                continue
            if self.report(orig, message, fix=Safety.SAFE):
                args[i] = new_arg if new_arg is None else new_arg.with_changes(comma=arg.comma)
                changed = True
        if not changed:
            return updated_node
        kept = [a for a in args if a is not None]
        if kept and args[-1] is None:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=kept)

    def _fixed(self, kw: str, arg: cst.Arg) -> cst.Arg | None | bool:
        """The replacement argument, None to drop it, False when it cannot be decided."""
        if kw == "labels":
            return arg.with_changes(keyword=cst.Name("tick_labels"))
        if kw == "normed":
            return arg.with_changes(keyword=cst.Name("density"))
        if is_true(arg.value):
            return None
        if is_false(arg.value):
            return arg.with_changes(keyword=cst.Name("orientation"), value=cst.SimpleString('"horizontal"'))
        return False

    # -- Figure.number -----------------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "number":
            return
        parent = self.get_metadata(ParentNodeProvider, node, None)
        kind = receiver_kind(self, node.value)
        if kind != FIGURE:
            return
        if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.AugAssign) and parent.target is node):
            self.report(node, "setting `Figure.number` is deprecated since Matplotlib 3.10 (an error in 3.12): "
                        "create the figure with `plt.figure(num=n)`", reason="no automatic fix")
        elif self._made_without_pyplot(node.value):
            self.report(node, "`Figure.number` of a figure not made by pyplot raises AttributeError in "
                        "Matplotlib 3.11", reason="no automatic fix: create it with `plt.figure()`")

    def _made_without_pyplot(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            return "matplotlib.figure.Figure" in qualified_names(self, expr.func)
        if not isinstance(expr, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, expr, None)
        if scope is None:
            return False
        for access in scope.accesses[expr]:
            for assignment in access.referents:
                node = getattr(assignment, "node", None)
                target = self.get_metadata(ParentNodeProvider, node, None) if node is not None else None
                assign = self.get_metadata(ParentNodeProvider, target, None) if target is not None else None
                if isinstance(assign, cst.Assign) and self._made_without_pyplot(assign.value):
                    return True
        return False

    # -- matplotlib.tight_layout -------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if code_of(alias.name) == "matplotlib.tight_layout":
                self._tight_layout(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = code_of(node.module)
        if module == "matplotlib.tight_layout" or (
            module == "matplotlib" and not isinstance(node.names, cst.ImportStar)
            and any(code_of(a.name) == "tight_layout" for a in node.names)
        ):
            self._tight_layout(node)

    def _tight_layout(self, node: cst.CSTNode) -> None:
        self.report(node, "the `matplotlib.tight_layout` module was removed: use `fig.tight_layout()` or "
                    "`plt.figure(layout=\"tight\")`", reason="no automatic fix")


def _passes_renamed_keyword(call: ast.Call) -> bool:
    return any(k.arg in ("labels", "vert", "normed") for k in call.keywords)


def _imports_tight_layout(node: ast.ImportFrom) -> bool:
    """`from matplotlib import tight_layout` (the module's own imports are `modules` above)."""
    return node.module == "matplotlib" and not node.level and any(a.name == "tight_layout" for a in node.names)
