"""`finfix apply --interactive`: review the fixes hunk by hunk, as Bowler and Fixit did.

For every changed file the fixes are split into the hunks of its unified diff (:func:`finfix.report.diff.hunks`);
each hunk is shown and the user answers

  y  apply this hunk          n  skip this hunk
  a  apply this hunk and every remaining one, in every file, without asking
  q  quit: skip this hunk and all the remaining ones (the hunks already accepted are kept)

A file whose accepted hunks do not parse together (two hunks of one fix, one of them declined) is left
as it was, and the user is told why.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from finfix.report.diff import hunks
from finfix.engine.core import FileResult, SourceError, decode
from finfix.report.text import RunSummary

Opcode = tuple[str, int, int, int, int]
Hunk = list[Opcode]

PROMPT = "Apply this hunk? [y]es, [n]o, [a]ll remaining, [q]uit: "
ANSWERS = {"y": "yes", "yes": "yes", "n": "no", "no": "no", "a": "all", "all": "all", "q": "quit", "quit": "quit"}


def apply_hunks(old: Sequence[str], new: Sequence[str], groups: Sequence[Hunk], accepted: set[int]) -> list[str]:
    """``old`` with the changes of the accepted hunks (indices into ``groups``) applied."""
    out: list[str] = []
    pos = 0
    for index, group in enumerate(groups):
        if index not in accepted:
            continue
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                continue
            out.extend(old[pos:i1])
            out.extend(new[j1:j2])
            pos = i2
    out.extend(old[pos:])
    return out


def format_hunk(path: str, old: Sequence[str], new: Sequence[str], group: Hunk) -> str:
    """One hunk as unified-diff text, with its ``--- a/`` ``+++ b/`` header."""
    first, last = group[0], group[-1]
    a_start, a_len = first[1], last[2] - first[1]
    b_start, b_len = first[3], last[4] - first[3]
    shown = path.replace("\\", "/").lstrip("/")
    lines = [
        f"--- a/{shown}\n",
        f"+++ b/{shown}\n",
        f"@@ -{_range(a_start, a_len)} +{_range(b_start, b_len)} @@\n",
    ]
    for tag, i1, i2, j1, j2 in group:
        if tag == "equal":
            lines += [" " + _line(x) for x in old[i1:i2]]
            continue
        lines += ["-" + _line(x) for x in old[i1:i2]]
        lines += ["+" + _line(x) for x in new[j1:j2]]
    return "".join(lines)


def _range(start: int, length: int) -> str:
    # the unified-diff convention: 1-based start, and the line before an empty range
    if length == 0:
        return f"{start},0"
    return f"{start + 1}" if length == 1 else f"{start + 1},{length}"


def _line(text: str) -> str:
    return text.rstrip("\r\n") + "\n"


@dataclass
class Review:
    """What the user chose: results with the accepted hunks only, and counts for the footer."""

    results: list[FileResult]
    hunks_total: int = 0
    hunks_accepted: int = 0
    rejected_files: list[tuple[str, str]] | None = None  # (path, why the accepted hunks were not used)


def review(
    results: Sequence[FileResult],
    ask: Callable[[str], str],
    show: Callable[[str], None],
    summary: RunSummary | None = None,
) -> Review:
    """Ask about every hunk of every changed result; ``ask(prompt)`` returns the user's answer.

    Returns the results with ``new`` holding only the accepted hunks (``None`` when none was accepted).
    When ``summary`` is given its fix counts are reduced to the findings whose line lies in an accepted hunk.
    """
    out = Review(results=[], rejected_files=[])
    mode = "ask"  # "ask", "all" or "quit"
    for r in results:
        if not r.changed:
            out.results.append(r)
            continue
        try:
            old_d, new_d = decode(r.old or b""), decode(r.new or b"")
        except SourceError:
            out.results.append(r)
            continue
        old = old_d.text.splitlines(keepends=True)
        new = new_d.text.splitlines(keepends=True)
        groups = hunks(old, new)
        out.hunks_total += len(groups)
        accepted: set[int] = set()
        for index, group in enumerate(groups):
            if mode == "ask":
                show(format_hunk(r.path, old, new, group))
                mode_answer = _ask(ask)
                if mode_answer == "quit":
                    mode = "quit"
                elif mode_answer == "all":
                    mode = "all"
                elif mode_answer == "yes":
                    accepted.add(index)
            if mode == "all":
                accepted.add(index)
            if mode == "quit":
                break
        out.results.append(_partial(r, old, new, groups, accepted, old_d.encoding, out))
    if summary is not None:
        _recount(summary, out.results)
    return out


def _ask(ask: Callable[[str], str]) -> str:
    while True:
        try:
            answer = ask(PROMPT).strip().lower()
        except EOFError:
            return "quit"
        if answer in ANSWERS:
            return ANSWERS[answer]


def _partial(
    r: FileResult, old: list[str], new: list[str], groups: list[Hunk], accepted: set[int], encoding: str, out: Review
) -> FileResult:
    if not accepted:
        return replace(r, new=None, findings=tuple(replace(f, applied=False) for f in r.findings))
    out.hunks_accepted += len(accepted)
    if len(accepted) == len(groups):
        return r
    text = "".join(apply_hunks(old, new, groups, accepted))
    try:
        ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        out.hunks_accepted -= len(accepted)
        assert out.rejected_files is not None
        out.rejected_files.append((r.path, f"the accepted hunks do not parse without the others ({exc.msg if isinstance(exc, SyntaxError) else exc}); file left unchanged"))
        return replace(r, new=None, findings=tuple(replace(f, applied=False) for f in r.findings))
    spans = [(g[0][1], g[-1][2]) for i, g in enumerate(groups) if i in accepted]
    findings = tuple(
        f if not f.applied or any(a < f.line <= max(b, a + 1) for a, b in spans) else replace(f, applied=False)
        for f in r.findings
    )
    return replace(r, new=text.encode(encoding), findings=findings)


def _recount(summary: RunSummary, results: Sequence[FileResult]) -> None:
    summary.fixes.clear()
    summary.findings = [f for r in results for f in r.findings]
    for r in results:
        for code, n in r.fixes_by_rule().items():
            summary.fixes[code] += n
    summary.sort()


def terminal_ask(prompt: str) -> str:
    from finfix.console import stdout

    return stdout().input(prompt, markup=False)
