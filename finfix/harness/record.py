"""Record the signatures numba compiled while a script or test suite ran.

    python -m finfix.harness.record [--root DIR] script.py [args...]
    python -m finfix.harness.record [--root DIR] -m pytest tests/

Runs the script (or module) as ``__main__``, then writes every numba dispatcher's ``.signatures`` to
``DIR/.finfix/signatures.json`` (default DIR: the current directory), keyed by ``module.qualname``.
`finfix verify` then types those kernels from what really ran, before trying types of its own.
Signatures already recorded are kept; new ones are added.
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


def main(argv: list[str]) -> int:
    root = Path.cwd()
    if argv[:1] == ["--root"]:
        root, argv = Path(argv[1]), argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    code = 0
    sys.argv = argv[1:] if argv[0] == "-m" else argv
    try:
        if argv[0] == "-m":
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exc:  # pytest and scripts end this way
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    added = merge(root / ".finfix" / "signatures.json", collect())
    print(f"finfix: recorded {added} new numba signature(s) in {root / '.finfix' / 'signatures.json'}",
          file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
