"""Every rule's examples are its tests: before -> after, a second run changes nothing, output parses,
and the finding an example pins (message substring, line, fix safety) is the one reported."""

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
    if example.message is not None or example.line is not None or example.safety is not None:
        assert any(example.pinned(f) for f in findings), [(f.line, f.fix.value, f.message) for f in findings]
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


# Rules whose owners have not yet stated the messages of their report-only examples. Each owner
# removes its codes when its examples pin their findings; the list only shrinks.
MESSAGES_PENDING = frozenset({
    "FX001", "FX002", "FX003", "FX004", "FX005", "FX006", "FX007",  # numba rules (`races`)
    "FX101", "FX102", "FX103", "FX401", "FX402",  # `wrong-fixes`
    *(f"FX2{n:02d}" for n in range(1, 17)),  # pandas rules (`evidence`)
})


@pytest.mark.parametrize("rule", [r for r in RULES if r.code not in MESSAGES_PENDING], ids=lambda r: r.code)
def test_report_only_examples_state_their_message(rule):
    unstated = [i for i, e in enumerate(rule.examples) if e.after is None and e.reported and e.message is None]
    assert not unstated, f"{rule.code}: report-only examples {unstated} do not state their expected message"


def test_a_pinned_example_fails_on_the_wrong_finding():
    """The pin is checked: a message, line or safety the rule does not report fails the example."""
    from finfix.sdk.rule import Example

    rule = next(r for r in RULES if r.code == "FX412")
    before = "from scipy import signal\nw = signal.slepian(64, 0.1)\n"
    _, findings = fix_source(before, [rule])
    assert findings and Example(before, message="slepian", line=2).pinned(findings[0])
    assert not Example(before, message="no such text").pinned(findings[0])
    assert not Example(before, message="slepian", line=1).pinned(findings[0])
    assert not Example(before, safety=Safety.SAFE).pinned(findings[0])
    with pytest.raises(ValueError):
        Example(before, message="slepian", reported=False)


def test_codes_and_names_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
