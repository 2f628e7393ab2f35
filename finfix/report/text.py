"""Rendering findings and run summaries. Pure functions: strings in, strings out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

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
    future = f" [future: {f.future}]" if f.future else ""
    return f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}{future}{mark}"


def text_report(
    summary: RunSummary, *, show_reasons: bool = True, source: Callable[[str, int], str | None] | None = None
) -> str:
    """Each finding on one line, then (``source(path, line)`` given) its source line with a caret."""
    lines = []
    for f in summary.findings:
        lines.append(finding_line(f))
        text = source(f.path, f.line) if source else None
        if text is not None:
            lines += ["    " + part for part in excerpt(f, text)]
        if show_reasons and f.reason:
            lines.append(f"    {'unsafe fix' if f.fix.value == 'unsafe' else 'note'}: {f.reason}")
        if show_reasons and f.witness:
            lines.append(f"    witness: {f.witness_text}")
    return "\n".join(lines)


def error_line(path: str, message: str) -> str:
    return f"error: {path}: {message}"


def check_footer(summary: RunSummary) -> str:
    """One short line: counts only (`--statistics` has them per rule)."""
    n = len(summary.findings)
    errors = f" {len(summary.errors)} file(s) could not be checked." if summary.errors else ""
    if not n:
        return f"No findings in {summary.scanned} file(s).{errors}"
    files = len({f.path for f in summary.findings})
    fixable = sum(f.fixable for f in summary.findings)
    unsafe = sum(f.fix.value == "unsafe" for f in summary.findings)
    need = f" ({unsafe} need --unsafe-fixes)" if unsafe else ""
    return (
        f"Found {n} finding(s) in {files} file(s) of {summary.scanned}; "
        f"{fixable} fixable with `finfix apply`{need}.{errors}"
    )


def statistics(summary: RunSummary) -> str:
    """`--statistics`: findings per rule, most frequent first (`[*]`: fixable)."""
    counts = Counter((f.code, f.name) for f in summary.findings)
    fixable = {(f.code, f.name) for f in summary.findings if f.fixable}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    width = max((len(str(n)) for _k, n in rows), default=1)
    return "\n".join(
        f"{n:>{width}}  {code}  {name}{' [*]' if (code, name) in fixable else ''}" for (code, name), n in rows
    )


def excerpt(f: Finding, line: str) -> list[str]:
    """The finding's source line and a caret under its span (to the end of the line when it goes on)."""
    text = line.rstrip("\r\n").expandtabs(1)  # a tab is one column, as in the finding's column
    number = str(f.line)
    start = max(f.col - 1, 0)
    stop = f.end_col - 1 if f.end_line == f.line and f.end_col > f.col else len(text)
    width = max(1, min(stop, len(text)) - start)
    pad = " " * len(number)
    return [f"{number} | {text}", f"{pad} | {' ' * start}{'^' * width}"]


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
