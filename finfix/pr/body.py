"""The pull request's Markdown body and title, and the command that reproduces the branch."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from finfix import __version__
from finfix.config import parse_codes
from finfix.pr.model import GITHUB_BODY_LIMIT, LIST_LIMIT, Outcome, Request, RuleCommit, plural
from finfix.results import Safety

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
            lines += ["**The harness found differences: read the table before merging.**", ""]
        lines.append(out.verification.strip())
        if out.held:
            lines += ["", "Held back (their functions did not verify, so this branch leaves them as they were):", ""]
            lines += [f"- `{path}`: {why}" for path, why in out.held[:LIST_LIMIT]]
            lines += _more(len(out.held), "the run's output lists every one")
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
