"""FX101's fixes run and keep what the code observably did (issue 14, items 3 and 4): docstrings stay
docstrings, and defaults evaluated when the `def` runs are not moved where they would read another
value. Every case executes the code before and after the fix and compares."""

from __future__ import annotations

import textwrap

import pytest

from finfix.codemods.python.mutable_default import MutableDefault
from finfix.engine.core import fix_source
from finfix.results import Safety


def _exec(code: str) -> dict:
    namespace: dict = {"__name__": "fx101_case"}
    exec(compile(code, "fx101_case", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "source",
    [
        'def f(x=[]):\n    """Doc."""; return len(x)\n',
        'def f(x=[]): """Doc."""; return len(x)\n',
        'def f(x=[]):\n    """Doc."""  ;  y = 1  # note\n    return len(x) + y\n',
        "def f(x=[]):\n    'Doc.'; return len(x)\n",
    ],
)
def test_docstring_followed_by_a_statement_on_its_line_is_kept(source):
    fixed, [finding] = fix_source(source, [MutableDefault])
    assert finding.applied and finding.fix is Safety.SAFE
    before, after = _exec(source)["f"], _exec(fixed)["f"]
    assert after.__doc__ == before.__doc__ == "Doc."
    assert after() == before() and after([1, 2]) == before([1, 2])


LOOP_CASES = {
    "module loop": """
        fs = []
        for i in range(3):
            def f(x=[i]):
                return list(x)
            fs.append(f)
        RESULT = [f() for f in fs]
        """,
    "nested def in a loop": """
        def make():
            out = []
            for i in range(3):
                def f(x=[i]):
                    return len(x) + x[0]
                out.append(f)
            return out
        RESULT = [f() for f in make()]
        """,
    "tuple loop target": """
        fs = []
        for k, v in {"a": 1, "b": 2}.items():
            def f(x={k: v}):
                return sorted(x.items())
            fs.append(f)
        RESULT = [f() for f in fs]
        """,
    "loop in a class body": """
        class C:
            for i in range(2):
                def m(self, x=[i]):
                    return list(x)
        RESULT = C().m()
        """,
}


@pytest.mark.parametrize("case", list(LOOP_CASES), ids=list(LOOP_CASES))
def test_loop_variable_default_is_only_reported(case):
    source = textwrap.dedent(LOOP_CASES[case]).lstrip()
    for unsafe in (False, True):
        fixed, findings = fix_source(source, [MutableDefault], unsafe=unsafe)
        assert fixed == source  # every function would read the loop's last value
        assert findings and not any(f.applied for f in findings)
    assert any("loop variable" in f.reason or "class attribute" in f.reason for f in findings), findings
    assert _exec(source)["RESULT"] == _exec(fixed)["RESULT"]


REBOUND = """
    N = 1
    def f(x=[N]):
        return list(x)
    N = 2
    RESULT = f()
    """


def test_default_reading_a_name_rebound_later_is_unsafe_and_says_so():
    source = textwrap.dedent(REBOUND).lstrip()
    safe, [finding] = fix_source(source, [MutableDefault])
    assert safe == source and finding.fix is Safety.UNSAFE and not finding.applied
    assert finding.reason == ("`N` is bound more than once: the `def` took the value it had then; after the fix "
                              "every call reads its value at call time")
    fixed, _ = fix_source(source, [MutableDefault], unsafe=True)
    # the reason announces exactly the difference that running the code shows
    assert _exec(source)["RESULT"] == [1] and _exec(fixed)["RESULT"] == [2]


def test_default_of_imports_and_builtins_stays_safe():
    source = "import math\ndef f(x=[math.pi, len]):\n    return len(x)\n"
    fixed, [finding] = fix_source(source, [MutableDefault])
    assert finding.applied and finding.fix is Safety.SAFE
    assert _exec(fixed)["f"]() == _exec(source)["f"]()


def test_comprehension_variable_inside_the_default_is_its_own():
    source = "def f(x=[i * 2 for i in range(3)]):\n    return sum(x)\n"
    fixed, [finding] = fix_source(source, [MutableDefault])
    assert finding.applied and finding.fix is Safety.SAFE
    assert _exec(fixed)["f"]() == _exec(source)["f"]() == 6


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("f = lambda x=[]: x\n", "a lambda cannot hold the `if ... is None` statement; turn it into a def"),
        ("def f(x=[]): ...\n", "the body is a stub; fix the real implementation"),
        ("from typing import overload\n@overload\ndef f(x: list = []) -> None: ...\n",
         "an @overload signature only describes types; fix the implementation"),
        ("def fib(n, _cache={}):\n    if n not in _cache:\n        _cache[n] = n\n    return _cache[n]\n",
         "`_cache` looks like a deliberate cache filled across calls; consider functools.lru_cache instead"),
        ("def f(xs=[]):\n    xs.append(1)\n    return xs\n",
         "`xs` is mutated (`xs.append(1)`): each call now gets a fresh object instead of the shared one"),
    ],
)
def test_report_only_examples_pin_message_line_and_reason(source, reason):
    out, [finding] = fix_source(source, [MutableDefault])
    assert out == source and not finding.applied
    assert finding.message.startswith("mutable default `") and "is shared between calls" in finding.message
    assert finding.reason == reason
    assert finding.line == next(i for i, l in enumerate(source.splitlines(), 1) if "=[]" in l or "={}" in l
                                or "= []" in l)
