"""The shared receiver-typing ladder (finfix/sdk/pandas_types.py), through a rule that records its verdicts."""

from __future__ import annotations

import libcst as cst
import pytest

from finfix.engine.core import fix_source
from finfix.sdk.names import code_of
from finfix.sdk.pandas_types import METADATA, PandasTypes
from finfix.sdk.rule import Rule, Safety


class Probe(Rule):
    """## What it does
    Test double: reports the inferred kind of every expression `probe(x)`."""

    code = "FX998"
    name = "probe"
    summary = "test"
    safety = Safety.DETECT
    METADATA_DEPENDENCIES = METADATA

    def visit_Module(self, node: cst.Module) -> None:
        self.types = PandasTypes(self, node)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "probe":
            typed = self.types.infer(node.args[0].value)
            kind = typed.kind.name if typed.kind else "UNKNOWN"
            self.report(node, f"{code_of(node.args[0].value)}={kind}")


def kinds(source: str) -> list[str]:
    _, findings = fix_source(source, [Probe])
    return [f.message.split("=", 1)[1] for f in findings]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import pandas as pd\ndf = pd.read_csv('x')\nprobe(df)\n", "FRAME"),
        ("import pandas\ndf = pandas.DataFrame()\ndf = df.dropna()\nprobe(df)\n", "FRAME"),
        ("from pandas import Series as S\ns = S([1])\nprobe(s)\n", "SERIES"),
        ("import pandas as pd\ndef f(x: pd.DataFrame):\n    probe(x)\n", "FRAME"),
        ("import pandas as pd\ndef f(x: 'pd.Series'):\n    probe(x)\n", "SERIES"),
        ("import pandas as pd\ndf = pd.read_csv('x')\nprobe(df.loc[1:2])\n", "PANDAS"),
        ("import pandas as pd\ndf = pd.read_csv('x')\nprobe(df.close)\n", "PANDAS"),  # a column attribute
        ("import pandas as pd\ndf = pd.read_csv('x')\nprobe(df.groupby('k').sum())\n", "PANDAS"),
        ("import pandas as pd\ndf = pd.read_csv('x')\nprobe(df.index - df.index[0])\n", "INDEX"),
        # elementwise unary operators keep the kind; `not` is a bool
        ("import pandas as pd\ns = pd.Series([True])\nprobe(~s)\n", "SERIES"),
        ("import pandas as pd\ndf = pd.read_csv('x')\nprobe(-df)\n", "FRAME"),
        ("import pandas as pd\ns = pd.Series([1.0])\nprobe(not s.empty)\n", "NOT"),
        ("import pandas as pd\ndef f(mask):\n    probe(~mask)\n", "UNKNOWN"),
        # A subscript of an untyped object is not evidence (it may be a list in a dict) ...
        ("import pandas as pd\ndef f(frame):\n    probe(frame['close'])\n", "UNKNOWN"),
        ("import pandas as pd\ndef f(frame):\n    probe(frame[frame.px > 0])\n", "UNKNOWN"),
        # ... but a list key is (inferred: no mapping takes an unhashable key).
        ("import pandas as pd\ndef f(frame):\n    probe(frame[['a', 'b']])\n", "FRAME"),
        ("import pandas as pd\ndef f(mgr):\n    probe(mgr.blocks[0])\n", "UNKNOWN"),  # a list item, not a column
        ("import pandas as pd\ns = pd.Series([1])\nprobe(s[0])\n", "UNKNOWN"),  # an element
        # Not proved, or proved not pandas.
        ("def f(frame):\n    probe(frame['close'])\n", "UNKNOWN"),  # no pandas import
        ("import pandas as pd\nimport xarray as xr\ndef f(ds):\n    probe(ds['t'])\n", "UNKNOWN"),
        ("import pandas as pd\nfor df in frames:\n    probe(df)\n", "UNKNOWN"),
        ("import pandas as pd\ndf = pd.read_csv('x')\ndf = load()\nprobe(df)\n", "UNKNOWN"),  # one binding unknown
        ("import pandas as pd\nr = pd.read_csv('x', chunksize=10)\nprobe(r)\n", "UNKNOWN"),
        ("import numpy as np\na = np.zeros(3)\nprobe(a)\n", "NOT"),
        ("d = {'a': 1}\nprobe(d)\n", "NOT"),
        ("import pandas as pd\nclass A:\n    def m(self):\n        probe(self)\n", "UNKNOWN"),
    ],
)
def test_ladder(source, expected):
    assert kinds(source) == [expected]


def test_values_of_an_inverted_mask_is_fixed_and_runs():
    from finfix.codemods.pandas.values import PandasValues

    source = "import pandas as pd\ns = pd.Series([True, False])\nout = (~s).values\n"
    fixed, findings = fix_source(source, [PandasValues], unsafe=True)
    assert "(~s).to_numpy()" in fixed and findings[0].applied
    namespace: dict = {}
    exec(compile(fixed, "<fixed>", "exec"), namespace)
    assert namespace["out"].tolist() == [False, True]
