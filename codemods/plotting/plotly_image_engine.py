"""FX321 plotly-image-engine: `engine=` of `write_image`/`to_image` and the Kaleido/Orca scopes (removed in plotly 7)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import code_of, keyword, may_resolve_to, qualified_names
from finfix.sdk.receivers import PLOTLY, receiver_kind
from finfix.sdk.rule import Example, Rule, Safety, Versions

IO_FUNCS = frozenset(
    f"{m}.{f}" for m in ("plotly.io", "plotly.io._kaleido") for f in ("write_image", "to_image", "full_figure_for_development")
)
METHODS = frozenset({"write_image", "to_image"})
# Attributes of the old Kaleido scope / Orca config that `plotly.io.defaults` has under the same name.
DEFAULTS = frozenset({"default_format", "default_width", "default_height", "default_scale", "mathjax", "topojson"})
SCOPES = ("plotly.io.kaleido.scope", "plotly.io.orca.config")
ENV = "Kaleido v1 needs `kaleido>=1` and a Chrome install (`plotly_get_chrome`)"

SPELLINGS = frozenset({"write_image", "to_image", "full_figure_for_development"})

class PlotlyImageEngine(Rule):
    """## What it does
    Drops the `engine=` argument of `fig.write_image(...)`, `fig.to_image(...)`, `pio.write_image(...)` and
    `pio.to_image(...)`, and moves the old image settings to `plotly.io.defaults`:
    `pio.kaleido.scope.default_format = "svg"` (also `default_width`, `default_height`, `default_scale`,
    `mathjax`, `topojson`) and `pio.orca.config.default_format = ...` → `pio.defaults.default_format = ...`.
    `format="eps"` is reported: Kaleido v1 cannot write EPS.

    ## Why is this bad?
    plotly 6.1 deprecated `engine=` and Orca/Kaleido v0; plotly 7.0 removed them:
    `fig.write_image("a.png", engine="kaleido")` raises `TypeError`, and `pio.kaleido.scope` and
    `pio.orca` no longer exist.

    ## Example
    ```python
    fig.write_image("pnl.png", engine="kaleido")
    ```
    Use instead:
    ```python
    fig.write_image("pnl.png")
    ```

    ## Fix safety
    Safe: the only engine left is Kaleido v1, which is what the call now uses (the output may differ
    slightly from Orca's). The environment needs `kaleido>=1` and Chrome (`plotly_get_chrome`).

    ## Receivers
    `x.write_image(engine=...)` is rewritten only when `x` is known to be a plotly Figure: made by
    `go.Figure(...)`, a `plotly.express` function, `make_subplots(...)`, a chain of `update_*`/`add_*`
    calls on one of those, or annotated `go.Figure` (`finfix.sdk.receivers`). Other receivers are reported.
    `sqlalchemy.create_engine`, `pd.read_csv(engine=...)`, `df.to_parquet(engine=...)` are never touched.
    """

    code = "FX321"
    name = "plotly-image-engine"
    summary = "plotly 7 removed write_image/to_image engine= and the Kaleido/Orca scopes."
    safety = Safety.SAFE
    versions = Versions("plotly", deprecated="6.1", removed="7.0")
    triggers = ("write_image", "to_image", "full_figure_for_development", "kaleido", "orca")
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    examples = (
        Example(
            "import plotly.express as px\nfig = px.line(df, y='pnl')\nfig.write_image('pnl.png', engine='kaleido')\n",
            "import plotly.express as px\nfig = px.line(df, y='pnl')\nfig.write_image('pnl.png')\n",
        ),
        Example(
            "import plotly.graph_objects as go\nimg = go.Figure(data=bars).update_layout(title='x').to_image("
            "format='png', engine='orca', width=600)\n",
            "import plotly.graph_objects as go\nimg = go.Figure(data=bars).update_layout(title='x').to_image("
            "format='png', width=600)\n",
        ),
        Example(
            "import plotly.io as pio\npio.write_image(fig, 'a.png', engine='auto')\n",
            "import plotly.io as pio\npio.write_image(fig, 'a.png')\n",
        ),
        Example(
            "from plotly.io import to_image\nb = to_image(fig, engine=ENGINE)\n",
            "from plotly.io import to_image\nb = to_image(fig)\n",
        ),
        Example(
            "import plotly.io as pio\npio.kaleido.scope.default_format = 'svg'\npio.orca.config.default_width = 800\n",
            "import plotly.io as pio\npio.defaults.default_format = 'svg'\npio.defaults.default_width = 800\n",
        ),
        Example(
            "import plotly.graph_objects as go\ndef save(fig: go.Figure):\n    fig.write_image('a.eps')\n"
            "    fig.write_image('b.pdf', format='eps')\n",
            message="Kaleido v1 (the only engine in plotly 7) cannot write EPS", line=3, safety=Safety.DETECT,
        ),
        Example("import plotly.io as pio\npio.kaleido.scope.chromium_args = ()\n",
                message="`pio.kaleido.scope.chromium_args`", line=2, safety=Safety.DETECT),
        # Unknown receivers: reported, not rewritten.
        Example("import plotly\ndef save(fig):\n    fig.write_image('a.png', engine='kaleido')\n",
                message="`engine='kaleido'` was removed in plotly 7.0", line=3, safety=Safety.DETECT),
        Example("def save(doc):\n    doc.write_image('a.png', engine='pdfium')\n"),  # no plotly in the module
        Example("def save(fig):\n    import plotly.io\n    fig.write_image('a.png', engine='kaleido')\n",
                message="`engine='kaleido'` was removed in plotly 7.0", line=3, safety=Safety.DETECT),
        # Look-alikes.
        Example("from sqlalchemy import create_engine\nengine = create_engine(url)\n"),
        Example("import pandas as pd\ndf = pd.read_csv('a.csv', engine='pyarrow')\ndf.to_parquet('a.pq', engine='pyarrow')\n"),
        Example("import plotly.io as pio\npio.defaults.default_format = 'svg'\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._has_plotly: bool | None = None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = original_node.func
        if not may_resolve_to(self, func, SPELLINGS):
            return updated_node
        names = qualified_names(self, func)
        if names & IO_FUNCS:
            known = True
        elif isinstance(func, cst.Attribute) and func.attr.value in METHODS:
            known = receiver_kind(self, func.value) == PLOTLY
            if not known and not self._plotly_imported(original_node):
                return updated_node  # no plotly in sight: some other write_image
        else:
            return updated_node
        self._check_eps(original_node)
        engine = keyword(original_node, "engine")
        if engine is None:
            return updated_node
        message = f"`engine={code_of(engine.value)}` was removed in plotly 7.0: drop it ({ENV})"
        if not known:
            self.report(engine, message, reason=f"`{code_of(func.value)}` is not known to be a plotly Figure")
            return updated_node
        if not self.report(engine, message, fix=Safety.SAFE):
            return updated_node
        index = list(original_node.args).index(engine)
        args = [a for i, a in enumerate(updated_node.args) if i != index]
        if args and index == len(updated_node.args) - 1:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=args)

    def _plotly_imported(self, node: cst.CSTNode) -> bool:
        """Does the module import plotly anywhere (also lazily, inside a function)?"""
        if self._has_plotly is None:
            found = False

            class Find(cst.CSTVisitor):
                def visit_Import(self, imp: cst.Import) -> None:
                    nonlocal found
                    found = found or any(code_of(a.name).split(".")[0] == "plotly" for a in imp.names)

                def visit_ImportFrom(self, imp: cst.ImportFrom) -> None:
                    nonlocal found
                    found = found or (imp.module is not None and code_of(imp.module).split(".")[0] == "plotly")

            self.module.visit(Find())
            self._has_plotly = found
        return self._has_plotly

    def _check_eps(self, call: cst.Call) -> None:
        fmt = keyword(call, "format")
        target = fmt.value if fmt is not None else None
        if isinstance(target, cst.SimpleString) and str(target.evaluated_value).lower() == "eps":
            self.report(fmt, "Kaleido v1 (the only engine in plotly 7) cannot write EPS",
                        reason="choose svg or pdf")
            return
        first = call.args[0] if call.args and call.args[0].keyword is None else None
        path = first.value if first is not None else None
        if isinstance(call.func, cst.Attribute) and isinstance(path, cst.SimpleString) and fmt is None:
            if str(path.evaluated_value).lower().endswith(".eps"):
                self.report(first, "Kaleido v1 (the only engine in plotly 7) cannot write EPS",
                            reason="choose svg or pdf")

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        base = original_node.value
        if not isinstance(base, cst.Attribute) or base.attr.value not in ("scope", "config"):
            return updated_node
        scope_names = qualified_names(self, base) & set(SCOPES)
        if not scope_names:
            return updated_node
        attr = original_node.attr.value
        old = f"{code_of(base)}.{attr}"
        pio = code_of(base.value.value) if isinstance(base.value, cst.Attribute) else None
        if attr not in DEFAULTS or pio is None:
            self.report(original_node, f"`{old}`: `{code_of(base)}` was removed in plotly 7.0",
                        reason=f"`{attr}` has no counterpart in `plotly.io.defaults`")
            return updated_node
        new = f"{pio}.defaults.{attr}"
        if not self.report(original_node, f"`{code_of(base)}` was removed in plotly 7.0: use `{new}`",
                           fix=Safety.SAFE):
            return updated_node
        return cst.parse_expression(new)
