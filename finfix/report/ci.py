"""`finfix check` output for CI: SARIF 2.1.0 (code scanning) and GitHub Actions annotations.

Pure functions: a run summary and the rules that ran in, a string out.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote

from finfix import __version__
from finfix.report.text import RunSummary
from finfix.sdk.rule import Finding, Rule, Safety

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


def _uri(path: str) -> tuple[str, str | None]:
    """A relative URI against %SRCROOT% (the current directory), or an absolute file URI."""
    if os.path.isabs(path):
        return Path(path).as_uri(), None
    return quote(path.replace("\\", "/")), SRCROOT


def _rule_descriptor(rule: type[Rule]) -> dict:
    docs = rule.docs()
    what = docs.get("What it does", rule.summary)
    help_md = "\n\n".join(f"## {heading}\n{text}" for heading, text in docs.items())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {"text": help_md or rule.summary, "markdown": help_md or rule.summary},
        "defaultConfiguration": {"level": "note" if rule.safety is Safety.DETECT else "warning"},
        "messageStrings": {"finding": {"text": "{0}"}},
        "properties": {"fixSafety": rule.safety.value, "tags": ["finfix", rule.safety.value]},
    }


def level(f: Finding, kind: str | None = None) -> str:
    """SARIF level by the finding's kind, from its rule's version declaration (finfix.versions) and
    the run's targets: ``"removed"`` (the API is gone at the targeted version: the original fails
    there) is an error, whether finfix can fix it or not; ``"deprecated"`` a warning; a future finding
    a note (nothing fails or warns today); and a rule about no library version (``None``: a bug or
    an anti-pattern) a warning when it has a fix, a note when it only reports (hygiene)."""
    if f.future:
        return "note"
    if kind == "removed":
        return "error"
    if kind == "deprecated":
        return "warning"
    return "note" if f.fix is Safety.DETECT else "warning"


def _fingerprint(f: Finding, line: str | None, seen: Counter[str]) -> str:
    """Stable across edits elsewhere in the file: rule, path and the finding's line text (not its
    number), with an occurrence count for identical lines."""
    text = " ".join((line or "").split())
    digest = hashlib.sha256(f"{f.code}\0{f.path}\0{text}".encode()).hexdigest()[:16]
    seen[digest] += 1
    return f"{digest}:{seen[digest]}"


def _fix(f: Finding, edits: Sequence[Mapping[str, Any]], location: dict) -> dict:
    replacements = [
        {
            "deletedRegion": {
                "startLine": e["start"]["line"], "startColumn": e["start"]["column"],
                "endLine": e["end"]["line"], "endColumn": e["end"]["column"],
            },
            "insertedContent": {"text": e["content"]},
        }
        for e in edits
    ]
    return {
        "description": {"text": f"{f.fix.value} fix (finfix apply{' --unsafe-fixes' if f.fix is Safety.UNSAFE else ''})"},
        "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
    }


def _result(
    f: Finding, index: dict[str, int], *, line: str | None = None, seen: Counter[str] | None = None,
    edits: Sequence[Mapping[str, Any]] | None = None, kind: str | None = None,
) -> dict:
    uri, base = _uri(f.path)
    location: dict = {"uri": uri}
    if base:
        location["uriBaseId"] = base
    region = {"startLine": max(f.line, 1), "startColumn": max(f.col, 1)}
    if f.end_line >= f.line and f.end_line:
        region["endLine"] = f.end_line
        if f.end_col and (f.end_line > f.line or f.end_col >= f.col):
            region["endColumn"] = f.end_col
    message = f.message
    if f.future:
        message += f" (future: {f.future})"
    if f.reason:
        message += f" ({'unsafe fix' if f.fix is Safety.UNSAFE else 'note'}: {f.reason})"
    result: dict = {
        "ruleId": f.code,
        "level": level(f, kind),
        "message": {"id": "finding", "arguments": [message], "text": message},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": {"primaryLocationLineHash": _fingerprint(f, line, seen if seen is not None else Counter())},
        "properties": {"fix": None if f.fix is Safety.DETECT else f.fix.value, "applied": f.applied,
                       **({"future": f.future} if f.future else {})},
    }
    if edits:
        result["fixes"] = [_fix(f, edits, dict(location))]
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    return result


def sarif(
    summary: RunSummary,
    rules: Sequence[type[Rule]],
    *,
    source: Callable[[str, int], str | None] | None = None,
    edits: Mapping[tuple[str, tuple[str, int, int]], Sequence[Mapping[str, Any]]] | None = None,
    kind: Callable[[Finding], str | None] | None = None,
) -> str:
    """One SARIF 2.1.0 log with one run; file errors become tool execution notifications.

    ``source(path, line)`` gives the line text the fingerprints hash; ``edits`` the fixes' edits;
    ``kind(finding)`` its kind for the level (see :func:`level`; ``session.finding_kinds``)."""
    ran = list(rules)
    known = {r.code for r in ran}
    # a finding from a rule the caller did not list still needs a descriptor
    from finfix import registry

    extra = {f.code for f in summary.findings} - known
    ran += [r for r in registry.all_rules() if r.code in extra]
    index = {r.code: i for i, r in enumerate(ran)}
    seen: Counter[str] = Counter()
    notifications = []
    for path, message in summary.errors:
        uri, base = _uri(path)
        location: dict = {"uri": uri}
        if base:
            location["uriBaseId"] = base
        notifications.append(
            {
                "level": "error",
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": location}}],
            }
        )
    run = {
        "tool": {
            "driver": {
                "name": "finfix",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(r) for r in ran],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "invocations": [
            {
                "executionSuccessful": not any(m.startswith("internal error") for _p, m in summary.errors),
                "toolExecutionNotifications": notifications,
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(
                f, index, line=source(f.path, f.line) if source else None, seen=seen,
                edits=(edits or {}).get((f.path, f.key)), kind=kind(f) if kind else None,
            )
            for f in summary.findings
        ],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, **props: object) -> str:
    """``::warning file=…,line=…::message`` with the workflow-command escaping."""
    shown = ",".join(f"{k}={_escape_property(str(v))}" for k, v in props.items() if v not in (None, ""))
    return f"::{level} {shown}::{_escape_data(message)}" if shown else f"::{level}::{_escape_data(message)}"


def github(summary: RunSummary, rules: Sequence[type[Rule]] = ()) -> str:
    """GitHub Actions workflow commands: a warning per finding, an error per file that failed."""
    lines = []
    for f in summary.findings:
        message = f"{f.name}: {f.message}" + (f" [future: {f.future}]" if f.future else "")
        if f.fixable:
            message += f" [{f.fix.value} fix: `finfix apply{' --unsafe-fixes' if f.fix is Safety.UNSAFE else ''}`]"
        if f.reason:
            message += f"\n{f.reason}"
        end_line = f.end_line if f.end_line >= f.line else None
        end_col = f.end_col if end_line == f.line and f.end_col > f.col else None
        lines.append(
            annotation(
                "warning", message, file=f.path.replace("\\", "/"), line=f.line, col=f.col,
                endLine=end_line, endColumn=end_col, title=f.code,
            )
        )
    for path, message in summary.errors:
        lines.append(annotation("error", message, file=path.replace("\\", "/"), title="finfix"))
    return "\n".join(lines)
