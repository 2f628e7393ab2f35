"""`finfix pr`: a migration branch with one commit per rule, and the pull request's body.

In a git repository whose tracked files have no uncommitted changes, the selected rules run one at a
time in their fixed order; each rule that changes something gets its own commit
(``finfix: FX201 pandas-inplace (12 fixes in 5 files)``) on a branch created from HEAD when the first
fix is written. The Markdown body sums the fixes up per rule, calls out the unsafe ones with their
reasons, carries the verification table (``--verify``) and the command that reproduces the branch.
``publish`` pushes the branch and opens or updates the pull request with the GitHub CLI.

Only files that git tracks are rewritten, so a commit never picks up a stray file. Git and ``gh``
are driven through :func:`subprocess.run` with argument lists, never a shell string.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from finfix import __version__, session
from finfix.engine import writer
from finfix.config import parse_codes
from finfix.engine.core import SourceError, decode
from finfix.sdk.rule import Finding, Rule, Safety

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


# -- git ----------------------------------------------------------------------------------------------
def git(root: Path, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        ["git", *args], cwd=root, input=input, capture_output=True, text=True, check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
    )
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise PrError(f"`git {args[0]}` failed: {detail[-1] if detail else f'exit {proc.returncode}'}")
    return proc


def _out(root: Path, *args: str) -> str:
    return git(root, *args).stdout.strip()


def repo_root(targets: Sequence[str]) -> Path:
    first = Path(targets[0]) if targets else Path.cwd()
    start = first if first.is_dir() else first.parent
    if not start.exists():
        raise PrError(f"no such file or directory: {targets[0]}")
    proc = git(start, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        raise PrError(f"not inside a git repository: {start}")
    return Path(proc.stdout.strip())


def tracked_files(root: Path) -> set[str]:
    listed = git(root, "ls-files", "-z").stdout.split("\0")
    return {os.path.realpath(root / name) for name in listed if name}


def _has_ref(root: Path, ref: str) -> bool:
    return git(root, "rev-parse", "--verify", "--quiet", ref, check=False).returncode == 0


# -- the run ------------------------------------------------------------------------------------------
def preflight(req: Request) -> tuple[Path, str, str]:
    """Every check that can fail before anything is touched; returns (root, base, base_sha)."""
    root = repo_root(req.targets)
    if git(root, "check-ref-format", "--branch", req.branch, check=False).returncode != 0:
        raise PrError(f"invalid branch name: {req.branch!r}")
    if not _has_ref(root, "HEAD"):
        raise PrError("the repository has no commits yet; commit something first")
    dirty = [line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()]
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise PrError(
            f"the working tree has uncommitted changes ({shown}); commit or stash them first, "
            "so the branch holds finfix's fixes only"
        )
    base = _out(root, "rev-parse", "--abbrev-ref", "HEAD")
    base_sha = _out(root, "rev-parse", "HEAD")
    if base != req.branch and _has_ref(root, f"refs/heads/{req.branch}"):
        raise PrError(
            f"branch {req.branch!r} already exists; delete it (git branch -D {req.branch}) "
            "or choose another name with --branch"
        )
    if git(root, "var", "GIT_COMMITTER_IDENT", check=False).returncode != 0:
        raise PrError("git does not know who you are; set user.name and user.email (git config)")
    if req.open and shutil.which("gh") is None:
        raise PrError("--open needs the GitHub CLI `gh` (https://cli.github.com/), which is not on PATH")
    if (req.push or req.open) and git(root, "remote", "get-url", REMOTE, check=False).returncode != 0:
        raise PrError(f"--push needs a git remote named {REMOTE!r}")
    if req.verify:
        load_harness()
    return root, base, base_sha


def load_harness() -> tuple[Callable[..., list[Any]], Callable[[list[Any]], str]]:
    """The differential harness's entry points, imported only when --verify asks for them."""
    try:
        from finfix.harness import render_markdown, verify_pairs
    except ImportError as exc:
        raise PrError(
            f"--verify needs the differential harness (finfix.harness.verify_pairs), "
            f"which this installation lacks ({exc}); run without --verify"
        ) from None
    return verify_pairs, render_markdown


def run(req: Request, *, log: Callable[[str], None] = lambda _m: None) -> Outcome:
    """Build the branch. Raises :class:`PrError` before touching anything when the run cannot start."""
    root, base, base_sha = preflight(req)
    try:
        plan = session.plan(
            list(req.targets), select=req.select, ignore=req.ignore, unsafe_fixes=req.unsafe_fixes
        )
    except session.UsageError as exc:
        raise PrError(str(exc)) from None
    outside = [p for p in req.targets if not _inside(Path(p), root)]
    if outside:
        raise PrError(f"not inside the repository {root}: {', '.join(outside)}")
    tracked = tracked_files(root)
    paths = tuple(p for p in plan.paths if os.path.realpath(p) in tracked)
    plan = plan.narrowed(paths=paths)

    out = Outcome(root=root, branch=req.branch, base=base, base_sha=base_sha)
    # One pass with every rule finds the files that change; only those are run again, rule by rule.
    summary, results = session.execute(plan, fix=True, jobs=req.jobs)
    for path, message in summary.errors:
        out.errors.setdefault(path, message)
    out.internal |= any(r.internal for r in results)
    to_fix = tuple(r.path for r in results if r.changed)
    if not to_fix:
        return out
    untouched_left = [f for r in results if not r.changed for f in r.findings if not f.applied]
    plan = plan.narrowed(paths=to_fix)
    originals: dict[str, bytes] = {}
    finals: dict[str, bytes] = {}
    for rule in plan.rules:
        summary, results = session.execute(plan.narrowed(rules=(rule,)), fix=True, jobs=req.jobs)
        for path, message in summary.errors:
            out.errors.setdefault(path, message)
        out.internal |= any(r.internal for r in results)
        changed = [r for r in results if r.changed]
        if not changed:
            continue
        if not out.commits and base != req.branch:
            git(root, "checkout", "-q", "-b", req.branch)
            log(f"created branch {req.branch} from {base} ({base_sha[:7]})")
        written: list[str] = []
        applied: list[Finding] = []
        for r in changed:
            try:
                writer.write_atomic(r.path, r.new or b"", r.old)
            except writer.WriteError as exc:
                out.errors.setdefault(r.path, str(exc))
                continue
            written.append(r.path)
            applied.extend(f for f in r.findings if f.applied)
            originals.setdefault(r.path, r.old or b"")
            finals[r.path] = r.new or b""
        if not written:
            continue
        commit = _commit(root, rule, written, applied)
        out.commits.append(commit)
        log(f"{commit.sha[:7]} {commit.subject}")
    if not out.commits:
        return out
    left = untouched_left + session.execute(plan, fix=False, jobs=req.jobs)[0].findings
    out.left = sorted(left, key=lambda f: (f.path, f.line, f.col, f.code))
    if req.verify:
        verify_pairs, render_markdown = load_harness()
        pairs = [(p, _text(originals[p]), _text(finals[p])) for p in sorted(finals)]
        results = verify_pairs(pairs, project_root=str(plan.config.root), **_verify_options(plan))
        out.verification = render_markdown(results)
        out.verification_failed = any(_failed(r) for r in results)
    out.body = render_body(req, out)
    return out


def _verify_options(plan: session.Plan) -> dict[str, Any]:
    """`[tool.finfix.verify]` settings, read the way `finfix verify` reads them."""
    try:
        from finfix.harness.sources import settings_from_config
    except ImportError:
        return {"examples": VERIFY_EXAMPLES}
    return settings_from_config(dict(plan.config.verify), examples=None, ulps=None, timeout=None)


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def _text(raw: bytes) -> str:
    try:
        return decode(raw).text
    except SourceError:
        return raw.decode("utf-8", errors="replace")


def _failed(result: Any) -> bool:
    """Whether a harness result shows a difference (an "error" verdict is shown, not counted as one)."""
    return str(getattr(result, "verdict", "")).lower() == "different"


def _commit(root: Path, rule: type[Rule], written: list[str], applied: list[Finding]) -> RuleCommit:
    files = tuple(sorted(written))
    unsafe = tuple(f for f in applied if f.fix is Safety.UNSAFE)
    subject = commit_subject(rule.code, rule.name, len(applied), len(files))
    lines = [subject, "", f"Applied by `finfix pr` (finfix {__version__}): {rule.summary}"]
    if unsafe:
        lines += ["", "Unsafe fixes (they change behaviour on purpose):"]
        lines += [f"- {f.path}:{f.line}: {f.reason or f.message}" for f in unsafe]
    rel = [os.path.relpath(os.path.realpath(p), os.path.realpath(root)) for p in files]
    git(root, "add", "--", *rel)
    git(root, "commit", "-q", "--no-verify", "-F", "-", input="\n".join(lines) + "\n")
    sha = _out(root, "rev-parse", "HEAD")
    return RuleCommit(rule.code, rule.name, sha, len(applied), files, len(applied) - len(unsafe), unsafe)


# -- the body -----------------------------------------------------------------------------------------
def reproduce_command(req: Request, root: Path) -> str:
    """The `finfix pr` command that rebuilds this branch, to run from the repository root."""
    args = ["finfix", "pr", "--branch", req.branch]
    for flag, values in (("--select", req.select), ("--ignore", req.ignore)):
        codes = parse_codes(list(values)) if values else None
        if codes:
            args += [flag, ",".join(codes)]
    if req.unsafe_fixes is not None:
        args.append("--unsafe-fixes" if req.unsafe_fixes else "--no-unsafe-fixes")
    if req.verify:
        args.append("--verify")
    for target in req.targets or (".",):
        args.append(Path(os.path.relpath(os.path.realpath(target), os.path.realpath(root))).as_posix())
    return shlex.join(args)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _safety(c: RuleCommit) -> str:
    if not c.unsafe:
        return "safe"
    if not c.safe:
        return "**unsafe**"
    return f"**unsafe** ({len(c.unsafe)}), safe ({c.safe})"


def title(out: Outcome) -> str:
    fixes = sum(c.fixes for c in out.commits)
    files = len({p for c in out.commits for p in c.files})
    return f"finfix: {plural(fixes, 'fix')} in {plural(files, 'file')} ({plural(len(out.commits), 'rule')})"


def render_body(req: Request, out: Outcome) -> str:
    fixes = sum(c.fixes for c in out.commits)
    files = sorted({p for c in out.commits for p in c.files})
    lines = [
        f"## {title(out)}",
        "",
        (
            f"finfix {__version__} applied {plural(fixes, 'fix')} "
            f"in {plural(len(files), 'file')}, one commit per rule, on top of `{out.base}` "
            f"(`{out.base_sha[:7]}`). Safe fixes keep behaviour; unsafe ones change it on purpose and "
            "are listed below with their reasons."
        ),
        "",
        "| commit | rule | fixes | files | safety |",
        "|---|---|--:|--:|---|",
    ]
    for c in out.commits:
        lines.append(f"| {c.sha[:7]} | {c.code} `{c.name}` | {c.fixes} | {len(c.files)} | {_safety(c)} |")
    unsafe = [f for c in out.commits for f in c.unsafe]
    if unsafe:
        lines += ["", "### Unsafe fixes: review these", ""]
        lines += [
            "These fixes change behaviour on purpose (applied because of `--unsafe-fixes` or `unsafe-fixes = true`):",
            "",
        ]
        for f in unsafe[:LIST_LIMIT]:
            lines.append(f"- `{f.path}:{f.line}` **{f.code}** {f.message}  ")
            lines.append(f"  why unsafe: {f.reason or 'see `finfix explain ' + f.code + '`'}")
        lines += _more(len(unsafe), "the commit messages list every one")
    lines += ["", "### Verification", ""]
    if out.verification is not None:
        if out.verification_failed:
            lines += ["**The harness found differences: do not merge before reading the table.**", ""]
        lines.append(out.verification.strip())
    else:
        lines.append("Not run (`finfix pr --verify` compares the touched functions before and after on "
                     "generated inputs).")
    if out.left:
        need_unsafe = sum(f.fix is Safety.UNSAFE for f in out.left)
        report_only = sum(f.fix is Safety.DETECT for f in out.left)
        lines += [
            "",
            "### Not fixed",
            "",
            (
                f"{plural(len(out.left), 'finding')} {'remains' if len(out.left) == 1 else 'remain'} on this "
                f"branch ({need_unsafe} need `--unsafe-fixes`, {report_only} have no automatic fix); "
                "`finfix check` lists them."
            ),
            "",
            "<details><summary>Findings</summary>",
            "",
        ]
        lines += [f"- `{f.path}:{f.line}` {f.code} {f.message}" for f in out.left[:LIST_LIMIT]]
        lines += _more(len(out.left), "`finfix check` lists every one")
        lines += ["", "</details>"]
    if out.errors:
        lines += ["", "### Files finfix could not process", ""]
        errors = sorted(out.errors.items())
        lines += [f"- `{path}`: {message}" for path, message in errors[:LIST_LIMIT]]
        lines += _more(len(errors), "`finfix check` lists every one")
    lines += [
        "",
        "### Reproduce",
        "",
        f"From the repository root, on `{out.base}` at `{out.base_sha[:7]}`:",
        "",
        "```bash",
        reproduce_command(req, out.root),
        "```",
        "",
    ]
    return "\n".join(lines)


def _more(total: int, where: str) -> list[str]:
    return [f"- ... and {total - LIST_LIMIT} more ({where})"] if total > LIST_LIMIT else []


def fit_for_github(body: str, limit: int = GITHUB_BODY_LIMIT) -> str:
    """``body`` cut at a line boundary to what GitHub accepts, saying so at the end."""
    if len(body) <= limit:
        return body
    note = "\n\n*(cut to fit GitHub's limit; `finfix pr --body-file` writes the whole description)*\n"
    room = limit - len(note) - 4  # 4: a closing fence, if needed
    cut = body.rfind("\n", 0, room)
    head = body[: cut if cut > 0 else room]
    if head.count("```") % 2:  # do not leave a code block open
        head += "\n```"
    return head + note


def write_body(path: str, body: str) -> None:
    Path(path).write_text(body, encoding="utf-8")


# -- publishing ---------------------------------------------------------------------------------------
def publish(req: Request, out: Outcome, *, log: Callable[[str], None] = lambda _m: None) -> None:
    """Push the branch (--push) and open or update its pull request (--open)."""
    root, branch = out.root, out.branch
    remote_ref = f"refs/remotes/{REMOTE}/{branch}"
    if _has_ref(root, remote_ref) and _out(root, "rev-parse", f"{remote_ref}^{{tree}}") == _out(
        root, "rev-parse", "HEAD^{tree}"
    ):
        log(f"{REMOTE}/{branch} already holds these changes; not pushed")
    else:
        # The branch belongs to finfix: it is rebuilt from the base on every run. The lease refuses the
        # push if someone else pushed to it since it was last fetched.
        git(root, "push", "-q", "--force-with-lease", "--set-upstream", REMOTE, f"{branch}:{branch}")
        log(f"pushed {branch} to {REMOTE}")
    if not req.open:
        return
    fd, tmp = tempfile.mkstemp(prefix="finfix-pr-", suffix=".md")
    os.close(fd)
    write_body(tmp, fit_for_github(out.body))
    try:
        out.url = _open_pr(root, branch, out.base, title(out), tmp)
    finally:
        os.unlink(tmp)
    log(f"pull request: {out.url}")


def _gh(root: Path, *args: str) -> str:
    proc = subprocess.run(["gh", *args], cwd=root, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise PrError(f"`gh {' '.join(args[:2])}` failed: {detail[-1] if detail else f'exit {proc.returncode}'}")
    return proc.stdout.strip()


def _open_pr(root: Path, branch: str, base: str, pr_title: str, body_file: str) -> str:
    import json

    existing = json.loads(_gh(root, "pr", "list", "--head", branch, "--state", "open", "--json", "number,url") or "[]")
    if existing:
        number = str(existing[0]["number"])
        _gh(root, "pr", "edit", number, "--title", pr_title, "--body-file", body_file)
        return str(existing[0]["url"])
    args = ["pr", "create", "--head", branch, "--title", pr_title, "--body-file", body_file]
    if base != "HEAD":
        args += ["--base", base]
    return _gh(root, *args).splitlines()[-1]

