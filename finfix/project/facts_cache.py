"""Project facts kept between runs, in ``.finfix_cache/facts-<key>.json``.

Gathering the facts parses and analyses every module the run reads and asks the type checker: on a run whose
results all come from the cache, that was the whole cost (minutes on pandas' sources). The facts depend only on
the files read, finfix's own code, the checker and the libraries it reads, and the `finfix record`
observations, so all of these make the key: the stat of each file read (a file changed within two seconds of
the run is not trusted to its stat, and then nothing is stored), the stat of finfix's modules and of
``.finfix/observed.json``, the versions of the checker and of pandas and its stubs, the checker switch.

JSON, never pickle (a checked-out repository must not run code through its cache). The payload carries its own
hash, and what does not decode to well-typed facts is a miss: the facts are gathered again and the file
replaced. A missing, damaged or unwritable cache costs only time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Container, Sequence

from finfix.digest import blake2b
from finfix.engine.cache import code_fingerprint, rule_sources, write_cache_file
from finfix.engine.reading import read_first_line_or_none, read_regular_or_none

if TYPE_CHECKING:  # imported by the decoder: a warm run reads the header alone
    from finfix.sdk.evidence.project import Fact, ProjectFacts

FORMAT = 2  # 2: a header line with the digests, then the payload
_RACY_NS = 2_000_000_000
_KEEP = 4  # facts files of other runs (other file sets) kept around
_LIBRARIES = ("pyrefly", "pandas", "pandas-stubs", "numpy")


_FINFIX_DIR = f"{os.sep}finfix{os.sep}"  # a folder named finfix in an absolute path (not `Path.parts`: 1 ms)


def key(files: Sequence[str], root: str | os.PathLike[str]) -> str | None:
    """The key of the facts gathered from ``files``; None when a file changed too recently to trust its stat."""
    from finfix import __version__
    from finfix import environment

    now = time.time_ns()
    stamps = []
    for path in sorted(os.path.abspath(f) for f in files):
        try:
            st = os.stat(path)
        except OSError:
            stamps.append([path, -1, -1])
            continue
        if now - st.st_mtime_ns < _RACY_NS:
            return None
        stamps.append([path, st.st_mtime_ns, st.st_size])
    versions = {name: environment.version(name) or "" for name in _LIBRARIES}
    observed = Path(root) / ".finfix" / "observed.json"
    try:
        ost = observed.stat()
        observed_stamp = [ost.st_mtime_ns, ost.st_size]
    except OSError:
        observed_stamp = None
    doc = {
        "format": FORMAT, "finfix": __version__, "python": list(sys.version_info[:2]),
        "code": code_fingerprint(path for path in rule_sources()[1] if _FINFIX_DIR in str(path)),
        "checker": os.environ.get("FINFIX_CHECKER", "").lower(), "libraries": versions,
        "observed": observed_stamp, "root": os.path.abspath(root), "files": stamps,
    }
    return blake2b(json.dumps(doc, sort_keys=True).encode(), digest_size=16).hexdigest()


# The file is two lines of JSON: a header (format, the per-file digests of the facts, the hashes of both)
# and the payload. A warm run whose results all come from the results cache needs only the digests (they
# key its entries), so it reads the header alone: the payload is hashed and decoded only when some file
# must be processed again.


def _path(directory: Path, run_key: str) -> Path:
    return directory / f"facts-{run_key}.json"


def _read(directory: Path, run_key: str) -> tuple[dict[str, Any], bytes] | None:
    """The header and the payload bytes of the facts file; None when absent, not ours or not this format."""
    raw = read_regular_or_none(_path(directory, run_key))
    if raw is None:
        return None
    head, sep, payload = raw.partition(b"\n")
    header = json.loads(head) if sep else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    return header, payload


_DAMAGED = (ValueError, KeyError, TypeError, AttributeError, RecursionError)


def load_digests(directory: Path, run_key: str) -> dict[str, str] | None:
    """The per-file digests of the facts stored under ``run_key`` (from the header line alone); None when
    absent or damaged."""
    try:
        head = read_first_line_or_none(_path(directory, run_key))
        header = json.loads(head) if head is not None else None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            return None
        if header.get("digests_hash") != _hash(header["digests"]):
            return None
        return _str_map(header["digests"])
    except _DAMAGED:
        return None


def load(directory: Path, run_key: str) -> ProjectFacts | None:
    try:
        found = _read(directory, run_key)
        if found is None or found[0].get("payload_hash") != _bytes_hash(found[1]):
            return None
        return _decode(json.loads(found[1]))
    except _DAMAGED:
        return None  # damaged or not ours: gathered again


def store(directory: Path, run_key: str, facts: ProjectFacts) -> None:
    payload = json.dumps(_encode(facts), separators=(",", ":")).encode()
    digests = dict(facts.digests)
    header = {"format": FORMAT, "digests": digests, "digests_hash": _hash(digests),
              "payload_hash": _bytes_hash(payload)}
    data = json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload
    try:
        write_cache_file(_path(directory, run_key), data, keep=_KEEP)
    except OSError:
        pass  # an unwritable cache costs only time


def _bytes_hash(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def _hash(payload: Any) -> str:
    return blake2b(json.dumps(payload, sort_keys=True).encode(), digest_size=16).hexdigest()


def _encode(f: ProjectFacts) -> dict[str, Any]:
    return {
        "modules": dict(f.modules), "packages": sorted(f.packages),
        "exports": {m: dict(names) for m, names in f.exports.items()},
        "stars": {m: list(v) for m, v in f.stars.items()},
        "defined": {m: sorted(v) for m, v in f.defined.items()},
        "values": {k: [v.kind, v.level, v.why] for k, v in f.values.items()},
        "unknown": dict(f.unknown),
        "checker": [[p, line, col, text] for (p, line, col), text in f.checker.items()],
        "observed": [[p, line, text, dict(types)] for (p, line, text), types in f.observed.items()],
        "bases": {c: list(v) for c, v in f.bases.items()},
        "digests": dict(f.digests),
    }


def _strs(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("not a list of strings")
    return value


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError("not a map of strings")
    return value


def _fact(row: Any, fact: type[Fact], kinds: Container[str]) -> Fact:
    kind, level, why = _strs(row)
    if kind not in kinds or level not in ("proven", "inferred"):
        raise TypeError(f"not a fact: {row!r}")
    return fact(kind, level, why)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an int")
    return value


def _decode(p: dict[str, Any]) -> ProjectFacts:
    from finfix.sdk.evidence.kinds import FACT_KINDS
    from finfix.sdk.evidence.project import Fact, ProjectFacts

    return ProjectFacts(
        modules=_str_map(p["modules"]), packages=frozenset(_strs(p["packages"])),
        exports={m: _str_map(names) for m, names in p["exports"].items()},
        stars={m: tuple(_strs(v)) for m, v in p["stars"].items()},
        defined={m: frozenset(_strs(v)) for m, v in p["defined"].items()},
        values={k: _fact(v, Fact, FACT_KINDS) for k, v in p["values"].items()},
        unknown=_str_map(p["unknown"]),
        checker={(str(path), _int(line), _int(col)): str(text) for path, line, col, text in p["checker"]},
        observed={(str(path), _int(line), str(text)): {str(t): _int(n) for t, n in types.items()}
                  for path, line, text, types in p["observed"]},
        bases={c: tuple(_strs(v)) for c, v in p["bases"].items()},
        digests=_str_map(p["digests"]),
    )
