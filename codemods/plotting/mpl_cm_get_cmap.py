"""FX312 mpl-cm-get-cmap: `matplotlib.cm.get_cmap` and friends (removed in 3.9) → `matplotlib.colormaps`."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import code_of, is_none, may_resolve_to, qualified_names
from finfix.sdk.receivers import bound_in_function
from finfix.sdk.rule import Example, Rule, Safety, Versions

# `plt.cm` is `matplotlib.cm`, so `plt.cm.get_cmap` is the removed function too.
MODULES = ("matplotlib.cm", "matplotlib.pyplot.cm")
FUNCS = ("get_cmap", "register_cmap", "unregister_cmap")


class MplCmGetCmap(Rule):
    """## What it does
    Rewrites the colormap functions of `matplotlib.cm` (deprecated in 3.7, removed in 3.9) to the
    `matplotlib.colormaps` registry:

    | before | after |
    |---|---|
    | `cm.get_cmap("viridis")` | `matplotlib.colormaps["viridis"]` |
    | `cm.get_cmap("RdYlGn", 10)` | `matplotlib.colormaps["RdYlGn"].resampled(10)` |
    | `cm.get_cmap(name)` (not a literal) | `matplotlib.colormaps.get_cmap(name)` (also takes None and Colormaps) |
    | `cm.get_cmap()` | `matplotlib.colormaps[matplotlib.rcParams["image.cmap"]]` |
    | `cm.register_cmap(name=n, cmap=c)` | `matplotlib.colormaps.register(c, name=n)` |
    | `cm.unregister_cmap(n)` | `matplotlib.colormaps.unregister(n)` |

    Every import form resolves (`import matplotlib.cm as cm`, `from matplotlib import cm`, `plt.cm`,
    `from matplotlib.cm import get_cmap`). `matplotlib` is spelled as the module already imports it
    (`mpl.colormaps`), or `import matplotlib` is added.

    ## Why is this bad?
    The functions no longer exist: `cm.get_cmap` raises `AttributeError` on Matplotlib ≥ 3.9.

    ## Example
    ```python
    from matplotlib import cm
    cmap = cm.get_cmap("RdYlGn", 8)
    ```
    Use instead:
    ```python
    import matplotlib
    from matplotlib import cm
    cmap = matplotlib.colormaps["RdYlGn"].resampled(8)
    ```

    ## Fix safety
    Safe: `colormaps[...]` returns a copy, as `get_cmap` did. Unsafe where the old function differs: a
    non-literal name with a `lut` (`get_cmap` returned a `Colormap` instance unchanged, ignoring `lut`), and
    `unregister_cmap` whose result is used (`unregister` returns None). `register_cmap(...,
    override_builtin=...)` is reported only. Needs Matplotlib ≥ 3.6.

    ## Not touched
    `plt.get_cmap(...)` (pyplot still has it), `matplotlib.colormaps.get(...)`, `seaborn.color_palette(...)`.
    """

    code = "FX312"
    name = "mpl-cm-get-cmap"
    summary = "matplotlib.cm.get_cmap/register_cmap were removed in 3.9; use matplotlib.colormaps."
    safety = Safety.SAFE
    versions = Versions("matplotlib", deprecated="3.7", removed="3.9")
    triggers = FUNCS
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    examples = (
        Example(
            "import matplotlib.cm as cm\ncmap = cm.get_cmap('viridis')\n",
            "import matplotlib\nimport matplotlib.cm as cm\n\ncmap = matplotlib.colormaps['viridis']\n",
        ),
        Example(
            "import matplotlib as mpl\nfrom matplotlib import cm\ncmap = cm.get_cmap('RdYlGn', 10)\n",
            "import matplotlib as mpl\nfrom matplotlib import cm\ncmap = mpl.colormaps['RdYlGn'].resampled(10)\n",
        ),
        Example(
            "import matplotlib\nimport matplotlib.pyplot as plt\nc = plt.cm.get_cmap(name)\nd = matplotlib.cm.get_cmap()\n",
            "import matplotlib\nimport matplotlib.pyplot as plt\nc = matplotlib.colormaps.get_cmap(name)\n"
            "d = matplotlib.colormaps[matplotlib.rcParams[\"image.cmap\"]]\n",
        ),
        Example(
            "import matplotlib\nfrom matplotlib.cm import get_cmap, register_cmap\n"
            "register_cmap(name='desk', cmap=mine)\nc = get_cmap('desk')\n",
            "import matplotlib\nmatplotlib.colormaps.register(mine, name='desk')\nc = matplotlib.colormaps['desk']\n",
        ),
        Example(
            "import matplotlib\nfrom matplotlib import cm\ncm.unregister_cmap('desk')\n",
            "import matplotlib\nfrom matplotlib import cm\nmatplotlib.colormaps.unregister('desk')\n",
        ),
        Example(
            "import matplotlib\nfrom matplotlib import cm\nc = cm.get_cmap(name, 8)\n",
            "import matplotlib\nfrom matplotlib import cm\nc = matplotlib.colormaps.get_cmap(name).resampled(8)\n",
            unsafe=True,
        ),
        Example("import matplotlib\nfrom matplotlib import cm\nc = cm.get_cmap(name, 8)\n",
                message="`cm.get_cmap` was removed in Matplotlib 3.9", line=3, safety=Safety.UNSAFE),
        Example("from matplotlib import cm\ncm.register_cmap('x', c, override_builtin=True)\n",
                message="`cm.register_cmap` was removed in Matplotlib 3.9", line=2, safety=Safety.DETECT),
        # Lazy imports: `matplotlib` bound in the function is used; otherwise a module-level import would
        # be needed, so the call is only reported.
        Example(
            "def f():\n    import matplotlib\n    from matplotlib import cm\n    return cm.get_cmap('viridis')\n",
            "def f():\n    import matplotlib\n    from matplotlib import cm\n    return matplotlib.colormaps['viridis']\n",
        ),
        Example("def f():\n    from matplotlib import cm\n    return cm.get_cmap('viridis')\n",
                message="`cm.get_cmap` was removed in Matplotlib 3.9", line=3, safety=Safety.DETECT),
        # Look-alikes: pyplot still has get_cmap; the registry's own methods.
        Example("import matplotlib.pyplot as plt\ncmap = plt.get_cmap('viridis')\n"),
        Example("import matplotlib\ncmap = matplotlib.colormaps.get_cmap('viridis')\n"),
        Example("import seaborn as sns\npal = sns.color_palette('viridis')\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not may_resolve_to(self, original_node.func, FUNCS):
            return updated_node
        names = qualified_names(self, original_node.func)
        which = next((f for f in FUNCS for m in MODULES if f"{m}.{f}" in names), None)
        if which is None:
            return updated_node
        spelled = code_of(original_node.func)
        message = f"`{spelled}` was removed in Matplotlib 3.9"
        mpl, add_import = self._matplotlib_name(original_node)
        args = original_node.args
        if add_import and bound_in_function(self, original_node.func):
            self.report(original_node, message, reason="matplotlib is imported inside the function; finfix would "
                        "add a module-level `import matplotlib`: import it next to the local import and run again")
            return updated_node
        if any(a.star for a in args):
            self.report(original_node, message, reason="arguments passed with * or **")
            return updated_node
        fix, reason = Safety.SAFE, ""
        if which == "get_cmap":
            bound = _bind(args, ("name", "lut"))
            if bound is None:
                self.report(original_node, message, reason="unexpected arguments")
                return updated_node
            name, lut = bound.get("name"), bound.get("lut")
            if name is None or is_none(name):
                new_src = f'{mpl}.colormaps[{mpl}.rcParams["image.cmap"]]'
            elif isinstance(name, cst.SimpleString):
                new_src = f"{mpl}.colormaps[{code_of(name)}]"
            else:
                new_src = f"{mpl}.colormaps.get_cmap({code_of(name)})"
                if lut is not None:
                    fix, reason = Safety.UNSAFE, (
                        f"if `{code_of(name)}` is already a Colormap, get_cmap returned it unchanged, ignoring lut"
                    )
            if lut is not None and not is_none(lut):
                new_src += f".resampled({code_of(lut)})"
        elif which == "register_cmap":
            bound = _bind(args, ("name", "cmap"))
            if bound is None or "cmap" not in bound:
                self.report(original_node, message, reason="`override_builtin` or a missing `cmap`: "
                            f"use `{mpl}.colormaps.register(cmap, name=..., force=...)` by hand")
                return updated_node
            new_src = f"{mpl}.colormaps.register({code_of(bound['cmap'])}"
            if "name" in bound:
                new_src += f", name={code_of(bound['name'])}"
            new_src += ")"
        else:
            bound = _bind(args, ("name",))
            if not bound or "name" not in bound:
                self.report(original_node, message, reason="unexpected arguments")
                return updated_node
            new_src = f"{mpl}.colormaps.unregister({code_of(bound['name'])})"
            if not isinstance(self.get_metadata(ParentNodeProvider, original_node, None), cst.Expr):
                fix, reason = Safety.UNSAFE, "unregister_cmap returned the colormap; colormaps.unregister returns None"
        if not self.report(original_node, f"{message}: use `{new_src}`", fix=fix, reason=reason):
            return updated_node
        if add_import:
            AddImportsVisitor.add_needed_import(self.context, "matplotlib")
        if isinstance(original_node.func, cst.Name):
            asname = original_node.func.value if original_node.func.value != which else None
            RemoveImportsVisitor.remove_unused_import(self.context, "matplotlib.cm", which, asname)
        new = cst.parse_expression(new_src)
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _matplotlib_name(self, node: cst.CSTNode) -> tuple[str, bool]:
        """How `matplotlib` is spelled in this module (`mpl`, `matplotlib`), and whether to import it."""
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is not None:
            for candidate in ("matplotlib", "mpl"):
                if candidate in scope and {q.name for q in scope.get_qualified_names_for(candidate)} == {"matplotlib"}:
                    return candidate, False
            if "matplotlib" in scope:  # `import matplotlib.cm`: the name is bound to the package already
                if all(q.name.startswith("matplotlib") for q in scope.get_qualified_names_for("matplotlib")):
                    return "matplotlib", False
        return "matplotlib", True


def _bind(args, params: tuple[str, ...]) -> dict[str, cst.BaseExpression] | None:
    bound: dict[str, cst.BaseExpression] = {}
    for i, arg in enumerate(args):
        if arg.keyword is None:
            if i >= len(params):
                return None
            bound[params[i]] = arg.value
        elif arg.keyword.value in params:
            bound[arg.keyword.value] = arg.value
        else:
            return None
    return bound
