"""Evidence from outside finfix's own reasoning: a type checker's answers and `finfix record` observations.

The type checker runs once per run, in the parent, only on the expressions finfix could not type itself
(the candidate receivers of the pandas rules); the adapter (``finfix.project.checker``, installed with the
``checker`` extra) caches its answers by file hashes. ``FINFIX_CHECKER=off`` skips it.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from finfix.engine.reading import read_regular_or_none

if TYPE_CHECKING:
    from finfix.project.infer import Scope

OBSERVED_FILE = Path(".finfix") / "observed.json"


def candidate_sites(project: Any) -> Iterator[tuple[str, Scope, ast.expr, str]]:
    """(path, scope, receiver, why) for every receiver a pandas rule will ask about (found when the module
    was summarised: ``finfix.project.summaries.CANDIDATE_METHODS``)."""
    for scope in project.scopes():
        for receiver, why in scope.walked.candidates:
            yield scope.module.path, scope, receiver, why


def span_of(lines: list[str], node: ast.expr) -> tuple[int, int, int, int]:
    """LibCST-style span (1-based lines, 0-based *character* columns) of an ``ast`` node (byte columns)."""

    def col(line: int, offset: int) -> int:
        try:
            text = lines[line - 1]
        except IndexError:
            return offset
        return len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) if not text.isascii() else offset

    end_line = node.end_lineno or node.lineno
    return node.lineno, col(node.lineno, node.col_offset), end_line, col(end_line, node.end_col_offset or 0)


def _checker_off() -> bool:
    return os.environ.get("FINFIX_CHECKER", "").lower() in ("off", "0", "no")


def checker_wanted() -> bool:
    """Whether a type checker will be asked (not turned off, the adapter installed, a checker found): only
    then does the project pass spend the time to list what it would be asked."""
    if _checker_off():
        return False
    try:
        from finfix.project import checker
    except ImportError:
        return False
    return checker.choose_backend() is not None


def checker_answers(root: str, queries: dict[str, list[tuple[int, int, int, int]]],
                    failures: list[BaseException] | None = None) -> dict[tuple[str, int, int], str]:
    """The type checker's types for ``queries`` (path -> spans); {} when no checker is installed or it fails
    (the failure is appended to ``failures``: facts gathered without the checker's answers are not kept)."""
    if not queries or _checker_off():
        return {}
    try:
        from finfix.project import checker  # the `checkers` adapter (optional until installed)
    except ImportError:
        return {}
    try:
        answers = checker.infer_types(Path(root), [Path(p) for p in queries],
                                      {Path(p): spans for p, spans in queries.items()})
    except Exception as exc:  # a checker that crashes costs evidence, never the run
        if failures is not None:
            failures.append(exc)
        return {}
    return {(os.path.abspath(k[0]), int(k[1]), int(k[2])): str(v) for k, v in answers.items()}


def observed_types(root: str | os.PathLike[str]) -> dict[tuple[str, int, str], dict[str, int]]:
    """What `finfix record` saw: (absolute path, line, receiver source) -> {type: count}."""
    path = Path(root) / OBSERVED_FILE
    try:
        doc = json.loads(read_regular_or_none(path) or b"")
    except (OSError, ValueError):
        return {}
    out: dict[tuple[str, int, str], dict[str, int]] = {}
    for row in doc.get("sites", []) if isinstance(doc, dict) else []:
        try:
            file, line, text, types = row["path"], int(row["line"]), str(row["expr"]), dict(row["types"])
        except (KeyError, TypeError, ValueError):
            continue
        absolute = file if os.path.isabs(file) else os.path.abspath(os.path.join(root, file))
        out[(absolute, line, text)] = {str(k): int(v) for k, v in types.items()}
    return out
