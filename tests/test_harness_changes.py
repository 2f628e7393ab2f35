"""Which functions a change asks to verify: the changed ones and their callers."""

from __future__ import annotations

from finfix.harness.changes import select

BEFORE = '''
import numpy as np

def kernel(x):
    return x + 1

def caller(x):
    return kernel(x) * 2

def untouched(x):
    return x

class Book:
    def total(self, xs=[]):
        return sum(xs)

    def report(self):
        return self.total()

def gone():
    pass
'''

AFTER = '''
import numpy as np

def kernel(x):
    return x + 1.0

def caller(x):
    return kernel(x) * 2

def untouched(x):
    return x

class Book:
    def total(self, xs=None):
        if xs is None:
            xs = []
        return sum(xs)

    def report(self):
        return self.total()

def added():
    pass
'''


def test_changed_functions_and_their_callers():
    sel = select(BEFORE, AFTER)
    assert sel.changed == ("kernel", "Book.total")
    assert sel.callers == ("caller", "Book.report")
    assert sel.to_verify == ("kernel", "Book.total", "caller", "Book.report")
    assert sel.only_before == ("gone",) and sel.only_after == ("added",)


def test_a_decorator_change_counts_as_a_change():
    before = "from numba import njit\n@njit(parallel=True)\ndef f(x):\n    return x\n"
    after = "from numba import njit\n@njit\ndef f(x):\n    return x\n"
    assert select(before, after).changed == ("f",)


def test_unparsable_source_selects_nothing():
    assert select("def f(:\n", "def f():\n    pass\n").to_verify == ()


def test_revert_puts_back_only_the_named_functions():
    before = "import numpy as np\n\ndef a(x=[]):\n    return len(x)\n\ndef b(y=[]):\n    return y\n"
    after = (
        "import numpy as np\n\ndef a(x=None):\n    if x is None:\n        x = []\n    return len(x)\n\n"
        "def b(y=None):\n    if y is None:\n        y = []\n    return y\n"
    )
    from finfix.harness.changes import revert

    partial = revert(before, after, {"b"})
    assert partial == "import numpy as np\n\ndef a(x=None):\n    if x is None:\n        x = []\n    return len(x)\n\ndef b(y=[]):\n    return y\n"


def test_revert_refuses_when_an_import_the_original_needs_is_gone():
    from finfix.harness.changes import revert

    before = "from numba import njit, prange\n\n@njit(parallel=True)\ndef k(x):\n    for i in prange(3):\n        x[i] = 0\n"
    after = "from numba import njit\n\n@njit\ndef k(x):\n    for i in range(3):\n        x[i] = 0\n"
    assert revert(before, after, {"k"}) is None


def test_revert_refuses_when_a_kept_function_calls_a_reverted_one():
    from finfix.harness.changes import revert

    before = "def k(x):\n    return x\n\ndef c(x=[]):\n    return k(x)\n"
    after = "def k(x):\n    return x + 0\n\ndef c(x=None):\n    if x is None:\n        x = []\n    return k(x)\n"
    assert revert(before, after, {"k"}) is None
    assert revert(before, after, {"k", "c"}) == before


def test_keep_verified_applies_what_verifies_and_unmarks_the_rest():
    from finfix.engine.core import FileResult
    from finfix.harness.report import VerifyResult
    from finfix.harness.sources import keep_verified
    from finfix.sdk.rule import Finding, Safety

    before = "def a(x=[]):\n    return len(x)\n\ndef b(y=[]):\n    return y\n"
    after = "def a(x=None):\n    if x is None:\n        x = []\n    return len(x)\n\ndef b(y=None):\n    if y is None:\n        y = []\n    return y\n"

    def finding(line):
        return Finding("m.py", line, 7, "FX101", "mutable-default", "m", Safety.SAFE, applied=True)

    result = FileResult("m.py", before.encode(), after.encode(), (finding(1), finding(4)))
    verdicts = [VerifyResult("m.py", "a", "equivalent"), VerifyResult("m.py", "b", "different")]
    [kept], [(path, why)] = keep_verified([result], verdicts)
    assert kept.new.decode().endswith("def b(y=[]):\n    return y\n") and "x = []" in kept.new.decode()
    assert [f.applied for f in kept.findings] == [True, False]
    assert path == "m.py" and "b (different)" in why
