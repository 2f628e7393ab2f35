"""The ast stage (rules' `ast_trigger`) may only skip files a rule cannot act on: no finding and no
rewrite may be lost. Every rule's examples are run with and without the stage, one rule at a time and
all rules together, and their outputs compared whole."""

from __future__ import annotations

import dataclasses
import json

import pytest

from finfix import registry
from finfix.engine import core
from finfix.results import Settings
from finfix.sdk import ast_triggers
from finfix.sdk.ast_triggers import AstTrigger, Prescan, narrow
from finfix.sdk.evidence.project import ProjectFacts

RULES = registry.all_rules()
TRIGGERED = [r for r in RULES if r.ast_trigger is not None]
EXAMPLES = [pytest.param(rule, i, ex, id=f"{rule.code}-{i}") for rule in TRIGGERED for i, ex in enumerate(rule.examples)]


def _without_stage(monkeypatch):
    monkeypatch.setattr(core, "narrow", lambda rules, text, project=None: rules)


def _run(source, rules, *, unsafe):
    settings = Settings(fix=True, unsafe_fixes=unsafe)
    new, findings = core.run_rules("example.py", source, list(rules), settings)
    return new, [dataclasses.astuple(dataclasses.replace(f, witness=_untimed(f.witness))) for f in findings]


def _untimed(witness: str) -> str:
    """A witness without the seconds its search took (FX001's differ from run to run)."""
    if not witness:
        return witness
    doc = json.loads(witness)
    if isinstance(doc, dict):
        doc.pop("seconds", None)
        doc.pop("search_seconds", None)
    return json.dumps(doc, sort_keys=True)


def test_some_rules_declare_a_trigger():
    assert {"FX104", "FX105", "FX521"} <= {r.code for r in TRIGGERED}


@pytest.mark.parametrize(("rule", "index", "example"), EXAMPLES)
def test_stage_keeps_every_example_that_reports_or_rewrites(rule, index, example, monkeypatch):
    with_stage = _run(example.before, [rule], unsafe=example.unsafe)
    if example.reported or example.after is not None:
        assert narrow([rule], example.before) == [rule]
    _without_stage(monkeypatch)
    assert _run(example.before, [rule], unsafe=example.unsafe) == with_stage


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_all_rules_on_every_example_same_with_and_without_stage(unsafe, monkeypatch):
    sources = sorted({ex.before for r in RULES for ex in r.examples} | {ex.after for r in RULES for ex in r.examples
                                                                      if ex.after is not None})
    with_stage = [_run(s, RULES, unsafe=unsafe) for s in sources]
    _without_stage(monkeypatch)
    without = [_run(s, RULES, unsafe=unsafe) for s in sources]
    assert with_stage == without


def test_comments_and_strings_do_not_count():
    scan = Prescan(__import__("ast").parse('# self.assertEquals(a, b)\nx = "pipes.quote and redis.set"\n'))
    assert not AstTrigger(attributes={"assertEquals", "set"}, names={"quote"}).met_by(scan)


def test_names_attributes_and_modules():
    scan = Prescan(__import__("ast").parse(
        "import distutils.core\nfrom typing import IO as Stream\nset()\ndef f(*, algorithm=1): r.hset(k)\n"
        "try:\n    pass\nexcept E as err:\n    pass\n"))
    assert AstTrigger(modules={"distutils"}).met_by(scan)
    assert AstTrigger(modules={"distutils.core"}).met_by(scan)
    assert not AstTrigger(modules={"typing.io"}).met_by(scan)
    assert AstTrigger(names={"IO"}).met_by(scan) and AstTrigger(names={"Stream"}).met_by(scan)
    assert AstTrigger(names={"algorithm"}).met_by(scan) and AstTrigger(names={"err"}).met_by(scan)
    assert AstTrigger(attributes={"hset"}).met_by(scan)
    assert not AstTrigger(attributes={"set"}).met_by(scan)  # the builtin `set` is a name, not an attribute


def test_relative_imports_are_not_modules():
    scan = Prescan(__import__("ast").parse("from .imp import x\n"))
    assert not AstTrigger(modules={"imp"}).met_by(scan)


def test_a_project_alias_counts_as_the_name_it_stands_for():
    # pkg/compat.py: `from pipes import quote as q`; this file: `from pkg.compat import q; q(x)`
    project = ProjectFacts(modules={"/p/pkg/compat.py": "pkg.compat"}, exports={"pkg.compat": {"q": "pipes.quote"}},
                           defined={"pkg.compat": frozenset()})
    text = "from pkg.compat import q\nq(x)\n"
    rule = registry.by_code()["FX104"]
    assert narrow([rule], text) == []
    assert narrow([rule], text, project) == [rule]
    assert ast_triggers.project_aliases(project) == {"q": frozenset({"quote"})}


def test_unparsable_source_keeps_every_rule():
    rule = registry.by_code()["FX104"]
    assert narrow([rule], "def (:\n") == [rule]


def test_cpython_parses_each_file_once(monkeypatch):
    """The engine's syntax check and the ast stage share one CPython tree (it used to be parsed twice)."""
    import ast

    calls = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda text, *a, **k: calls.append(text) or real_parse(text, *a, **k))
    source = "import pipes\n\n\ndef shell(x):\n    return pipes.quote(x)\n"
    new, findings = core.run_rules("example.py", source, [registry.by_code()["FX104"]], Settings(fix=False))
    assert [f.code for f in findings] == ["FX104"]
    assert calls.count(source) == 1


def test_a_narrowed_tree_gives_what_the_text_gives():
    import ast

    rule = registry.by_code()["FX104"]
    for text in ("import pipes\npipes.quote('a')\n", "import shlex\nshlex.quote('a')\n"):
        assert narrow([rule], ast.parse(text)) == narrow([rule], text)
