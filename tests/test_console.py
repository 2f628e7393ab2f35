"""finfix.console: finfix's own lines reach a pipe as written, and a terminal through rich, never altered."""

from __future__ import annotations

import io

import pytest

from finfix import console


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture(autouse=True)
def _fresh_consoles(monkeypatch):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    console.set_color("auto")
    yield
    console.set_color("auto")


def test_a_line_to_a_pipe_is_written_as_is(monkeypatch):
    err = _Stream(tty=False)
    monkeypatch.setattr("sys.stderr", err)
    console.say("error: site/:smile:/[red]x[/red].py:\tcannot decode", style="red")
    assert err.getvalue() == "error: site/:smile:/[red]x[/red].py:\tcannot decode\n"


def test_a_line_to_a_terminal_is_coloured_but_keeps_its_text(monkeypatch):
    err = _Stream(tty=True)
    monkeypatch.setattr("sys.stderr", err)
    console.set_color("always")
    console.say("error: site/:smile:/[red]x[/red].py", style="red")
    out = err.getvalue()
    assert "\x1b[31m" in out  # rich's colour
    assert "site/:smile:/[red]x[/red].py" in out  # no emoji, no markup taken from a path


@pytest.mark.parametrize("env, plain", [({}, True), ({"FORCE_COLOR": "1"}, False), ({"TTY_COMPATIBLE": "1"}, False)])
def test_rich_decides_whenever_the_environment_may_ask_for_colours(monkeypatch, env, plain):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    out = _Stream(tty=False)
    monkeypatch.setattr("sys.stdout", out)
    assert console._surely_plain(out) is plain
    if not plain:
        assert console.colored() is True  # what rich says, not a guess
