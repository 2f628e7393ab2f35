"""FX401's fixes run on the installed NumPy (2.x) and give the values the old names gave; compatibility
fallbacks are left as they are and still run; report-only findings say what they say (issue 14, items
5 and 6). The original code cannot run on NumPy 2 (that is the point of the rule), so each fixed
snippet is executed and compared with the value the replacement API is documented to give."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from finfix import registry
from finfix.codemods.numpy_scipy.numpy_removed_aliases import NumpyRemovedAliases
from finfix.engine.core import fix_source
from finfix.results import Safety

RULES = {r.code: r for r in registry.all_rules()}


def _exec(code: str) -> dict:
    namespace: dict = {"__name__": "fx401_case"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fix must not leave a deprecated name behind
        exec(compile(code, "fx401_case", "exec"), namespace)
    return namespace


def test_nan_inf_exceptions_and_chararray_fixed_code_runs():
    source = (
        "import numpy as np\n"
        "x = [np.NAN, np.NaN, np.INF, np.Infinity]\n"
        "caught = []\n"
        "for error in (np.AxisError, np.ComplexWarning, np.VisibleDeprecationWarning, np.RankWarning,\n"
        "              np.ModuleDeprecationWarning, np.TooHardError, np.DTypePromotionError):\n"
        "    try:\n"
        "        raise error('x') if error is not np.AxisError else error(1, 1)\n"
        "    except np.AxisError:\n"
        "        caught.append('axis')\n"
        "    except Exception as e:\n"
        "        caught.append(type(e).__name__)\n"
        "c = np.chararray((2,), itemsize=3)\n"
        "c[:] = 'ab'\n"
    )
    fixed, findings = fix_source(source, [NumpyRemovedAliases])
    assert all(f.applied and f.fix is Safety.SAFE for f in findings) and len(findings) >= 12
    ns = _exec(fixed)
    assert np.isnan(ns["x"][0]) and np.isnan(ns["x"][1]) and ns["x"][2:] == [np.inf, np.inf]
    assert ns["caught"] == ["axis", "ComplexWarning", "VisibleDeprecationWarning", "RankWarning",
                            "ModuleDeprecationWarning", "TooHardError", "DTypePromotionError"]
    assert list(ns["c"]) == [b"ab", b"ab"]


FALLBACKS = [
    "try:\n    from numpy import trapezoid\nexcept ImportError:\n    from numpy import trapz as trapezoid\n"
    "AREA = trapezoid([1.0, 2.0, 3.0])\n",
    "try:\n    from numpy import trapezoid\nexcept (ImportError, AttributeError):\n    from numpy import trapz\n"
    "    trapezoid = trapz\nAREA = trapezoid([1.0, 2.0, 3.0])\n",
    "import numpy as np\ntrap = np.trapezoid if hasattr(np, 'trapezoid') else np.trapz\nAREA = trap([1.0, 2.0, 3.0])\n",
    "import numpy as np\nif hasattr(np, 'trapezoid'):\n    trap = np.trapezoid\nelse:\n    trap = np.trapz\n"
    "AREA = trap([1.0, 2.0, 3.0])\n",
    "import numpy as np\ntry:\n    from numpy.exceptions import AxisError\nexcept ImportError:\n"
    "    AxisError = np.AxisError\nAREA = 4.0\n",
    "import numpy as np\nif np.__version__ >= '2':\n    trap = np.trapezoid\nelse:\n    trap = np.trapz\n"
    "AREA = trap([1.0, 2.0, 3.0])\n",
]


@pytest.mark.parametrize("source", FALLBACKS)
def test_compatibility_fallbacks_are_left_alone_and_run(source):
    fixed, findings = fix_source(source, [NumpyRemovedAliases], unsafe=True)
    assert fixed == source and findings == []
    assert _exec(source)["AREA"] == 4.0


def test_the_new_name_outside_a_fallback_is_still_fixed():
    source = "import numpy as np\ntry:\n    v = np.trapz([1.0, 2.0, 3.0])\nexcept ValueError:\n    v = None\n"
    fixed, [finding] = fix_source(source, [NumpyRemovedAliases])
    assert finding.applied and _exec(fixed)["v"] == 4.0


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import numpy as np\nconvert = np.source\n",
         "`np.source` was removed in NumPy 2.0 and is referenced without a call here: replace it by hand "
         "(use `inspect.getsource`)"),
        ("from numpy import fastCopyAndTranspose\nops = [fastCopyAndTranspose]\n",
         "`fastCopyAndTranspose` was removed in NumPy 2.0 and is referenced without a call here: replace it by "
         "hand (use `a.T.copy()`)"),
        ("import numpy as np\nf = np.find_common_type\n",
         "`np.find_common_type` was removed in NumPy 2.0 and is referenced without a call here: replace it by "
         "hand (use `np.result_type`)"),
        ("import numpy as np\nh = np.compat\n",
         "`np.compat` was removed in NumPy 2.0 with no drop-in replacement: it held Python 2 helpers; "
         "use the standard library"),
        ("import numpy as np\nnp.lookfor('fft')\n",
         "`np.lookfor` was removed in NumPy 2.0 with no drop-in replacement: search NumPy's documentation"),
    ],
)
def test_bare_references_are_reported_with_advice(source, message):
    fixed, [finding] = fix_source(source, [NumpyRemovedAliases], unsafe=True)
    assert fixed == source and finding.fix is Safety.DETECT and finding.line == 2
    assert finding.message == message
    for name in ("recfromcsv", "recfromtxt", "sctype2char", "cast", "in1d"):  # every call-shaped name
        src = f"import numpy as np\nf = np.{name}\n"
        assert [f.fix for f in fix_source(src, [NumpyRemovedAliases])[1]] == [Safety.DETECT], name


# The report-only examples of FX103, FX401 and FX402: message, line and safety pinned.
PINNED = {
    ("FX401", "import numpy as np\nm = np.in1d(a, b)\n"): (
        2, Safety.UNSAFE, "`np.in1d(a, b)` → `np.isin(a, b)` (removed in NumPy 2.4)"),
    ("FX401", "import numpy as np\nf = np.asfarray(a, dt)\n"): (
        2, Safety.UNSAFE, "`np.asfarray(a, dt)` → `np.asarray(a, dtype=dt)` (removed in NumPy 2.0)"),
    ("FX401", "import numpy as np\nt = np.find_common_type(ts, [np.float64])\n"): (
        2, Safety.UNSAFE, "`np.find_common_type(ts, [np.float64])` → `np.result_type(*ts, *[np.float64])` "
        "(removed in NumPy 2.0)"),
    ("FX401", "import numpy as np\ndef total(xs, sum=0):\n    return np.sum(x for x in xs)\n"): (
        3, Safety.DETECT, "`np.sum(<generator>)` raises TypeError since NumPy 2.4: use the builtin `sum(...)`"),
    ("FX402", "import numpy as np\nif isinstance(v, np.bool):\n    pass\n"): (
        2, Safety.UNSAFE, "`np.bool` → `bool` (deprecated in NumPy 1.20, removed in 1.24; NumPy 2 redefined `np.bool`)"),
    ("FX402", "import numpy as np\na = x.astype(dtype=np.long)\n"): (
        2, Safety.UNSAFE, "`np.long` → `int` (deprecated in NumPy 1.20, removed in 1.24; NumPy 2 redefined `np.long`)"),
    ("FX103", "from datetime import datetime\nfrom pytz import timezone\nt = datetime.utcnow()\n"): (
        3, Safety.DETECT, "`datetime.utcnow()` is deprecated since Python 3.12"),
}


@pytest.mark.parametrize(("key", "expected"), list(PINNED.items()), ids=[k[0] for k in PINNED])
def test_report_only_examples_are_pinned(key, expected):
    code, source = key
    rule = RULES[code]
    # the report-only example exists as written
    example = next(e for e in rule.examples if e.before == source and e.after is None)
    assert example.after is None and example.reported
    out, [finding] = fix_source(source, [rule], unsafe=example.unsafe, options={code: example.options})
    assert out == source and not finding.applied
    assert (finding.line, finding.fix, finding.message) == expected
