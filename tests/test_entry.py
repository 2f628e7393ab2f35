"""`finfix check [PATH ...]` runs without typer (finfix.entry); it must be the same command as the full one."""

from __future__ import annotations

import inspect
import subprocess
import sys
from enum import Enum

import pytest

from conftest import MUTABLE
from finfix import cli
from finfix.check_command import CheckOptions
from finfix.entry import plain_check


@pytest.mark.parametrize(
    "argv, paths",
    [(["check"], None), (["check", "a.py"], ["a.py"]), (["check", "src", "tests/x.py"], ["src", "tests/x.py"])],
)
def test_check_with_only_paths_is_parsed_here(argv, paths):
    assert plain_check(argv) == CheckOptions(paths=paths)


@pytest.mark.parametrize(
    "argv",
    [[], ["apply", "."], ["check", "-q", "."], ["check", ".", "--select", "FX101"], ["check", "-"],
     ["check", "--", "x.py"], ["check", ""], ["--version"], ["check", "--help"]],
)
def test_anything_else_goes_to_the_full_parser(argv):
    assert plain_check(argv) is None


def test_the_options_and_their_defaults_are_the_command_lines():
    params = inspect.signature(cli.check).parameters
    fields = dict(CheckOptions._field_defaults)
    assert list(params) == list(fields)
    for name, param in params.items():
        default = param.default.default  # typer's OptionInfo / ArgumentInfo
        if isinstance(default, Enum):
            default = default.value
        assert fields[name] == default, name


def _run(tmp_path, *command):
    return subprocess.run([sys.executable, *command], cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_the_plain_check_prints_and_exits_as_the_full_command(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\nselect = ['FX101']\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(MUTABLE, encoding="utf-8")
    (tmp_path / "bad.py").write_bytes(b"\xff\xfe not utf-8\n")
    full = _run(tmp_path, "-c", "import sys; from finfix.cli import main; sys.argv[1:] = ['check', '.']; main()")
    plain = _run(tmp_path, "-m", "finfix", "check", ".")
    assert full.returncode == plain.returncode == 1
    assert "a.py:1:7: FX101" in full.stdout and "bad.py" in full.stderr
    assert (plain.stdout, plain.stderr) == (full.stdout, full.stderr)


def test_a_warm_plain_check_imports_neither_typer_nor_rich_nor_libcst(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(MUTABLE, encoding="utf-8")
    probe = (
        "import sys; from finfix.entry import main; sys.argv[1:] = ['check', '.']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print(code, sorted(m for m in ('typer', 'click', 'pydantic', 'rich', 'libcst') if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    cold = _run(tmp_path, "-c", probe)
    warm = _run(tmp_path, "-c", probe)
    assert cold.stderr.splitlines()[-1].startswith("1 ["), cold.stderr
    assert warm.stderr.splitlines()[-1] == "1 []", warm.stderr
    assert warm.stdout == cold.stdout and "FX101" in warm.stdout

