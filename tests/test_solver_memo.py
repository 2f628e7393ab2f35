"""The project solver keeps each top-level answer of its evaluator with the facts that answer looked up,
and reuses it in a later round only while those facts are unchanged. Its facts must be exactly those of
an evaluator that answers every question afresh, on a project whose facts take several rounds to settle."""

from __future__ import annotations

import textwrap
from pathlib import Path

from finfix.project import infer
from finfix.project.gather import gather

# Each fact needs the one before it: load -> R:load; clean(load()) -> P:clean:frame -> R:clean; report(...)
# -> P:report:frame; Book.__init__ -> A:Book:frame -> R:Book.total. Round k settles link k.
CHAIN = {
    "chain/__init__.py": "",
    "chain/io.py": """
        import pandas as pd

        def load(path):
            return pd.read_csv(path)
    """,
    "chain/steps.py": """
        from chain.io import load

        def clean(frame):
            return frame.dropna()

        def report(frame):
            return frame

        def run(path):
            return report(clean(load(path)))
    """,
    "chain/book.py": """
        from chain.steps import run

        class Book:
            def __init__(self, path):
                self.frame = run(path)

            def total(self):
                return self.frame
    """,
}


def _project(tmp_path: Path) -> list[str]:
    for name, text in CHAIN.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return sorted(str(p) for p in tmp_path.rglob("*.py"))


def _afresh(self, expr, scope, depth=0):
    return None if expr is None or depth > 12 else self._kind(expr, scope, depth)


def test_memo_gives_the_facts_of_fresh_answers(tmp_path, monkeypatch):
    files = _project(tmp_path)
    kept = gather(files, tmp_path, checker=None)
    monkeypatch.setattr(infer.Evaluator, "kind", _afresh)
    fresh = gather(files, tmp_path, checker=None)
    assert kept.values == fresh.values
    assert kept.unknown == fresh.unknown
    assert kept.values["R:chain.book.Book.total"].kind in ("DataFrame", "pandas")  # the chain's end was reached


def test_an_answer_is_asked_again_when_a_fact_it_read_changed():
    facts = {"G:m:x": None}
    evaluator = infer.Evaluator(facts.get, lambda module, parts: None, lambda qname: False)
    reads = []
    evaluator._kind = lambda expr, scope, depth: reads.append(expr) or evaluator.lookup("G:m:x")
    expr, scope = object(), object()
    assert evaluator.kind(expr, scope) is None
    assert evaluator.kind(expr, scope) is None and len(reads) == 1  # same facts: the kept answer
    facts["G:m:x"] = fact = infer.Fact("DataFrame", "proven", "a frame")
    assert evaluator.kind(expr, scope) is fact and len(reads) == 2
