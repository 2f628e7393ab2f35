"""docs/CONTRIBUTING-RULES.md shows a complete rule: it is extracted, executed, and its examples pass."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from finfix.engine.core import fix_source
from finfix.sdk.rule import Rule

DOC = Path(__file__).resolve().parent.parent / "docs" / "CONTRIBUTING-RULES.md"
# The rule is the first four-backtick python block (its docstring holds ``` fences of its own).
BLOCK = re.compile(r"^````python\n(.*?)^````$", re.DOTALL | re.MULTILINE)


def _snippet() -> str:
    found = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found, "CONTRIBUTING-RULES.md lost its rule"
    return found.group(1)


def _rule() -> type[Rule]:
    namespace: dict = {}
    exec(compile(_snippet(), str(DOC), "exec"), namespace)
    rules = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, Rule) and v is not Rule]
    assert len(rules) == 1
    return rules[0]


def test_the_rule_is_under_80_lines():
    assert len(_snippet().splitlines()) < 80


def test_the_rule_imports_only_the_rule_layer_and_libcst():
    tree = ast.parse(_snippet())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert modules and all(m.startswith(("finfix.sdk.", "libcst")) for m in modules), modules


def test_its_examples_pass_and_pin_their_findings():
    rule = _rule()
    docs = rule.docs()
    assert {"What it does", "Why is this bad?", "Example", "Fix safety"} <= set(docs)
    assert rule.examples
    for example in rule.examples:
        out, findings = fix_source(example.before, [rule], unsafe=example.unsafe)
        assert out == (example.after if example.after is not None else example.before)
        assert bool(findings) == example.reported
        if example.message is not None:
            assert any(example.pinned(f) for f in findings), [f.message for f in findings]
        again, _ = fix_source(out, [rule], unsafe=example.unsafe)
        assert again == out
        ast.parse(out)


def test_the_fix_runs():
    """The fixed code runs on NumPy 2 (where `asscalar` is gone) and gives what `asscalar` gave: a float."""
    import numpy as np

    out, _ = fix_source("import numpy as np\nv = np.asscalar(a + b)\n", [_rule()])
    namespace = {"a": np.float32(1.5), "b": np.float32(2.0)}
    exec(compile(out, "<fixed>", "exec"), namespace)
    assert namespace["v"] == 3.5 and type(namespace["v"]) is float
