"""Record what really ran while a script or test suite ran: numba signatures and runtime types.

    finfix record [--root DIR] -m pytest tests/
    python -m finfix.harness.record [--root DIR] script.py [args...]

Runs the script (or module) as ``__main__``, then writes

* every numba dispatcher's ``.signatures`` to ``DIR/.finfix/signatures.json``, keyed by
  ``module.qualname`` (`finfix verify` types those kernels from what really ran);
* the runtime types seen at the pandas rules' candidate sites (the receiver of ``.values``,
  ``.iteritems()``, ``fillna(...)``, any call with ``inplace=`` ...) in the project's files under DIR, to
  ``DIR/.finfix/observed.json``: the evidence service treats a site seen only with pandas objects as
  proven, with the counts.

Only names and attribute chains are evaluated (``df``, ``self.close``), by reading instance and
module dictionaries: no property or ``__getattr__`` runs. Earlier records are kept; counts add up.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any


def collect() -> dict[str, list[list[dict[str, Any]]]]:
    from finfix.harness.inputs import is_dispatcher, kind_of_numba, kind_to_json

    found: dict[str, list[list[dict[str, Any]]]] = {}
    for module in list(sys.modules.values()):
        for obj in list(getattr(module, "__dict__", {}).values()):
            if not is_dispatcher(obj):
                continue
            key = f"{obj.py_func.__module__}.{obj.py_func.__qualname__}"
            for sig in obj.signatures:
                kinds = [kind_of_numba(t) for t in sig]
                if all(kinds):
                    entry = [kind_to_json(k) for k in kinds]  # type: ignore[arg-type]
                    if entry not in found.setdefault(key, []):
                        found[key].append(entry)
    return found


def merge(path: Path, found: dict[str, list[list[dict[str, Any]]]]) -> int:
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    added = 0
    for key, sigs in found.items():
        for sig in sigs:
            if sig not in known.setdefault(key, []):
                known[key].append(sig)
                added += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return added


def candidate_sites(root: Path) -> dict[str, dict[int, list[str]]]:
    """absolute path -> line -> receiver sources (names and attribute chains) the pandas rules ask about."""
    from finfix.engine.files import discover
    from finfix.project.gather import _Project
    from finfix.project.summaries import read
    from finfix.project.sources import candidate_sites as sites

    found = discover([str(root)], exclude=(".venv/", "venv/", ".finfix_cache/"), exclude_root=root)
    modules = read([str(Path(p).resolve()) for p in found.files if str(p).endswith(".py")])
    out: dict[str, dict[int, list[str]]] = {}
    for path, _scope, expr, _why in sites(_Project(modules, str(root))):
        text = _dotted_source(expr)
        if text is not None:
            lines = out.setdefault(path, {}).setdefault(expr.lineno, [])
            if text not in lines:
                lines.append(text)
    return out


def _dotted_source(expr) -> str | None:
    import ast

    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    return ".".join([expr.id, *reversed(parts)])


_MISSING = object()


def _lookup(frame, text: str):
    """The value ``text`` names in ``frame``, reading dictionaries only; _MISSING when unknown."""
    head, *rest = text.split(".")
    scope_chain = (frame.f_locals, frame.f_globals, frame.f_builtins)
    value = next((d[head] for d in scope_chain if head in d), _MISSING)
    for name in rest:
        if value is _MISSING:
            return value
        try:
            namespace = object.__getattribute__(value, "__dict__")
        except AttributeError:
            return _MISSING
        value = namespace.get(name, _MISSING) if isinstance(namespace, dict) else _MISSING
    return value


class TypeRecorder:
    """A line tracer, active only in frames of the candidate files, that counts receiver types per site."""

    def __init__(self, sites: dict[str, dict[int, list[str]]]) -> None:
        self.sites = sites
        self.seen: dict[tuple[str, int, str], dict[str, int]] = {}

    def _global(self, frame, event, arg):
        if event != "call":
            return None
        lines = self.sites.get(frame.f_code.co_filename)
        if not lines:
            return None

        def local(frame, event, arg):
            if event == "line":
                for text in lines.get(frame.f_lineno, ()):
                    value = _lookup(frame, text)
                    if value is not _MISSING:
                        kind = type(value)
                        name = f"{kind.__module__}.{kind.__qualname__}"
                        counts = self.seen.setdefault((frame.f_code.co_filename, frame.f_lineno, text), {})
                        counts[name] = counts.get(name, 0) + 1
            return local

        return local

    def __enter__(self) -> "TypeRecorder":
        import threading

        sys.settrace(self._global)
        threading.settrace(self._global)
        return self

    def __exit__(self, *exc) -> None:
        import threading

        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]


def merge_observed(path: Path, root: Path, seen: dict[tuple[str, int, str], dict[str, int]]) -> int:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        rows = {(r["path"], int(r["line"]), r["expr"]): dict(r["types"]) for r in doc.get("sites", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        rows = {}
    for (file, line, text), counts in seen.items():
        try:
            rel = str(Path(file).resolve().relative_to(root.resolve()))
        except ValueError:
            rel = file
        known = rows.setdefault((rel, line, text), {})
        for name, n in counts.items():
            known[name] = known.get(name, 0) + n
    path.parent.mkdir(parents=True, exist_ok=True)
    out = [{"path": p, "line": ln, "expr": e, "types": t} for (p, ln, e), t in sorted(rows.items())]
    path.write_text(json.dumps({"sites": out}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return len(seen)


def main(argv: list[str]) -> int:
    root = Path.cwd()
    if argv[:1] == ["--root"]:
        root, argv = Path(argv[1]), argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    code = 0
    sys.argv = argv[1:] if argv[0] == "-m" else argv
    recorder = TypeRecorder(candidate_sites(root))
    try:
        with recorder:
            if argv[0] == "-m":
                runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
            else:
                runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exc:  # pytest and scripts end this way
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    added = merge(root / ".finfix" / "signatures.json", collect())
    print(f"finfix: recorded {added} new numba signature(s) in {root / '.finfix' / 'signatures.json'}",
          file=sys.stderr)
    sites = merge_observed(root / ".finfix" / "observed.json", root, recorder.seen)
    print(f"finfix: recorded runtime types at {sites} candidate site(s) in {root / '.finfix' / 'observed.json'}",
          file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
