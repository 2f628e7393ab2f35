"""The CLI conventions ruff users expect: --version/-V, -h, plain help, exit-code switches, quiet and
verbose, --statistics, --output-file, --color, --add-noqa, source lines with a caret, `finfix list`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finfix import __version__
from finfix.cli import app

SOURCE = "import datetime\nx = datetime.datetime.utcnow()\n\n\ndef f(a=[]):\n    return a\n"
CLEAN = "def g(b=None):\n    return b\n"
FINDING = re.compile(r"^\S+:\d+:\d+: FX\d{3} ")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str, **kw):
    return CliRunner().invoke(app, list(args), catch_exceptions=False, **kw)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str):
    res = cli(flag)
    assert res.exit_code == 0 and res.stdout == f"finfix {__version__}\n"


@pytest.mark.parametrize("command", ["check", "apply", "pr", "verify", "list", "show-settings"])
def test_short_help_without_type_labels(command: str):
    res = cli(command, "-h", env={"COLUMNS": "160"})
    assert res.exit_code == 0 and "Usage: finfix " + command in res.stdout
    assert not re.search(r"<(bool|list\[str\]|int|str|text|float|int range)>", res.stdout), res.stdout


def test_exit_zero_and_exit_non_zero_on_fix(project: Path):
    assert cli("check", "--no-cache", "a.py").exit_code == 1
    assert cli("check", "--no-cache", "--exit-zero", "a.py").exit_code == 0
    assert cli("check", "--no-cache", "--exit-zero", "missing.py").exit_code == 2  # usage errors still count
    assert cli("apply", "--no-cache", "clean.py", "--exit-non-zero-on-fix").exit_code == 0  # nothing to fix
    res = cli("apply", "--no-cache", "--exit-non-zero-on-fix", "a.py")
    assert res.exit_code == 1 and "datetime.timezone.utc" in (project / "a.py").read_text()
    assert cli("apply", "--no-cache", "--exit-non-zero-on-fix", "a.py").exit_code == 0  # fixed already


def test_quiet_and_verbose(project: Path):
    quiet = cli("check", "--no-cache", "-q", ".")
    assert "Found" not in quiet.stderr and [line for line in quiet.stdout.splitlines() if FINDING.match(line)]
    loud = cli("check", "--no-cache", "-v", ".")
    assert f"2 file(s); configuration from {project / 'pyproject.toml'}" in loud.stderr
    assert re.search(r"done in \d+\.\d\ds", loud.stderr)
    assert "scanned" not in cli("apply", "--no-cache", "-q", "--dry-run", ".").stderr


def test_footer_is_short_and_counts_files_with_findings(project: Path):
    res = cli("check", "--no-cache", ".")
    (footer,) = res.stderr.splitlines()
    assert footer.startswith("Found 2 finding(s) in 1 file(s) of 2;") and len(footer) < 120


def test_statistics_count_per_rule(project: Path):
    (project / "b.py").write_text("def h(c=[]):\n    return c\n")
    res = cli("check", "--no-cache", "--statistics", ".")
    assert res.stdout.splitlines() == ["2  FX101  mutable-default [*]", "1  FX103  datetime-utcnow [*]"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_file_takes_the_report(project: Path, fmt: str):
    res = cli("check", "--no-cache", "--format", fmt, "-o", "report.out", "a.py")
    assert res.exit_code == 1 and res.stdout == ""
    written = (project / "report.out").read_text()
    assert "FX103" in written and "\x1b[" not in written


def test_text_findings_show_the_source_line_with_a_caret(project: Path):
    lines = cli("check", "--no-cache", "--color", "never", "a.py").stdout.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("a.py:2:5: FX103")))
    assert lines[at + 1] == "    2 | x = datetime.datetime.utcnow()"
    assert lines[at + 2] == "      |     " + "^" * len("datetime.datetime.utcnow()")


def test_color_always_and_never(project: Path):
    coloured = cli("check", "--no-cache", "--color", "always", "a.py").stdout
    assert "\x1b[" in coloured and "FX103" in coloured
    assert "\x1b[" not in cli("check", "--no-cache", "--color", "never", "a.py").stdout
    assert "\x1b[" not in cli("check", "--no-cache", "a.py").stdout  # auto: not a terminal here


def test_add_noqa_silences_every_finding_and_changes_no_code(project: Path):
    source = SOURCE + 'DOC = f"""{datetime.datetime.utcnow()}\n"""\ny = 1  # keep this\nz = datetime.datetime.utcnow()  # keep\n'
    (project / "a.py").write_text(source)
    res = cli("check", "--no-cache", "--add-noqa", "a.py")
    assert res.exit_code == 0, res.output
    text = (project / "a.py").read_text()
    assert "x = datetime.datetime.utcnow()  # finfix: ignore[FX103]\n" in text
    assert "def f(a=[]):  # finfix: ignore[FX101]\n" in text
    assert "z = datetime.datetime.utcnow()  # keep  # finfix: ignore[FX103]\n" in text
    assert 'DOC = f"""{datetime.datetime.utcnow()}\n"""' in text  # inside a string: left alone, with a note
    assert "end inside a string" in res.stderr
    left = [line for line in cli("check", "--no-cache", "a.py").stdout.splitlines() if FINDING.match(line)]
    assert [line.split(" FX103 ")[0] for line in left] == ["a.py:7:12:"]  # only the one inside the f-string
    ns: dict = {}
    exec(compile(text, "a.py", "exec"), ns)  # still runs
    again = cli("check", "--no-cache", "--add-noqa", "a.py")
    assert "Added 0 suppression comment(s)" in again.stderr


def test_list_is_sorted_by_code_and_prints_brackets(project: Path):
    out = cli("list", env={"COLUMNS": "250"}).stdout.splitlines()[1:]
    codes = [line.split()[0] for line in out if line.startswith("FX")]
    assert codes == sorted(codes) and len(codes) > 20
    fx204 = next(line for line in out if line.startswith("FX204"))
    assert "pd.concat([df, other])" in fx204


def test_each_invocation_measures_the_terminal_again():
    """The consoles are cached; a second in-process run (a test, the language server) must not inherit the
    first one's width."""
    cli("list", env={"COLUMNS": "80"})
    wide = cli("list", env={"COLUMNS": "250"}).stdout.splitlines()
    assert "pd.concat([df, other])" in next(line for line in wide if line.startswith("FX204"))
