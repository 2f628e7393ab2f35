"""`finfix pr`'s data: what the user asked for, the commits made, and what the run ended with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finfix.results import Finding

DEFAULT_BRANCH = "finfix/modernise"
REMOTE = "origin"
VERIFY_EXAMPLES = 200
LIST_LIMIT = 100  # entries per list in the PR body (the commit messages and `finfix check` have them all)
GITHUB_BODY_LIMIT = 65_000  # GitHub refuses PR descriptions over 65,536 characters


class PrError(Exception):
    """The run cannot start (or cannot go on); one line for the user. Exit code 2."""


@dataclass(frozen=True)
class Request:
    """What the user asked for, as given on the command line."""

    targets: tuple[str, ...] = ()
    branch: str = DEFAULT_BRANCH
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    unsafe_fixes: bool | None = None
    verify: bool = False
    body_file: str | None = None
    push: bool = False
    open: bool = False
    jobs: int | None = None
    target_versions: tuple[str, ...] | None = None  # --target LIB=VERSION, as given


@dataclass(frozen=True)
class RuleCommit:
    code: str
    name: str
    sha: str
    fixes: int
    files: tuple[str, ...]
    safe: int
    unsafe: tuple[Finding, ...]  # the applied fixes that change behaviour on purpose

    @property
    def subject(self) -> str:
        return commit_subject(self.code, self.name, self.fixes, len(self.files))


@dataclass
class Outcome:
    root: Path
    branch: str
    base: str  # the branch (or commit) the new branch starts from
    base_sha: str
    commits: list[RuleCommit] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # path -> one-line reason
    internal: bool = False
    left: list[Finding] = field(default_factory=list)  # still reported on the final tree
    verification: str | None = None
    verification_failed: bool = False
    held: list[tuple[str, str]] = field(default_factory=list)  # (path, why): rewrites that did not verify
    interrupted: Any = None  # the finfix.apply.Applied of the rule whose writes Ctrl-C stopped
    body: str = ""
    url: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.commits)

    @property
    def exit_code(self) -> int:
        if self.internal:
            return 2
        return 1 if self.errors or self.verification_failed else 0


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else ('es' if word.endswith('x') else 's')}"


def commit_subject(code: str, name: str, fixes: int, files: int) -> str:
    return f"finfix: {code} {name} ({plural(fixes, 'fix')} in {plural(files, 'file')})"
