"""FX313 mpl-seaborn-style-names: `"seaborn-<x>"` styles (removed in Matplotlib 3.8) → `"seaborn-v0_8-<x>"`."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import may_resolve_to, qualified_names
from finfix.sdk.rule import Example, Rule, Safety, Versions

# Verified against the style library of Matplotlib 3.11.2.
SUFFIXES = frozenset({
    "bright", "colorblind", "dark", "dark-palette", "darkgrid", "deep", "muted", "notebook", "paper",
    "pastel", "poster", "talk", "ticks", "white", "whitegrid",
})
CALLEES = frozenset(
    f"{module}.{fn}"
    for module in ("matplotlib.style", "matplotlib.pyplot.style", "matplotlib.style.core")
    for fn in ("use", "context")
)


def new_name(old: str) -> str | None:
    if old == "seaborn":
        return "seaborn-v0_8"
    if old.startswith("seaborn-") and old[len("seaborn-"):] in SUFFIXES:
        return "seaborn-v0_8-" + old[len("seaborn-"):]
    return None


class MplSeabornStyleNames(Rule):
    """## What it does
    Renames the old seaborn style sheets in `plt.style.use(...)`, `matplotlib.style.use(...)` and
    `plt.style.context(...)`: `"seaborn"` → `"seaborn-v0_8"`, `"seaborn-<x>"` → `"seaborn-v0_8-<x>"` for the
    fifteen names Matplotlib shipped (`darkgrid`, `whitegrid`, `paper`, `talk`, ...), also inside a list
    or tuple of styles. Only string literals are touched.

    ## Why is this bad?
    Matplotlib 3.6 renamed these styles (they no longer match seaborn's own look) and 3.8 removed the old
    names: `plt.style.use("seaborn-darkgrid")` raises `OSError`.

    ## Example
    ```python
    plt.style.use("seaborn-whitegrid")
    ```
    Use instead:
    ```python
    plt.style.use("seaborn-v0_8-whitegrid")
    ```

    ## Fix safety
    Safe: the renamed style sheets are the same files. (Switching to `seaborn.set_theme(style=...)` would
    change the look, so it is not offered.)

    ## Not touched
    `sns.set_style("darkgrid")` (seaborn's own API and names), style names held in variables, unknown
    `seaborn-*` names.
    """

    code = "FX313"
    name = "mpl-seaborn-style-names"
    summary = "Old \"seaborn-*\" style names were removed in Matplotlib 3.8; use \"seaborn-v0_8-*\"."
    safety = Safety.SAFE
    versions = Versions("matplotlib", deprecated="3.6", removed="3.8")
    requires = ("style",)  # style.use / style.context
    triggers = ("seaborn",)
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example(
            "import matplotlib.pyplot as plt\nplt.style.use('seaborn-darkgrid')\n",
            "import matplotlib.pyplot as plt\nplt.style.use('seaborn-v0_8-darkgrid')\n",
        ),
        Example(
            "import matplotlib as mpl\nmpl.style.use(\"seaborn\")\n",
            "import matplotlib as mpl\nmpl.style.use(\"seaborn-v0_8\")\n",
        ),
        Example(
            "from matplotlib import style\nwith style.context(['seaborn-paper', 'dark_background']):\n    pass\n",
            "from matplotlib import style\nwith style.context(['seaborn-v0_8-paper', 'dark_background']):\n    pass\n",
        ),
        Example(
            "import matplotlib.pyplot as plt\nplt.style.use(style=('seaborn-talk', 'seaborn-ticks'))\n",
            "import matplotlib.pyplot as plt\nplt.style.use(style=('seaborn-v0_8-talk', 'seaborn-v0_8-ticks'))\n",
        ),
        # Look-alikes and non-literals.
        Example("import seaborn as sns\nsns.set_style('darkgrid')\n"),
        Example("import matplotlib.pyplot as plt\nplt.style.use('seaborn-v0_8-darkgrid')\n"),
        Example("import matplotlib.pyplot as plt\nplt.style.use(theme)\n"),
        Example("import matplotlib.pyplot as plt\nplt.style.use('seaborn-custom')\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not may_resolve_to(self, original_node.func, {"use", "context"}):
            return updated_node
        if not qualified_names(self, original_node.func) & CALLEES:
            return updated_node
        args = list(updated_node.args)
        changed = False
        for i, (orig, arg) in enumerate(zip(original_node.args, args)):
            if arg.star or (arg.keyword is not None and arg.keyword.value != "style") or (arg.keyword is None and i):
                continue
            new_value = self._rename(orig.value, arg.value)
            if new_value is not arg.value:
                args[i] = arg.with_changes(value=new_value)
                changed = True
        return updated_node.with_changes(args=args) if changed else updated_node

    def _rename(self, original: cst.BaseExpression, value: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(original, cst.SimpleString) and isinstance(value, cst.SimpleString):
            old = original.evaluated_value
            new = new_name(old) if isinstance(old, str) else None
            if new is None:
                return value
            quote = value.quote
            if not self.report(original, f'style "{old}" was removed in Matplotlib 3.8: use "{new}"',
                               fix=Safety.SAFE):
                return value
            return value.with_changes(value=f"{value.prefix}{quote}{new}{quote}")
        if isinstance(original, (cst.List, cst.Tuple)) and isinstance(value, (cst.List, cst.Tuple)):
            elements = list(value.elements)
            changed = False
            for j, (o, e) in enumerate(zip(original.elements, elements)):
                if isinstance(o, cst.Element):
                    nv = self._rename(o.value, e.value)
                    if nv is not e.value:
                        elements[j] = e.with_changes(value=nv)
                        changed = True
            return value.with_changes(elements=elements) if changed else value
        return value
