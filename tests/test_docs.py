"""The README's rule table and `finfix explain` come from the rule classes: nothing is written twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from finfix import registry
from finfix.cli import app
from finfix.explain import README_END, README_START, rules_table, with_rules_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_rule_table_is_current():
    text = README.read_text(encoding="utf-8")
    assert README_START in text and README_END in text
    assert with_rules_table(text, registry.all_rules()) == text, "run `python -m finfix.explain README.md`"


def test_table_lists_every_rule_once():
    table = rules_table(registry.all_rules())
    for rule in registry.all_rules():
        assert table.count(f"| {rule.code} |") == 1


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_explain_renders_the_docstring(rule):
    result = CliRunner().invoke(app, ["explain", rule.code])
    assert result.exit_code == 0
    assert rule.code in result.stdout
    assert "What it does" in result.stdout
    first_example = next((e for e in rule.examples if e.after is not None), None)
    if first_example is not None:
        assert first_example.after.strip().splitlines()[0] in result.stdout
