"""finfix.sdk.receivers: which receivers are proved to be Matplotlib Axes/Figures or plotly Figures."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.engine.core import fix_source
from finfix.sdk.names import code_of
from finfix.sdk.receivers import receiver_kind
from finfix.sdk.rule import Rule, Safety

SEEN: dict[str, str | None] = {}


class Probe(Rule):
    """## What it does
    Test double: records the kind of every `probe(...)` receiver."""

    code = "FX998"
    name = "receiver-probe"
    summary = "test"
    safety = Safety.DETECT
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "probe":
            SEEN[code_of(node.func.value)] = receiver_kind(self, node.func.value)


def kinds(source: str) -> dict[str, str | None]:
    SEEN.clear()
    fix_source(source, [Probe])
    return dict(SEEN)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.probe()\nfig.probe()\n",
         {"ax": "axes", "fig": "figure"}),
        ("import matplotlib.pyplot as plt\nfig, axes = plt.subplots(2, 2)\naxes.probe()\naxes[0, 1].probe()\n"
         "axes.flat[0].probe()\n", {"axes": "axes_array", "axes[0, 1]": "axes", "axes.flat[0]": "axes"}),
        ("import matplotlib.pyplot as plt\nfig, (a1, a2) = plt.subplots(1, 2)\na2.probe()\n", {"a2": "axes"}),
        ("import matplotlib.pyplot as plt\nfig, axes = plt.subplots(3)\nfor i, ax in enumerate(axes):\n"
         "    ax.probe()\n", {"ax": "axes"}),
        ("from matplotlib import pyplot\nax = pyplot.gca()\nax.probe()\npyplot.gcf().probe()\n",
         {"ax": "axes", "pyplot.gcf()": "figure"}),
        ("import matplotlib.pyplot as plt\nfig = plt.figure()\nax = fig.add_subplot(111)\nax.probe()\n",
         {"ax": "axes"}),
        ("import seaborn as sns\nax = sns.histplot(x=r)\nax.probe()\n", {"ax": "axes"}),
        ("from matplotlib.axes import Axes\ndef f(ax: Axes):\n    ax.probe()\n", {"ax": "axes"}),
        ("import plotly.express as px\nfig = px.line(df).update_layout(title='t')\nfig.probe()\n",
         {"fig": "plotly"}),
        ("import plotly.graph_objects as go\ndef f(fig: go.Figure):\n    fig.probe()\n", {"fig": "plotly"}),
        # Not provable: parameters, other libraries, rebinding to something unknown.
        ("def f(ax):\n    ax.probe()\n", {"ax": None}),
        ("import pandas as pd\ndf = pd.DataFrame()\ndf.probe()\n", {"df": None}),
        ("import matplotlib.pyplot as plt\nax = plt.gca()\nif x:\n    ax = make()\nax.probe()\n", {"ax": None}),
    ],
)
def test_receiver_kind(source, expected):
    assert kinds(source) == expected
