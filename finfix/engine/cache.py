"""A content-hash cache of results in ``.finfix_cache/`` (next to the pyproject.toml, else the cwd).

A run's results depend on the file's bytes and on the run: finfix's version and code, the rules (and the
files that define them), the settings (check or fix, unsafe fixes, rule options, target Python). The
run's part is hashed into a key and names one cache file; inside it, results are stored by the hash of
the file's content, and an index maps each path to ``(mtime_ns, size, content hash)`` so an unchanged
file is not even read. A stat that differs only means the file is read and hashed again; a file whose
mtime is within two seconds of its reading is always re-hashed (the "racy git" problem).

The cache is JSON (never pickle: a checked-out repository must not be able to run code through it), is
written atomically, and a missing, corrupt or unwritable cache only costs speed. ``--no-cache`` or
``[tool.finfix] cache = false`` turns it off. Internal errors and unreadable files are never cached.
"""

from __future__ import annotations

import ast
import base64
import binascii
import functools
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from finfix.digest import blake2b
from finfix.engine.lifelines import temp_name_prefix
from finfix.engine.reading import content_hash, read_regular_or_none

if TYPE_CHECKING:
    from finfix.results import FileResult, Settings

DIR_NAME = ".finfix_cache"
FORMAT = 2  # 2: entries carry the hash of their new content ("h")
_KEEP_FILES = 8  # result files of other runs (other settings or rule sets) kept around
_RACY_NS = 2_000_000_000


@functools.lru_cache(maxsize=1)
def rule_sources() -> tuple[list[str], list[Path]]:
    """The third-party rule packs installed, and the files that define finfix and every rule.

    Found without importing any rule, so that a run served from the cache never imports LibCST.
    """
    from importlib import util

    from finfix import environment

    packs = environment.entry_points("finfix.rules")
    tops = {"finfix", "finfix.codemods"} | {pack.split("=", 1)[1].split(":")[0].split(".")[0] for pack in packs}
    files: list[Path] = []
    for top in sorted(tops):
        try:
            spec = util.find_spec(top)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        if spec.submodule_search_locations:
            # A regular package: its own folder. (In a checkout, finfix's search path also holds the
            # checkout's root, so that `finfix.codemods` is found there: walking it took the tests, the
            # benchmarks and any virtualenv inside the checkout into every run's key.) A namespace
            # package: each of its folders.
            own = [os.path.dirname(spec.origin)] if spec.origin else list(spec.submodule_search_locations)
            for directory in own:
                files.extend(_python_files(directory))
        elif spec.origin:
            files.append(Path(spec.origin))
    return packs, files


def _python_files(directory: str) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        found += [os.path.join(folder, n) for n in names if n.endswith(".py")]
    return [Path(f) for f in sorted(found)]


def code_fingerprint(files: Iterable[Path]) -> list[Any]:
    """Stat of every module that defines finfix and the rules: an edit invalidates the cache."""
    out: list[Any] = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        out.append([str(path), st.st_mtime_ns, st.st_size])
    return out


def _libcst_version() -> str:
    from finfix import environment

    return environment.version("libcst") or ""


def run_key(select: Sequence[str], ignore: Sequence[str], settings: Settings) -> str:
    """The run's part of the key. The rules enter as the selection that chose them (``--select``,
    ``--ignore``, config) plus the code and the packs that define them: the same selection of the
    same code always chooses the same rules, and knowing it needs no import of a rule."""
    from finfix import __version__

    packs, files = rule_sources()
    doc = {
        "format": FORMAT,
        "finfix": __version__,
        "libcst": _libcst_version(),
        "python": list(sys.version_info[:2]),
        "select": list(select),
        "ignore": list(ignore),
        "packs": packs,
        "code": code_fingerprint(files),
        "settings": {
            "fix": settings.fix,
            "unsafe": settings.unsafe_fixes,
            "options": settings.rule_options,
            "target": list(settings.target_python),
            "versions": settings.versions,
            "max_file_size": settings.max_file_size,
        },
    }
    text = json.dumps(doc, sort_keys=True, default=repr)
    return blake2b(text.encode(), digest_size=12).hexdigest()


def _finding_to_list(f: Any) -> list[Any]:
    return [f.line, f.col, f.code, f.name, f.message, f.fix.value, f.reason, f.applied, f.end_line, f.end_col,
            f.witness, f.future]


class Cache:
    """Results of one kind of run, by content hash; see the module docstring."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.index: dict[str, list[Any]] = {}  # absolute path -> [mtime_ns, size, digest]
        self.entries: dict[str, dict[str, Any]] = {}  # digest -> {"f": findings, "e": error, "n": new}
        self.hits = 0
        self._dirty = False
        self.evidence: dict[str, str] = {}  # absolute path -> digest of the project facts it depends on
        self.damaged: list[tuple[str, str]] = []  # (path, why): entries ignored, told in one line

    def _entry_key(self, path: str, digest: str) -> str:
        extra = self.evidence.get(os.path.abspath(path))
        return f"{digest}:{extra}" if extra else digest

    @classmethod
    def open(cls, root: Path, select: Sequence[str], ignore: Sequence[str], settings: Settings,
             evidence: Mapping[str, str] | None = None) -> Cache:
        cache = cls(Path(root) / DIR_NAME / f"results-{run_key(select, ignore, settings)}.json")
        # A file's findings also depend on project facts (other files' call sites, returns, re-exports):
        # their digest for the file is part of its entry's key, so another file's edit invalidates it.
        # ``evidence``: those digests when the facts themselves are not loaded (yet).
        cache.evidence = dict(evidence if evidence is not None else getattr(settings.project, "digests", None) or {})
        try:
            raw = _read(cache.file)  # a regular file or nothing: a FIFO in its place must not hang the run
            doc = json.loads(raw) if raw is not None else None
            if isinstance(doc, dict) and doc.get("format") == FORMAT:
                index, entries = doc.get("index"), doc.get("entries")
                if isinstance(index, dict) and isinstance(entries, dict):
                    cache.index, cache.entries = index, entries
        except (ValueError, RecursionError):
            pass  # a damaged cache: start afresh
        return cache

    # -- reading ----------------------------------------------------------------------------------
    def lookup(self, paths: Sequence[str]) -> tuple[list[FileResult], list[str]]:
        """Split ``paths`` into cached results and the paths still to process."""
        hits: list[FileResult] = []
        misses: list[str] = []
        for p in paths:
            result = self._get(p)
            if result is None:
                misses.append(p)
            else:
                hits.append(result)
        self.hits = len(hits)
        self._warn_damaged()
        return hits, misses

    def _get(self, path: str) -> FileResult | None:
        from finfix.results import FileResult

        key = os.path.abspath(path)
        rec = self.index.get(key)
        if not _valid_index_row(rec):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None  # the worker reports it
        raw: bytes | None = None
        if [st.st_mtime_ns, st.st_size] == rec[:2]:
            digest = rec[2]
        else:
            raw = _read(path)
            if raw is None:
                return None
            digest = content_hash(raw)
            if digest != rec[2]:
                return None
            self._stamp(key, st, digest)
        entry = self.entries.get(self._entry_key(path, digest))
        if entry is None:
            return None
        try:
            findings, error, new = _decode_entry(path, entry, digest)
        except _Damaged as exc:
            self._damaged(path, str(exc))
            return None
        if new is not None and raw is None:  # a fix to apply: the caller needs the bytes it replaces
            raw = _read(path)
            if raw is None or content_hash(raw) != digest:
                return None
        return FileResult(path, old=raw if new is not None else None, new=new, findings=findings,
                          error=error, stamp=(st.st_mtime_ns, st.st_size, digest))

    def _damaged(self, path: str, why: str) -> None:
        """A damaged entry is a miss: the file is processed again and the entry replaced."""
        self.damaged.append((path, why))
        self.index.pop(os.path.abspath(path), None)
        self._dirty = True

    def _warn_damaged(self) -> None:
        if not self.damaged:
            return
        (path, why), more = self.damaged[0], len(self.damaged) - 1
        others = f" and {more} more" if more else ""
        sys.stderr.write(f"finfix: warning: {self.file}: damaged entry for {path} ({why}){others}; "
                         "ignored, the files are processed again\n")

    # -- writing ----------------------------------------------------------------------------------
    def update(self, results: Iterable[FileResult]) -> None:
        for r in results:
            if r.stamp is None or r.internal:
                continue
            mtime, size, digest = r.stamp
            self.entries[self._entry_key(r.path, digest)] = {
                "f": [_finding_to_list(f) for f in r.findings],
                "e": r.error,
                "n": base64.b64encode(r.new).decode("ascii") if r.changed and r.new is not None else None,
                "h": _new_hash(digest, r.new) if r.changed and r.new is not None else None,
            }
            self.index[os.path.abspath(r.path)] = self._index_row(mtime, size, digest)
            self._dirty = True

    def _stamp(self, key: str, st: os.stat_result, digest: str) -> None:
        self.index[key] = self._index_row(st.st_mtime_ns, st.st_size, digest)
        self._dirty = True

    @staticmethod
    def _index_row(mtime_ns: int, size: int, digest: str) -> list[Any]:
        if mtime_ns > time.time_ns() - _RACY_NS:
            mtime_ns = -1  # too fresh to trust: the file could change again within the clock's tick
        return [mtime_ns, size, digest]

    def save(self) -> None:
        """Write the cache atomically; any failure (read-only tree, full disk) is silently ignored."""
        if not self._dirty:
            return
        live = {row[2] for row in self.index.values()}
        doc = {"format": FORMAT, "index": self.index,
               "entries": {d: e for d, e in self.entries.items() if d.split(":", 1)[0] in live}}
        try:
            write_cache_file(self.file, json.dumps(doc, separators=(",", ":")).encode(), keep=_KEEP_FILES)
            self._dirty = False
        except OSError:
            pass


def _read(path: str | os.PathLike[str]) -> bytes | None:
    return read_regular_or_none(path)


class _Damaged(Exception):
    """A cache entry that is not what finfix writes: treated as a miss, never used."""


def _valid_index_row(rec: Any) -> bool:
    return (isinstance(rec, list) and len(rec) == 3 and all(_is_int(v) for v in rec[:2])
            and isinstance(rec[2], str))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_FINDING_TYPES = (int, int, str, str, str, str, (str, type(None)), bool, (int, type(None)), (int, type(None)))


def _new_hash(old_digest: str, new: bytes) -> str:
    """The new content's hash, bound to the content it replaces: an entry copied under another file's
    digest does not verify either."""
    return content_hash(old_digest.encode("ascii") + b"\0" + new)


def _decode_entry(path: str, entry: Any, old_digest: str) -> tuple[tuple[Any, ...], str | None, bytes | None]:
    """``(findings, error, new content)`` of a cache entry, every part checked: the shape and types of
    each field, the new content against the hash stored with it, and that the new content still
    parses. Anything else raises _Damaged, so nothing from a damaged cache reaches a source file."""
    from finfix.results import Finding, Safety

    if not isinstance(entry, dict) or not isinstance(entry.get("f"), list):
        raise _Damaged("not an entry")
    error = entry.get("e")
    if error is not None and not isinstance(error, str):
        raise _Damaged("bad error field")
    findings = []
    for row in entry["f"]:
        if not isinstance(row, list) or len(row) < len(_FINDING_TYPES) or not all(
            isinstance(v, t) and (t is not int or not isinstance(v, bool)) for v, t in zip(row, _FINDING_TYPES)
        ):
            raise _Damaged("bad finding")
        line, col, code, name, msg, fix, reason, applied, end_line, end_col, *rest = row
        if rest and not isinstance(rest[0], str):
            raise _Damaged("bad witness")
        if len(rest) > 1 and not isinstance(rest[1], str):
            raise _Damaged("bad future note")
        try:
            safety = Safety(fix)
        except ValueError:
            raise _Damaged(f"unknown fix safety {fix!r}") from None
        findings.append(Finding(path, line, col, code, name, msg, safety, reason, applied, end_line, end_col,
                                *rest[:2]))
    new = _decode_new(entry.get("n"), entry.get("h"), old_digest)
    return tuple(findings), error, new


def _decode_new(encoded: Any, digest: Any, old_digest: str) -> bytes | None:
    if encoded is None:
        return None
    if not isinstance(encoded, str) or not isinstance(digest, str):
        raise _Damaged("bad new content")
    try:
        new = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _Damaged("new content is not base64") from None
    if _new_hash(old_digest, new) != digest:
        raise _Damaged("new content does not match its hash")
    from finfix.engine.core import SourceError, decode

    try:
        ast.parse(decode(new).text)
    except (SourceError, SyntaxError, ValueError, RecursionError, MemoryError):
        raise _Damaged("new content does not parse") from None
    return new


def write_cache_file(file: Path, data: bytes, *, keep: int) -> None:
    """Write ``data`` to ``file`` atomically (a reader sees the old file or the new, never half of
    one), in a directory marked as a cache (``.gitignore``, ``CACHEDIR.TAG``); of the files named like it
    (``results-*.json``, ``facts-*.json``) the ``keep`` newest stay. Raises OSError."""
    directory = file.parent
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by finfix\n*\n")
        (directory / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n# finfix cache\n")
    import tempfile  # only a run that stores something needs it

    fd, tmp = tempfile.mkstemp(prefix=temp_name_prefix(), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, file)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    kind = file.name.split("-", 1)[0]
    old = sorted(directory.glob(f"{kind}-*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in old[keep:]:
        stale.unlink(missing_ok=True)
