"""Rendering findings and run summaries. Pure functions: strings in, strings out."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from finfix import __version__
from finfix.results import FileResult, Finding


@dataclass
class RunSummary:
    """What a run did, accumulated by the CLI as results arrive."""

    scanned: int = 0
    changed: int = 0
    fixes: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)

    def add(self, result: FileResult) -> None:
        self.scanned += 1
        self.findings.extend(result.findings)
        if result.error:
            self.errors.append((result.path, result.error))
        for code, n in result.fixes_by_rule().items():
            self.fixes[code] += n

    def sort(self) -> None:
        self.findings.sort(key=lambda f: (f.path, f.line, f.col, f.code))
        self.errors.sort()


def finding_line(f: Finding) -> str:
    mark = " [*]" if f.fixable else ""
    return f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}{mark}"


def text_report(summary: RunSummary, *, show_reasons: bool = True) -> str:
    lines = []
    for f in summary.findings:
        lines.append(finding_line(f))
        if show_reasons and f.reason:
            lines.append(f"    {'unsafe fix' if f.fix.value == 'unsafe' else 'note'}: {f.reason}")
        if show_reasons and f.witness:
            lines.append(f"    witness: {f.witness_text}")
    return "\n".join(lines)


def json_report(summary: RunSummary) -> str:
    fixable = sum(f.fixable for f in summary.findings)
    doc = {
        "version": __version__,
        "findings": [f.to_json() for f in summary.findings],
        "errors": [{"path": p, "message": m} for p, m in summary.errors],
        "summary": {
            "files": summary.scanned,
            "findings": len(summary.findings),
            "fixable": fixable,
            "errors": len(summary.errors),
        },
    }
    return json.dumps(doc, indent=2)


def error_line(path: str, message: str) -> str:
    return f"error: {path}: {message}"


def check_footer(summary: RunSummary) -> str:
    n = len(summary.findings)
    errors = f" {len(summary.errors)} file(s) could not be checked." if summary.errors else ""
    if not n:
        return f"No findings in {summary.scanned} file(s).{errors}"
    fixable = sum(f.fixable for f in summary.findings)
    safe = sum(f.fix.value == "safe" for f in summary.findings)
    by_rule = Counter(f.code for f in summary.findings)
    rules = ", ".join(f"{c} x{k}" for c, k in sorted(by_rule.items()))
    return (
        f"Found {n} finding(s) in {summary.scanned} file(s) ({rules}); "
        f"{fixable} fixable with `finfix apply` ({safe} safe, {fixable - safe} need --unsafe-fixes).{errors}"
    )


def apply_footer(summary: RunSummary, *, dry_run: bool) -> str:
    verb = "would change" if dry_run else "changed"
    parts = [f"{summary.scanned} file(s) scanned, {verb} {summary.changed}"]
    if summary.fixes:
        parts.append("fixes: " + ", ".join(f"{c} x{k}" for c, k in sorted(summary.fixes.items())))
    left = [f for f in summary.findings if not f.applied]
    if left:
        unsafe = sum(f.fix.value == "unsafe" for f in left)
        parts.append(f"{len(left)} finding(s) not fixed ({unsafe} need --unsafe-fixes; see `finfix check`)")
    parts.append(f"{len(summary.errors)} error(s)")
    return "; ".join(parts) + "."


def rule_rows(rules: Iterable[type]) -> list[tuple[str, str, str, str]]:
    return [(r.code, r.name, r.safety.value, r.summary) for r in rules]


def sorted_results(results: Sequence[FileResult]) -> list[FileResult]:
    return sorted(results, key=lambda r: r.path)
