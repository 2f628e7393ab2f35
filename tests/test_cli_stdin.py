"""`finfix check -` / `finfix apply -`: source on stdin, configured as --stdin-filename would be."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from finfix.cli import app

UTCNOW = "import datetime\n\n\ndef stamp():\n    return datetime.datetime.utcnow()\n"


def run(tmp_path: Path, monkeypatch, *args: str, source: str = UTCNOW):
    (tmp_path / "quiet").mkdir(exist_ok=True)
    (tmp_path / "quiet" / "pyproject.toml").write_text('[tool.finfix]\nignore = ["FX103"]\n')
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(app, list(args), input=source.encode(), catch_exceptions=False)


def test_check_reads_stdin_and_reports_under_the_given_name(tmp_path, monkeypatch):
    res = run(tmp_path, monkeypatch, "check", "--stdin-filename", "pkg/new.py", "-")
    assert res.exit_code == 1
    assert res.stdout.startswith("pkg/new.py:5:12: FX103 ")
    assert not (tmp_path / "pkg").exists()  # the file need not exist


def test_stdin_is_configured_as_the_named_file_would_be(tmp_path, monkeypatch):
    res = run(tmp_path, monkeypatch, "check", "--stdin-filename", "quiet/x.py")  # no path: stdin too
    assert res.exit_code == 0, res.output
    assert "No findings in 1 file(s)" in res.stderr


def test_apply_writes_the_fixed_source_to_stdout_and_runs(tmp_path, monkeypatch):
    res = run(tmp_path, monkeypatch, "apply", "--stdin-filename", "m.py", "-")
    assert res.exit_code == 0, res.stderr
    namespace: dict = {}
    exec(res.stdout_bytes.decode(), namespace)
    assert namespace["stamp"]().tzinfo is None
    assert "datetime.timezone.utc" in res.stdout
    assert "changed 1; fixes: FX103 x1" in res.stderr
    assert list(tmp_path.glob("*.py")) == []  # nothing written to disk


def test_apply_gives_back_source_it_cannot_fix_unchanged(tmp_path, monkeypatch):
    broken = "def f(:\n"
    res = run(tmp_path, monkeypatch, "apply", "-", source=broken)
    assert res.exit_code == 1
    assert res.stdout == broken
    assert "error: -: syntax error" in res.stderr


def test_apply_dry_run_on_stdin_prints_the_diff(tmp_path, monkeypatch):
    res = run(tmp_path, monkeypatch, "apply", "--dry-run", "--stdin-filename", "m.py")
    assert res.exit_code == 1
    assert res.stdout.startswith("--- a/m.py\n+++ b/m.py\n")


def test_stdin_with_other_paths_is_a_usage_error(tmp_path, monkeypatch):
    res = run(tmp_path, monkeypatch, "check", "-", "other.py")
    assert res.exit_code == 2 and "cannot be combined" in res.stderr
    res = run(tmp_path, monkeypatch, "check", "--stdin-filename", "x.py", "other.py")
    assert res.exit_code == 2 and "give `-` or no path" in res.stderr
