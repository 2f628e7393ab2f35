"""What the language server shows for one document: findings and the edits that fix them.

Plain functions over text, no LSP types: the server (``finfix.lsp.server``) turns these into
diagnostics and code actions, and the tests can call them directly.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass, replace
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
        self._results: OrderedDict[tuple[str, str, str], Analysis] = OrderedDict()
        self._capacity = capacity
        self._facts: dict[str, tuple[tuple, object]] = {}  # document path -> (stamp of the files read, facts)

    def plan(self, path: Path) -> session.Plan:
        cfg = config_mod.load(path.parent)
        return session.Plan(cfg.for_file(path), [str(path)])  # its per-file-ignores too

    def settings(self, plan: session.Plan, path: Path, *, fix: bool, unsafe: bool | None = None):
        """The run's settings with the project facts of the document's package, as `finfix check` has them."""
        settings = session.settings_for(plan, fix=fix)
        if unsafe is not None:
            settings = replace(settings, unsafe_fixes=unsafe)
        return replace(settings, project=self.project_facts(plan, path)[1])

    def project_facts(self, plan: session.Plan, path: Path) -> tuple[str, object]:
        """(stamp, facts) of the package the document belongs to, read from the saved files and kept until one
        of them changes on disk (the document's unsaved text is analysed as it is; its saved version feeds the
        facts, as the other modules' do)."""
        if os.environ.get("FINFIX_EVIDENCE", "").lower() == "local":
            return "", None
        from finfix.project import evidence_for, package_context

        files = [str(path), *package_context([str(path)], plan.config.root, plan.config.exclude)]
        stamp = tuple(_file_stamp(f) for f in files)
        kept = self._facts.get(str(path))
        if kept is None or kept[0] != stamp:
            facts = evidence_for([str(path)], plan.config.root, session.settings_for(plan, fix=False, rules=False),
                                 plan.config.exclude).project
            kept = self._facts[str(path)] = (stamp, facts)
        return hashlib.blake2b(repr(stamp).encode(), digest_size=8).hexdigest(), kept[1]

    def analyse(self, path: Path, text: str) -> Analysis:
        try:
            plan = self.plan(path)
            key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest(),
                   _config_stamp(plan.config.source), self.project_facts(plan, path)[0])
        except (config_mod.ConfigError, session.UsageError, OSError) as exc:
            return Analysis((), error=str(exc))
        cached = self._results.get(key)
        if cached is not None:
            self._results.move_to_end(key)
            return cached
        try:
            rules = plan.rules
            _, findings = run_rules(str(path), text, rules, self.settings(plan, path, fix=False))
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
            new, _ = run_rules(str(path), text, rules, self.settings(plan, path, fix=True, unsafe=unsafe))
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


def _file_stamp(path: str) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, st.st_mtime_ns, st.st_size)


def _config_stamp(source: Path | None) -> str:
    if source is None:
        return ""
    try:
        st = source.stat()
    except OSError:
        return str(source)
    return f"{source}:{st.st_mtime_ns}:{st.st_size}"
