"""`check --format json` fixes each file again once per finding: inside `reusing_parses`, the trees of a text
parsed before are reused, and only there."""

from __future__ import annotations

from finfix.engine import core
from finfix.engine.reparse import reusing_parses

SOURCE = "import pandas as pd\n\n\ndef f(df, x=[]):\n    return df.values\n"


def test_the_same_text_gets_the_same_trees_inside_the_block_only():
    with reusing_parses():
        assert core._libcst_tree(SOURCE) is core._libcst_tree(SOURCE[:-1] + "\n")
        assert core.python_tree(SOURCE) is core.python_tree(SOURCE)
        other = SOURCE.replace("x=[]", "x=()")
        assert core._libcst_tree(other) is not core._libcst_tree(SOURCE)
        assert core._libcst_tree(other).code == other
    assert core._libcst_tree(SOURCE) is not core._libcst_tree(SOURCE)


def test_edits_per_finding_are_the_same_with_reused_trees(project, monkeypatch):
    """The JSON report's per-finding edits (each fix alone) do not depend on reusing the parse."""
    import json

    project.write("pkg/__init__.py", "")
    project.write("pkg/m.py", SOURCE + "\n\ndef g(a, b={}):\n    return a.values + b\n")
    reused = project.cli("check", "--no-cache", "--format", "json", "pkg")
    monkeypatch.setattr(core, "reusing", lambda kind, text, parse: parse(text))
    fresh = project.cli("check", "--no-cache", "--format", "json", "pkg")
    edits = [f["fix"]["edits"] for f in json.loads(reused.stdout)["findings"] if f["fix"]]
    assert len(edits) == 2 and all(edits)  # one edit list per fix, each made alone
    assert reused.stdout == fresh.stdout


def test_the_metadata_of_a_tree_as_parsed_is_shared_inside_the_block_only():
    from finfix.results import Settings

    def session(tree):
        s = core.FileSession("m.py", SOURCE, Settings())
        s.start_rule(tree)
        return s

    with reusing_parses():
        tree = core._libcst_tree(SOURCE)
        first, second = session(tree), session(tree)
        assert first.wrapper() is second.wrapper()
        fixed = tree.with_changes(body=tree.body[:1])  # a tree some fix changed: its own metadata
        second.start_rule(fixed)
        assert second.wrapper() is not first.wrapper() and second.wrapper().module is fixed
    tree = core._libcst_tree(SOURCE)
    assert session(tree).wrapper() is not session(tree).wrapper()
