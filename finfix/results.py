"""The plain data that flows between the engine, the runner, the cache and the reports.

No LibCST here: a `finfix check` whose files are all in the cache reads results and prints them
without importing LibCST or any rule (about a third of a second saved on every warm run).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, Mapping


class Safety(enum.Enum):
    """How much a fix can be trusted."""

    SAFE = "safe"  # keeps runtime behaviour (apart from removing a warning or an error)
    UNSAFE = "unsafe"  # can change results, types or side effects: applied only with --unsafe-fixes
    DETECT = "detect"  # no automatic fix: report only


@dataclass(frozen=True)
class Effect:
    """What a fix announces it changes, so that `finfix verify` can tell it from an unintended difference.

    ``kind`` is what the harness checks (finfix/harness/intent.py): ``unmutated-argument`` (an argument
    the original changed in place is left as passed; everything else equal), ``ndarray`` (an ndarray with
    the same values where the original returned a Series), ``drawing-outline`` (the chart draws the same
    kinds of artists, labels and normalisation, not every pixel), ``raises-fixed`` (the original raised an
    error whose message matches ``pattern``, and the rewrite returns), ``chained-no-op`` (the original's
    chained in-place call changed nothing and pandas warned ChainedAssignmentError). ``text`` is shown.
    """

    kind: str
    text: str
    pattern: str = ""

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "pattern": self.pattern}


@dataclass(frozen=True)
class Finding:
    """One reported problem. Lines and columns are 1-based and refer to the file as it was read."""

    path: str
    line: int
    col: int
    code: str
    name: str
    message: str
    fix: Safety  # SAFE / UNSAFE: a fix exists with that safety; DETECT: no fix
    reason: str = ""  # why the fix is unsafe, or why there is none
    applied: bool = False
    end_line: int = 0
    end_col: int = 0
    #: evidence behind the finding, as JSON text (FX001: the concrete race); "" when there is none
    witness: str = ""
    #: "" when the change applies to the versions the code runs on today; else why it is reported all
    #: the same: it applies at the version `--target` plans for (finfix.versions)
    future: str = ""

    @property
    def witness_text(self) -> str:
        """The witness in words (its "text"), for the text report."""
        return str(json.loads(self.witness).get("text", self.witness)) if self.witness else ""

    @property
    def key(self) -> tuple[str, int, int]:
        """Names the finding across runs of one file (see :attr:`Settings.fix_only`)."""
        return (self.code, self.line, self.col)

    @property
    def fixable(self) -> bool:
        return self.fix is not Safety.DETECT

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "end_line": self.end_line or self.line,
            "end_column": self.end_col or self.col,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "fix": None if self.fix is Safety.DETECT else self.fix.value,
            "reason": self.reason or None,
            "applied": self.applied,
            **({"witness": json.loads(self.witness)} if self.witness else {}),
            "future": self.future or None,
        }


@dataclass(frozen=True)
class Settings:
    """What a run asks of the engine; picklable, so workers receive it as is."""

    fix: bool = False
    unsafe_fixes: bool = False
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Lowest Python version the user's code supports (for `X | None` annotations and the like).
    target_python: tuple[int, int] = (3, 10)
    #: Apply only the fixes of these findings, each ``(code, line, col)`` as reported; None: every fix
    #: the other settings allow. Interactive review re-runs a file with the fixes the user accepted,
    #: so each fix comes with exactly the import edits it needs.
    fix_only: frozenset[tuple[str, int, int]] | None = None
    #: Project-wide evidence (finfix.sdk.evidence.project.ProjectFacts), gathered once per run in the parent.
    project: Any = None
    #: The library versions the run targets, ``(library, how)`` (finfix.versions.context): the cache key's.
    versions: tuple[tuple[str, str], ...] = ()
    #: Rule code -> (future note, why its fixes are held), for the rules the targets concern (finfix.versions)
    verdicts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: Files larger than this many bytes are skipped with a one-line error (``max-file-size``; 0: no limit).
    max_file_size: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class FileResult:
    path: str
    old: bytes | None = None
    new: bytes | None = None  # None when nothing changed
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    internal: bool = False  # the error is finfix's fault (a rule crashed, or produced bad code)
    stamp: tuple[int, int, str] | None = None  # (mtime_ns, size, content hash) as read, for the cache

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.old

    def fixes_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            if f.applied:
                counts[f.code] = counts.get(f.code, 0) + 1
        return counts
