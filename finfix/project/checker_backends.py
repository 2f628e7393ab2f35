"""The type checkers finfix can ask, each as: where it is, how to run it on a probe copy, how to read it.

Every backend reads types the same way (``reveal_type`` wrappers in a probe copy, see checker_probe)
and reports ``(relative path, line, 0-based column of the wrapped expression, type text)``.
pyrefly is the default (fast, infers unannotated helpers' returns, prints qualified names so a
look-alike ``DataFrame`` is told from pandas'); the others are there for evaluation and as fallbacks.
See docs/type-checkers.md for the measurements behind the choice.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

Reveal = tuple[str, int, int, str]  # relative posix path, line, 0-based column of the argument, type text


@dataclass(frozen=True)
class Backend:
    name: str
    executable: str  # the program's name on PATH or beside the interpreter
    command: Callable[[Path, Path, Sequence[str], str], list[str]]  # (exe, probe root, files, python) -> argv
    parse: Callable[[str, Path], list[Reveal]]  # (stdout, probe root) -> reveals

    def find(self) -> Path | None:
        """The checker next to the running interpreter (a venv's bin/, even unactivated), else on PATH."""
        here = Path(sys.executable).parent / self.executable
        if os.name == "nt":
            here = here.with_suffix(".exe")
        if here.is_file() and os.access(here, os.X_OK):
            return here
        found = shutil.which(self.executable)
        return Path(found) if found else None


def _rel(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(root)
        except ValueError:
            try:
                p = p.resolve().relative_to(root.resolve())
            except ValueError:
                return p.as_posix()
    return p.as_posix()


# --- pyrefly -------------------------------------------------------------------------------------------

def _pyrefly_cmd(exe: Path, root: Path, files: Sequence[str], python: str) -> list[str]:
    return [
        str(exe), "check", *files,
        "--search-path", str(root), *_src_search_path(root),
        "--python-interpreter-path", python,
        "--check-unannotated-defs", "--infer-return-types", "checked",
        "--reveal-type-qualified-names",
        "--output-format", "json", "--color", "never",
    ]


def _src_search_path(root: Path) -> list[str]:
    return ["--search-path", str(root / "src")] if (root / "src").is_dir() else []


# pyrefly appends what it narrowed inside the expression, "Unknown (_.empty: Unknown)": not part of the type.
_NARROWED = re.compile(r" \(_[.\[].*\)$")


def _pyrefly_parse(out: str, root: Path) -> list[Reveal]:
    data = json.loads(out)
    found = []
    for err in data.get("errors", []):
        desc = err.get("description", "")
        if err.get("name") == "reveal-type" and desc.startswith("revealed type: "):
            # pyrefly's range is the call's parenthesised arguments, 1-based: its column is the argument's
            # 0-based column.
            text = _NARROWED.sub("", desc.removeprefix("revealed type: "))
            found.append((_rel(err["path"], root), int(err["line"]), int(err["column"]), text))
    return found


# --- ty -------------------------------------------------------------------------------------------------

_TY_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): info\[revealed-type\] Revealed type: `(?P<t>.*)`$")


def _ty_cmd(exe: Path, root: Path, files: Sequence[str], python: str) -> list[str]:
    extra = ["--extra-search-path", str(root / "src")] if (root / "src").is_dir() else []
    return [str(exe), "check", "--project", str(root), "--python", python, *extra,
            "--output-format", "concise", "--color", "never", "--exit-zero", *files]


def _ty_parse(out: str, root: Path) -> list[Reveal]:
    found = []
    for line in out.splitlines():
        m = _TY_LINE.match(line.strip())
        if m:
            found.append((_rel(m["path"], root), int(m["line"]), int(m["col"]) - 1, m["t"]))
    return found


# --- pyright and basedpyright ---------------------------------------------------------------------------

_PYRIGHT_MSG = re.compile(r'^Type of ".*" is "(?P<t>.*)"$', re.S)


def _pyright_cmd(exe: Path, root: Path, files: Sequence[str], python: str) -> list[str]:
    return [str(exe), "--pythonpath", python, "--outputjson", *files]


def _pyright_parse(out: str, root: Path) -> list[Reveal]:
    data = json.loads(out[out.find("{"):])
    found = []
    for diag in data.get("generalDiagnostics", []):
        if diag.get("rule") not in (None, "") or diag.get("severity") != "information":
            continue
        m = _PYRIGHT_MSG.match(diag.get("message", "").splitlines()[0] if diag.get("message") else "")
        if m:
            start = diag["range"]["start"]
            found.append((_rel(diag["file"], root), start["line"] + 1, start["character"], m["t"]))
    return found


# --- mypy -----------------------------------------------------------------------------------------------

_MYPY_LINE = re.compile(r'^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): note: Revealed type is "(?P<t>.*)"$')


def _mypy_cmd(exe: Path, root: Path, files: Sequence[str], python: str) -> list[str]:
    return [str(exe), "--python-executable", python, "--check-untyped-defs", "--show-column-numbers",
            "--no-error-summary", "--no-pretty", "--cache-dir", str(root / ".mypy_cache"), *files]


def _mypy_parse(out: str, root: Path) -> list[Reveal]:
    found = []
    for line in out.splitlines():
        m = _MYPY_LINE.match(line.strip())
        if m:
            found.append((_rel(m["path"], root), int(m["line"]), int(m["col"]) - 1, m["t"]))
    return found


BACKENDS: dict[str, Backend] = {
    "pyrefly": Backend("pyrefly", "pyrefly", _pyrefly_cmd, _pyrefly_parse),
    "ty": Backend("ty", "ty", _ty_cmd, _ty_parse),
    "basedpyright": Backend("basedpyright", "basedpyright", _pyright_cmd, _pyright_parse),
    "pyright": Backend("pyright", "pyright", _pyright_cmd, _pyright_parse),
    "mypy": Backend("mypy", "mypy", _mypy_cmd, _mypy_parse),
}
#: Tried in this order when FINFIX_TYPE_CHECKER does not name one.
PREFERENCE = ("pyrefly", "ty", "basedpyright", "pyright", "mypy")


def version(exe: Path, timeout: float = 30.0) -> str:
    """The checker's ``--version`` line (part of the cache key: another checker version, other answers)."""
    try:
        done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "unknown"
