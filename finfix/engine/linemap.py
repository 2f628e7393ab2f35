"""Line-number maps between successive versions of a file.

When an earlier rule inserts lines (FX101 adds ``if x is None:`` blocks), later rules see shifted line
numbers. The engine composes one map per changing rule so that every finding still points into the file
as the user has it.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass
from typing import Callable, Sequence


@dataclass(frozen=True)
class LineMap:
    """Maps a 1-based line of the newer text to a 1-based line of the older one."""

    _fn: Callable[[int], int]

    @classmethod
    def identity(cls) -> LineMap:
        return cls(lambda line: line)

    @classmethod
    def between(cls, new: Sequence[str], old: Sequence[str]) -> LineMap:
        # (new_start, new_end, old_start, old_end) per opcode, 0-based half-open ranges
        blocks = [
            (j1, j2, i1, i2)
            for _tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        ]
        starts = [b[0] for b in blocks]

        def lookup(line: int) -> int:
            k = bisect.bisect_right(starts, line - 1) - 1
            if k < 0:
                return line
            j1, j2, i1, i2 = blocks[k]
            if j2 - j1 == i2 - i1:  # equal or same-size replace: line for line
                return i1 + (line - 1 - j1) + 1
            return min(i1, max(len(old) - 1, 0)) + 1  # inserted lines: where they were inserted

        return cls(lookup)

    def then(self, older: LineMap) -> LineMap:
        return LineMap(lambda line: older(self(line)))

    def __call__(self, line: int) -> int:
        return self._fn(line)
