"""Failures found by the round trip, the fuzzer and the benchmarks, each as a minimal snippet.

Add one test per failure: the smallest input, and the behaviour expected from then on.
"""

from __future__ import annotations

import pytest
from libcst import metadata as cst_metadata

from finfix import registry
from finfix.engine.core import Settings, process_source, run_rules

FX101 = registry.select(["FX101"])[0]


# -- FX101's text pre-check must never skip a file the rule reports on --------------------------------

REPORTED = [
    "def f(x=[]):\n    return x\n",
    "def f(a, *, b: dict[str, int] = {}):\n    return b\n",
    "def f(\n    a,\n    b=(\n        []\n    ),\n):\n    return b\n",
    "def f(sep=')', x=[]):\n    return x\n",  # a parenthesis inside a string
    "def f(sep=\"(\", x={}):\n    return x\n",
    "def f(a=g(h(i(1))), x=set()):\n    return x\n",  # nested calls before the default
    "def f(a,  # don't\n      x=[]):\n    return x\n",  # a comment with a quote inside the signature
    "import numpy as np\ndef f(x=np.zeros(3)):\n    return x\n",
    "from collections import deque as dq\ndef f(x=dq()):\n    return x\n",  # an alias
    "from pandas import DataFrame as DF\ndef f(x=DF()):\n    return x\n",
    "f = lambda x={}: x\n",
    "from dataclasses import dataclass\n@dataclass\nclass C:\n    xs: list = []\n",
    "class A:\n    async def f(self, x=[]):\n        return x\n",
    "def f(x: 'list[int]' = []):\n    return x\n",
]

NOT_REPORTED = [
    "x = []\ny = {}\n",
    "def f(a=(), b=None, c=frozenset()):\n    return a\n",
    "g(default=[])\n",
    "class M:\n    tags: list = []\n",  # not a dataclass
]


@pytest.mark.parametrize("source", REPORTED)
def test_fx101_precheck_lets_every_reported_file_through(source):
    _, findings = run_rules("t.py", source, [_without_precheck()], Settings())
    assert findings, "the snippet must be a real finding"
    assert FX101.applies_to(source)


@pytest.mark.parametrize("source", NOT_REPORTED)
def test_fx101_precheck_rules_out_clean_files(source):
    assert not FX101.applies_to(source)


def _without_precheck():
    from finfix.sdk.rule import Rule

    class Unfiltered(FX101):  # the same visitor, run on every file
        applies_to = classmethod(Rule.applies_to.__func__)
        triggers = ()

    return Unfiltered


# -- the engine computed LibCST metadata once per rule instead of once per tree -------------------------


@pytest.fixture
def scope_analyses(monkeypatch) -> list[int]:
    """One entry per scope analysis LibCST runs during the test."""
    calls: list[int] = []
    real = cst_metadata.ScopeProvider.__init__

    def counting(self, *a, **k):
        calls.append(1)
        real(self, *a, **k)

    monkeypatch.setattr(cst_metadata.ScopeProvider, "__init__", counting)
    return calls


def test_metadata_is_computed_once_per_tree_for_all_rules(scope_analyses):
    """pandas/core/series.py took 9 minutes: every rule re-ran scope analysis on the same tree."""
    scoped = [r for r in registry.all_rules() if cst_metadata.ScopeProvider in r.get_inherited_dependencies()]
    assert len(scoped) >= 2
    # several rules have a candidate here (`.values`, `.append`, `.iteritems`), so several ask for scopes
    source = "import pandas as pd\ndef f(df, o):\n    return df.values, df.append(o), o.iteritems()\n"
    _, findings = run_rules("t.py", source, [_always(r) for r in scoped], Settings())
    assert len({f.code for f in findings}) >= 2
    assert len(scope_analyses) == 1


def test_no_scope_analysis_when_no_rule_finds_a_candidate(scope_analyses):
    """Metadata is computed on demand: a parsed file whose walks find no candidate node skips it."""
    scoped = [r for r in registry.all_rules() if cst_metadata.ScopeProvider in r.get_inherited_dependencies()]
    source = "import numpy as np\nimport pandas as pd\nx = 1\n"  # parsed, nothing to look at
    _, findings = run_rules("t.py", source, [_always(r) for r in scoped], Settings())
    assert findings == []
    assert scope_analyses == []


def _always(rule):
    return type(rule.__name__, (rule,), {"applies_to": classmethod(lambda cls, source: True)})


def test_metadata_is_recomputed_after_a_rule_changes_the_tree():
    # FX101 rewrites, and a later metadata rule must see the new tree (positions, scopes) not the old one
    source = "import pandas as pd\ndef f(x=[]):\n    return len(x)\ndf = pd.read_csv('a')\ndf.dropna(inplace=True)\n"
    rules = registry.select(["FX101", "FX201"])
    result = process_source("t.py", source.encode(), rules, Settings(fix=True, unsafe_fixes=True))
    assert result.error is None
    assert {f.code for f in result.findings} == {"FX101", "FX201"}
    assert [f.line for f in result.findings if f.code == "FX201"] == [5]  # still the original line
    new = (result.new or b"").decode()
    assert "df = df.dropna()" in new and "if x is None:" in new


def test_fx204_leaves_index_append_chains_alone():
    """Round trip on pandas' tests: `idx.append(idx).append(idx)` on a PeriodIndex became
    `pd.concat([idx.append(idx), idx])` (broken: concat takes no Index) and changed again on a second run."""
    from finfix.codemods.pandas.append import PandasAppend
    from finfix.engine.core import fix_source

    src = 'import pandas as pd\nidx2 = pd.period_range("2013", periods=2, freq="h")\nidx2 = idx2.append(idx2).append(idx2)\n'
    out, _ = fix_source(src, [PandasAppend], unsafe=True)
    assert out == src


def test_deeply_nested_source_is_processed_not_an_internal_error():
    """Round trip: CPython's pydoc_data/topics.py (one nesting level per piece of an implicit string
    concatenation, ~500 levels) hit Python's recursion limit in the tree walks and in code generation."""
    src = "def f(x=[]):\n    return x\ns = (" + " ".join("'a'" for _ in range(2000)) + ")\n"
    result = process_source("deep.py", src.encode(), registry.all_rules(), Settings(fix=True, unsafe_fixes=True))
    assert result.error is None
    assert [f.code for f in result.findings] == ["FX101"]
    assert result.new is not None and b"if x is None" in result.new


def test_fx206_parses_only_files_with_a_literal_some_alias_table_rewrites():
    """FX206's text triggers (`freq`, `round`, `rolling` ...) let half of pandas through; the rule can
    only act on a literal like "H" or "15T" passed to a call or compared, so the ast stage drops a file
    without one (the literal's value, escapes evaluated, is what counts)."""
    from finfix.codemods.pandas.offset_aliases import PandasOffsetAliases as FX206
    from finfix.sdk.ast_triggers import narrow

    def parsed_for_it(text: str) -> bool:
        return FX206.applies_to(text) and narrow([FX206], text) == [FX206]

    head = "import pandas as pd\n"
    assert parsed_for_it(head + "idx = pd.date_range('2020', periods=3, freq='H')\n")
    assert parsed_for_it(head + 'if pd.infer_freq(idx) == "1H30T":\n    pass\n')
    assert parsed_for_it(head + "d = pd.Timedelta('\\x48')\n")  # "\x48" is "H"
    assert not parsed_for_it(head + "r = df.round(2).rolling(5).mean()\nf = df.freq\n")
    assert not parsed_for_it(head + "idx = pd.date_range('2020', periods=3, freq='h')\n")  # already new
    assert not parsed_for_it(head + "label = 'H'\nr = df.resample(rule).last()\n")  # not at a call


# LibCST prints a few unusual files back differently (found by benchmarks/fuzz.py): blank lines of
# tabs and spaces around "\r\n" after a plain "\n".
_ODD_WHITESPACE = "\n\r\n   \n   \t   \t      \t \t \t\r\n"


def test_a_file_without_fixes_is_never_reprinted():
    src = "def save(doc):\n    doc.write_image('a.png', engine='pdfium')\n" + _ODD_WHITESPACE
    result = process_source("f.py", src.encode(), registry.all_rules(), Settings(fix=True, unsafe_fixes=True))
    assert (result.error, result.findings, result.changed) == (None, (), False)


def test_fixes_are_refused_when_libcst_does_not_reproduce_the_file():
    src = "def f(x=[]):\n    return x\n" + _ODD_WHITESPACE
    result = process_source("f.py", src.encode(), registry.all_rules(), Settings(fix=True, unsafe_fixes=True))
    assert not result.changed
    assert [(f.code, f.applied) for f in result.findings] == [("FX101", False)]
    assert "does not reproduce this file byte for byte" in result.error and not result.internal
