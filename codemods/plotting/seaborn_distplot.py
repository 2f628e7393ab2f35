"""FX301 seaborn-distplot: `distplot` → `histplot` / `kdeplot` / `rugplot` with the full argument mapping."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import code_of, is_false, is_true, may_resolve_to, qualified_names
from finfix.sdk.receivers import bound_in_function
from finfix.sdk.rule import Example, Rule, Safety, TracksImports
from finfix.sdk.snippets import snippet

DISTPLOT = ("seaborn.distplot", "seaborn.distributions.distplot")
# distplot's signature in seaborn 0.13.2, in order (all may be given positionally).
PARAMS = (
    "a", "bins", "hist", "kde", "rug", "fit", "hist_kws", "kde_kws", "rug_kws", "fit_kws",
    "color", "vertical", "norm_hist", "axlabel", "label", "ax", "x",
)
# `hist_kws` keys that are Matplotlib bar properties: histplot passes them on unchanged.
BAR_PROPS = frozenset({
    "alpha", "edgecolor", "ec", "linewidth", "lw", "facecolor", "fc", "hatch", "zorder", "linestyle",
    "ls", "rasterized", "label", "color",
})
# `kde_kws` keys: estimation ones go to histplot's `kde_kws`, style ones to its `line_kws`.
KDE_ESTIMATION = frozenset({"bw_method", "bw_adjust", "gridsize", "cut", "clip", "cumulative"})
KDE_STYLE = frozenset({"lw", "linewidth", "ls", "linestyle", "alpha", "label", "zorder", "dashes", "marker"})
# Keys that histplot's embedded KDE cannot express: the KDE is drawn by its own kdeplot call.
KDE_OWN_CALL = frozenset({"color", "shade", "fill"})
# Grid methods that take a plotting function as their first argument.
GRID_MAP = frozenset({"map", "map_diag", "map_offdiag", "map_lower", "map_upper", "map_dataframe"})

VISUAL = ("the modern functions draw slightly differently: histplot draws bar edges and scales the KDE "
          "line with the same stat, and the default bin count differs (distplot capped Freedman-Diaconis at 50)")


class _NoFix(Exception):
    """The call cannot be rewritten; the message says why (and what to write instead)."""


@dataclass
class _Plan:
    main: str  # the replacement call, as source
    extras: list[str] = field(default_factory=list)  # plotting statements that follow it (rugplot, kdeplot)
    followups: list[tuple[str, str]] = field(default_factory=list)  # Axes setters: (method, argument source)
    notes: list[str] = field(default_factory=list)  # what the reader should check
    imports: set[str] = field(default_factory=set)  # seaborn functions used (for the from-import form)
    rug_only_extra: tuple[str, str] | None = None  # (rug_kws source, shown) for the displot fallback


class SeabornDistplot(TracksImports, Rule):
    """## What it does
    Rewrites `seaborn.distplot` calls (every import form: `sns.distplot`, `seaborn.distplot`,
    `from seaborn import distplot [as d]`, `seaborn.distributions.distplot`) to the axes-level functions that
    replace it, mapping every argument as the seaborn 0.13.2 source of `distplot` used it:

    * default (`hist=True, kde=True`) → `histplot(x=a, kde=True, stat="density", alpha=0.4,
      kde_kws={"cut": 3})` (the old histogram was density-normalised whenever a KDE was drawn; `alpha` and
      `cut` are the old look);
    * `kde=False` → `histplot(x=a, ...)` (counts; `norm_hist=True` → `stat="density"`);
    * `hist=False` → `kdeplot(x=a, ...)` (`kde_kws` go straight in, `shade=True` → `fill=True`);
    * `hist=False, kde=False, rug=True` → `rugplot(x=a, ...)`;
    * `rug=True` → an extra `rugplot(x=a, ax=..., **rug_kws)` statement after the call;
    * `vertical=True` → `y=a`; `bins`, `color`, `label`, `ax` are kept; `axlabel="t"` → `ax.set_xlabel("t")`
      (`set_ylabel` when vertical, `""` for `axlabel=False`);
    * `hist_kws` are unpacked into histplot (`density` → `stat`, `histtype="step"` → `element="step",
      fill=False`, `range` → `binrange`, `log=True` → `ax.set_yscale("log")`);
    * `kde_kws` are split: estimation keys (`bw_method`, `bw_adjust`, `gridsize`, `cut`, `clip`, `cumulative`,
      old `bw` → `bw_method`) go to `kde_kws`, style keys (`lw`, `ls`, `alpha`, `label`) to `line_kws`. A KDE
      with its own `color` or `shade` cannot be drawn by histplot, so it gets its own `kdeplot` statement.

    `g.map(sns.distplot, "col")` on a FacetGrid/PairGrid becomes `g.map(sns.histplot, "col", stat="density",
    kde=True)` (unsafe). `fit=` has no modern equivalent: the call is reported with the code to write.

    ## Why is this bad?
    `distplot` was deprecated in seaborn 0.11, warns on every call in 0.13.2, and is announced for removal in
    0.14. Its replacements default differently: `histplot` counts where `distplot` normalised, so a
    plain rename silently changes the y-axis from density to counts.

    ## Example
    ```python
    ax = sns.distplot(returns, rug=True, axlabel="Daily return")
    ```
    Use instead:
    ```python
    ax = sns.histplot(x=returns, kde=True, stat="density", alpha=0.4, kde_kws={"cut": 3})
    sns.rugplot(x=returns, ax=ax)
    ax.set_xlabel("Daily return")
    ```

    ## Fix safety
    Unsafe (visual): the rewrite keeps the kind of artists (bars, a KDE line, rug ticks), the axes, the
    normalisation (density vs count) and the return type (`Axes`), but not every pixel. histplot draws bar
    edges and chooses its bins differently (see below); without an explicit `color` the extra
    `rugplot`/`kdeplot` statements take the next colour of the cycle, where distplot shared one colour.
    With the option `match-style = false` the rewrite is the minimal `histplot(x=a, kde=True,
    stat="density")`, without the `alpha`/`cut` arguments that imitate the old look.

    Bins: distplot used Freedman-Diaconis capped at 50 bins, falling back to sqrt(n) when the IQR is 0.
    The rewrite keeps histplot's default `bins="auto"` (the larger of Freedman-Diaconis and Sturges)
    rather than `bins="fd"`, which gives a single bin for data with a zero IQR (many flat days).

    ## Known problems
    Only reported (no fix): `fit=`, non-literal `hist`/`kde`/`rug`/`norm_hist`/`vertical` flags, keyword
    dictionaries that are not literals (except `rug_kws`), unknown `hist_kws` keys, `*args`/`**kwargs`,
    and calls that need an extra statement where none can be placed (inside an expression, on one line
    with other statements). In that last case, when the return value is unused and no `ax` is given, the
    rug is drawn by the figure-level `displot(..., rug=True)` instead (it creates its own figure).
    """

    code = "FX301"
    name = "seaborn-distplot"
    summary = "seaborn's deprecated distplot → histplot/kdeplot/rugplot with the old normalisation."
    safety = Safety.UNSAFE
    triggers = ("distplot", "marginal_kws")
    options = {"match-style": True}
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ParentNodeProvider, ScopeProvider)

    examples = (
        Example(
            "import seaborn as sns\nax = sns.distplot(returns)\n",
            'import seaborn as sns\nax = sns.histplot(x=returns, kde=True, stat="density", alpha=0.4, '
            'kde_kws={"cut": 3})\n',
            unsafe=True,
        ),
        # Safe fixes only: reported, not rewritten.
        Example("import seaborn as sns\nsns.distplot(returns)\n", reported=True),
        Example(
            "import seaborn as sns\nax = sns.distplot(returns)\n",
            'import seaborn as sns\nax = sns.histplot(x=returns, kde=True, stat="density")\n',
            unsafe=True,
            options={"match-style": False},
        ),
        Example(
            "import seaborn\nseaborn.distplot(df.ret, kde=False, bins=30, color='g')\n",
            "import seaborn\nseaborn.histplot(x=df.ret, bins=30, color='g', alpha=0.4)\n",
            unsafe=True,
        ),
        Example(
            "import seaborn as sns\nsns.distplot(r, kde=False, norm_hist=True, ax=ax1)\n",
            'import seaborn as sns\nsns.histplot(x=r, stat="density", alpha=0.4, ax=ax1)\n',
            unsafe=True,
        ),
        Example(
            "from seaborn import distplot\n\n\ndef plot(r):\n    return distplot(r, hist=False, "
            "kde_kws={'shade': True, 'bw': 0.2})\n",
            "from seaborn import kdeplot\n\n\ndef plot(r):\n    return kdeplot(x=r, fill=True, bw_method=0.2)\n",
            unsafe=True,
        ),
        Example(
            "from seaborn import distplot as dp\ndp(r, vertical=True, rug=True, ax=ax)\n",
            'from seaborn import histplot, rugplot\nhistplot(y=r, kde=True, stat="density", alpha=0.4, '
            'kde_kws={"cut": 3}, ax=ax)\nrugplot(y=r, ax=ax)\n',
            unsafe=True,
        ),
        Example(
            """
            import seaborn.distributions
            def show(r, axes):
                ax = seaborn.distributions.distplot(r, axlabel="Return", rug=True, rug_kws={"height": 0.05},
                                                    hist_kws={"log": True, "edgecolor": "k"}, ax=axes[0])
            """,
            """
            import seaborn.distributions
            def show(r, axes):
                ax = seaborn.distributions.histplot(x=r, kde=True, stat="density", edgecolor="k", alpha=0.4, kde_kws={"cut": 3}, ax=axes[0])
                seaborn.distributions.rugplot(x=r, height=0.05, ax=ax)
                ax.set_xlabel("Return")
                ax.set_yscale("log")
            """,
            unsafe=True,
        ),
        Example(
            "import seaborn as sns\nsns.distplot(r, kde_kws={'color': 'k', 'lw': 2, 'bw_adjust': 0.5}, color='b',"
            " axlabel=False)\n",
            "import seaborn as sns\nsns.histplot(x=r, stat=\"density\", color='b', alpha=0.4).set_xlabel(\"\")\n"
            "sns.kdeplot(x=r, color='k', lw=2, bw_adjust=0.5)\n",
            unsafe=True,
        ),
        Example(
            "import seaborn as sns\nsns.distplot(r, hist=False, kde=False, rug=True, label='fills')\n",
            "import seaborn as sns\nsns.rugplot(x=r, label='fills')\n",
            unsafe=True,
        ),
        # No room for the extra rugplot statement, return value unused, no ax: figure-level displot.
        Example(
            "import seaborn as sns\nif show: sns.distplot(r, rug=True)\n",
            'import seaborn as sns\nif show: sns.displot(x=r, kde=True, stat="density", alpha=0.4, '
            'kde_kws={"cut": 3}, rug=True)\n',
            unsafe=True,
        ),
        Example(
            "import seaborn as sns\ng = sns.FacetGrid(df, col='sym')\ng.map(sns.distplot, 'ret')\n",
            "import seaborn as sns\ng = sns.FacetGrid(df, col='sym')\ng.map(sns.histplot, 'ret', stat=\"density\", "
            "kde=True)\n",
            unsafe=True,
        ),
        # Keys given twice: distplot let hist_kws/kde_kws/rug_kws colours win, and the top-level label.
        Example(
            "import seaborn as sns\nsns.distplot(r, color='b', label='r', hist_kws={'color': 'g', 'label': 'x'}, "
            "rug=True, rug_kws={'color': 'k'})\n",
            "import seaborn as sns\nsns.histplot(x=r, stat=\"density\", color='g', label='r', alpha=0.4)\n"
            "sns.kdeplot(x=r, color='b')\nsns.rugplot(x=r, color='k')\n",
            unsafe=True,
        ),
        # A lazy import inside the function: the attribute form needs no new import ...
        Example(
            "def plot(r):\n    import seaborn as sns\n    return sns.distplot(r, kde=False)\n",
            "def plot(r):\n    import seaborn as sns\n    return sns.histplot(x=r, alpha=0.4)\n",
            unsafe=True,
        ),
        # ... the from-import form would need a module-level import: reported only.
        Example("def plot(r):\n    from seaborn import distplot\n    distplot(r)\n", reported=True, unsafe=True),
        # fit= has no modern equivalent: reported with the code to write.
        Example("import seaborn as sns\nfrom scipy import stats\nsns.distplot(r, fit=stats.norm)\n", reported=True,
                unsafe=True),
        Example("import seaborn as sns\nsns.distplot(r, kde=use_kde)\n", reported=True, unsafe=True),
        Example("import seaborn as sns\nplotters = {'dist': sns.distplot, 'kde': sns.kdeplot}\n", reported=True),
        Example("import seaborn as sns\nsns.jointplot(x=a, y=b, marginal_kws={'hist_kws': {'alpha': 1}})\n",
                reported=True),
        # Look-alikes.
        Example("import seaborn as sns\nsns.displot(returns)\n"),
        Example("import seaborn as sns\nsns.jointplot(x=a, y=b, marginal_kws={'bins': 20})\n"),
        Example("import plotly.figure_factory as ff\nfig = ff.create_distplot([returns], ['r'])\n"),
        Example("def distplot(a):\n    return a\ndistplot(returns)\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._after: dict[cst.SimpleStatementLine, list[str]] = {}

    # -- detection -------------------------------------------------------------------------------
    def _is_distplot(self, node: cst.CSTNode) -> bool:
        if not may_resolve_to(self, node, {"distplot"}):
            return False
        return bool(qualified_names(self, node).intersection(DISTPLOT))

    def visit_Call(self, node: cst.Call) -> None:
        if self._is_distplot(node.func):
            return
        # `g.map(sns.distplot, "col")`: a function reference handed to a grid.
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in GRID_MAP
            and node.args
            and node.args[0].keyword is None
            and not node.args[0].star
            and self._is_distplot(node.args[0].value)
        ):
            self._grid_calls.add(node)
        # `jointplot(..., marginal_kws={"hist_kws": ...})`: seaborn drops those keys with a warning.
        elif may_resolve_to(self, func, {"jointplot"}) and qualified_names(self, func) & {
            "seaborn.jointplot", "seaborn.axisgrid.jointplot"
        }:
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "marginal_kws" and isinstance(arg.value, cst.Dict):
                    old = [
                        el.key.evaluated_value for el in arg.value.elements
                        if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)
                        and el.key.evaluated_value in ("hist_kws", "kde_kws", "rug_kws", "fit_kws", "norm_hist")
                    ]
                    if old:
                        self.report(arg, f"`marginal_kws` keys {', '.join(map(repr, old))} were distplot's; "
                                    "jointplot now passes marginal_kws to histplot, which ignores them",
                                    reason="move them to histplot's own keywords (kde_kws, line_kws, ...) by hand")

    def visit_Module(self, node: cst.Module) -> None:
        self._grid_calls: set[cst.Call] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._reference(node)
        return not self._is_distplot(node)

    def visit_Name(self, node: cst.Name) -> None:
        self._reference(node)

    def _reference(self, node: cst.BaseExpression) -> None:
        """A reference to distplot that is neither called nor handed to a grid: `plot = sns.distplot`."""
        if self.in_import or not self._is_distplot(node):
            return
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        if isinstance(parent, cst.Arg):
            grand = self.get_metadata(ParentNodeProvider, parent, None)
            if grand in self._grid_calls:
                return
        self.report(node, f"`{code_of(node)}` is deprecated (removed in seaborn 0.14)",
                    reason="a reference, not a call: the replacement depends on how it is called")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self._grid_calls:
            return self._leave_grid_map(original_node, updated_node)
        if not self._is_distplot(original_node.func):
            return updated_node
        spelled = code_of(original_node.func)
        if not spelled.endswith("distplot"):
            spelled += "` (`seaborn.distplot`)"
            spelled = spelled[:-1]
        try:
            plan = self._plan(original_node)
        except _NoFix as exc:
            self.report(original_node, f"`{spelled}` is deprecated (removed in seaborn 0.14)", reason=str(exc))
            return updated_node
        reason = "; ".join([VISUAL, *plan.notes])
        line, assigned = self._statement_of(original_node)
        needs_more = bool(plan.extras or plan.followups)
        if needs_more and line is not None and not assigned and self._ax_given and self._ax_ref is None:
            self.report(original_node, f"`{spelled}` is deprecated (removed in seaborn 0.14)",
                        reason="`ax=` is not a plain name, and the statements that follow the call need the Axes")
            return updated_node
        new_src = plan.main
        if not needs_more:
            message = f"`{spelled}` is deprecated (removed in seaborn 0.14): use `{_short(new_src)}`"
            if not self.report(original_node, message, fix=Safety.UNSAFE, reason=reason):
                return updated_node
            return self._finish(original_node, new_src, plan)
        if line is None:
            if (plan.rug_only_extra is not None and not plan.followups and not self._ax_given
                    and self._unused_value(original_node)):
                kws, _ = plan.rug_only_extra
                kind = [] if _callee(plan.main).endswith("histplot") else ['kind="kde"']
                new_src = _add_kwargs(plan.main.replace(_callee(plan.main), self._fn("displot", plan), 1),
                                      [*kind, "rug=True", *([kws] if kws else [])])
                message = f"`{spelled}` is deprecated (removed in seaborn 0.14): use `{_short(new_src)}`"
                if not self.report(original_node, message, fix=Safety.UNSAFE,
                                   reason=reason + "; displot draws on a new figure of its own"):
                    return updated_node
                plan.imports.discard("histplot")
                plan.imports.discard("rugplot")
                plan.imports.add("displot")
                return self._finish(original_node, new_src, plan)
            self.report(
                original_node,
                f"`{spelled}` is deprecated (removed in seaborn 0.14): use `{_short(plan.main)}` "
                f"followed by {', '.join(_short(s) for s in plan.extras) or 'Axes setters'}",
                reason="the replacement needs statements after the call, and this call is not a statement "
                "of its own",
            )
            return updated_node
        message = f"`{spelled}` is deprecated (removed in seaborn 0.14): use `{_short(new_src)}`" + (
            f" and {len(plan.extras) + len(plan.followups)} more statement(s)"
        )
        if not self.report(original_node, message, fix=Safety.UNSAFE, reason=reason):
            return updated_node
        ax = assigned or plan_ax(plan)
        extras = [s.replace("__AX__", f", ax={ax}" if ax else "") for s in plan.extras]
        if plan.followups:
            if ax:
                extras += [f"{ax}.{method}({arg})" for method, arg in plan.followups]
            else:  # an expression statement without an Axes name: chain on the Axes histplot returns
                if len(plan.followups) == 1:
                    method, arg = plan.followups[0]
                    new_src = f"{new_src}.{method}({arg})"
                else:
                    setters = ", ".join(f"{m[4:]}={a}" for m, a in plan.followups)
                    new_src = f"{new_src}.set({setters})"
        self._after[line] = extras
        return self._finish(original_node, new_src, plan)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        extras = self._after.pop(original_node, None)
        if not extras:
            return updated_node
        return cst.FlattenSentinel([updated_node, *(cst.parse_statement(s + "\n") for s in extras)])

    # -- helpers ---------------------------------------------------------------------------------
    def _finish(self, original: cst.Call, new_src: str, plan: _Plan) -> cst.BaseExpression:
        if isinstance(original.func, cst.Name):
            module = _module_of(qualified_names(self, original.func))
            for fn in sorted(plan.imports):
                AddImportsVisitor.add_needed_import(self.context, module, fn)
            asname = original.func.value if original.func.value != "distplot" else None
            RemoveImportsVisitor.remove_unused_import(self.context, module, "distplot", asname)
        new = cst.parse_expression(new_src)
        return new.with_changes(lpar=original.lpar, rpar=original.rpar) if hasattr(new, "lpar") else new

    def _fn(self, name: str, plan: _Plan) -> str:
        """How to spell seaborn function ``name`` where the call spelled distplot."""
        plan.imports.add(name)
        return f"{self._base}.{name}" if self._base else name

    def _statement_of(self, call: cst.Call) -> tuple[cst.SimpleStatementLine | None, str | None]:
        """The statement line the call is the whole value of, and the name it is assigned to (if any)."""
        parent = self.get_metadata(ParentNodeProvider, call, None)
        if isinstance(parent, cst.Expr):
            assigned = None
        elif (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, (cst.Name, cst.Attribute))
        ):
            assigned = code_of(parent.targets[0].target)
        else:
            return None, None
        line = self.get_metadata(ParentNodeProvider, parent, None)
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line, assigned
        return None, None

    def _unused_value(self, call: cst.Call) -> bool:
        return isinstance(self.get_metadata(ParentNodeProvider, call, None), cst.Expr)

    def _bare_name_free(self, call: cst.Call, name: str) -> bool:
        """For the from-import form: may ``name`` be imported from seaborn without shadowing anything?"""
        scope = self.get_metadata(ScopeProvider, call, None)
        if scope is None:
            return False
        found = {q.name for q in scope.get_qualified_names_for(name)} if name in scope else set()
        return not found or found <= {f"seaborn.{name}", f"seaborn.distributions.{name}"}

    # -- the mapping -----------------------------------------------------------------------------
    def _plan(self, call: cst.Call) -> _Plan:
        func = call.func
        self._base = code_of(func.value) if isinstance(func, cst.Attribute) else ""
        args = _bind(call)
        match_style = bool(self.option("match-style"))
        plan = _Plan(main="")

        data = args.get("x") or args.get("a")
        if data is None:
            raise _NoFix("no data argument")
        hist = _flag(args, "hist", True)
        kde = _flag(args, "kde", True)
        rug = _flag(args, "rug", False)
        vertical = _flag(args, "vertical", False)
        norm_hist = _flag(args, "norm_hist", False)
        var = "y" if vertical else "x"
        data_src = code_of(data)
        fit = args.get("fit")
        if fit is not None and not _is_none(fit):
            raise _NoFix(
                "`fit=` has no histplot equivalent; write: "
                f'`ax = {self._base + "." if self._base else ""}histplot({var}={data_src}, stat="density")`, '
                f"`params = {code_of(fit)}.fit({data_src})`, "
                f"`xs = np.linspace(np.min({data_src}), np.max({data_src}), 200)`, "
                f'`ax.plot(xs, {code_of(fit)}.pdf(xs, *params), color="#282828")`'
            )
        if not (hist or kde or rug):
            raise _NoFix("`hist`, `kde` and `rug` are all False: the call draws nothing")

        color = args.get("color")
        label = args.get("label")
        ax_arg = args.get("ax")
        hist_kws = _dict_items(args.get("hist_kws"), "hist_kws") if hist else []
        kde_kws = _dict_items(args.get("kde_kws"), "kde_kws") if kde else []
        rug_kws = args.get("rug_kws") if rug else None
        ax_kw = [f"ax={code_of(ax_arg)}"] if ax_arg is not None and not _is_none(ax_arg) else []
        self._ax_ref = _pure(ax_arg) if ax_kw else None
        self._ax_given = bool(ax_kw)

        common = []
        if color is not None and not _is_none(color):
            common.append(f"color={code_of(color)}")
        label_kw = [f"label={code_of(label)}"] if label is not None and not _is_none(label) else []

        # histplot colours its KDE line like its bars: a KDE of another colour needs its own kdeplot call
        kde_own = kde and hist and (
            any(k in KDE_OWN_CALL for k, _ in kde_kws) or any(k == "color" for k, _ in hist_kws)
        )
        if hist:
            kws = [f"{var}={data_src}"]
            density = norm_hist or kde
            bar_kws: list[str] = []
            for key, value in hist_kws:
                src = code_of(value)
                if key == "density":
                    if not (is_true(value) or is_false(value)):
                        raise _NoFix("`hist_kws['density']` is not a literal True/False")
                    density = is_true(value)
                elif key in ("cumulative", "weights"):
                    bar_kws.append(f"{key}={src}")
                elif key == "range":
                    bar_kws.append(f"binrange={src}")
                elif key == "histtype":
                    kind = value.evaluated_value if isinstance(value, cst.SimpleString) else None
                    if kind == "step":
                        bar_kws += ['element="step"', "fill=False"]
                    elif kind == "stepfilled":
                        bar_kws.append('element="step"')
                    elif kind != "bar":
                        raise _NoFix(f"`hist_kws['histtype']={src}` has no histplot equivalent")
                elif key == "log":
                    if is_true(value):
                        plan.followups.append(("set_xscale" if vertical else "set_yscale", '"log"'))
                    elif not is_false(value):
                        raise _NoFix("`hist_kws['log']` is not a literal True/False")
                elif key in BAR_PROPS:
                    bar_kws.append(f"{key}={src}")
                else:
                    raise _NoFix(f"`hist_kws` key {key!r} has no known histplot equivalent")
            if kde and not kde_own:
                kws.append("kde=True")
            if density:
                kws.append('stat="density"')
            bins = args.get("bins")
            if bins is not None and not _is_none(bins):
                kws.append(f"bins={code_of(bins)}")
            # No `bins="fd"` (the catalog's closest match): numpy's uncapped FD rule gives ONE bin when the IQR
            # is 0 (returns with many flat days), where distplot fell back to sqrt(n) bins. histplot's default
            # "auto" is max(FD, Sturges): FD in the usual case, and never degenerate.
            kws += _merge(common, bar_kws, label_kw)  # later wins, as in distplot
            if match_style and not any(k in ("alpha", "fill") for k, _ in hist_kws):
                kws.append("alpha=0.4")
            if kde and not kde_own:
                estimation, style = [], []
                for key, value in kde_kws:
                    key = "bw_method" if key == "bw" else key
                    if key in KDE_ESTIMATION:
                        estimation.append(f'"{key}": {code_of(value)}')
                    elif key in KDE_STYLE:
                        style.append(f'"{"linewidth" if key == "lw" else "linestyle" if key == "ls" else key}": '
                                     f"{code_of(value)}")
                    else:
                        raise _NoFix(f"`kde_kws` key {key!r} has no known histplot equivalent")
                if match_style and not any(e.startswith('"cut"') for e in estimation):
                    estimation.insert(0, '"cut": 3')
                if estimation:
                    kws.append("kde_kws={" + ", ".join(estimation) + "}")
                if style:
                    kws.append("line_kws={" + ", ".join(style) + "}")
            plan.main = f"{self._fn('histplot', plan)}({', '.join(kws + ax_kw)})"
            if kde_own:
                own_color = any(k == "color" for k, _ in kde_kws) or bool(common)
                own = [f"{var}={data_src}", *_merge(common, _kde_kwargs(kde_kws))]
                plan.extras.append(f"{self._fn('kdeplot', plan)}({', '.join(own)}__AX__)")
                if not own_color:
                    plan.notes.append("the separate kdeplot takes the next colour of the cycle")
        elif kde:
            kws = [f"{var}={data_src}", *_merge(common, _kde_kwargs(kde_kws), label_kw)]
            plan.main = f"{self._fn('kdeplot', plan)}({', '.join(kws + ax_kw)})"
        else:
            kws = [f"{var}={data_src}", *_merge(common, _rug_kwargs(rug_kws), label_kw)]
            plan.main = f"{self._fn('rugplot', plan)}({', '.join(kws + ax_kw)})"
            rug = False  # drawn by the main call

        if rug:
            rug_src = ", ".join(_rug_kwargs(rug_kws))
            rug_args = [f"{var}={data_src}", *_merge(common, _rug_kwargs(rug_kws))]
            plan.extras.append(f"{self._fn('rugplot', plan)}({', '.join(rug_args)}__AX__)")
            if not common and "color" not in rug_src:
                plan.notes.append("the rugplot takes the next colour of the cycle")
            if not kde_own:
                shown = ""
                if rug_kws is not None and not _is_none(rug_kws):
                    shown = f"rug_kws={code_of(rug_kws)}"
                plan.rug_only_extra = (shown, rug_src)

        axlabel = args.get("axlabel")
        if axlabel is not None and not _is_none(axlabel):
            setter = "set_ylabel" if vertical else "set_xlabel"
            if is_false(axlabel):
                plan.followups.insert(0, (setter, '""'))
            elif is_true(axlabel):
                raise _NoFix("`axlabel=True` labels the axis with the data's name; histplot already does")
            else:
                if not isinstance(axlabel, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                    plan.notes.append(f"`axlabel={code_of(axlabel)}` is set with {setter}; check it is a string")
                plan.followups.insert(0, (setter, code_of(axlabel)))

        if isinstance(call.func, cst.Name):
            if bound_in_function(self, call.func):
                raise _NoFix(f"`{call.func.value}` is imported inside the function; finfix would add a module-level "
                             "import of seaborn, making it a hard dependency")
            for fn in plan.imports | {"displot"}:
                if not self._bare_name_free(call, fn):
                    raise _NoFix(f"`{fn}` is already bound to something else in this module")
        plan.ax = self._ax_ref  # type: ignore[attr-defined]
        return plan

    # -- g.map(sns.distplot, ...) ----------------------------------------------------------------
    def _leave_grid_map(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        ref = original.args[0].value
        spelled = code_of(ref)
        used = {a.keyword.value for a in original.args if a.keyword is not None}
        if used & set(PARAMS) or any(a.star for a in original.args):
            self.report(original, f"`{spelled}` handed to a grid is deprecated", reason="distplot-only keyword "
                        "arguments or */** arguments: rewrite by hand with histplot")
            return updated
        new_ref = (code_of(ref.value) + ".histplot") if isinstance(ref, cst.Attribute) else "histplot"
        message = f"`{spelled}` handed to a grid is deprecated: use `{new_ref}` with `stat=\"density\", kde=True`"
        if isinstance(ref, cst.Name) and not self._bare_name_free(original, "histplot"):
            self.report(original, message, reason="`histplot` is already bound to something else in this module")
            return updated
        if not self.report(original, message, fix=Safety.UNSAFE,
                           reason="the grid passes the data positionally; " + VISUAL):
            return updated
        if isinstance(ref, cst.Name):
            module = _module_of(qualified_names(self, ref))
            AddImportsVisitor.add_needed_import(self.context, module, "histplot")
            RemoveImportsVisitor.remove_unused_import(
                self.context, module, "distplot", ref.value if ref.value != "distplot" else None)
        args = list(updated.args)
        args[0] = args[0].with_changes(value=cst.parse_expression(new_ref))
        extra = [
            cst.Arg(keyword=cst.Name(k), value=cst.parse_expression(v), equal=_EQ)
            for k, v in (("stat", '"density"'), ("kde", "True"))
        ]
        if args[-1].comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args += [extra[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), extra[1]]
        return updated.with_changes(args=args)


_EQ = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def plan_ax(plan: _Plan) -> str | None:
    return getattr(plan, "ax", None)


def _bind(call: cst.Call) -> dict[str, cst.BaseExpression]:
    """distplot's parameters as given in ``call``; raises _NoFix for */** or unknown keywords."""
    bound: dict[str, cst.BaseExpression] = {}
    for i, arg in enumerate(call.args):
        if arg.star:
            raise _NoFix("arguments passed with * or **: the mapping needs to see each one")
        if arg.keyword is None:
            if i >= len(PARAMS):
                raise _NoFix("too many positional arguments")
            bound[PARAMS[i]] = arg.value
        else:
            name = arg.keyword.value
            if name not in PARAMS:
                raise _NoFix(f"unknown keyword argument `{name}`")
            bound[name] = arg.value
    return bound


def _flag(args: dict[str, cst.BaseExpression], name: str, default: bool) -> bool:
    value = args.get(name)
    if value is None:
        return default
    if is_true(value):
        return True
    if is_false(value) or _is_none(value):
        return False
    if isinstance(value, cst.Integer):
        return value.evaluated_value != 0
    raise _NoFix(f"`{name}={code_of(value)}` is not a literal True/False, so the right replacement is unknown")


def _is_none(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _pure(expr: cst.BaseExpression | None) -> str | None:
    """Source of ``expr`` if evaluating it twice is harmless (a name, attribute or constant subscript)."""
    def ok(e: cst.BaseExpression) -> bool:
        if isinstance(e, (cst.Name, cst.Integer, cst.SimpleString)):
            return True
        if isinstance(e, cst.Attribute):
            return ok(e.value)
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
            return ok(e.expression)
        if isinstance(e, cst.Subscript):
            return ok(e.value) and all(
                isinstance(s.slice, cst.Index) and ok(s.slice.value) for s in e.slice
            )
        if isinstance(e, cst.Tuple):
            return all(ok(el.value) for el in e.elements)
        return False

    return code_of(expr) if expr is not None and ok(expr) else None


def _dict_items(expr: cst.BaseExpression | None, what: str) -> list[tuple[str, cst.BaseExpression]]:
    """The items of a literal dict (`{"k": v}` or `dict(k=v)`) with string keys."""
    if expr is None or _is_none(expr):
        return []
    items: list[tuple[str, cst.BaseExpression]] = []
    if isinstance(expr, cst.Dict):
        for el in expr.elements:
            if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.SimpleString):
                raise _NoFix(f"`{what}` has keys that are not string literals")
            items.append((str(el.key.evaluated_value), el.value))
        return items
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "dict":
        for arg in expr.args:
            if arg.keyword is None or arg.star:
                raise _NoFix(f"`{what}` is built from something other than keywords")
            items.append((arg.keyword.value, arg.value))
        return items
    raise _NoFix(f"`{what}={code_of(expr)}` is not a literal dict, so its keys cannot be mapped")


def _kde_kwargs(kde_kws: list[tuple[str, cst.BaseExpression]]) -> list[str]:
    """kde_kws as kdeplot keywords (kdeplot takes them directly)."""
    out = []
    for key, value in kde_kws:
        key = {"shade": "fill", "bw": "bw_method"}.get(key, key)
        out.append(f"{key}={code_of(value)}")
    return out


def _rug_kwargs(rug_kws: cst.BaseExpression | None) -> list[str]:
    if rug_kws is None or _is_none(rug_kws):
        return []
    try:
        return [f"{k}={code_of(v)}" for k, v in _dict_items(rug_kws, "rug_kws")]
    except _NoFix:
        return [f"**{code_of(rug_kws)}"]


def _merge(*groups: list[str]) -> list[str]:
    """Keyword arguments (as `key=value` source) where a later group overrides an earlier one's key."""
    out: list[str] = []
    for group in groups:
        for kw in group:
            key = kw.split("=", 1)[0] if not kw.startswith("**") else None
            if key is not None:
                out = [o for o in out if o.split("=", 1)[0] != key]
            out.append(kw)
    return out


def _module_of(names: set[str]) -> str:
    for q in DISTPLOT:
        if q in names:
            return q.rpartition(".")[0]
    return "seaborn"


def _callee(src: str) -> str:
    return src[: src.index("(")]


def _add_kwargs(src: str, kws: list[str]) -> str:
    return src[:-1] + "".join(f", {k}" for k in kws) + ")"


def _short(src: str, limit: int = 60) -> str:
    return snippet(src.replace("__AX__", ""), limit)
