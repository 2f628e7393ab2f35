"""Fixes as edits (content, start, end) for machine-readable output: JSON and SARIF.

Pure functions: texts in, edits out. An edit replaces the text from ``start`` up to (not including)
``end`` with ``content``; lines and columns are 1-based, columns count characters, as in findings.
"""

from __future__ import annotations

import difflib
import json
from typing import Any, Mapping, Sequence

from finfix import __version__
from finfix.results import FileResult, Finding, Safety

#: Bumped when a field changes meaning or goes away (adding one does not bump it).
SCHEMA_VERSION = 2

Edit = dict[str, Any]


def edits_between(old: str, new: str) -> list[Edit]:
    """The smallest replacements, line block by line block, that turn ``old`` into ``new``."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[Edit] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        # trim what the two blocks share at either end, so an edit covers the change only
        head = 0
        while head < min(len(before), len(after)) and before[head] == after[head]:
            head += 1
        tail = 0
        while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
            tail += 1
        start = _position(a, i1, before[:head])
        end = _position(a, i1, before[: len(before) - tail])
        out.append({"content": after[head: len(after) - tail], "start": start, "end": end})
    return out


def _position(lines: Sequence[str], first: int, text: str) -> dict[str, int]:
    """Where ``text``, a prefix of the file from the start of line ``first`` (0-based), ends."""
    left, line = len(text), first
    while line < len(lines) and left >= len(lines[line]):
        left -= len(lines[line])
        line += 1
    return {"line": line + 1, "column": left + 1}


def finding_json(f: Finding, edits: Sequence[Edit] | None) -> dict[str, Any]:
    doc = f.to_json()
    doc["fix"] = None if f.fix is Safety.DETECT else {
        "safety": f.fix.value,
        "applied": f.applied,
        "edits": list(edits) if edits is not None else None,  # None: not computed (the fix needs another)
    }
    doc["docs"] = f"finfix explain {f.code}"
    return doc


def json_report(
    findings: Sequence[Finding],
    errors: Sequence[tuple[str, str]],
    scanned: int,
    edits: Mapping[tuple[str, tuple[str, int, int]], Sequence[Edit]],
    *,
    extra: Mapping[str, Any] | None = None,
) -> str:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "findings": [finding_json(f, edits.get((f.path, f.key))) for f in findings],
        "errors": [{"path": p, "message": m} for p, m in errors],
        "summary": {
            "files": scanned,
            "files_with_findings": len({f.path for f in findings}),
            "findings": len(findings),
            "fixable": sum(f.fixable for f in findings),
            "errors": len(errors),
        },
    }
    doc.update(extra or {})
    return json.dumps(doc, indent=2)


def json_apply_report(results: Sequence[FileResult], *, dry_run: bool, text_of=None) -> str:
    """`apply --format json`: per changed file its edits, and every finding with whether it was fixed."""
    from finfix.report.diff import _text

    files = []
    for r in results:
        if r.changed:
            files.append({
                "path": r.path,
                "edits": edits_between(_text(r.old or b""), _text(r.new or b"")),
                "fixes": sorted({f.code for f in r.findings if f.applied}),
            })
    findings = sorted((f for r in results for f in r.findings), key=lambda f: (f.path, f.line, f.col, f.code))
    errors = sorted((r.path, r.error) for r in results if r.error)
    extra = {"dry_run": dry_run, "changed": files}
    return json_report(findings, errors, len(results), {}, extra=extra)
