"""`finfix check --format sarif|github`: SARIF validated against the OASIS 2.1.0 schema, annotation syntax."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from finfix.codemods.python.mutable_default import MutableDefault
from finfix.report import ci as ci_formats
from finfix.cli import app
from finfix.report.text import RunSummary
from finfix.sdk.rule import Finding, Safety

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def assert_valid_sarif(doc: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def finding(**kw) -> Finding:
    base = dict(
        path="pkg/a.py", line=3, col=7, code="FX101", name="mutable-default",
        message="mutable default `x=[]` is shared between calls", fix=Safety.SAFE, end_line=3, end_col=11,
    )
    base.update(kw)
    return Finding(**base)


def summary() -> RunSummary:
    s = RunSummary(scanned=3)
    s.findings = [
        finding(),
        finding(path="my dir/b.py", line=10, col=5, end_line=12, end_col=2, fix=Safety.UNSAFE,
                reason="`y` is mutated (`y[\"a\"] = 1`): each call now gets a fresh object"),
        finding(path="pkg/c.py", line=1, col=1, end_line=0, end_col=0, fix=Safety.DETECT, reason="a lambda"),
    ]
    s.errors = [("pkg/broken.py", "syntax error at line 3, column 9: invalid syntax")]
    return s


def test_schema_file_is_the_sarif_2_1_0_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    assert "result" in SCHEMA["definitions"] and "reportingDescriptor" in SCHEMA["definitions"]


def test_sarif_is_valid_and_carries_every_finding():
    doc = json.loads(ci_formats.sarif(summary(), [MutableDefault]))
    assert_valid_sarif(doc)
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "finfix"
    assert [r["id"] for r in driver["rules"]] == ["FX101"]
    assert driver["rules"][0]["properties"]["fixSafety"] == "unsafe"
    assert run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["FX101"] * 3
    assert all(r["ruleIndex"] == 0 for r in results)
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"] == {"uri": "pkg/a.py", "uriBaseId": "%SRCROOT%"}
    assert first["region"] == {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 11}
    second = results[1]
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20dir/b.py"
    assert second["locations"][0]["physicalLocation"]["region"]["endLine"] == 12
    assert "unsafe fix: `y` is mutated" in second["message"]["text"]
    assert second["properties"] == {"fix": "unsafe", "applied": False}
    assert results[2]["properties"]["fix"] is None
    assert results[2]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("syntax error")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_internal_error_and_empty_run():
    s = RunSummary(scanned=1)
    s.errors = [("x.py", "internal error: ValueError: boom")]
    doc = json.loads(ci_formats.sarif(s, []))
    assert_valid_sarif(doc)
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert doc["runs"][0]["results"] == []


def test_sarif_adds_descriptors_for_rules_not_listed():
    doc = json.loads(ci_formats.sarif(summary(), []))
    assert_valid_sarif(doc)
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == ["FX101"]


def test_sarif_absolute_paths_become_file_uris(tmp_path: Path):
    s = RunSummary(scanned=1)
    s.findings = [finding(path=str(tmp_path / "a b.py"))]
    doc = json.loads(ci_formats.sarif(s, [MutableDefault]))
    assert_valid_sarif(doc)
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": (tmp_path / "a b.py").as_uri()}


def test_github_annotations():
    lines = ci_formats.github(summary(), [MutableDefault]).splitlines()
    assert lines[0] == (
        "::warning file=pkg/a.py,line=3,col=7,endLine=3,endColumn=11,title=FX101::"
        "mutable-default: mutable default `x=[]` is shared between calls [safe fix: `finfix apply`]"
    )
    # a multi-line region has no endColumn; the reason goes on a second (escaped) line
    assert lines[1].startswith("::warning file=my dir/b.py,line=10,col=5,endLine=12,title=FX101::")
    assert "[unsafe fix: `finfix apply --unsafe-fixes`]%0A`y` is mutated" in lines[1]
    assert lines[2].startswith("::warning file=pkg/c.py,line=1,col=1,title=FX101::mutable-default:")
    assert "fix:" not in lines[2].split("%0A")[0]  # no fix to advertise; the reason follows
    assert lines[2].endswith("%0Aa lambda")
    assert lines[3] == "::error file=pkg/broken.py,title=finfix::syntax error at line 3, column 9: invalid syntax"
    assert len(lines) == 4


def test_github_escapes_properties_and_data():
    s = RunSummary(scanned=1)
    s.findings = [finding(path="a,b:c.py", message="100% sure\r\nreally")]
    (line,) = ci_formats.github(s, []).splitlines()
    assert line.startswith("::warning file=a%2Cb%3Ac.py,line=3,")
    assert line.endswith("::mutable-default: 100%25 sure%0D%0Areally [safe fix: `finfix apply`]")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.finfix]\nselect = [\"FX101\"]\n")
    (root / "a.py").write_text("def f(x=[]):\n    return len(x)\n")
    (root / "broken.py").write_text("def (:\n")
    monkeypatch.chdir(root)
    return root


def test_check_format_sarif_end_to_end(project: Path):
    res = CliRunner().invoke(app, ["check", "--format", "sarif", "-j", "1", "."], catch_exceptions=False)
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert_valid_sarif(doc)
    results = doc["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("FX101", "a.py")
    ]
    assert doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"] == "broken.py"


def test_check_format_github_end_to_end(project: Path):
    res = CliRunner().invoke(app, ["check", "--format", "github", "-j", "1", "."], catch_exceptions=False)
    assert res.exit_code == 1
    out = res.stdout.splitlines()
    assert out[0].startswith("::warning file=a.py,line=1,col=")
    assert ",title=FX101::mutable-default: mutable default `x=[]`" in out[0]
    assert out[1].startswith("::error file=broken.py,title=finfix::")
