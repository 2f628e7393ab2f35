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
