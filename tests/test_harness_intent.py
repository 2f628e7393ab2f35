"""`intended` and announced `fixed` verdicts: the only difference between the versions is the effect the
fix announces (harness/intent.py), and anything more is still `different`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from finfix.harness import exit_code, intent, verify_pairs
from finfix.harness.compare import Outcome, invoke
from finfix.harness.report import VerifyResult, render_markdown
from finfix.registry import by_code

EXAMPLES = 40


def _effects(code: str) -> list[dict]:
    return [{**e.to_json(), "code": code} for e in by_code()[code].effects]


def _ok(value, *args_after) -> Outcome:
    return Outcome(None, "", value, tuple(args_after))


# -- the checks, on outcomes ------------------------------------------------------------------------------

def test_an_argument_no_longer_mutated_is_the_fx201_effect_and_nothing_more():
    pd = pytest.importorskip("pandas")
    passed = pd.Series([5.0, -5.0])
    clipped = pd.Series([3.0, -3.0])
    b, a = _ok(clipped, clipped), _ok(clipped, passed)  # the original clipped the caller's Series too
    match = intent.classify(b, a, _effects("FX201"), [passed], 0)
    assert match is not None and (match.verdict, match.code) == ("intended", "FX201")
    assert "argument 1 changed by the original, left as passed by the rewrite" in match.detail
    # a rewrite that also returns something else is not that effect
    assert intent.classify(b, _ok(pd.Series([3.0, 0.0]), passed), _effects("FX201"), [passed], 0) is None
    # nor is a rewrite that changes the argument in another way
    assert intent.classify(b, _ok(clipped, pd.Series([1.0, 1.0])), _effects("FX201"), [passed], 0) is None


def test_a_chained_no_op_is_fixed_not_intended():
    b = Outcome(None, "", np.array([np.nan]), (), no_op=True)
    a = Outcome(None, "", np.array([0.0]), ())
    match = intent.classify(b, a, _effects("FX201"), [], 0)
    assert match is not None and match.verdict == "fixed"
    assert intent.classify(Outcome(None, "", np.array([np.nan]), ()), a, _effects("FX201"), [], 0) is None


def test_fx431_announces_an_ndarray_with_the_same_values_and_the_int64_fix():
    pd = pytest.importorskip("pandas")
    b, a = _ok(pd.Series([1.0, np.nan])), _ok(np.array([1.0, np.nan]))
    assert intent.classify(b, a, _effects("FX431"), [], 0).verdict == "intended"
    assert intent.classify(b, _ok(np.array([1.0, 2.0])), _effects("FX431"), [], 0) is None  # other values
    raised = Outcome("Exception", "input array type is not double", None, ())
    assert intent.classify(raised, _ok(np.array([1.0])), _effects("FX431"), [], 0).verdict == "fixed"
    other = Outcome("Exception", "inputs are all NaN", None, ())
    assert intent.classify(other, _ok(np.array([1.0])), _effects("FX431"), [], 0) is None


def test_fx301_charts_agree_in_outline_not_in_every_coordinate():
    pytest.importorskip("seaborn")
    import seaborn as sns

    x = np.array([0.1, -0.05, 0.02, 0.3, -0.2, 0.0, 0.07])

    def old(r):
        return sns.distplot(r, axlabel="Daily return")

    def new(r):
        ax = sns.histplot(x=r, kde=True, stat="density", alpha=0.4, kde_kws={"cut": 3})
        ax.set_xlabel("Daily return")
        return ax

    def counts(r):  # counts, not a density: another chart
        ax = sns.histplot(x=r, kde=True)
        ax.set_xlabel("Daily return")
        return ax

    b, a = invoke(old, [x], {}), invoke(new, [x], {})
    assert b.raised is None and a.raised is None
    assert intent.classify(b, a, _effects("FX301"), [x], 0).verdict == "intended"
    assert intent.classify(b, invoke(counts, [x], {}), _effects("FX301"), [x], 0) is None
    # distplot raised on an infinite return; histplot leaves it out: announced, so fixed
    inf = np.array([0.1, np.inf, 0.2])
    b, a = invoke(old, [inf], {}), invoke(new, [inf], {})
    assert b.raised == "ValueError" and a.raised is None
    assert intent.classify(b, a, _effects("FX301"), [inf], 0).verdict == "fixed"


# -- through the harness ----------------------------------------------------------------------------------

WINSORIZE = "def winsorize(frame, lo=-3.0, hi=3.0):\n    frame.clip(lo, hi, inplace=True)\n    return frame\n"
WINSORIZED = "def winsorize(frame, lo=-3.0, hi=3.0):\n    frame = frame.clip(lo, hi)\n    return frame\n"


def test_verify_pairs_says_intended_only_for_the_fixes_that_announce_it():
    pytest.importorskip("pandas")
    before = "import pandas as pd\n\n\n" + WINSORIZE.replace("def winsorize(frame", "def winsorize(frame: pd.Series")
    after = "import pandas as pd\n\n\n" + WINSORIZED.replace("def winsorize(frame", "def winsorize(frame: pd.Series")
    effects = {"w.py": [(5, "FX201", [e.to_json() for e in by_code()["FX201"].effects])]}
    [r] = verify_pairs([("w.py", before, after)], examples=EXAMPLES, effects=effects)
    assert r.verdict == "intended", r
    assert "FX201's announced effect, the argument is no longer mutated" in r.note
    assert r.counterexample and r.counterexample["args_after"]["before"] != r.counterexample["args_after"]["after"]
    assert exit_code([r]) == 0 and r.max_ulp == 0  # the announced difference is not rounding
    # the same rewrite without the announcement (a hand refactor, `--base`) is a difference
    [r] = verify_pairs([("w.py", before, after)], examples=EXAMPLES)
    assert r.verdict == "different" and exit_code([r]) == 1
    # and a rewrite that also changes the result is a difference, announcement or not
    worse = after.replace("frame.clip(lo, hi)", "frame.clip(lo, hi) * 2")
    [r] = verify_pairs([("w.py", before, worse)], examples=EXAMPLES, effects=effects)
    assert r.verdict == "different", r


def test_cli_verify_reports_the_fx201_effect_as_intended_and_exits_0(project):
    pytest.importorskip("pandas")
    project.write("pyproject.toml", "[tool.finfix]\nunsafe-fixes = true\n[tool.finfix.verify]\nexamples = 40\n")
    project.write("m.py", "import pandas as pd\n\n\n" + WINSORIZE.replace("frame, lo", "frame: pd.Series, lo"))
    run = project.cli("verify", "--format", "json", "m.py")
    assert run.exit_code == 0, run
    [row] = json.loads(run.stdout)["results"]
    assert row["verdict"] == "intended", row
    run = project.cli("verify", "--format", "markdown", "m.py")
    assert "**Intended (1)**" in run.stdout and "📣 intended" in run.stdout


def test_the_markdown_lists_intended_functions_with_their_explanation():
    r = VerifyResult("m.py", "f", "intended", note="intended: in 3 of 9 examples the only difference is FX201's ...")
    text = render_markdown([r])
    assert "**Intended (1)**" in text and "FX201's" in text
    assert exit_code([r]) == 0


def test_a_difference_seen_once_and_not_on_replay_is_skipped_never_equivalent():
    from finfix.harness import verdict
    from finfix.harness.plan import CallPlan

    state = {**verdict.new_state(), "count": 12, "returned": 12, "flaky": True}
    out = verdict.decide(state, "nondeterministic: the difference did not reproduce on replay", CallPlan([]), None,
                         examples_seconds=1.0, max_ulp=0)
    assert out["verdict"] == "skipped"


def test_effects_go_to_the_innermost_function_that_holds_the_fix():
    from finfix.harness import _effects_by_function

    source = "class C:\n    def m(self, df):\n        df.clip(0, 1, inplace=True)\n\n\ndef f(df):\n    return df\n"
    found = _effects_by_function(source, [(3, "FX201", [{"kind": "unmutated-argument", "text": "t", "pattern": ""}])])
    assert found == {"C.m": [{"kind": "unmutated-argument", "text": "t", "pattern": "", "code": "FX201"}]}
