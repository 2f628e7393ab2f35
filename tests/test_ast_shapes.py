"""Rules whose ast trigger tests node shapes (`AstTrigger(shapes=...)`): the shape must keep every file
the rule reports on (run without the stage, the rule reports, and the stage keeps the rule), and it must
drop the files whose identifiers are common but whose code the rule cannot act on (why it exists)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from finfix import registry
from finfix.engine import core
from finfix.results import Settings
from finfix.sdk.ast_triggers import AstTrigger, Prescan, narrow

PD = "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None]})\n"

KEPT = [
    ("FX401", "import numpy as np\nt = np.sum(x * 2 for x in range(3))\n"),
    ("FX401", "from numpy import sum as total\nt = total(x for x in range(3))\n"),
    ("FX401", "import numpy as np\nb = np.cast['f8'](a)\n"),
    ("FX401", "from numpy import product\np = product([1, 2])\n"),
    ("FX401", "import numpy as np\nx = np.compat.long\n"),
    ("FX206", PD + "r = df.resample('5T').last()\n"),
    ("FX206", PD + "ok = pd.infer_freq(df.index) == 'H'\n"),
    ("FX203", PD + "df = df.fillna(method='ffill')\n"),
    ("FX203", PD + "df = df.fillna(None, 'ffill')\n"),
    ("FX203", PD + "df = df.pad()\n"),
    ("FX208", PD + "s = df.groupby('a', axis=0).sum()\n"),
    ("FX215", PD + "s = df.resample('1h', base=2).mean()\n"),
    ("FX102", "try:\n    f()\nexcept Exception:\n    pass\n"),
    ("FX102", "try:\n    f()\nexcept (KeyError, BaseException):\n    ...\n"),
    ("FX102", "from builtins import Exception as Oops\ntry:\n    f()\nexcept Oops:\n    pass\n"),
    ("FX106", "import copy, itertools\nc = itertools.count()\nd = copy.copy(c)\n"),
    ("FX106", "import copy, itertools\nc = itertools.count()\nd = copy.copy(x=c)\n"),
    ("FX314", "import matplotlib.pyplot as plt\nplt.boxplot([[1, 2]], labels=['a'])\n"),
    ("FX314", "from matplotlib import tight_layout\n"),
    ("FX414", "from scipy import integrate\na = integrate.trapz(y, x)\n"),
    ("FX214", "import pandas as pd\nidx = pd.Index([1, 2])\ni = idx.idxmax()\n"),
]

DROPPED = [
    ("FX401", "import numpy as np\nok = all(x > 0 for x in xs)\nsource = np.load(path)\n"),
    ("FX401", "import numpy as np\nfrom typing import cast\nfrom itertools import product\n"
              "t = np.sum(a)\nu = cast(int, product(a))\n"),
    ("FX206", PD + "x = df['M'].rolling(window).mean()\nlabel = 'H'\n"),
    ("FX203", PD + "df = df.fillna(0)\noptions = dict(method='x')\n"),
    ("FX208", PD + "s = df.groupby('a').sum()\nm = df.mean(axis=0)\n"),
    ("FX215", PD + "s = df.resample('1h').mean()\nbase = 2\n"),
    ("FX102", "try:\n    f()\nexcept ValueError:\n    pass\nexcept Exception:\n    log()\n"),
    ("FX106", "import itertools\nc = itertools.count()\nn = next(c)\n"),
    ("FX314", "import matplotlib.pyplot as plt\nfig = plt.figure()\nfig.tight_layout()\nplt.hist([1], bins=3)\n"),
    ("FX414", "import scipy\n# trapz\nname = 'simps'\n"),
    ("FX214", "import pandas as pd\nidx = pd.Index([1])\n# idxmax\n"),
]


def _findings_without_stage(code: str, source: str, monkeypatch) -> list:
    monkeypatch.setattr(core, "narrow", lambda rules, text, project=None: rules)
    _, findings = core.run_rules("example.py", source, [registry.by_code()[code]], Settings(fix=True))
    return [f for f in findings if f.code == code]


@pytest.mark.parametrize(("code", "source"), KEPT)
def test_shape_keeps_what_the_rule_reports(code, source, monkeypatch):
    rule = registry.by_code()[code]
    assert rule.applies_to(source)
    assert narrow([rule], source) == [rule]
    assert _findings_without_stage(code, source, monkeypatch), "the case must be one the rule reports"


@pytest.mark.parametrize(("code", "source"), DROPPED)
def test_shape_drops_common_names_the_rule_cannot_act_on(code, source, monkeypatch):
    rule = registry.by_code()[code]
    assert rule.applies_to(source), "the text pre-check lets the case through: the shape is what drops it"
    assert narrow([rule], source) == []
    assert _findings_without_stage(code, source, monkeypatch) == []


@pytest.mark.parametrize(("code", "origin", "text"), [
    ("FX401", "numpy.sum", "import numpy\nfrom pkg.compat import npsum\nt = npsum(x for x in xs)\n"),
    ("FX106", "copy.copy", "import itertools\nfrom pkg.compat import npsum\nc = npsum(itertools.count())\n"),
])
def test_a_project_re_export_counts_for_a_shape(code, origin, text):
    # pkg/compat.py: `from numpy import sum as npsum` (or `from copy import copy as npsum`)
    from finfix.sdk.evidence.project import ProjectFacts

    project = ProjectFacts(modules={"/p/pkg/compat.py": "pkg.compat"}, exports={"pkg.compat": {"npsum": origin}},
                           defined={"pkg.compat": frozenset()})
    rule = registry.by_code()[code]
    assert rule.applies_to(text)
    assert narrow([rule], text) == []
    assert narrow([rule], text, project) == [rule]


def test_a_shape_sees_only_nodes_of_its_kind_and_the_scan():
    tree = ast.parse(textwrap.dedent("""
        import numpy as n2
        f(1)
        g(x for x in y)
    """))
    seen = []
    trigger = AstTrigger(shapes={ast.Call: lambda call, scan: seen.append((type(call), scan.import_aliases)) or False})
    assert not trigger.met_by(Prescan(tree, kinds=[ast.Call]))
    assert seen == [(ast.Call, frozenset({"n2"}))] * 2
    one_generator = AstTrigger(shapes={ast.Call: lambda call, _: isinstance(call.args[0], ast.GeneratorExp)})
    assert one_generator.met_by(Prescan(tree, kinds=[ast.Call]))
    assert not one_generator.met_by(Prescan(tree))  # a scan that did not collect calls
