"""`finfix pr`: a migration branch with one commit per rule, and the pull request's body.

In a git repository whose tracked files have no uncommitted changes, the selected rules run one at a
time in their fixed order; each rule that changes something gets its own commit
(``finfix: FX201 pandas-inplace (12 fixes in 5 files)``) on a branch created from HEAD when the first
fix is written. The Markdown body sums the fixes up per rule, calls out the unsafe ones with their
reasons, carries the verification table (``--verify``: the rewrites of functions that do not verify
are held back, as `apply --verify` does) and the command that reproduces the branch.
``publish`` pushes the branch and opens or updates the pull request with the GitHub CLI.

Only files that git tracks are rewritten, so a commit never picks up a stray file. The files are
written by :func:`finfix.apply.write` (atomic; Ctrl-C leaves every file whole), git and ``gh`` are
driven by :mod:`finfix.pr.git`, and the body is :mod:`finfix.pr.body`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from finfix import __version__, session
from finfix import apply as applying
from finfix.pr.body import fit_for_github, render_body, title, write_body
from finfix.pr.git import git, has_ref, open_pr, output, repo_root, tracked_files
from finfix.pr.model import REMOTE, VERIFY_EXAMPLES, Outcome, PrError, Request, RuleCommit, commit_subject
from finfix.engine.core import SourceError, decode
from finfix.results import FileResult, Safety
from finfix.sdk.rule import Rule

def preflight(req: Request) -> tuple[Path, str, str]:
    """Every check that can fail before anything is touched; returns (root, base, base_sha)."""
    root = repo_root(req.targets)
    if git(root, "check-ref-format", "--branch", req.branch, check=False).returncode != 0:
        raise PrError(f"invalid branch name: {req.branch!r}")
    if not has_ref(root, "HEAD"):
        raise PrError("the repository has no commits yet; commit something first")
    dirty = [line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()]
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise PrError(
            f"the working tree has uncommitted changes ({shown}); commit or stash them first, "
            "so the branch holds finfix's fixes only"
        )
    base = output(root, "rev-parse", "--abbrev-ref", "HEAD")
    base_sha = output(root, "rev-parse", "HEAD")
    if base != req.branch and has_ref(root, f"refs/heads/{req.branch}"):
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
            list(req.targets), select=req.select, ignore=req.ignore, unsafe_fixes=req.unsafe_fixes,
            target=list(req.target_versions) if req.target_versions else None,
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
    _note_errors(out, results)
    verdicts = _verify(req, plan, results, out, log)
    if verdicts is not None:
        results, out.held = applying.hold_back(results, verdicts)
        for path, why in out.held:
            log(f"note: {path}: {why}")
    to_fix = tuple(r.path for r in results if r.changed)
    if not to_fix:
        return out
    untouched_left = [f for r in results if not r.changed for f in r.findings if not f.applied]
    plan = plan.narrowed(paths=to_fix)
    for rule in plan.rules:
        _, results = session.execute(plan.narrowed(rules=(rule,)), fix=True, jobs=req.jobs)
        _note_errors(out, results)
        changed = [r for r in results if r.changed]
        if verdicts is not None:  # the functions held back above stay as they were in every commit
            changed = [r for r in applying.hold_back(changed, verdicts)[0] if r.changed]
        if not changed:
            continue
        if not out.commits and base != req.branch:
            git(root, "checkout", "-q", "-b", req.branch)
            log(f"created branch {req.branch} from {base} ({base_sha[:7]})")
        done = applying.write(changed)
        _note_errors(out, done.results)
        written = [r for r in done.results if r.changed and r.path in set(done.written)]
        if written:
            commit = _commit(root, rule, written)
            out.commits.append(commit)
            log(f"{commit.sha[:7]} {commit.subject}")
        if done.interrupted is not None:  # what was written is committed: the tree is left clean
            out.interrupted = done
            return out
    if not out.commits:
        return out
    left = untouched_left + session.execute(plan, fix=False, jobs=req.jobs)[0].findings
    out.left = sorted(left, key=lambda f: (f.path, f.line, f.col, f.code))
    out.body = render_body(req, out)
    return out


def _note_errors(out: Outcome, results: list[FileResult]) -> None:
    for r in results:
        if r.error:
            out.errors.setdefault(r.path, r.error)
    out.internal |= any(r.internal for r in results)


def _verify(
    req: Request, plan: session.Plan, results: list[FileResult], out: Outcome, log: Callable[[str], None]
) -> list[Any] | None:
    """`--verify`: the harness's verdicts on every rule's fixes together, before anything is written."""
    if not req.verify:
        return None
    verify_pairs, render_markdown = load_harness()
    pairs = [(r.path, _text(r.old or b""), _text(r.new or b"")) for r in results if r.changed]
    if not pairs:
        return []
    log(f"verifying {len(pairs)} file(s); this runs your code")
    from finfix.harness.sources import effects_from_results

    verdicts = verify_pairs(pairs, project_root=str(plan.config.root), effects=effects_from_results(results),
                            **_verify_options(plan))
    out.verification = render_markdown(verdicts)
    out.verification_failed = any(_failed(v) for v in verdicts)
    return verdicts


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


def _commit(root: Path, rule: type[Rule], written: list[FileResult]) -> RuleCommit:
    files = tuple(sorted(r.path for r in written))
    applied = [f for r in written for f in r.findings if f.applied]
    unsafe = tuple(f for f in applied if f.fix is Safety.UNSAFE)
    subject = commit_subject(rule.code, rule.name, len(applied), len(files))
    lines = [subject, "", f"Applied by `finfix pr` (finfix {__version__}): {rule.summary}"]
    if unsafe:
        lines += ["", "Unsafe fixes (they change behaviour on purpose):"]
        lines += [f"- {f.path}:{f.line}: {f.reason or f.message}" for f in unsafe]
    rel = [os.path.relpath(os.path.realpath(p), os.path.realpath(root)) for p in files]
    git(root, "add", "--", *rel)
    git(root, "commit", "-q", "--no-verify", "-F", "-", input="\n".join(lines) + "\n")
    sha = output(root, "rev-parse", "HEAD")
    return RuleCommit(rule.code, rule.name, sha, len(applied), files, len(applied) - len(unsafe), unsafe)


def publish(req: Request, out: Outcome, *, log: Callable[[str], None] = lambda _m: None) -> None:
    """Push the branch (--push) and open or update its pull request (--open)."""
    root, branch = out.root, out.branch
    remote_ref = f"refs/remotes/{REMOTE}/{branch}"
    if has_ref(root, remote_ref) and output(root, "rev-parse", f"{remote_ref}^{{tree}}") == output(
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
        out.url = open_pr(root, branch, out.base, title(out), tmp)
    finally:
        os.unlink(tmp)
    log(f"pull request: {out.url}")
