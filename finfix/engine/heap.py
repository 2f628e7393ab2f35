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
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Callable, Iterator

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


# -- one large parse at a time ---------------------------------------------------------------------
#: Set in worker processes: a lock shared by the pool, so two workers never hold the parse-time peak
#: of a large file at once (frame.py: ~90 MB for a moment, against ~15 MB for the finished tree).
_large_parse_lock: Any = None


def share_parse_lock(lock: Any) -> None:
    global _large_parse_lock
    _large_parse_lock = lock


@contextmanager
def large_parse(chars: int) -> Iterator[None]:
    """Around a parse: serialised across workers when the text is large; the heap trimmed after it."""
    lock = _large_parse_lock if chars >= TRIM_AFTER_CHARS else None
    if lock is None:
        yield
        release_free_memory(chars)
        return
    with lock:
        yield
        release_free_memory(chars)
