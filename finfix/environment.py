"""What is installed where finfix runs, remembered between runs in the cache folder.

Every run's cache keys name installed things: the versions of the libraries the rules and the project facts
concern, libcst's, the third-party rule packs. importlib.metadata answers by reading the metadata of the
distributions on the import path; with its import and packaging's that is about 0.06 s, a third of a warm
run served whole from the cache. What is installed changes only when a distribution's metadata directory
(``.dist-info``, ``.egg-info``) appears in or leaves a directory of the import path, and that changes the
directory's modification time. So the answers are kept in ``.finfix_cache/installed-<paths>.json`` (one
file per import path: ``finfix`` and ``python -m finfix`` differ in their first entry) beside those times,
the interpreter and finfix's version, and asked again when any of them differs. A directory changed
within the last two seconds is not trusted to its time: nothing is stored then.

The answers key the caches and decide which version a run plans for (finfix.versions), so a stale one
would be wrong, not only slow. Installers cannot make one: pip, uv and conda replace a distribution's
metadata folder, whose name carries the version. Not seen: metadata edited in place by hand, and the
``.egg-info`` of a ``setup.py develop`` checkout rewritten without a file added or removed beside it;
``--no-cache`` asks afresh.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

# No import of finfix.engine: the rule layer reaches this module through finfix.versions. The engine's
# safe reading and atomic writing come in as arguments, from finfix.session.

FORMAT = 1
_KEEP = 4  # files of other import paths kept around
_RACY_NS = 2_000_000_000

_answers: dict[str, Any] = {}  # "version pandas" -> "3.1.1" or None, "entry_points finfix.rules" -> [...]
_file: Path | None = None  # where to keep them; None: this process only
_signature: list[Any] | None = None  # what they were found under; None: not to be stored
_dirty = False


def remember_in(cache_dir: Path | None, read: Callable[[str], bytes | None]) -> None:
    """Keep the answers in ``cache_dir`` (and use those kept there before, if the environment is the same);
    None: only in this process. ``read(path)``: a file's bytes, None when it is missing or not a regular file."""
    global _file, _signature, _dirty
    signature = _environment_signature() if cache_dir is not None else None
    file = Path(cache_dir) / f"installed-{_paths_hash()}.json" if cache_dir is not None else None
    if file is not None and file == _file and signature is not None and signature == _signature:
        return  # the same environment as this process's last run (the language server's next check)
    _answers.clear()
    _file, _signature, _dirty = file, signature, False
    if file is None:
        return
    try:
        raw = read(str(_file))
        doc = json.loads(raw) if raw else None
    except (OSError, ValueError):
        doc = None
    if isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("signature") == _signature:
        answers = doc.get("answers")
        if isinstance(answers, dict):
            _answers.update((k, v) for k, v in answers.items() if isinstance(k, str) and _well_typed(v))


def save(write: Callable[..., None]) -> None:
    """Store the answers found in this run, when there are new ones and the environment can be trusted.
    ``write(file, data, keep=n)``: atomically, keeping the ``n`` newest files of the kind."""
    global _dirty
    if not _dirty or _file is None or _signature is None:
        return
    doc = {"format": FORMAT, "signature": _signature, "answers": _answers}
    try:
        write(_file, json.dumps(doc, sort_keys=True).encode(), keep=_KEEP)
    except OSError:
        pass  # a read-only checkout: the next run asks again
    _dirty = False


def answer(kind: str, arg: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered as ``kind arg``; it must return None, a string or lists of these."""
    global _dirty
    key = f"{kind} {arg}"
    if key not in _answers:
        value = compute()
        assert _well_typed(value), (key, value)
        _answers[key] = value
        _dirty = True
    return _answers[key]


def version(distribution: str) -> str | None:
    """The installed version of ``distribution``, None when it is not installed."""

    def ask() -> str | None:
        from importlib import metadata

        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return None

    return answer("version", distribution, ask)


def entry_points(group: str) -> list[str]:
    """``name=value`` of every entry point of ``group``, sorted."""

    def ask() -> list[str]:
        from importlib import metadata

        return sorted(f"{ep.name}={ep.value}" for ep in metadata.entry_points(group=group))

    return answer("entry_points", group, ask)


def _well_typed(value: Any) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, list) and all(map(_well_typed, value)))


def _paths_hash() -> str:
    from finfix.digest import blake2b

    return blake2b("\0".join([sys.executable, *sys.path]).encode(), digest_size=8).hexdigest()


def _environment_signature() -> list[Any] | None:
    """The interpreter, finfix's version and each import-path directory with its modification time;
    None when one changed too recently to be trusted."""
    from finfix import __version__

    now = time.time_ns()
    stamps: list[Any] = []
    for entry in sys.path:
        path = os.path.abspath(entry or os.curdir)
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            mtime = -1
        if now - mtime < _RACY_NS:
            return None
        stamps.append([path, mtime])
    return [sys.executable, sys.version, __version__, stamps]
