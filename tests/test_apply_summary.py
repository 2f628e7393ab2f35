"""`apply`'s summary counts only what was written; Ctrl-C during writes exits 130 and loses nothing."""

from __future__ import annotations

import os
import stat

from typer.testing import CliRunner

from finfix.cli import app

MUTABLE = "def f(x=[]):\n    return len(x)\n"


def test_failed_write_is_not_counted_as_a_fix(tmp_path, monkeypatch):
    (tmp_path / "good.py").write_text(MUTABLE)
    ro = tmp_path / "ro.py"
    ro.write_text(MUTABLE)
    ro.chmod(stat.S_IRUSR | stat.S_IRGRP)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["apply", "--no-cache", "--select", "FX101", "."])
    assert result.exit_code == 1
    assert "changed 1;" in result.stderr
    assert "FX101 x1" in result.stderr
    assert ro.read_text() == MUTABLE


def test_interrupt_during_writes_exits_130(tmp_path, monkeypatch):
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(MUTABLE)
    monkeypatch.chdir(tmp_path)
    import finfix.engine.writer as writer_mod

    real_replace = os.replace

    def interrupt(src, dst, *args, **kwargs):
        if os.path.basename(str(src)).startswith(".finfix-"):
            raise KeyboardInterrupt
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(writer_mod.os, "replace", interrupt)
    result = CliRunner().invoke(app, ["apply", "--no-cache", "--select", "FX101", "."])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert (tmp_path / "a.py").read_text() == MUTABLE
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".finfix-")]
