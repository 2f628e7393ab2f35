"""`finfix apply --interactive`: one question per fix (with the import edits it needs), the prompt loop,
and the terminal check. The results of a partial review are executed: declining one fix must never
leave another without its import (NameError at run time)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finfix import registry
from finfix.cli import app
from finfix.engine.core import FileResult, process_source
from finfix.interactive import PROMPT, engine_refix, review
from finfix.results import Settings

RULES = registry.resolve(["FX101", "FX102", "FX103"])
SETTINGS = Settings(fix=True, unsafe_fixes=True)
REFIX = engine_refix(RULES, SETTINGS)

# the first fix and the import it needs fall in one diff hunk; the second fix needs that import too
UTCNOW = """\
from datetime import datetime


def stamp():
    return datetime.utcnow()


def load(path):
    return path


def epoch():
    return datetime.utcfromtimestamp(0)
"""

SILENT = """\
import os


def first(path):
    try:
        return os.stat(path).st_size
    except Exception:
        pass


def second(path):
    try:
        return os.stat(path).st_mtime
    except Exception:
        pass
"""

# two fixes of two functions, two lines apart: one diff hunk, but two questions
ADJACENT = "def f(x=[]):\n    x.append(1)\n    return x\ndef g(y=[]):\n    y.append(1)\n    return y\n"


def fixed(path: str, source: str) -> FileResult:
    r = process_source(path, source.encode(), RULES, SETTINGS)
    assert r.changed, r.error
    return r


def run_module(text: str) -> dict:
    namespace: dict = {"__name__": "reviewed"}
    exec(compile(text, "reviewed.py", "exec"), namespace)
    return namespace


class Answers:
    """A fake terminal: hands out answers in order and records the prompts and the units shown."""

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


def test_declining_the_fix_that_carries_the_import_keeps_the_others_runnable():
    fake = Answers("n", "y")
    out = review([fixed("m.py", UTCNOW)], fake.ask, fake.show, REFIX)
    (r,) = out.results
    text = r.new.decode()
    assert "return datetime.utcnow()" in text  # declined
    assert "fromtimestamp(0, tz=timezone.utc)" in text  # accepted, with the import it needs
    ns = run_module(text)
    assert ns["epoch"]() == dt.datetime(1970, 1, 1)
    assert isinstance(ns["stamp"](), dt.datetime)
    assert [f.applied for f in sorted(r.findings, key=lambda f: f.line)] == [False, True]
    assert (out.units_total, out.units_accepted) == (2, 1)


def test_each_unit_shows_number_rule_message_and_its_import_edit():
    fake = Answers("n", "n")
    review([fixed("m.py", UTCNOW)], fake.ask, fake.show, REFIX)
    first, second = fake.shown
    assert first.startswith("[1/2] m.py:5: FX103 datetime-utcnow: ")
    assert second.startswith("[2/2] m.py:13: FX103 datetime-utcnow: ")
    # the second fix alone still shows the import it needs
    assert "+from datetime import" in second and "timezone" in second.split("+from datetime import")[1]
    assert "-    return datetime.utcnow()" not in second  # nor the other fix
    assert fake.prompts == [PROMPT, PROMPT]


def test_silent_except_second_handler_alone_gets_logging_and_logger():
    fake = Answers("n", "y")
    (r,) = review([fixed("m.py", SILENT)], fake.ask, fake.show, REFIX).results
    text = r.new.decode()
    assert text.count("pass\n") == 1  # the first handler was declined
    ns = run_module(text)
    assert ns["first"]("/no/such/file") is None
    assert ns["second"]("/no/such/file") is None  # runs the logger call: no NameError


def test_nearby_fixes_of_two_functions_are_two_questions():
    fake = Answers("n", "y")
    (r,) = review([fixed("m.py", ADJACENT)], fake.ask, fake.show, REFIX).results
    assert len(fake.prompts) == 2
    assert "FX101" in fake.shown[0] and "f(x=[])" in fake.shown[0]
    ns = run_module(r.new.decode())
    assert ns["f"]() == [1] and ns["f"]() == [1, 1]  # declined: still shares its default
    assert ns["g"]() == [1] and ns["g"]() == [1]  # accepted


def test_all_applies_the_rest_of_every_file_without_asking():
    fake = Answers("n", "a")
    results = [fixed("one.py", UTCNOW), fixed("two.py", UTCNOW)]
    out = review(results, fake.ask, fake.show, REFIX)
    assert len(fake.prompts) == 2
    assert fake.shown[1].startswith("[2/4] ")
    assert "datetime.utcnow()" in out.results[0].new.decode()
    assert out.results[1].new == results[1].new
    run_module(out.results[0].new.decode())["epoch"]()


def test_quit_keeps_what_was_accepted_and_skips_the_rest():
    fake = Answers("y", "q")
    results = [fixed("one.py", UTCNOW), fixed("two.py", UTCNOW)]
    out = review(results, fake.ask, fake.show, REFIX)
    assert len(fake.prompts) == 2
    text = out.results[0].new.decode()
    assert "datetime.utcfromtimestamp(0)" in text and "datetime.now(timezone.utc)" in text
    assert run_module(text)["stamp"]().tzinfo is None
    assert not out.results[1].changed
    assert not any(f.applied for f in out.results[1].findings)


def test_unknown_answers_ask_again_and_eof_quits():
    fake = Answers("maybe", "", "YES")
    out = review([fixed("m.py", UTCNOW)], fake.ask, fake.show, REFIX)
    assert len(fake.prompts) == 4  # maybe, "", YES (fix 1), then EOF on fix 2 = quit
    text = out.results[0].new.decode()
    assert "datetime.utcfromtimestamp(0)" in text and "utcnow" not in text


def test_unchanged_results_pass_through_untouched():
    same = FileResult("same.py", old=b"x = 1\n")
    fake = Answers()
    out = review([same], fake.ask, fake.show, REFIX)
    assert out.results == [same] and fake.prompts == []


def test_crlf_and_bom_survive_a_partial_application():
    source = "\ufeff" + UTCNOW.replace("\n", "\r\n")
    r = process_source("m.py", source.encode("utf-8"), RULES, SETTINGS)
    fake = Answers("n", "y")
    (out,) = review([r], fake.ask, fake.show, REFIX).results
    assert out.new.startswith(b"\xef\xbb\xbf") and b"\r\n" in out.new and b"\n" not in out.new.replace(b"\r\n", b"")
    assert b"return datetime.utcnow()" in out.new


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
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    (tmp_path / "a.py").write_text(UTCNOW)
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
    assert "return datetime.utcnow()" in text  # first fix declined
    assert run_module(text)["epoch"]() == dt.datetime(1970, 1, 1)  # second accepted, import included
    assert b"[1/2] a.py:5: FX103" in proc.stdout
    assert b"changed 1; fixes: FX103 x1" in proc.stderr
