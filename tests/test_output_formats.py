"""Machine-readable output: JSON (schema v2) with each fix's edits, SARIF with fingerprints, fixes,
levels and message ids, and `apply --format json`. Edits are checked by applying them and running
the result."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from finfix.cli import app

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SOURCE = """\
from datetime import datetime


def stamp():
    return datetime.utcnow()


def epoch():
    return datetime.utcfromtimestamp(0)


def keep(x=[]):
    x.append(1)
    return x
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.finfix]\n")
    (tmp_path / "m.py").write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str):
    return CliRunner().invoke(app, [*args], catch_exceptions=False)


def apply_edits(text: str, edits: list[dict]) -> str:
    lines = text.splitlines(keepends=True)

    def offset(pos: dict) -> int:
        return sum(len(line) for line in lines[: pos["line"] - 1]) + pos["column"] - 1

    for e in sorted(edits, key=lambda e: offset(e["start"]), reverse=True):
        text = text[: offset(e["start"])] + e["content"] + text[offset(e["end"]):]
    return text


def run_module(text: str) -> dict:
    namespace: dict = {"__name__": "edited"}
    exec(compile(text, "edited.py", "exec"), namespace)
    return namespace


def test_json_edits_of_each_fix_alone_give_runnable_code(project: Path):
    res = cli("check", "--no-cache", "--format", "json", "m.py")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 2 and doc["summary"]["files_with_findings"] == 1
    by_line = {f["line"]: f for f in doc["findings"]}
    epoch = by_line[9]
    assert epoch["fix"]["safety"] == "safe" and epoch["docs"] == "finfix explain FX103"
    fixed = apply_edits(SOURCE, epoch["fix"]["edits"])
    assert "import datetime, timezone" in fixed or "timezone, datetime" in fixed  # the import comes with it
    ns = run_module(fixed)
    assert ns["epoch"]() == dt.datetime(1970, 1, 1) and "utcnow()" in fixed  # the other fix is not in it
    keep = by_line[12]
    assert keep["fix"]["safety"] == "unsafe" and keep["fix"]["applied"] is False
    ns = run_module(apply_edits(SOURCE, keep["fix"]["edits"]))
    assert ns["keep"]() == [1] and ns["keep"]() == [1]


def test_sarif_has_fingerprints_fixes_levels_and_message_ids(project: Path):
    (project / "p.py").write_text("import pandas as pd\n\n\ndef f(df, other):\n    return df.append(other)\n")
    res = cli("check", "--no-cache", "--format", "sarif", "m.py", "p.py")
    doc = json.loads(res.stdout)
    jsonschema.Draft7Validator(SCHEMA).validate(doc)
    run = doc["runs"][0]
    results = run["results"]
    assert all(r["message"]["id"] == "finding" and r["message"]["arguments"] for r in results)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert all("finding" in rules[r["ruleId"]]["messageStrings"] for r in results)
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["FX103"] == "warning"  # deprecated
    assert levels["FX204"] == "error"  # removed in pandas 2.0: the original fails
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(prints)) == len(prints)
    fx103 = [r for r in results if r["ruleId"] == "FX103"]
    (change,) = fx103[0]["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "m.py" and change["replacements"]
    assert all("fixes" not in r for r in results if r["properties"]["fix"] is None)


def test_fingerprints_survive_lines_added_above(project: Path):
    first = json.loads(cli("check", "--no-cache", "--format", "sarif", "m.py").stdout)
    (project / "m.py").write_text("# a comment\n\n" + SOURCE)
    second = json.loads(cli("check", "--no-cache", "--format", "sarif", "m.py").stdout)

    def prints(doc):
        return [r["partialFingerprints"]["primaryLocationLineHash"] for r in doc["runs"][0]["results"]]

    assert prints(first) == prints(second)


def test_levels_by_kind():
    # the kind comes from the rule's version declaration and the run's targets, not from its message
    from finfix.report.ci import level
    from finfix.results import Finding, Safety

    def finding(message: str, fix: Safety, future: str = "") -> Finding:
        return Finding("m.py", 1, 1, "FX999", "x", message, fix, future=future)

    assert level(finding("`np.float_`", Safety.SAFE), "removed") == "error"
    assert level(finding("`df.append` on an unproven receiver", Safety.DETECT), "removed") == "error"
    assert level(finding("`datetime.utcnow()` is deprecated", Safety.SAFE), "deprecated") == "warning"
    assert level(finding("held fix of a deprecation", Safety.DETECT), "deprecated") == "warning"
    assert level(finding("`except Exception: pass` hides errors", Safety.DETECT)) == "note"
    assert level(finding("the word removed in a hygiene message", Safety.DETECT)) == "note"
    assert level(finding("mutable default", Safety.UNSAFE)) == "warning"
    assert level(finding("`'H'`", Safety.SAFE, future="pandas removed in 3.0"), "removed") == "note"


def test_sarif_level_follows_the_target(project: Path):
    # FX204: removed in pandas 2.0. On a project pinned to 1.5 it only warns; on the pandas installed here it fails
    (project / "p.py").write_text("import pandas as pd\n\n\ndef f(df, other):\n    return df.append(other)\n")

    def level_of(args=()):
        doc = json.loads(cli("check", "--no-cache", "--format", "sarif", *args, "p.py").stdout)
        (result,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "FX204"]
        return result["level"]

    assert level_of() == "error"
    assert level_of(("--target", "pandas=1.5")) == "warning"


def test_apply_format_json_lists_the_edits_made(project: Path):
    res = cli("apply", "--no-cache", "--format", "json", "m.py")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 2 and doc["dry_run"] is False
    (changed,) = doc["changed"]
    assert changed["path"] == "m.py" and changed["fixes"] == ["FX103"]
    assert apply_edits(SOURCE, changed["edits"]) == (project / "m.py").read_text()
    applied = sorted(f["line"] for f in doc["findings"] if f["applied"])
    assert applied == [5, 9]  # the unsafe FX101 fix was not applied


def test_apply_format_json_dry_run_writes_nothing(project: Path):
    res = cli("apply", "--no-cache", "--dry-run", "--format", "json", "m.py")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)  # no diff mixed into the JSON
    assert doc["dry_run"] is True and doc["changed"][0]["edits"]
    assert (project / "m.py").read_text() == SOURCE
