"""`force-exclude`: pre-commit names every staged file, and excluded ones must still be skipped."""

from __future__ import annotations

from typer.testing import CliRunner

from finfix.cli import app


def _project(tmp_path, force: bool):
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.finfix]\nexclude = ["legacy/"]\nforce-exclude = {str(force).lower()}\n'
    )
    (tmp_path / "legacy").mkdir()
    target = tmp_path / "legacy" / "old.py"
    target.write_text("def f(x=[]):\n    return len(x)\n")
    return target


def test_explicit_file_is_processed_without_force_exclude(tmp_path, monkeypatch):
    target = _project(tmp_path, force=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "--select", "FX101", str(target)])
    assert result.exit_code == 1
    assert "FX101" in result.stdout


def test_force_exclude_skips_excluded_explicit_file(tmp_path, monkeypatch):
    target = _project(tmp_path, force=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "--select", "FX101", str(target)])
    assert result.exit_code == 0
    assert "FX101" not in result.stdout
