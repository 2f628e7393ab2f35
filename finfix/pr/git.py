"""Git and GitHub CLI plumbing for `finfix pr`: driven through :func:`subprocess.run` with argument
lists, never a shell string; every failure is a :class:`PrError` of one line."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Sequence

from finfix.pr.model import PrError


def git(root: Path, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        ["git", *args], cwd=root, input=input, capture_output=True, text=True, check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
    )
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise PrError(f"`git {args[0]}` failed: {detail[-1] if detail else f'exit {proc.returncode}'}")
    return proc


def output(root: Path, *args: str) -> str:
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


def has_ref(root: Path, ref: str) -> bool:
    return git(root, "rev-parse", "--verify", "--quiet", ref, check=False).returncode == 0


def gh(root: Path, *args: str) -> str:
    proc = subprocess.run(["gh", *args], cwd=root, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise PrError(f"`gh {' '.join(args[:2])}` failed: {detail[-1] if detail else f'exit {proc.returncode}'}")
    return proc.stdout.strip()


def open_pr(root: Path, branch: str, base: str, pr_title: str, body_file: str) -> str:
    existing = json.loads(gh(root, "pr", "list", "--head", branch, "--state", "open", "--json", "number,url") or "[]")
    if existing:
        number = str(existing[0]["number"])
        gh(root, "pr", "edit", number, "--title", pr_title, "--body-file", body_file)
        return str(existing[0]["url"])
    args = ["pr", "create", "--head", branch, "--title", pr_title, "--body-file", body_file]
    if base != "HEAD":
        args += ["--base", base]
    return gh(root, *args).splitlines()[-1]
