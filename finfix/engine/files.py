"""Which files a run looks at.

Directories are walked for ``*.py``; ``.gitignore`` files (from the repository root down) and the
config's ``exclude`` patterns are honoured, and version-control folders, virtualenvs, build output and
caches are skipped. Files named on the command line are always processed. Directory symlinks are not
followed, and a file symlink is used only when it points inside one of the given roots.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from finfix.engine.lifelines import TEMP_PREFIX  # finfix's temporary files: the walk notes them for the clean-up

if TYPE_CHECKING:
    import pathspec

# pathspec is imported when there is a pattern to match (an exclude, a .gitignore): a run on a folder
# without either, served from the cache, does not need it.

DEFAULT_SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".env", ".tox", ".nox", "build", "dist",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".finfix_cache",
        ".hypothesis", "node_modules", "site-packages", ".eggs", ".ipynb_checkpoints",
    }
)




@dataclass(frozen=True)
class Discovery:
    files: tuple[Path, ...]
    missing: tuple[str, ...] = ()  # command-line paths that do not exist
    temps: tuple[str, ...] = ()  # finfix's temporary files seen in the walked directories (killed runs')
    walked: tuple[str, ...] = ()  # the command-line paths that were directories
    named: tuple[str, ...] = ()  # the command-line paths that were files


@dataclass
class _IgnoreStack:
    """Gitignore specs with the directory each one is relative to."""

    specs: list[tuple[Path, pathspec.PathSpec]] = field(default_factory=list)

    def ignored(self, path: Path, is_dir: bool) -> bool:
        # As in git, the deepest .gitignore with a matching pattern decides, so a nested `!name`
        # re-includes what an outer file excluded.
        for base, spec in reversed(self.specs):
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if is_dir:
                rel += "/"
            if hasattr(spec, "check_file"):  # pathspec >= 0.12
                verdict = spec.check_file(rel).include
                if verdict is not None:
                    return verdict
            elif spec.match_file(rel):
                return True
        return False


def _load_gitignore(directory: Path) -> pathspec.PathSpec | None:
    f = directory / ".gitignore"
    try:
        lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _patterns(lines: list[str]) -> pathspec.PathSpec | None:
    if not lines:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _repo_root(start: Path) -> Path | None:
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


def _is_virtualenv(directory: str | Path) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def discover(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str] = (),
    exclude_root: Path | None = None,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Discovery:
    exclude_spec = _patterns(list(exclude))
    exclude_base = (exclude_root or Path.cwd()).resolve()
    found: dict[str, Path] = {}  # real path -> path as shown: a file reached twice is processed once
    missing: list[str] = []
    temps: list[str] = []
    walked: list[str] = []
    named: list[str] = []
    for raw in paths:
        given = Path(raw)
        if not given.exists() and not given.is_symlink():
            missing.append(str(raw))
            continue
        if given.is_dir():
            walked.append(str(raw))
            for shown, real in _walk(given, exclude_spec, exclude_base, respect_gitignore, temps):
                _add(found, shown, real)
            continue
        # Explicit files are always processed, even a broken link or a special file: the engine then
        # reports why it cannot read them instead of the run skipping them silently. The exception is
        # `force-exclude`, for pre-commit, which names every staged file.
        if force_exclude and _excluded(exclude_spec, exclude_base, Path(os.path.abspath(given)), False):
            continue
        named.append(str(raw))
        _add(found, given)
    return Discovery(tuple(found.values()), tuple(missing), tuple(temps), tuple(walked), tuple(named))


def _add(found: dict[str, Path], path: Path, real: str | None = None) -> None:
    """Record ``path`` once per real file (a symlink and its target, the same file named twice),
    preferring the file's own name to a link's, so a file is never read or written twice in a run.
    ``real``: its real path when the walk already knows it (saves a system call per part of the path)."""
    if real is None:
        real = os.path.realpath(path)
    seen = found.get(real)
    if seen is None or (seen.is_symlink() and not path.is_symlink()):
        found[real] = path


def _excluded(spec: pathspec.PathSpec | None, base: Path, path: Path, is_dir: bool) -> bool:
    if spec is None or not spec.patterns:
        return False
    try:
        rel = path.relative_to(base).as_posix()
    except ValueError:
        rel = path.as_posix()
    return spec.match_file(rel + "/" if is_dir else rel)


def _walk(
    root: Path, exclude_spec: pathspec.PathSpec | None, exclude_base: Path, respect_gitignore: bool, temps: list[str]
) -> Iterator[tuple[Path, str]]:
    """``(path as shown, real path)`` of each file under ``root``; finfix's temporary files go to ``temps``."""
    real_root = root.resolve()
    stack = _IgnoreStack()
    if respect_gitignore:
        repo = _repo_root(real_root)
        if repo is not None:
            # .gitignore files above the root apply to it too
            for d in reversed((real_root, *real_root.parents)):
                if d == repo or repo in d.parents:
                    spec = _load_gitignore(d) if d != real_root else None
                    if spec is None:
                        continue
                    # A directory the user names is processed even when an outer .gitignore hides it
                    # (`finfix check site-packages/pandas` inside a pyenv checkout, say).
                    if spec.match_file(real_root.relative_to(d).as_posix() + "/"):
                        continue
                    stack.specs.append((d, spec))
    yield from _walk_dir(real_root, root, real_root, stack, exclude_spec, exclude_base, respect_gitignore, temps)


def _walk_dir(
    real_dir: Path,
    shown_dir: Path,
    real_root: Path,
    stack: _IgnoreStack,
    exclude_spec: pathspec.PathSpec | None,
    exclude_base: Path,
    respect_gitignore: bool,
    temps: list[str],
) -> Iterator[tuple[Path, str]]:
    pushed = False
    if respect_gitignore:
        spec = _load_gitignore(real_dir)
        if spec is not None:
            stack.specs.append((real_dir, spec))
            pushed = True
    # whether a file's real path is tested against a pattern here (nested folders push and pop their own)
    filtered = bool(stack.specs) or (exclude_spec is not None and bool(exclude_spec.patterns))
    try:
        entries = sorted(os.scandir(real_dir), key=lambda e: e.name)
    except OSError:
        entries = []
    for entry in entries:
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if not is_dir and not entry.name.endswith(".py"):
            if entry.name.startswith(TEMP_PREFIX):
                temps.append(entry.path)
            continue  # before building its paths: most entries of a package are not Python files
        # (Path objects only where needed: most entries are files that no ignore or exclude pattern tests)
        shown = shown_dir / entry.name
        if is_dir:
            if entry.name in DEFAULT_SKIP_DIRS or entry.name.endswith(".egg-info") or _is_virtualenv(entry.path):
                continue
            real = real_dir / entry.name
            if stack.ignored(real, True) or _excluded(exclude_spec, exclude_base, real, True):
                continue
            yield from _walk_dir(real, shown, real_root, stack, exclude_spec, exclude_base, respect_gitignore, temps)
            continue
        real = real_dir / entry.name if is_link or filtered else None
        if is_link:
            try:
                target = real.resolve(strict=True)
            except (OSError, RuntimeError):  # dangling link or a loop
                continue
            if real_root != target and real_root not in target.parents:
                continue  # never follow a link out of the root
            if not target.is_file():
                continue
            real_path = str(target)
        elif not entry.is_file(follow_symlinks=False):
            continue
        else:
            real_path = entry.path  # real_dir is resolved and the entry is no link
        if real is not None and (stack.ignored(real, False) or _excluded(exclude_spec, exclude_base, real, False)):
            continue
        yield shown, real_path
    if pushed:
        stack.specs.pop()
