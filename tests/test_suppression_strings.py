"""A suppression marker inside a string literal is not a comment and suppresses nothing."""

from finfix.codemods.python.mutable_default import MutableDefault
from finfix.engine.core import fix_source


def test_marker_in_a_string_does_not_suppress():
    source = 'def f(x=[], note="# finfix: ignore"):\n    return len(x)\n'
    out, findings = fix_source(source, [MutableDefault])
    assert findings and findings[0].applied
    assert "if x is None:" in out


def test_marker_in_a_comment_suppresses():
    source = "def f(x=[]):  # finfix: ignore[FX101]\n    return len(x)\n"
    out, findings = fix_source(source, [MutableDefault])
    assert out == source and findings == []
