"""Returning the native parser's freed memory to the OS (glibc's malloc_trim)."""

from __future__ import annotations

import platform

import pytest

from finfix.engine import heap


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_a_large_parse_leaves_little_behind():
    import libcst as cst

    source = "".join(f"def f{i}(a, b=[1, 2], *c, **d):\n    return a.values + b[0]  # {i}\n" for i in range(3000))
    before = _rss_mb()
    tree = cst.parse_module(source)
    untrimmed = _rss_mb() - before
    heap.release_free_memory(len(source))
    trimmed = _rss_mb() - before
    assert tree.code == source
    assert trimmed < untrimmed / 2, (untrimmed, trimmed)


def test_small_texts_trim_once_their_sum_is_worth_it(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: calls.append(1) or (lambda pad: 0))
    monkeypatch.setattr(heap, "_untrimmed_chars", 0)
    small = heap.TRIM_AFTER_CHARS // 4
    for _ in range(3):
        heap.release_free_memory(small)
    assert calls == []
    heap.release_free_memory(small)
    assert calls == [1]
    heap.release_free_memory(small)  # the count starts again after a trim
    assert calls == [1]
    heap.release_free_memory(heap.TRIM_AFTER_CHARS)
    assert calls == [1, 1]
