"""Nothing from a damaged cache reaches a source file: every entry is checked before use, and any
mismatch is a cache miss with one warning line, never a write and never a traceback."""

from __future__ import annotations

import base64
import json
import os

import pytest

from conftest import MUTABLE, MUTABLE_FIXED
from finfix.engine import cache

SEL = ("--select", "FX101", "--jobs", "1")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _entry_with_fix(doc: dict) -> dict:
    [entry] = [e for e in doc["entries"].values() if e.get("n")]
    return entry


def _consistent(entry: dict, doc: dict, new: bytes) -> None:
    """Damage that keeps the stored hash consistent with the new content (only the parse check catches it)."""
    [row] = doc["index"].values()
    entry["n"], entry["h"] = _b64(new), cache._new_hash(row[2], new)


DAMAGE = {
    "nul-bytes": lambda e, d: e.update(n=_b64(b"\0\0\0")),
    "other-text": lambda e, d: e.update(n=_b64(b"print('not your code')\n")),
    "consistent-hash-no-parse": lambda e, d: _consistent(e, d, b"def (:\n"),
    "consistent-hash-nul": lambda e, d: _consistent(e, d, b"\0\0\0"),
    "not-base64": lambda e, d: e.update(n="!!! not base64 !!!"),
    "new-is-a-number": lambda e, d: e.update(n=3),
    "hash-missing": lambda e, d: e.pop("h"),
    "findings-not-a-list": lambda e, d: e.update(f="x"),
    "finding-too-short": lambda e, d: e.update(f=[[1, 2]]),
    "finding-wrong-types": lambda e, d: e.update(f=[["1", 7, 3, 4, 5, 6, 7, 8, 9, 10]]),
    "unknown-safety": lambda e, d: e["f"][0].__setitem__(5, "maybe"),
    "error-not-text": lambda e, d: e.update(e=5),
    "entry-not-a-table": lambda e, d: d["entries"].update({k: [1] for k in d["entries"]}),
    "index-row-wrong-types": lambda e, d: d["index"].update({k: ["a", None] for k in d["index"]}),
    "index-row-too-short": lambda e, d: d["index"].update({k: [1] for k in d["index"]}),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_entry_is_a_miss_and_the_file_gets_the_right_fix(project, damage):
    a = project.write("a.py", MUTABLE)
    project.cli("apply", "--dry-run", *SEL, ".")  # fills the cache with the fix of a.py
    [f] = sorted((project.root / ".finfix_cache").glob("results-*.json"))
    doc = json.loads(f.read_text())
    DAMAGE[damage](_entry_with_fix(doc), doc)
    f.write_text(json.dumps(doc))

    run = project.cli("apply", *SEL, ".")

    assert a.read_text() == MUTABLE_FIXED, run  # fixed afresh, not from the damaged entry
    assert run.exit_code == 0 and "Traceback" not in run.stderr, run
    if not damage.startswith("index-row"):  # a bad index row is simply a file not yet seen
        [warning] = [line for line in run.stderr.splitlines() if "damaged entry" in line]
        assert "a.py" in warning and "ignored" in warning
    # and the entry is replaced: the next run is served from the cache, without a warning
    a.write_text(MUTABLE)
    again = project.cli("apply", "--dry-run", *SEL, ".")
    assert "damaged" not in again.stderr and "x=None" in again.stdout


def test_entries_of_another_file_do_not_verify(project):
    """The stored hash binds the new content to the content it replaces."""
    a = project.write("a.py", MUTABLE)
    project.cli("apply", "--dry-run", *SEL, ".")
    [f] = sorted((project.root / ".finfix_cache").glob("results-*.json"))
    doc = json.loads(f.read_text())
    entry = _entry_with_fix(doc)
    entry["n"] = _b64(b"import os\n")
    entry["h"] = cache._new_hash("0" * 32, b"import os\n")  # consistent, but for other content
    f.write_text(json.dumps(doc))
    run = project.cli("apply", *SEL, ".")
    assert a.read_text() == MUTABLE_FIXED and "damaged entry" in run.stderr, run


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_in_place_of_the_cache_file_does_not_hang(project):
    a = project.write("a.py", MUTABLE)
    project.cli("check", *SEL, ".")
    [f] = sorted((project.root / ".finfix_cache").glob("results-*.json"))
    f.unlink()
    os.mkfifo(f)
    run = project.subprocess("apply", *SEL, ".", timeout=60)  # a hang fails by the timeout
    assert run.exit_code == 0 and a.read_text() == MUTABLE_FIXED, run


def test_the_code_in_the_cache_key_is_finfix_and_its_rules_not_the_checkout_around_them():
    # In a checkout, finfix's search path also holds the checkout's root (to find `codemods/`): its tests,
    # benchmarks or a virtualenv inside it must not enter every run's key (nor be walked on every run).
    import finfix
    import finfix.codemods
    from finfix.engine.cache import rule_sources

    rule_sources.cache_clear()
    _, files = rule_sources()
    own = (os.path.dirname(finfix.__file__) + os.sep, os.path.dirname(finfix.codemods.__file__) + os.sep)
    assert files and all(str(f).startswith(own) for f in files), [f for f in files if not str(f).startswith(own)][:3]
    names = {f.name for f in files}
    assert {"session.py", "prange.py", "values.py"} <= names
