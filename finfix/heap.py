"""Give the memory LibCST's native parser freed back to the operating system.

Parsing a large file allocates several times the size of the resulting tree on the native (Rust)
side; glibc keeps those freed blocks in its free lists, so a worker that parsed pandas' frame.py
(20k lines) stays at ~110 MB although the tree needs ~15 MB. ``malloc_trim`` hands the free pages
back (110 -> 36 MB). Other C libraries (macOS, musl, Windows) do without: there it is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache
from typing import Callable

#: Below this many characters a parse leaves too little behind to be worth a trim (a few ms each).
TRIM_AFTER_CHARS = 100_000


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_memory(chars: int) -> None:
    """Trim the heap after work on a text of ``chars`` characters (after its parse, after its rules)."""
    if chars >= TRIM_AFTER_CHARS:
        gc.collect()  # scopes and nodes refer to each other: without a collection the trim finds little
        trim = _malloc_trim()
        if trim is not None:
            trim(0)
