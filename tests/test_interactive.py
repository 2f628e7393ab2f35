"""`finfix apply --interactive`: partial application of hunks, the prompt loop, and the terminal check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finfix.cli import app
from finfix.report.diff import hunks
from finfix.engine.core import FileResult
from finfix.interactive import PROMPT, apply_hunks, format_hunk, review
from finfix.report.text import RunSummary
from finfix.sdk.rule import Finding, Safety

FILLER = [f"k{i} = {i}\n" for i in range(10)]
OLD = ["a = 1\n", *FILLER, "b = 2\n"]
NEW = ["a = 10\n", *FILLER, "b = 20\n"]


def result(path: str, old: list[str], new: list[str], findings=()) -> FileResult:
    return FileResult(path, old="".join(old).encode(), new="".join(new).encode(), findings=tuple(findings))


def fix_at(path: str, line: int) -> Finding:
    return Finding(path, line, 1, "FX998", "test", "old", Safety.SAFE, applied=True)


class Answers:
    """A fake terminal: hands out answers in order and records the prompts and hunks shown."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.shown: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def show(self, text: str) -> None:
        self.shown.append(text)


def test_apply_hunks_each_subset():
    groups = hunks(OLD, NEW)
    assert len(groups) == 2
    assert apply_hunks(OLD, NEW, groups, set()) == OLD
    assert apply_hunks(OLD, NEW, groups, {0, 1}) == NEW
    assert apply_hunks(OLD, NEW, groups, {0}) == ["a = 10\n", *FILLER, "b = 2\n"]
    assert apply_hunks(OLD, NEW, groups, {1}) == ["a = 1\n", *FILLER, "b = 20\n"]


def test_apply_hunks_insertions_and_deletions():
    old = ["x = 1\n", *FILLER, "y = 2\n", "z = 3\n"]
    new = ["import os\n", "x = 1\n", *FILLER, "z = 3\n"]
    groups = hunks(old, new)
    assert len(groups) == 2
    assert apply_hunks(old, new, groups, {0}) == ["import os\n", "x = 1\n", *FILLER, "y = 2\n", "z = 3\n"]
    assert apply_hunks(old, new, groups, {1}) == ["x = 1\n", *FILLER, "z = 3\n"]


def test_format_hunk_is_a_unified_diff_hunk():
    groups = hunks(OLD, NEW)
    text = format_hunk("pkg/m.py", OLD, NEW, groups[1])
    assert text.splitlines()[:3] == ["--- a/pkg/m.py", "+++ b/pkg/m.py", "@@ -9,4 +9,4 @@"]
    assert "-b = 2\n+b = 20\n" in text


def test_no_then_yes_applies_the_second_hunk_only():
    fake = Answers("n", "y")
    summary = RunSummary(scanned=1)
    summary.findings = [fix_at("m.py", 1), fix_at("m.py", 12)]
    summary.fixes["FX998"] = 2
    out = review([result("m.py", OLD, NEW, summary.findings)], fake.ask, fake.show, summary)
    (r,) = out.results
    assert r.new == "".join(["a = 1\n", *FILLER, "b = 20\n"]).encode()
    assert fake.prompts == [PROMPT, PROMPT]
    assert len(fake.shown) == 2 and "-a = 1" in fake.shown[0] and "-b = 2" in fake.shown[1]
    assert (out.hunks_total, out.hunks_accepted) == (2, 1)
    # only the fix inside the accepted hunk still counts as applied
    assert [f.applied for f in r.findings] == [False, True]
    assert summary.fixes["FX998"] == 1


def test_all_applies_the_rest_of_every_file_without_asking():
    fake = Answers("n", "a")
    results = [result("one.py", OLD, NEW), result("two.py", OLD, NEW)]
    out = review(results, fake.ask, fake.show)
    assert len(fake.prompts) == 2
    assert out.results[0].new == "".join(["a = 1\n", *FILLER, "b = 20\n"]).encode()
    assert out.results[1].new == "".join(NEW).encode()


def test_quit_keeps_what_was_accepted_and_skips_the_rest():
    fake = Answers("y", "q")
    results = [result("one.py", OLD, NEW), result("two.py", OLD, NEW)]
    out = review(results, fake.ask, fake.show)
    assert len(fake.prompts) == 2
    assert out.results[0].new == "".join(["a = 10\n", *FILLER, "b = 2\n"]).encode()
    assert not out.results[1].changed


def test_unknown_answers_ask_again_and_eof_quits():
    fake = Answers("maybe", "", "YES")
    out = review([result("m.py", OLD, NEW)], fake.ask, fake.show)
    assert len(fake.prompts) == 4  # maybe, "", YES (hunk 1), then EOF on hunk 2 = quit
    assert out.results[0].new == "".join(["a = 10\n", *FILLER, "b = 2\n"]).encode()


def test_unchanged_results_pass_through_untouched():
    same = FileResult("same.py", old=b"x = 1\n")
    fake = Answers()
    out = review([same], fake.ask, fake.show)
    assert out.results == [same] and fake.prompts == []


def test_accepted_hunks_that_do_not_parse_alone_leave_the_file_unchanged():
    plus = ["+0\n"] * 8
    old = ["a = 1\n", *plus, "b = 2\n"]
    new = ["a = (1\n", *plus, ")\n", "b = 2\n"]  # the opening and the closing bracket are two hunks
    fake = Answers("y", "n")
    out = review([result("m.py", old, new)], fake.ask, fake.show)
    assert not out.results[0].changed
    (path, why), = out.rejected_files
    assert path == "m.py" and "do not parse" in why


def test_crlf_and_bom_survive_a_partial_application():
    old = "\ufeffa = 1\r\n" + "".join(line.replace("\n", "\r\n") for line in FILLER) + "b = 2\r\n"
    new = old.replace("a = 1", "a = 10").replace("b = 2", "b = 20")
    r = FileResult("m.py", old=old.encode("utf-8"), new=new.encode("utf-8"))  # "\ufeff" becomes the BOM
    fake = Answers("n", "y")
    (out,) = review([r], fake.ask, fake.show).results
    assert out.new == old.replace("b = 2", "b = 20").encode("utf-8")


def test_cli_refuses_when_stdin_is_not_a_terminal(tmp_path: Path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    (tmp_path / "a.py").write_text("def f(x=[]):\n    return len(x)\n")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["apply", "--interactive", "a.py"], input="y\n", catch_exceptions=False)
    assert res.exit_code == 2
    assert "--interactive" in res.stderr and "not one" in res.stderr
    assert (tmp_path / "a.py").read_text() == "def f(x=[]):\n    return len(x)\n"
    res = CliRunner().invoke(app, ["apply", "--interactive", "--dry-run", "a.py"], catch_exceptions=False)
    assert res.exit_code == 2


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_cli_on_a_terminal(tmp_path: Path):
    source = "def f(x=[]):\n    return len(x)\n" + "\n" * 12 + "def g(y=[]):\n    return len(y)\n"
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    (tmp_path / "a.py").write_text(source)
    primary, secondary = os.openpty()
    try:
        os.write(primary, b"n\ny\n")
        proc = subprocess.run(
            [sys.executable, "-m", "finfix", "apply", "--interactive", "-j", "1", "a.py"],
            cwd=tmp_path, stdin=secondary, capture_output=True, timeout=60, check=False,
            env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"},
        )
    finally:
        os.close(secondary)
        os.close(primary)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "a.py").read_text()
    assert text.startswith("def f(x=[]):\n")  # first hunk declined
    assert "def g(y=None):\n    if y is None:\n        y = []\n" in text  # second accepted
    assert b"changed 1; fixes: FX101 x1" in proc.stderr
