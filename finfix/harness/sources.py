"""Where the (path, before, after) pairs come from: finfix's own rewrites, or a git revision.

Also the CLI's glue for `finfix verify` and `finfix apply --verify`, so the typer functions stay thin.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from finfix.engine.core import FileResult, SourceError, decode
from finfix.harness.report import DEFAULT_EXAMPLES, DEFAULT_TIMEOUT, VERIFIED, VerifyResult


class GitError(Exception):
    """`git` failed: not a repository, unknown revision; the message is one line for the user."""


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        return decode(raw).text
    except SourceError:
        return None


def pairs_from_results(results: Iterable[FileResult]) -> list[tuple[str, str, str]]:
    """The files finfix would change, as (path, source before, source after)."""
    pairs = []
    for r in results:
        if not r.changed:
            continue
        old, new = _text(r.old), _text(r.new)
        if old is not None and new is not None:
            pairs.append((r.path, old, new))
    return pairs


def effects_from_results(results: Iterable[FileResult]) -> dict[str, list[tuple[int, str, list[dict[str, str]]]]]:
    """For each changed file, ``(line, code, effects)`` of every applied fix whose rule announces effects
    (``Rule.effects``): what `verify` may find different on purpose (harness/intent.py)."""
    from finfix import registry

    rules = registry.by_code()
    found: dict[str, list[tuple[int, str, list[dict[str, str]]]]] = {}
    for r in results:
        if not r.changed:
            continue
        for f in r.findings:
            rule = rules.get(f.code)
            if f.applied and rule is not None and rule.effects:
                found.setdefault(r.path, []).append((f.line, f.code, [e.to_json() for e in rule.effects]))
    return found


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return proc.stdout


def pairs_from_git(base: str, paths: Iterable[str]) -> list[tuple[str, str, str]]:
    """Each working-tree file against its version at ``base`` (files new since then are left out)."""
    pairs = []
    tops: dict[Path, Path] = {}
    checked: set[Path] = set()
    for path in paths:
        file = Path(path).resolve()
        folder = file.parent
        if folder not in tops:
            tops[folder] = Path(_git(["rev-parse", "--show-toplevel"], folder).decode().strip())
        top = tops[folder]
        if top not in checked:
            _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], top)
            checked.add(top)
        rel = file.relative_to(top).as_posix()
        try:
            old_raw = _git(["show", f"{base}:{rel}"], top)
        except GitError:
            continue  # not in that revision: nothing to compare with
        old, new = _text(old_raw), _text(file.read_bytes())
        if old is not None and new is not None and old != new:
            pairs.append((path, old, new))
    return pairs


def keep_verified(
    results: list[FileResult], verdicts: Sequence[VerifyResult]
) -> tuple[list[FileResult], list[tuple[str, str]]]:
    """Keep the rewrites of the functions that verify; put the others back as they were.

    Returns the results to write and (path, why) for each file where something was left. Functions
    whose verdict is not *equivalent* (or *fixed*) get their original text back, when that is safe (see
    :func:`changes.revert`); otherwise the whole file is left. A rewrite outside any function (only
    module-level code) has nothing to run, so it is kept.
    """
    from finfix.harness import changes

    by_path: dict[str, list[VerifyResult]] = {}
    for v in verdicts:
        by_path.setdefault(v.path, []).append(v)
    kept: list[FileResult] = []
    rejected: list[tuple[str, str]] = []
    for r in results:
        bad = [v for v in by_path.get(r.path, []) if v.verdict not in VERIFIED and v.function != "<module>"]
        if not (r.changed and bad):
            kept.append(r)
            continue
        names = ", ".join(f"{v.function} ({v.verdict})" for v in bad)
        old, new = _text(r.old), _text(r.new)
        partial = None
        if old is not None and new is not None:
            partial = changes.revert(old, new, {v.function for v in bad})
        if partial is not None and partial != old:
            spans = [(f.first, f.last) for q, f in changes.functions(old).items() if q in {v.function for v in bad}]
            findings = tuple(
                replace(f, applied=False) if any(a <= f.line <= b for a, b in spans) else f for f in r.findings
            )
            kept.append(replace(r, new=partial.encode(_encoding(r.old)), findings=findings))
            rejected.append((r.path, f"left as they were: {names} did not verify; the other rewrites applied"))
        else:
            rejected.append((r.path, f"not applied: {names} did not verify"))
            kept.append(replace(r, new=None, findings=tuple(replace(f, applied=False) for f in r.findings)))
    return kept, rejected


def _encoding(raw: bytes | None) -> str:
    try:
        return decode(raw or b"").encoding
    except SourceError:
        return "utf-8"


def settings_from_config(verify: dict[str, Any], *, examples: int | None, ulps: int | None,
                         timeout: float | None) -> dict[str, Any]:
    """CLI options over `[tool.finfix.verify]` over defaults."""
    return {
        "examples": examples if examples is not None else int(verify.get("examples", DEFAULT_EXAMPLES)),
        "ulps": ulps if ulps is not None else int(verify.get("ulps", 0)),
        "timeout": timeout if timeout is not None else float(verify.get("timeout", DEFAULT_TIMEOUT)),
    }
