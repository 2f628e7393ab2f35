"""What the language server shows for one document: findings and the edits that fix them.

Plain functions over text, no LSP types: the server (``finfix.lsp.server``) turns these into
diagnostics and code actions, and the tests can call them directly.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from finfix import config as config_mod
from finfix import session
from finfix.engine.core import SourceError, UnfaithfulParse, run_rules
from finfix.results import Finding, Safety


@dataclass(frozen=True)
class Edit:
    """Replace lines ``start`` up to (not including) ``end`` (0-based) with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Analysis:
    findings: tuple[Finding, ...]
    error: str | None = None  # the file does not parse, or the configuration is bad: one line


class Analyser:
    """Findings and fixes for documents, with the configuration of each document's nearest pyproject.toml.

    Results are kept per (document text, configuration file) so that a hover or a code action after a
    change costs no second run; an edit of the text or of the configuration is a new key.
    """

    def __init__(self, capacity: int = 64) -> None:
        self._results: OrderedDict[tuple[str, str], Analysis] = OrderedDict()
        self._capacity = capacity

    def plan(self, path: Path) -> session.Plan:
        cfg = config_mod.load(path.parent)
        return session.Plan(cfg.for_file(path), [str(path)])  # its per-file-ignores too

    def analyse(self, path: Path, text: str) -> Analysis:
        try:
            plan = self.plan(path)
            key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest(),
                   _config_stamp(plan.config.source))
        except (config_mod.ConfigError, session.UsageError, OSError) as exc:
            return Analysis((), error=str(exc))
        cached = self._results.get(key)
        if cached is not None:
            self._results.move_to_end(key)
            return cached
        try:
            rules = plan.rules
            _, findings = run_rules(str(path), text, rules, session.settings_for(plan, fix=False))
            result = Analysis(tuple(findings))
        except session.UsageError as exc:
            result = Analysis((), error=str(exc))
        except (SourceError, UnfaithfulParse) as exc:
            result = Analysis((), error=str(exc))
        except RecursionError:
            result = Analysis((), error="nested too deeply to analyse")
        self._results[key] = result
        if len(self._results) > self._capacity:
            self._results.popitem(last=False)
        return result

    def fixed_text(self, path: Path, text: str, *, codes: set[str] | None = None, unsafe: bool = False) -> str | None:
        """The text with the fixes of ``codes`` (every selected rule when None) applied, or None."""
        try:
            plan = self.plan(path)
            rules = [r for r in plan.rules if codes is None or r.code in codes]
            settings = session.settings_for(plan, fix=True)
            settings = type(settings)(fix=True, unsafe_fixes=unsafe, rule_options=settings.rule_options,
                                      target_python=settings.target_python)
            new, _ = run_rules(str(path), text, rules, settings)
        except (config_mod.ConfigError, session.UsageError, SourceError, UnfaithfulParse, RecursionError, OSError):
            return None
        if new == text or not _parses(new):
            return None
        return new

    def fix_for(self, path: Path, text: str, finding: Finding) -> list[Edit] | None:
        """Edits that fix ``finding``: the hunks of its rule's fix that touch its lines, with the import
        lines the fix needs; all of the rule's hunks when that subset alone would not parse."""
        if finding.fix not in (Safety.SAFE, Safety.UNSAFE):
            return None
        new = self.fixed_text(path, text, codes={finding.code}, unsafe=finding.fix is Safety.UNSAFE)
        if new is None:
            return None
        edits = line_edits(text, new)
        first, last = finding.line - 1, (finding.end_line or finding.line) - 1
        chosen = [e for e in edits if e.start <= last and e.end >= first or _imports_only(text, e)]
        if chosen and _parses(apply_edits(text, chosen)):
            return chosen
        return edits


def line_edits(old: str, new: str) -> list[Edit]:
    """The smallest line-range replacements that turn ``old`` into ``new``."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append(Edit(i1, i2, "".join(b[j1:j2])))
    return out


def apply_edits(text: str, edits: list[Edit]) -> str:
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        lines[edit.start:edit.end] = [edit.text] if edit.text else []
    return "".join(lines)


def _imports_only(old: str, edit: Edit) -> bool:
    """Does the edit only add or remove import lines (the import edits a fix needs)?"""
    lines = old.splitlines()[edit.start:edit.end] + edit.text.splitlines()
    return bool(lines) and all(not line.strip() or line.lstrip().startswith(("import ", "from ")) for line in lines)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _config_stamp(source: Path | None) -> str:
    if source is None:
        return ""
    try:
        st = source.stat()
    except OSError:
        return str(source)
    return f"{source}:{st.st_mtime_ns}:{st.st_size}"
