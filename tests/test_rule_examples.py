"""Every rule's examples are its tests: before -> after, a second run changes nothing, output parses."""

from __future__ import annotations

import ast

import pytest

from finfix import registry
from finfix.engine.core import fix_source
from finfix.sdk.rule import Safety

RULES = registry.all_rules()
CASES = [
    pytest.param(rule, i, example, id=f"{rule.code}-{i}")
    for rule in RULES
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "index", "example"), CASES)
def test_example(rule, index, example):
    out, findings = fix_source(example.before, [rule], unsafe=example.unsafe, options={rule.code: example.options})
    expected = example.after if example.after is not None else example.before
    assert out == expected
    assert bool(findings) == example.reported, [f.message for f in findings]
    assert all(f.code == rule.code for f in findings)
    ast.parse(out)
    again, _ = fix_source(out, [rule], unsafe=example.unsafe, options={rule.code: example.options})
    assert again == out, "second run must be a no-op"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    docs = rule.docs()
    for heading in ("What it does", "Why is this bad?", "Fix safety"):
        assert docs.get(heading), f"{rule.code} lacks a '## {heading}' section"
    assert rule.code.startswith("FX") and len(rule.code) == 5 and rule.code[2:].isdigit()
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert isinstance(rule.safety, Safety)
    assert any(e.after is not None for e in rule.examples) or rule.safety is Safety.DETECT
    assert any(e.after is None for e in rule.examples), "every rule needs a must-not-touch example"


def test_codes_and_names_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
