"""`finfix server` spoken to as an editor would: JSON-RPC over the process's stdin and stdout."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="pygls is a dependency of finfix")

SOURCE = textwrap.dedent("""
    import logging
    import numpy as np


    def place_order(symbol, params={}):
        params["symbol"] = symbol
        return params


    def total(prices):
        return np.float_(sum(prices))
""").lstrip()


class Client:
    """A scripted LSP client: requests, notifications, and the messages the server sends back."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "finfix", "server"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._id = 0
        self.notifications: list[dict] = []

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def _read(self) -> dict:
        headers = {}
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError(self.proc.stderr.read().decode())
            if line in (b"\r\n", b"\n"):
                break
            key, _, value = line.decode().partition(":")
            headers[key.strip().lower()] = value.strip()
        return json.loads(self.proc.stdout.read(int(headers["content-length"])))

    def request(self, method: str, params: dict) -> dict:
        self._id += 1
        self._send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        while True:
            message = self._read()
            if message.get("id") == self._id and "method" not in message:
                assert "error" not in message, message
                return message.get("result")
            if "method" in message and "id" not in message:
                self.notifications.append(message)

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, method: str) -> dict:
        while True:
            for i, message in enumerate(self.notifications):
                if message["method"] == method:
                    return self.notifications.pop(i)
            message = self._read()
            if "method" in message and "id" not in message:
                self.notifications.append(message)

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                stream.close()


@pytest.fixture
def client(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\nignore = ['FX102']\n")
    c = Client(tmp_path)
    c.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    yield c
    c.close()


def _apply(text: str, edits: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: e["range"]["start"]["line"], reverse=True):
        start, end = edit["range"]["start"]["line"], edit["range"]["end"]["line"]
        assert edit["range"]["start"]["character"] == edit["range"]["end"]["character"] == 0
        lines[start:end] = [edit["newText"]] if edit["newText"] else []
    return "".join(lines)


def test_diagnostics_quick_fix_fix_all_and_hover(client, tmp_path):
    path = tmp_path / "orders.py"
    path.write_text(SOURCE)
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": SOURCE}})
    pushed = client.wait_for("textDocument/publishDiagnostics")["params"]
    codes = sorted(d["code"] for d in pushed["diagnostics"])
    assert codes == ["FX101", "FX401"]
    fx101 = next(d for d in pushed["diagnostics"] if d["code"] == "FX101")
    assert fx101["range"]["start"]["line"] == 4 and fx101["source"] == "finfix"

    # pulled diagnostics agree with the pushed ones
    pulled = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert sorted(d["code"] for d in pulled["items"]) == codes

    # a quick fix for the np.float_ finding: applying it gives code that runs
    fx401 = next(d for d in pushed["diagnostics"] if d["code"] == "FX401")
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": fx401["range"],
        "context": {"diagnostics": [fx401], "only": ["quickfix"]}})
    [action] = [a for a in actions if "FX401" in a["title"]]
    fixed = _apply(SOURCE, action["edit"]["changes"][uri])
    assert "np.float64(" in fixed and "params={}" in fixed  # only that finding's fix
    namespace: dict = {}
    exec(compile(fixed, "fixed", "exec"), namespace)
    assert namespace["total"]([1.5, 2.5]) == 4.0

    # the FX101 quick fix is unsafe and says so; applied, calls no longer share the dict
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": fx101["range"], "context": {"diagnostics": [fx101]}})
    [unsafe] = [a for a in actions if "FX101" in a["title"]]
    assert "(unsafe)" in unsafe["title"] and unsafe["kind"] == "quickfix"
    fixed = _apply(SOURCE, unsafe["edit"]["changes"][uri])
    namespace = {}
    exec(compile(fixed, "fixed", "exec"), namespace)
    assert namespace["place_order"]("BTC") is not namespace["place_order"]("ETH")

    # fix all safe: the safe FX401 fix, not the unsafe FX101 one
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll.finfix"]}})
    [fix_all] = actions
    fixed = _apply(SOURCE, fix_all["edit"]["changes"][uri])
    ast.parse(fixed)
    assert "np.float64(" in fixed and "params={}" in fixed

    # hover over the finding shows the rule's docs
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": fx101["range"]["start"]})
    assert "FX101" in hover["contents"]["value"] and "Why is this bad?" in hover["contents"]["value"]

    # an edit that removes the problem clears its diagnostic
    new_text = SOURCE.replace("params={}", "params=None").replace('    params["symbol"]', '    params = {}\n    params["symbol"]')
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": new_text}]})
    pushed = client.wait_for("textDocument/publishDiagnostics")["params"]
    assert [d["code"] for d in pushed["diagnostics"]] == ["FX401"]


def test_a_document_that_does_not_parse_gets_no_diagnostics_and_the_server_goes_on(client, tmp_path):
    path = tmp_path / "broken.py"
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": "def f(:\n"}})
    assert client.wait_for("textDocument/publishDiagnostics")["params"]["diagnostics"] == []
    good = tmp_path / "good.py"
    client.notify("textDocument/didOpen", {"textDocument": {"uri": good.as_uri(), "languageId": "python",
                                                            "version": 1, "text": "def f(x=[]):\n    x.append(1)\n"}})
    assert [d["code"] for d in client.wait_for("textDocument/publishDiagnostics")["params"]["diagnostics"]] == ["FX101"]
