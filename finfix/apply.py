"""Applying results to files: the one place that writes fixed sources, for `apply`, `apply -i` and `pr`.

The steps, in order: hold back the rewrites of functions that did not verify (``--verify``), let the
user choose (``--interactive``), then write each changed file atomically. The summary is built from
the results as they ended (written, held back or failed), never patched afterwards, so every count in
the footer is the count of what is on disk.

Ctrl-C (KeyboardInterrupt) during the writes stops them: every file is either written completely or
untouched (:func:`finfix.engine.writer.write_atomic`), and :attr:`Applied.interrupted` tells the
caller, which exits 130.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Sequence

from finfix.engine import writer
from finfix.report.text import RunSummary
from finfix.results import FileResult

if TYPE_CHECKING:
    from finfix.session import Plan

#: (path, why): a rewrite that was held back (did not verify, declined in review), said to the user.
Note = tuple[str, str]
#: Interactive review: results in, (results with the accepted fixes only, notes) out.
Review = Callable[[list[FileResult]], "tuple[list[FileResult], list[Note]]"]


@dataclass
class Applied:
    """What an apply did. ``results`` are final: a changed one was written (or, dry, would be)."""

    results: list[FileResult]
    summary: RunSummary
    notes: list[Note] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    #: None, or after Ctrl-C the changed files left untouched (possibly none)
    interrupted: list[str] | None = None

    @property
    def internal(self) -> bool:
        return any(r.internal for r in self.results)


def unapplied(r: FileResult, *, error: str | None = None) -> FileResult:
    """``r`` with nothing written: no new content, no finding counted as fixed."""
    return replace(
        r, new=None, findings=tuple(replace(f, applied=False) for f in r.findings), error=error or r.error
    )


def summarize(results: Sequence[FileResult]) -> RunSummary:
    summary = RunSummary()
    for r in results:
        summary.add(r)
        summary.changed += r.changed
    summary.sort()
    return summary


def verify(plan: Plan, results: Sequence[FileResult], *, show: Callable[[str], None] = lambda _t: None) -> list[Any]:
    """Run the differential harness on every rewrite of ``results``; its verdicts (see :func:`hold_back`)."""
    from finfix import harness
    from finfix.harness import sources

    options = sources.settings_from_config(dict(plan.config.verify), examples=None, ulps=None, timeout=None)
    verdicts = harness.verify_pairs(sources.pairs_from_results(results), project_root=plan.config.root,
                                    effects=sources.effects_from_results(results), **options)
    if verdicts:
        show(harness.render_table(verdicts))
    return verdicts


def hold_back(results: Sequence[FileResult], verdicts: Sequence[Any]) -> tuple[list[FileResult], list[Note]]:
    """Keep only the rewrites whose functions verify; the others go back to their original text.

    The same for `apply --verify` and `pr --verify` (which verifies once, on every rule's fixes
    together, and then holds back the same functions in each rule's commit).
    """
    from finfix.harness import sources

    return sources.keep_verified(list(results), verdicts)


def apply(
    results: Sequence[FileResult],
    *,
    verdicts: Sequence[Any] | None = None,
    review: Review | None = None,
    dry_run: bool = False,
    show_diff: Callable[[str], None] | None = None,
) -> Applied:
    """Hold back what did not verify, let ``review`` choose, then write (or, ``dry_run``, show) the rest."""
    chosen = list(results)
    notes: list[Note] = []
    if verdicts is not None:
        chosen, held = hold_back(chosen, verdicts)
        notes += held
    if review is not None:
        chosen, held = review(chosen)
        notes += held
    out = write(chosen, dry_run=dry_run, show_diff=show_diff)
    out.notes = notes
    return out


def write(
    results: Sequence[FileResult], *, dry_run: bool = False, show_diff: Callable[[str], None] | None = None
) -> Applied:
    """Write every changed result atomically, in order; a file that cannot be written keeps its old
    bytes and gets the reason as its error. Ctrl-C stops the writes between two files (or inside one,
    which is then either complete or untouched)."""
    final: list[FileResult] = []
    written: list[str] = []
    interrupted: list[str] | None = None
    current = 0
    try:
        for current, r in enumerate(results):
            if not r.changed:
                final.append(r)
            elif dry_run:
                if show_diff is not None:
                    from finfix.report import diff

                    show_diff(diff.unified(r.path, r.old or b"", r.new or b""))
                final.append(r)
            else:
                try:
                    writer.write_atomic(r.path, r.new or b"", r.old)
                except writer.WriteError as exc:
                    final.append(unapplied(r, error=str(exc)))
                else:
                    final.append(r)
                    written.append(r.path)
    except KeyboardInterrupt:
        r = results[current]
        if len(final) == current and r.changed and not dry_run and _holds(r.path, r.new):
            final.append(r)  # the rename went through just before the interrupt
            written.append(r.path)
        rest = results[len(final):]
        final += [unapplied(x) for x in rest]
        interrupted = [x.path for x in rest if x.changed]
    return Applied(final, summarize(final), written=written, interrupted=interrupted)


def _holds(path: str, content: bytes | None) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read() == content
    except OSError:
        return False


def interrupted_message(out: Applied) -> str:
    left = out.interrupted or []
    rest = f"{left[0]} and the {len(left) - 1} after it are" if len(left) > 1 else (f"{left[0]} is" if left else "")
    return (
        f"interrupted: {len(out.written)} file(s) were written completely"
        + (f"; {rest} untouched (no partial file is left). Run the command again to finish." if left else ".")
    )
