"""Every message a rule gives on its own examples is one line, at most 160 characters, and quotes code
through one helper (issue 14, item 9)."""

from __future__ import annotations

import warnings

import pytest

from finfix import registry
from finfix.engine.core import fix_source
from finfix.sdk.snippets import snippet

LIMIT = 160
# FX001 puts the race and its concrete witness in the finding's one line (issue 15 asks for the witness
# in the finding), which runs past the limit; strict, so this mark fails (and goes) once they are short.
REWORKED_ELSEWHERE = {"FX001": "FX001's one-line message carries the race and its witness: over 160 characters"}
RULES = [
    pytest.param(r, id=r.code, marks=pytest.mark.xfail(strict=True, reason=REWORKED_ELSEWHERE[r.code]))
    if r.code in REWORKED_ELSEWHERE else pytest.param(r, id=r.code)
    for r in registry.all_rules()
]


def _findings(rule):
    for example in rule.examples:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, findings = fix_source(example.before, [rule], unsafe=example.unsafe,
                                     options={rule.code: example.options})
        yield from findings


@pytest.mark.parametrize("rule", RULES)
def test_messages_are_one_line_and_short(rule):
    bad = [f.message for f in _findings(rule) if "\n" in f.message or len(f.message) > LIMIT or not f.message]
    assert bad == []
    reasons = [f.reason for f in _findings(rule) if "\n" in f.reason]
    assert reasons == []


@pytest.mark.parametrize(
    ("code", "limit", "expected"),
    [
        ("@njit(\n    parallel=True,\n    cache=True,\n)", 80, "@njit( parallel=True, cache=True, )"),
        ("@njit(parallel=True, cache=True, fastmath=True, nogil=True)", 40, "@njit(parallel=True, cache=True,…"),
        ("df.groupby('symbol_identifier_long')", 20, "df.groupby(…"),
        ("f(a,  # a comment\n  b)", 40, "f(a, b)"),
        ("x", 40, "x"),
        ("averyveryverylongidentifiername", 10, "averyvery…"),
    ],
)
def test_snippet_is_one_line_cut_at_a_token(code, limit, expected):
    out = snippet(code, limit)
    assert out == expected and "\n" not in out and len(out) <= limit


@pytest.mark.parametrize(("unit", "new"), [("d", "D"), ("w", "W"), ("H", "h"), ("S", "s"), ("T", "min"), ("L", "ms")])
def test_fx206_says_what_the_installed_pandas_does(unit, new):
    import pandas as pd

    rule = next(r for r in registry.all_rules() if r.code == "FX206")
    source = f'import pandas as pd\nt = pd.Timedelta(1, unit="{unit}")\n'
    fixed, [finding] = fix_source(source, [rule])
    assert f'unit="{new}"' in fixed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pd.Timedelta(1, unit=unit)
            raised = False
        except ValueError:
            raised = True
    if raised:
        assert finding.message.endswith("(rejected since pandas 3.0)")
    else:  # still accepted: the message must not claim it is rejected
        assert any("Pandas4Warning" in type(w.message).__name__ for w in caught)
        assert finding.message.endswith("(pandas 3 still accepts it with a Pandas4Warning; pandas 4 removes it)")
    namespace: dict = {}
    exec(fixed, namespace)  # the fixed code runs on the installed pandas
    assert namespace["t"] == pd.Timedelta(1, unit=new)
