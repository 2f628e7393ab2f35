"""Types from a real type checker, for the expressions finfix cannot type from one file.

    infer_types(root, files, queries) -> {(str(path), line, col): type text}

The checker (pyrefly by default, see docs/type-checkers.md) runs once per call, over a probe copy of
the project in which every queried expression is wrapped in ``reveal_type(...)``, and only over the
files whose answers are not cached. It resolves imports against the interpreter running finfix, so
the user's installed libraries (and pandas-stubs, when installed) decide the types. Answers are the
checker's own text: pyrefly prints qualified names (``pandas.core.frame.DataFrame``,
``quantlab.lookalikes.DataFrame``), other checkers bare ones (``DataFrame``), and ``Unknown``/``Any``
when they do not know.

Nothing here raises: no checker installed (or ``FINFIX_TYPE_CHECKER=none``) means ``{}``; a checker
that crashes, prints what cannot be read or outlives its timeout (``FINFIX_CHECKER_TIMEOUT`` seconds,
default 300) costs one warning line on stderr and its answers, never a traceback or a hang.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import tokenize
from pathlib import Path
from typing import Mapping, Sequence

from finfix.project import checker_cache as cache
from finfix.project.checker_backends import BACKENDS, PREFERENCE, Backend, Reveal
from finfix.project.checker_probe import Probe, Span, wrap
from finfix.engine.reading import DEFAULT_MAX_FILE_SIZE, read_regular_or_none

DEFAULT_TIMEOUT = 300.0
#: Files checked per run of the checker: its memory grows with the files it checks (pyrefly 1.5 on pandas'
#: sources: 520 MB for the 390 files asked about in one run, 430 MB in runs of 100 files, 414 MB in runs
#: of 50 at 1.7 s more; the answers the same).
CHUNK_FILES = 100
_MAX_PROJECT_FILES = 20_000
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist", "venv", "env"}

Answers = dict[tuple[str, int, int], str]


def infer_types(root: Path, files: Sequence[Path], queries: Mapping[Path, Sequence[Span]]) -> Answers:
    """The checker's type text for each queried span, keyed ``(str(path), line, col)``; missing = no answer."""
    try:
        return _infer(Path(root), files, queries)
    except Exception as exc:  # noqa: BLE001 - a checker adapter must never take a run down
        _warn(f"type checker step failed ({type(exc).__name__}: {exc}); continuing without its answers")
        return {}


def choose_backend() -> tuple[Backend, Path] | None:
    """The checker to run: ``FINFIX_TYPE_CHECKER`` names one (``none`` turns it off), else the first found."""
    wanted = os.environ.get("FINFIX_TYPE_CHECKER", "").strip().lower()
    if wanted in ("none", "off", "0", "false"):
        return None
    names = (wanted,) if wanted in BACKENDS else PREFERENCE
    for name in names:
        exe = BACKENDS[name].find()
        if exe is not None:
            return BACKENDS[name], exe
    return None


def _infer(root: Path, files: Sequence[Path], queries: Mapping[Path, Sequence[Span]]) -> Answers:
    if not any(queries.values()):
        return {}
    chosen = choose_backend()
    if chosen is None:
        return {}
    backend, exe = chosen
    root = root.resolve()
    project = _project_files(root, files)
    hashes: dict[str, str] = {}  # the contents are read again for the probe copy: pandas' are 23 MB
    for rel, path in project.items():
        raw = read_regular_or_none(path, DEFAULT_MAX_FILE_SIZE)  # never a FIFO or a device: they hang
        if raw is not None:
            hashes[rel] = cache.file_hash(raw)
    key = cache.project_key(_checker_id(backend, exe), sys.executable, hashes.items())

    # Which query belongs to which project file, and what the cache already knows.
    asked: dict[str, list[tuple[Path, Span]]] = {}
    for path, spans in queries.items():
        rel = _rel_to(root, Path(path))
        if rel is None or rel not in hashes:
            continue
        asked.setdefault(rel, []).extend((Path(path), tuple(s)) for s in spans)  # type: ignore[misc]
    known: dict[str, dict[Span, str | None]] = {rel: cache.load(root, key, rel) for rel in asked}
    todo = {rel: [s for _p, s in items if s not in known[rel]] for rel, items in asked.items()}
    todo = {rel: spans for rel, spans in todo.items() if spans}

    if todo:
        fresh = _run(backend, exe, root, {rel: (project[rel], digest) for rel, digest in hashes.items()}, todo)
        if fresh is not None:
            for rel, spans in todo.items():
                merged = dict(known[rel])
                merged.update({s: fresh.get((rel, s)) for s in spans})
                known[rel] = merged
                cache.store(root, key, rel, merged)
            cache.prune(root)

    answers: Answers = {}
    for rel, items in asked.items():
        for path, span in items:
            text = known[rel].get(span)
            if text is not None:
                answers[(str(path), span[0], span[1])] = text
    return answers


def _checker_id(backend: Backend, exe: Path) -> str:
    # The binary's identity stands for its version (an upgrade changes size or mtime) without a subprocess.
    try:
        st = exe.stat()
        return f"{backend.name}:{exe}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return f"{backend.name}:{exe}"


def _rel_to(root: Path, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None


def _project_files(root: Path, files: Sequence[Path]) -> dict[str, Path]:
    """Every Python file of the project (imports reach beyond the files asked about), by relative path."""
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS
                       and not (here / d / "pyvenv.cfg").exists()]
        for name in filenames:
            if name.endswith((".py", ".pyi")):
                path = here / name
                found[path.relative_to(root).as_posix()] = path
        if len(found) > _MAX_PROJECT_FILES:
            found = {}
            break
    for f in files:
        rel = _rel_to(root, Path(f))
        if rel is not None and rel.endswith((".py", ".pyi")):
            found.setdefault(rel, Path(f).resolve())
    return found


def _run(backend: Backend, exe: Path, root: Path, files: Mapping[str, tuple[Path, str]],
         todo: Mapping[str, Sequence[Span]]) -> dict[tuple[str, Span], str] | None:
    """One checker run over the probe copy of ``files`` (relative path -> (path, content hash)); None when
    it failed (already warned)."""
    # A package directory as root: copy it under its package path so absolute and relative imports work.
    base = root
    while (base / "__init__.py").exists() and base.parent != base:
        base = base.parent
    prefix = root.relative_to(base).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    tmp = Path(tempfile.mkdtemp(prefix="finfix-probe-"))
    try:
        where: dict[str, dict[tuple[int, int], Span]] = {}  # of each probe, only its map back is kept
        for rel, (path, digest) in files.items():
            raw = read_regular_or_none(path, DEFAULT_MAX_FILE_SIZE)
            if raw is None or cache.file_hash(raw) != digest:
                _warn(f"{rel} changed while finfix ran; no type answers this run")
                return None  # the answers would be cached under the contents finfix hashed
            target = tmp / (prefix + rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            probe = _probe(raw, todo[rel]) if rel in todo else None
            if probe is not None:
                where[prefix + rel] = probe[0].where
                raw = probe[1]
            target.write_bytes(raw)
        if not where:
            return {}
        reveals: list[Reveal] = []
        ordered = sorted(where)
        for start in range(0, len(ordered), CHUNK_FILES):
            argv = backend.command(exe, tmp, ordered[start:start + CHUNK_FILES], sys.executable)
            out = _execute(backend.name, argv, tmp)
            if out is None:
                return None
            try:
                reveals += backend.parse(out, tmp)
            except (ValueError, KeyError, TypeError) as exc:
                _warn(f"could not read {backend.name}'s output ({type(exc).__name__}); no type answers this run")
                return None
        return _map_back(reveals, where, prefix)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _probe(raw: bytes, spans: Sequence[Span]) -> tuple[Probe, bytes] | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
        encoding = "utf-8-sig"
    probe = wrap(text, spans)
    if not probe.where:
        return None
    return probe, probe.text.encode(encoding, errors="surrogateescape")


def _map_back(reveals: Sequence[Reveal], where: Mapping[str, Mapping[tuple[int, int], Span]],
              prefix: str) -> dict[tuple[str, Span], str]:
    """The original span of each reveal (``where``: probe path -> its wrappers' positions -> spans)."""
    out: dict[tuple[str, Span], str] = {}
    for rel, line, col, text in reveals:
        spans = where.get(rel)
        if spans is None:
            continue
        span = spans.get((line, col))
        if span is None:
            # Columns counted in other units (UTF-16, bytes) on a non-ASCII line: only a lone wrapper on
            # the line is unambiguous.
            on_line = [s for (ln, _c), s in spans.items() if ln == line]
            if len(on_line) != 1:
                continue
            span = on_line[0]
        out[(rel.removeprefix(prefix), span)] = text
    return out


def _execute(name: str, argv: Sequence[str], cwd: Path) -> str | None:
    timeout = _timeout()
    try:
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    except OSError as exc:
        _warn(f"could not start {name} ({exc.strerror or exc}); no type answers this run")
        return None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        _warn(f"{name} did not finish within {timeout:g}s (FINFIX_CHECKER_TIMEOUT); no type answers this run")
        return None
    except BaseException:
        _kill(proc)  # Ctrl-C while it runs: the checker must not outlive finfix
        raise
    if proc.returncode < 0 or (not out.strip() and proc.returncode != 0):
        first = next((ln.strip() for ln in err.splitlines() if ln.strip()), "no message")
        _warn(f"{name} failed (exit {proc.returncode}: {first[:200]}); no type answers this run")
        return None
    return out


def _kill(proc: subprocess.Popen[str]) -> None:
    # The whole process group: a wrapper (basedpyright's node, for one) must not outlive the timeout.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        proc.kill()
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError):
        pass


def _timeout() -> float:
    try:
        value = float(os.environ.get("FINFIX_CHECKER_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def _warn(message: str) -> None:
    sys.stderr.write(f"finfix: warning: {message}\n")
