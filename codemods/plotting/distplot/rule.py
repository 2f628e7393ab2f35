"""FX301 seaborn-distplot: `distplot` → `histplot` / `kdeplot` / `rugplot` with the full argument mapping.

The rule finds the calls and places the replacement; ``planner`` maps the arguments, with one module
per part distplot drew: ``histogram``, ``kde`` and ``rug``.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.codemods.plotting.distplot.arguments import PARAMS, NoFix, const, kwarg, reuse
from finfix.codemods.plotting.distplot.plan import Plan
from finfix.codemods.plotting.distplot.planner import plan_distplot
from finfix.sdk.names import code_of, may_resolve_to, qualified_names
from finfix.sdk.nodes import arg_list, comma, keyword_arg
from finfix.sdk.receivers import bound_in_function
from finfix.sdk.rule import Effect, Example, Rule, Safety, TracksImports, Versions
from finfix.sdk.snippets import snippet

DISTPLOT = ("seaborn.distplot", "seaborn.distributions.distplot")
# Grid methods that take a plotting function as their first argument.
GRID_MAP = frozenset({"map", "map_diag", "map_offdiag", "map_lower", "map_upper", "map_dataframe"})

VISUAL = ("the modern functions draw slightly differently: histplot draws bar edges and scales the KDE "
          "line with the same stat, and the default bin count differs (distplot capped Freedman-Diaconis at 50)")


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
    stat="density")`, without the `alpha`/`cut` arguments that imitate the old look. Without a KDE,
    histplot labels the y axis ("Count") where distplot left it blank, and it leaves out non-finite values
    (`inf`), on which distplot raised `ValueError: supplied range of [inf, inf] is not finite`.
    `finfix verify` checks exactly this: the charts must agree in outline (the kinds of artists, the
    labels, density or counts, the bars' extent), and its verdict is *intended*, not *equivalent*.

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
    effects = (
        Effect("drawing-outline", "draws the same kinds of artists, labels and normalisation, not every pixel "
               "(bins, bar edges, KDE details; histplot names a y axis distplot left blank)"),
        Effect("raises-fixed", "histplot and kdeplot leave out non-finite values, on which distplot raised",
               pattern=r"(?:supplied|autodetected) range of \[.*\] is not finite|cannot convert float (?:NaN|infinity) to integer"),
    )
    versions = Versions("seaborn", deprecated="0.11")  # removal announced for 0.14; histplot came in 0.11
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
        Example("import seaborn as sns\nsns.distplot(returns)\n",
                message="`sns.distplot` is deprecated (removed in seaborn 0.14)", line=2, safety=Safety.UNSAFE),
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
        # The user's expressions are reused as nodes: a walrus gets the parentheses a keyword value needs.
        Example(
            "import seaborn as sns\nax = sns.distplot(a := r, kde=False)\n",
            "import seaborn as sns\nax = sns.histplot(x=(a := r), alpha=0.4)\n",
            unsafe=True,
        ),
        # A lazy import inside the function: the attribute form needs no new import ...
        Example(
            "def plot(r):\n    import seaborn as sns\n    return sns.distplot(r, kde=False)\n",
            "def plot(r):\n    import seaborn as sns\n    return sns.histplot(x=r, alpha=0.4)\n",
            unsafe=True,
        ),
        # ... the from-import form would need a module-level import: reported only.
        Example("def plot(r):\n    from seaborn import distplot\n    distplot(r)\n", unsafe=True,
                message="`distplot` is deprecated (removed in seaborn 0.14)", line=3, safety=Safety.DETECT),
        # fit= has no modern equivalent: reported with the code to write.
        Example("import seaborn as sns\nfrom scipy import stats\nsns.distplot(r, fit=stats.norm)\n", unsafe=True,
                message="`sns.distplot` is deprecated (removed in seaborn 0.14)", line=3, safety=Safety.DETECT),
        Example("import seaborn as sns\nsns.distplot(r, kde=use_kde)\n", unsafe=True,
                message="`sns.distplot` is deprecated (removed in seaborn 0.14)", line=2, safety=Safety.DETECT),
        Example("import seaborn as sns\nplotters = {'dist': sns.distplot, 'kde': sns.kdeplot}\n",
                message="`sns.distplot` is deprecated (removed in seaborn 0.14)", line=2, safety=Safety.DETECT),
        Example("import seaborn as sns\nsns.jointplot(x=a, y=b, marginal_kws={'hist_kws': {'alpha': 1}})\n",
                message="`marginal_kws` keys 'hist_kws' were distplot's", line=2, safety=Safety.DETECT),
        # Look-alikes.
        Example("import seaborn as sns\nsns.displot(returns)\n"),
        Example("import seaborn as sns\nsns.jointplot(x=a, y=b, marginal_kws={'bins': 20})\n"),
        Example("import plotly.figure_factory as ff\nfig = ff.create_distplot([returns], ['r'])\n"),
        Example("def distplot(a):\n    return a\ndistplot(returns)\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._after: dict[cst.SimpleStatementLine, list[cst.SimpleStatementLine]] = {}

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

    # -- the rewrite -----------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self._grid_calls:
            return self._leave_grid_map(original_node, updated_node)
        if not self._is_distplot(original_node.func):
            return updated_node
        spelled = code_of(original_node.func)
        if not spelled.endswith("distplot"):
            spelled += "` (`seaborn.distplot`)"
            spelled = spelled[:-1]
        deprecated = f"`{spelled}` is deprecated (removed in seaborn 0.14)"
        try:
            plan = self._plan(original_node)
        except NoFix as exc:
            self.report(original_node, deprecated, reason=str(exc))
            return updated_node
        reason = "; ".join([VISUAL, *plan.notes])
        line, assigned = self._statement_of(original_node)
        needs_more = bool(plan.extras or plan.followups)
        if needs_more and line is not None and assigned is None and plan.ax_given and plan.ax is None:
            self.report(original_node, deprecated,
                        reason="`ax=` is not a plain name, and the statements that follow the call need the Axes")
            return updated_node
        new = plan.main
        if not needs_more:
            if not self.report(original_node, f"{deprecated}: use `{_short(new)}`", fix=Safety.UNSAFE, reason=reason):
                return updated_node
            return self._finish(original_node, new, plan)
        if line is None:
            if plan.displot_rug and not plan.followups and not plan.ax_given and self._unused_value(original_node):
                return self._displot_instead(original_node, updated_node, plan, deprecated, reason)
            self.report(
                original_node,
                f"{deprecated}: use `{_short(plan.main)}` "
                f"followed by {', '.join(_short(s) for s in plan.extras) or 'Axes setters'}",
                reason="the replacement needs statements after the call, and this call is not a statement "
                "of its own",
            )
            return updated_node
        message = f"{deprecated}: use `{_short(new)}` and {len(plan.extras) + len(plan.followups)} more statement(s)"
        if not self.report(original_node, message, fix=Safety.UNSAFE, reason=reason):
            return updated_node
        ax = assigned if assigned is not None else plan.ax
        after = [_with_ax(extra, ax) for extra in plan.extras]
        if plan.followups:
            if ax is not None:
                after += [cst.Call(cst.Attribute(reuse(ax), cst.Name(method)), [cst.Arg(reuse(arg))])
                          for method, arg in plan.followups]
            else:  # an expression statement without an Axes name: chain on the Axes histplot returns
                if len(plan.followups) == 1:
                    method, arg = plan.followups[0]
                    new = cst.Call(cst.Attribute(new, cst.Name(method)), [cst.Arg(reuse(arg))])
                else:
                    setters = [keyword_arg(m[len("set_"):], reuse(a)) for m, a in plan.followups]
                    new = cst.Call(cst.Attribute(new, cst.Name("set")), arg_list(setters))
        self._after[line] = [cst.SimpleStatementLine([cst.Expr(call)]) for call in after]
        return self._finish(original_node, new, plan)

    def _displot_instead(self, original: cst.Call, updated: cst.Call, plan: Plan, deprecated: str,
                         reason: str) -> cst.BaseExpression:
        """No room for the rugplot statement: the figure-level displot draws the plot and its rug."""
        kind = [] if plan.main_kind == "histplot" else [const("kind", '"kde"')]
        rug_kws = [kwarg("rug_kws", plan.rug_kws)] if plan.rug_kws is not None else []
        new = plan.main.with_changes(
            func=self._fn(plan, "displot"), args=arg_list([*plan.main.args, *kind, const("rug", "True"), *rug_kws])
        )
        if not self.report(original, f"{deprecated}: use `{_short(new)}`", fix=Safety.UNSAFE,
                           reason=reason + "; displot draws on a new figure of its own"):
            return updated
        plan.imports.discard("histplot")
        plan.imports.discard("rugplot")
        plan.imports.add("displot")
        return self._finish(original, new, plan)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        extras = self._after.pop(original_node, None)
        if not extras:
            return updated_node
        return cst.FlattenSentinel([updated_node, *extras])

    # -- helpers ---------------------------------------------------------------------------------
    def _finish(self, original: cst.Call, new: cst.Call, plan: Plan) -> cst.BaseExpression:
        if isinstance(original.func, cst.Name):
            module = _module_of(qualified_names(self, original.func))
            for fn in sorted(plan.imports):
                AddImportsVisitor.add_needed_import(self.context, module, fn)
            asname = original.func.value if original.func.value != "distplot" else None
            RemoveImportsVisitor.remove_unused_import(self.context, module, "distplot", asname)
        return new.with_changes(lpar=original.lpar, rpar=original.rpar)

    def _fn(self, plan: Plan, name: str) -> cst.BaseExpression:
        """How to spell seaborn function ``name`` where the call spelled distplot."""
        plan.imports.add(name)
        return cst.Attribute(reuse(self._base), cst.Name(name)) if self._base is not None else cst.Name(name)

    def _statement_of(self, call: cst.Call) -> tuple[cst.SimpleStatementLine | None, cst.BaseExpression | None]:
        """The statement line the call is the whole value of, and the target it is assigned to (if any)."""
        parent = self.get_metadata(ParentNodeProvider, call, None)
        if isinstance(parent, cst.Expr):
            assigned = None
        elif (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, (cst.Name, cst.Attribute))
        ):
            assigned = parent.targets[0].target
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

    def _plan(self, call: cst.Call) -> Plan:
        func = call.func
        self._base = func.value if isinstance(func, cst.Attribute) else None
        plan = plan_distplot(call, fn=self._fn, base=code_of(self._base) if self._base is not None else "",
                             match_style=bool(self.option("match-style")))
        if isinstance(call.func, cst.Name):
            if bound_in_function(self, call.func):
                raise NoFix(f"`{call.func.value}` is imported inside the function; finfix would add a module-level "
                            "import of seaborn, making it a hard dependency")
            for fn in plan.imports | {"displot"}:
                if not self._bare_name_free(call, fn):
                    raise NoFix(f"`{fn}` is already bound to something else in this module")
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
        new_ref = cst.Attribute(reuse(ref.value), cst.Name("histplot")) if isinstance(ref, cst.Attribute) \
            else cst.Name("histplot")
        message = (f"`{spelled}` handed to a grid is deprecated: use `{code_of(new_ref)}` with "
                   "`stat=\"density\", kde=True`")
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
        args[0] = args[0].with_changes(value=new_ref)
        if args[-1].comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = args[-1].with_changes(comma=comma())
        args += [const("stat", '"density"').with_changes(comma=comma()), const("kde", "True")]
        return updated.with_changes(args=args)


def _with_ax(call: cst.Call, ax: cst.BaseExpression | None) -> cst.Call:
    """A plotting call placed after the replacement draws on the same Axes."""
    return call if ax is None else call.with_changes(args=arg_list([*call.args, keyword_arg("ax", reuse(ax))]))


def _module_of(names: set[str]) -> str:
    for q in DISTPLOT:
        if q in names:
            return q.rpartition(".")[0]
    return "seaborn"


def _short(call: cst.CSTNode, limit: int = 60) -> str:
    return snippet(call, limit)
