"""Cached checker answers in ``<root>/.finfix_cache/checker/``, one JSON file per queried file.

An entry holds the answers for one file under one *project key*: the checker and its version, the
interpreter (its libraries decide the types) and the content hash of every project file, since a type
in one file depends on the others. Any edit anywhere makes a new key, so a stale answer is never
served. Entries are validated on read (format, key, path and a checksum of the answers): a damaged
entry is a miss, never a crash. ``None`` answers are kept too: "the checker was asked and said nothing".
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from finfix.project.checker_probe import Span
from finfix.engine.reading import read_regular_or_none

FORMAT = 1
DIR = Path(".finfix_cache") / "checker"


def project_key(checker: str, python: str, hashes: Iterable[tuple[str, str]]) -> str:
    h = hashlib.sha256(f"{FORMAT}\0{checker}\0{python}\0".encode())
    for rel, digest in sorted(hashes):
        h.update(f"{rel}\0{digest}\n".encode())
    return h.hexdigest()


def file_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _span_key(span: Span) -> str:
    return ":".join(map(str, span))


def _checksum(key: str, rel: str, answers: Mapping[str, str | None]) -> str:
    body = json.dumps([key, rel, sorted(answers.items(), key=lambda kv: kv[0])], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _entry_path(root: Path, key: str, rel: str) -> Path:
    return root / DIR / (hashlib.sha256(f"{key}\0{rel}".encode()).hexdigest()[:40] + ".json")


def load(root: Path, key: str, rel: str) -> dict[Span, str | None]:
    """The cached answers of one file, or {} when there is none or it does not check out."""
    try:
        data = json.loads(read_regular_or_none(_entry_path(root, key, rel)) or b"")
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        answers = data["answers"]
        if data["key"] != key or data["file"] != rel or not isinstance(answers, dict):
            return {}
        if data["checksum"] != _checksum(key, rel, answers):
            return {}
        out: dict[Span, str | None] = {}
        for k, v in answers.items():
            parts = tuple(int(x) for x in k.split(":"))
            if len(parts) != 4 or not (v is None or isinstance(v, str)):
                return {}
            out[parts] = v  # type: ignore[index]
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def store(root: Path, key: str, rel: str, answers: Mapping[Span, str | None]) -> None:
    """Write one file's answers atomically; a cache that cannot be written only costs speed."""
    body = {_span_key(s): t for s, t in answers.items()}
    data = {"format": FORMAT, "key": key, "file": rel, "answers": body, "checksum": _checksum(key, rel, body)}
    target = _entry_path(root, key, rel)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def prune(root: Path, keep: int = 2000) -> None:
    """Drop the oldest entries past ``keep`` (every edit makes new ones)."""
    folder = root / DIR
    try:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    for old in entries[:-keep] if len(entries) > keep else []:
        try:
            old.unlink()
        except OSError:
            pass
