"""finfix's position recorder gives exactly LibCST's PositionProvider ranges, for every node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from finfix.engine.positions import SyntacticPositions, positions

ROOT = Path(__file__).resolve().parents[1]
REAL_FILES = sorted((ROOT / "examples").rglob("*.py")) + sorted((ROOT / "finfix" / "engine").glob("*.py"))

TRICKY = [
    "x = 1",  # no trailing newline: the module drops its last token
    "",
    "\n\n",
    "if x:\r\n    y = (1,\r\n         2)\r\n",  # CRLF
    "a = 1\rb = 2\r",  # lone CR
    "def f(a, /, b=1, *args, c: int = 2, **kw) -> None:\n    '''doc\n    more'''\n    return a\n",
    "@dec(1)\nclass C(B, metaclass=M):\n    x: int = 1\n    def m(self): return [i for i in range(3) if i]\n",
    "s = f'{x!r:>{w}}' 'y' \"z\"\nt = lambda *a, **k: (yield)\n",
    "with a as b, c as d:\n    pass\nmatch p:\n    case [1, *rest] | {'k': _}:\n        pass\n",
    "x = (  # comment\n    1  # another\n)\n",
    "try:\n    pass\nexcept* (A, B) as e:\n    raise\nfinally:\n    del x[1:2, ::3]\n",
]


def _same(module: cst.Module) -> None:
    slow = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    fast = SyntacticPositions(module)
    assert set(fast) == set(slow)
    mismatched = [(type(n).__name__, slow[n], fast[n]) for n in slow if slow[n] != fast[n]]
    assert mismatched == []


@pytest.mark.parametrize("source", TRICKY)
def test_same_ranges_as_libcst_on_tricky_sources(source):
    _same(cst.parse_module(source))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_same_ranges_as_libcst_on_real_files(path):
    _same(cst.parse_module(path.read_text(encoding="utf-8")))


def test_a_cr_and_lf_split_across_tokens_count_as_two_breaks():
    # LibCST counts line breaks token by token; a "\r" closing one token and a "\n" opening the next
    # are two breaks there, one in the joined text: the recorder must count as LibCST does.
    module = cst.parse_module("x = 1\r\n")
    module = module.with_changes(body=[module.body[0].with_changes(
        trailing_whitespace=cst.TrailingWhitespace(newline=cst.Newline("\r")))], has_trailing_newline=True)
    module = module.with_changes(footer=[cst.EmptyLine(newline=cst.Newline("\n"))])
    _same(module)


def test_positions_are_kept_in_the_wrapper_for_libcst_and_rules():
    wrapper = MetadataWrapper(cst.parse_module("a = 1\nb = 2\n"), unsafe_skip_copy=True)
    first = positions(wrapper)
    assert wrapper.resolve(PositionProvider) is first is positions(wrapper)
    assign = wrapper.module.body[1].body[0]
    assert (first[assign].start.line, first[assign].start.column) == (2, 0)


def test_a_node_outside_the_module_has_no_position():
    mapping = SyntacticPositions(cst.parse_module("a = 1\n"))
    stray = cst.Name("a")
    assert stray not in mapping
    with pytest.raises(KeyError):
        mapping[stray]
