"""Extreme and bad inputs, each next to a good file: a clear one-line message, nothing lost.

Every case runs `finfix apply` twice with the result cache on (the second run answers from the cache
where it can), and checks: the exit code, one `error: <path>: <reason>` line for the bad file, the bad
file's bytes untouched, the good file fixed, and no temporary file left behind.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import MUTABLE, MUTABLE_FIXED

SEL = ("--select", "FX101", "--jobs", "1")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def leftovers(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*.tmp") if ".finfix_cache" not in p.parts]


# Bad bytes: the reason the user must see, and whether the file is still fixed (decodable inputs are).
BYTES_CASES = {
    "syntax_error": (b"def f(x=[]:\n    pass\n", "syntax error at line 1", False),
    "nul_bytes": (b"def f(x=[]):\n    return 1\0\n", "NUL bytes", False),
    "undecodable": (b"def f(x=[]):\n    return '\xff\xfe'\n", "cannot decode as utf-8", False),
    "bad_cookie": (b"# -*- coding: no-such-codec -*-\ndef f(x=[]):\n    return 1\n", "cannot decode", False),
    "mixed_tabs": (b"if True:\n        x = 1\n\ty = 2\n", "", False),  # inconsistent tabs: CPython refuses
}


@pytest.mark.parametrize("case", sorted(BYTES_CASES))
def test_bad_bytes_one_line_error_and_nothing_lost(project, case):
    raw, reason, _ = BYTES_CASES[case]
    project.write("good.py", MUTABLE)
    bad = project.write(f"{case}.py", raw)
    for attempt in ("cold", "cached"):
        project.write("good.py", MUTABLE)
        run = project.cli("apply", *SEL, ".")
        assert run.exit_code == 1, (attempt, run)
        errs = error_lines(run.stderr)
        assert len(errs) == 1 and errs[0].startswith(f"error: {case}.py: "), (attempt, run)
        assert reason in errs[0] and len(errs[0]) < 200 and "Traceback" not in run.stderr
        assert bad.read_bytes() == raw
        assert project.text("good.py") == MUTABLE_FIXED
    assert leftovers(project.root) == []


@pytest.mark.parametrize(
    "raw, fixed",
    [
        # latin-1 cookie: decoded as latin-1, written back as latin-1
        (b"# -*- coding: latin-1 -*-\n# caf\xe9\ndef f(x=[]):\n    return len(x)\n",
         b"# -*- coding: latin-1 -*-\n# caf\xe9\ndef f(x=None):\n    if x is None:\n        x = []\n    return len(x)\n"),
        # BOM kept
        (b"\xef\xbb\xbf" + MUTABLE.encode(), b"\xef\xbb\xbf" + MUTABLE_FIXED.encode()),
        # CRLF kept on every line, the new ones included
        (MUTABLE.replace("\n", "\r\n").encode(), MUTABLE_FIXED.replace("\n", "\r\n").encode()),
        # tabs (consistent) kept
        (b"def f(x=[]):\n\treturn len(x)\n", b"def f(x=None):\n\tif x is None:\n\t\tx = []\n\treturn len(x)\n"),
    ],
    ids=["latin1_cookie", "bom", "crlf", "tabs"],
)
def test_odd_but_valid_encodings_are_fixed_byte_exactly(project, raw, fixed):
    project.write("odd.py", raw)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.read("odd.py") == fixed
    assert project.cli("apply", *SEL, ".").exit_code == 0  # and it is idempotent
    assert project.read("odd.py") == fixed


def test_ten_megabyte_file(project):
    """10 MB that no rule triggers on: read, pre-checked and left byte-identical, next to a fixed file.
    (Parsing 10 MB with LibCST takes minutes; the round-trip script covers big files that do trigger.)"""
    filler = "x_%d = %d  # padding padding padding padding padding\n"
    body = "".join(filler % (i, i) for i in range(190_000)).encode()
    assert len(body) > 10_000_000
    big = project.write("big.py", body)
    project.write("good.py", MUTABLE)
    project.write("pyproject.toml", '[tool.finfix]\nmax-file-size = "20 MB"\n')  # the default is 5 MB
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert big.read_bytes() == body
    assert project.text("good.py") == MUTABLE_FIXED


def test_symlink_loop_is_skipped_without_hanging(project):
    project.write("good.py", MUTABLE)
    (project.root / "loop").symlink_to(project.root / "loop")  # a link to itself
    (project.root / "a.py").symlink_to(project.root / "b.py")
    (project.root / "b.py").symlink_to(project.root / "a.py")  # a.py -> b.py -> a.py
    (project.root / "d").mkdir()
    (project.root / "d" / "up").symlink_to(project.root)  # directory links are not followed
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("good.py") == MUTABLE_FIXED
    assert (project.root / "a.py").is_symlink() and (project.root / "b.py").is_symlink()


def test_explicit_symlink_loop_is_one_clear_error(project):
    (project.root / "a.py").symlink_to(project.root / "b.py")
    (project.root / "b.py").symlink_to(project.root / "a.py")
    project.write("good.py", MUTABLE)
    run = project.cli("apply", *SEL, "a.py", "good.py")
    assert run.exit_code in (1, 2), run
    assert "Traceback" not in run.stderr
    errs = error_lines(run.stderr)
    assert len(errs) == 1 and "a.py" in errs[0] and len(errs[0]) < 200, run
    assert project.text("good.py") == MUTABLE_FIXED


def test_unreadable_file(project, monkeypatch):
    project.write("good.py", MUTABLE)
    locked = project.write("locked.py", MUTABLE)
    from finfix.engine import cache
    from finfix.engine import core as engine

    real_read, real_read_or_none = engine.read_regular, cache.read_regular_or_none

    def fake_read(path, *a, **k):  # root can read a chmod 000 file, so simulate the refusal
        if os.path.basename(str(path)) == "locked.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, *a, **k)

    def fake_read_or_none(path, *a, **k):
        return None if os.path.basename(str(path)) == "locked.py" else real_read_or_none(path, *a, **k)

    monkeypatch.setattr(engine, "read_regular", fake_read)
    monkeypatch.setattr(cache, "read_regular_or_none", fake_read_or_none)
    for _ in range(2):  # a read error is never cached: the second run reports it again
        run = project.cli("apply", *SEL, ".")
        assert run.exit_code == 1, run
        assert error_lines(run.stderr) == ["error: locked.py: cannot read: Permission denied"]
    assert locked.read_text() == MUTABLE
    assert project.text("good.py") == MUTABLE_FIXED


def test_file_deleted_between_discovery_and_processing(project, monkeypatch):
    project.write("good.py", MUTABLE)
    gone = project.write("gone.py", MUTABLE)
    from finfix.engine import runner

    real_run = runner.run

    def run_after_delete(paths, *a, **k):
        gone.unlink()  # discovered, then removed before any worker reads it
        return real_run(paths, *a, **k)

    monkeypatch.setattr(runner, "run", run_after_delete)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 1, run
    assert error_lines(run.stderr) == ["error: gone.py: file vanished before it could be read"]
    assert project.text("good.py") == MUTABLE_FIXED
    assert not gone.exists()


def test_file_deleted_before_its_fix_is_written(project, monkeypatch):
    project.write("good.py", MUTABLE)
    gone = project.write("gone.py", MUTABLE)
    from finfix.engine import writer

    real = writer.write_atomic

    def delete_then_write(path, new, old):
        if path == "gone.py" and gone.exists():
            gone.unlink()
        return real(path, new, old)

    monkeypatch.setattr(writer, "write_atomic", delete_then_write)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 1, run
    assert error_lines(run.stderr) == ["error: gone.py: file vanished before it could be written"]
    assert not gone.exists()  # not re-created from memory
    assert project.text("good.py") == MUTABLE_FIXED


def test_read_only_file_answered_from_the_cache_is_still_refused(project):
    project.write("good.py", MUTABLE)
    ro = project.write("ro.py", MUTABLE)
    assert project.cli("apply", "--dry-run", *SEL, ".").exit_code == 1  # fills the cache with the fix
    ro.chmod(0o444)
    try:
        run = project.cli("apply", *SEL, ".")
        mode = stat.S_IMODE(ro.stat().st_mode)
    finally:
        ro.chmod(0o644)
    assert run.exit_code == 1, run
    assert error_lines(run.stderr) == ["error: ro.py: file is read-only; not modified"]
    assert mode == 0o444 and ro.read_text() == MUTABLE
    assert project.text("good.py") == MUTABLE_FIXED


@pytest.mark.parametrize("where", ["write", "replace"])
def test_interrupt_during_writes_leaves_no_partial_file(project, monkeypatch, where):
    """Ctrl-C while a fix is written: the file keeps its old bytes and no temporary file remains."""
    project.write("a.py", MUTABLE)
    project.write("b.py", MUTABLE)
    import finfix.engine.writer as writer_mod

    if where == "replace":
        real_replace = os.replace

        def boom(src, dst, *a, **k):  # only the writer's temporary files; the cache may save
            if os.path.basename(str(src)).startswith(".finfix-"):
                raise KeyboardInterrupt
            return real_replace(src, dst, *a, **k)

        monkeypatch.setattr(writer_mod.os, "replace", boom)
    else:
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()
                return False

            def write(self, data):
                self.fh.write(data[: len(data) // 2])  # half the bytes reach the disk...
                raise KeyboardInterrupt  # ...then the user presses Ctrl-C

            def __getattr__(self, name):
                return getattr(self.fh, name)

        def fdopen(fd, mode="r", *a, **k):
            fh = real_fdopen(fd, mode, *a, **k)
            return HalfWriter(fh) if mode == "wb" else fh

        monkeypatch.setattr(writer_mod.os, "fdopen", fdopen)
    try:
        run = project.cli("apply", *SEL, ".")
    except KeyboardInterrupt:
        pass
    else:  # click turns Ctrl-C into "Aborted!" and exit code 1
        assert run.exit_code != 0, run
    monkeypatch.undo()
    assert project.text("a.py") == MUTABLE and project.text("b.py") == MUTABLE
    assert leftovers(project.root) == []
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".finfix-")] == []
    # and the next run finishes the job
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("a.py") == MUTABLE_FIXED and project.text("b.py") == MUTABLE_FIXED


def test_a_cache_header_is_read_without_the_rest_and_never_from_a_special_file(tmp_path):
    from finfix.engine.reading import read_first_line_or_none

    big = tmp_path / "facts.json"
    header = b'{"digests": "' + b"x" * 200_000 + b'"}'  # longer than one read
    big.write_bytes(header + b"\n" + b"payload " * 100_000)
    assert read_first_line_or_none(big) == header
    (tmp_path / "no-newline.json").write_bytes(b'{"cut": ')
    assert read_first_line_or_none(tmp_path / "no-newline.json") is None
    assert read_first_line_or_none(tmp_path / "missing.json") is None
    assert read_first_line_or_none(tmp_path) is None  # a directory
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    assert read_first_line_or_none(fifo) is None  # at once: no writer is waited for
