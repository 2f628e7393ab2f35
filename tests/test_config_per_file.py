"""Each file is configured by the nearest pyproject.toml above it, whatever the argument order;
--config, show-settings, per-file-ignores, extend-select; every key's type is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from finfix.cli import app

SOURCE = "import datetime\nx = datetime.datetime.utcnow()\n\n\ndef f(a=[]):\n    return len(a)\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.finfix]\nignore = ["FX103"]\n')
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / "sub" / "b.py").write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str):
    return CliRunner().invoke(app, ["check", "--no-cache", "-j", "1", *args], catch_exceptions=False)


def codes(output: str) -> list[tuple[str, str]]:
    return sorted((line.split(":")[0], line.split()[1]) for line in output.splitlines() if ": FX" in line)


def test_the_same_findings_whatever_the_argument_order(tree: Path):
    one, two = check("a.py", "sub/"), check("sub/", "a.py")
    assert codes(one.stdout) == codes(two.stdout) == [
        ("a.py", "FX101"), ("a.py", "FX103"), ("sub/b.py", "FX101"),  # sub/ ignores FX103
    ]


def test_config_names_one_file_for_every_path(tree: Path):
    res = check("--config", "pyproject.toml", "sub/")
    assert codes(res.stdout) == [("sub/b.py", "FX101"), ("sub/b.py", "FX103")]
    res = check("--config", "missing.toml", "sub/")
    assert res.exit_code == 2 and "missing.toml: no such file" in res.stderr


def test_per_file_ignores_and_extend_select(tree: Path):
    (tree / "pyproject.toml").write_text(
        '[tool.finfix]\nselect = ["FX103"]\nextend-select = ["FX101"]\n'
        'per-file-ignores = {"tests/*" = ["FX101"], "gen_*.py" = "FX103"}\n'
    )
    (tree / "tests").mkdir()
    (tree / "tests" / "t.py").write_text(SOURCE)
    (tree / "gen_x.py").write_text(SOURCE + "def g(b={}):\n    return b\n")
    (tree / "other.py").write_text("def h(c=[]):\n    return c\n")
    res = check("gen_x.py", "tests", "a.py", "other.py")
    assert codes(res.stdout) == [
        ("a.py", "FX101"), ("a.py", "FX103"),
        ("gen_x.py", "FX101"), ("gen_x.py", "FX101"),
        ("other.py", "FX101"),
        ("tests/t.py", "FX103"),
    ]


def test_show_settings_names_the_file_they_come_from(tree: Path):
    res = CliRunner().invoke(app, ["show-settings", "sub/new.py"], catch_exceptions=False)
    assert res.exit_code == 0
    assert f"# from {tree / 'sub' / 'pyproject.toml'}" in res.stdout
    assert 'ignore = ["FX103"]' in res.stdout
    rules = next(line for line in res.stdout.splitlines() if line.startswith("rules = "))
    assert '"FX101"' in rules and '"FX103"' not in rules


@pytest.mark.parametrize(
    "table, message",
    [
        ('[tool.finfix.FX001]\nsequentialize-all = "maybe"\n', "sequentialize-all must be true or false, not 'maybe'"),
        ('[tool.finfix.verify]\nexamples = "many"\n', "examples must be an integer >= 1, not 'many'"),
        ("[tool.finfix.verify]\ntimeout = -1\n", "timeout must be a number > 0"),
        ("[tool.finfix.verify]\nexample = 3\n", "unknown key example"),
        ('[tool.finfix]\nper-file-ignores = ["x"]\n', "per-file-ignores must be a table"),
        ("[tool.finfix]\nextend-select = 3\n", "extend-select must be a list of strings"),
    ],
)
def test_a_value_of_the_wrong_type_is_one_line_and_exit_2(tree: Path, table: str, message: str):
    (tree / "sub" / "pyproject.toml").write_text("[tool.finfix]\n" + table if "[tool.finfix]\n" not in table else table)
    res = check("a.py", "sub")
    assert res.exit_code == 2
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"error: {tree / 'sub' / 'pyproject.toml'}: ") and message in line


@pytest.mark.parametrize("content", [b"[tool.finfix]\nselect = ['\xff']\n", b"[tool.finfix\n"])
def test_an_undecodable_or_malformed_pyproject_is_exit_2_naming_it(tree: Path, content: bytes):
    (tree / "sub" / "pyproject.toml").write_bytes(content)
    res = check("sub/b.py")
    assert res.exit_code == 2
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"error: {tree / 'sub' / 'pyproject.toml'}: ")
    assert "Traceback" not in res.output


def test_a_nested_pyprojects_exclude_applies_to_the_files_under_it(project):
    # issue 19 leftover: discovery applied the first path's `exclude` only
    bad = "def f(x=[]):\n    return x\n"
    project.write("pyproject.toml", "[tool.finfix]\nselect = ['FX101']\n")
    project.write("top.py", bad)
    project.write("sub/pyproject.toml", "[tool.finfix]\nselect = ['FX101']\nexclude = ['legacy/', 'gen_*.py']\n")
    project.write("sub/kept.py", bad)
    project.write("sub/gen_x.py", bad)
    project.write("sub/legacy/old.py", bad)
    for args in ((".",), ("sub", "top.py"), ("top.py", "sub")):
        run = project.cli("check", "--no-cache", *args)
        paths = sorted(line.split(":")[0] for line in run.stdout.splitlines() if "FX101" in line)
        assert paths == ["sub/kept.py", "top.py"], (args, run)
    # named on the command line: processed, as with the first path's exclude (unless force-exclude)
    run = project.cli("check", "--no-cache", ".", "sub/gen_x.py")
    assert "sub/gen_x.py" in run.stdout, run
