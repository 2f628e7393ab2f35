"""Shared helpers for the engine/CLI tests: a project tree in tmp_path and an in-process CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finfix.cli import app

#: A function whose FX101 fix is safe (the parameter is only read).
MUTABLE = "def f(x=[]):\n    return len(x)\n"
MUTABLE_FIXED = "def f(x=None):\n    if x is None:\n        x = []\n    return len(x)\n"
CLEAN = "def g(x=None):\n    return x\n"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:  # shown by pytest when an assertion on it fails
        return f"exit={self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class Project:
    """A directory tree to run finfix on; paths are relative to its root, which is the cwd."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, content: str | bytes, *, dedent: bool = True) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            if dedent:
                content = textwrap.dedent(content)
                if content.startswith("\n"):
                    content = content[1:]
            path.write_bytes(content.encode("utf-8"))
        return path

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def snapshot(self) -> dict[str, tuple[bytes, int, int, int]]:
        """Bytes, mtime_ns, inode and mode of every regular file (symlinks not followed)."""
        out = {}
        for dirpath, dirs, names in os.walk(self.root):
            dirs[:] = [d for d in dirs if d != ".finfix_cache"]  # finfix's own result cache may be written
            for name in names:
                p = Path(dirpath) / name
                if p.is_symlink() or not p.is_file():
                    continue
                st = p.stat()
                out[p.relative_to(self.root).as_posix()] = (p.read_bytes(), st.st_mtime_ns, st.st_ino, st.st_mode)
        return out

    def cli(self, *args: str) -> Run:
        """Run the CLI in-process (cwd = the project root)."""
        runner = CliRunner()
        old = os.getcwd()
        os.chdir(self.root)
        try:
            res = runner.invoke(app, list(args), catch_exceptions=False)
        finally:
            os.chdir(old)
        return Run(res.exit_code, res.stdout, res.stderr)

    def subprocess(self, *args: str, timeout: float = 60) -> Run:
        proc = subprocess.run(
            [sys.executable, "-m", "finfix", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    # an empty [tool.finfix] table pins the config to this tree, whatever lies above tmp_path
    (root / "pyproject.toml").write_text("[tool.finfix]\n", encoding="utf-8")
    return Project(root)
