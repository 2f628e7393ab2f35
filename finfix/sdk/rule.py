"""The contract between the engine and the rules.

A rule is a LibCST transformer with a code, a name, docs (its docstring, under ruff's headings) and
examples that double as its tests. While it walks a module it calls :meth:`Rule.report` for every
problem it sees; ``report`` records a :class:`Finding` and answers whether the rule may apply its fix
(the run fixes, the fix's safety is allowed, the line is not suppressed). The rule returns its
replacement node only when the answer is yes, so one code path serves `check` and `apply`.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

import libcst as cst

from finfix.results import Effect, Finding, Safety  # noqa: F401  (re-exported: rules import them from here)
from finfix.sdk.ast_triggers import AstTrigger
from finfix.versions import Versions  # noqa: F401  (re-exported: rules declare their versions with it)

if TYPE_CHECKING:
    from finfix.sdk.context import FileContext


@dataclass(frozen=True)
class Example:
    """A rule example, run by the test suite (tests/test_rule_examples.py).

    ``after is None`` means the source must come out unchanged. ``reported`` says whether the rule must
    report something on ``before``; it defaults to "yes" for rewrites, for examples that state a
    ``message``, and to "no" otherwise, so a report-only example says ``reported=True`` or states its
    message.

    Like Fixit's ``Invalid(expected_message=..., range=...)``, an example can pin the finding it expects:
    some finding must carry ``message`` as a substring of its message, sit on 1-based ``line`` of
    ``before`` and have fix safety ``safety`` (each only checked when given, all on the same finding).
    ``unsafe=True`` runs it with unsafe fixes enabled.
    """

    before: str
    after: str | None = None
    reported: bool | None = None
    unsafe: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    message: str | None = None
    line: int | None = None
    safety: Safety | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "before", _dedent(self.before))
        if self.after is not None:
            object.__setattr__(self, "after", _dedent(self.after))
        pins = self.message is not None or self.line is not None or self.safety is not None
        if self.reported is None:
            object.__setattr__(self, "reported", self.after is not None or pins)
        if pins and not self.reported:
            raise ValueError("an example that pins a finding (message, line, safety) must be reported")

    def pinned(self, finding: Finding) -> bool:
        """Does ``finding`` match everything this example states about its finding?"""
        return (
            (self.message is None or self.message in finding.message)
            and (self.line is None or finding.line == self.line)
            and (self.safety is None or finding.fix is self.safety)
        )


def _dedent(code: str) -> str:
    code = textwrap.dedent(code)
    if code.startswith("\n"):
        code = code[1:]
    if not code.endswith("\n"):
        code += "\n"
    return code


_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


class Rule(cst.CSTTransformer):
    """Base class of every finfix rule.

    Subclasses set the class attributes below and override LibCST ``visit_*``/``leave_*`` methods.
    Ask for metadata with ``METADATA_DEPENDENCIES``; the engine computes each provider on the rule's
    first ``get_metadata`` that needs it (``finfix.engine.metadata``), so a walk that finds no
    candidate never runs scope analysis.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    #: The safety of the rule's typical fix, shown by `finfix list`; each finding carries its own.
    safety: ClassVar[Safety]
    #: Substrings (or compiled regexes) of which at least one must occur in a file for the rule to run.
    triggers: ClassVar[tuple[str | re.Pattern[str], ...]] = ()
    #: What the file's code (not its comments or strings) must spell or import for the rule to act;
    #: checked on CPython's ``ast`` after ``triggers`` (see `finfix.sdk.ast_triggers`). None: no such test.
    ast_trigger: ClassVar[AstTrigger | None] = None
    examples: ClassVar[tuple[Example, ...]] = ()
    #: Opt-in rules run only when selected by their exact code or name (``select = ["FX107"]``).
    opt_in: ClassVar[bool] = False
    #: Per-rule options and their defaults, set by users under ``[tool.finfix.FXnnn]``.
    options: ClassVar[Mapping[str, Any]] = {}
    #: The library versions the rule concerns (deprecated in, removed in): a run whose targets do not
    #: reach them does not run the rule (finfix.versions). None: every version (anti-patterns, bugs).
    versions: ClassVar[Versions | None] = None
    #: What the fix announces it changes (shown by `finfix verify`, whose verdict is *intended* or *fixed*
    #: when the only difference between the versions is one of these).
    effects: ClassVar[tuple[Effect, ...]] = ()

    def __init__(self, session: FileContext) -> None:
        # A plain CSTTransformer, not LibCST's ContextAwareTransformer: its matcher-decorator machinery
        # costs about a third of every tree walk, and no rule uses matcher decorators. The codemod
        # context (for AddImportsVisitor / RemoveImportsVisitor) is kept as `self.context`.
        super().__init__()
        self.session = session
        self.context = session.context

    # -- what the engine asks -------------------------------------------------------------------
    #: Library markers of which at least one must also occur (a rule about pandas methods needs a
    #: file that names pandas); empty: no such condition.
    requires: ClassVar[tuple[str | re.Pattern[str], ...]] = ()

    @classmethod
    def applies_to(cls, source: str) -> bool:
        """Cheap text test run before parsing; a rule that cannot trigger costs nothing."""
        if cls.requires and not any(
            (m in source) if isinstance(m, str) else m.search(source) is not None for m in cls.requires
        ):
            return False
        return not cls.triggers or any(
            (t in source) if isinstance(t, str) else t.search(source) is not None for t in cls.triggers
        )

    @classmethod
    def docs(cls) -> dict[str, str]:
        """The docstring split by its ``## Heading`` sections."""
        text = inspect.cleandoc(cls.__doc__ or "")
        sections: dict[str, str] = {}
        matches = list(_HEADING.finditer(text))
        for m, nxt in zip(matches, matches[1:] + [None]):
            end = nxt.start() if nxt else len(text)
            sections[m.group(1)] = text[m.end() : end].strip()
        return sections

    # -- what rules call -------------------------------------------------------------------------
    def option(self, key: str) -> Any:
        return self.session.options_for(self).get(key, self.options.get(key))

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        fix: Safety = Safety.DETECT,
        reason: str = "",
        witness: str = "",
    ) -> bool:
        """Record a finding on ``node`` (a node of the tree the rule is visiting: an ``original_node``).
        ``witness``: the evidence, as JSON text (see ``Finding.witness``).

        Returns True when the caller should apply its fix.
        """
        if witness:
            return self.session.report(self, node, message, fix=fix, reason=reason, witness=witness)
        return self.session.report(self, node, message, fix=fix, reason=reason)

    def suppressed(self, node: cst.CSTNode) -> bool:
        """Is a finding on ``node`` suppressed by a `# finfix: ignore` comment? Reports nothing.

        For fixes that must be all-or-nothing across several nodes (a renamed from-import and its uses).
        """
        return self.session.is_suppressed(self, node)

    @property
    def module(self) -> cst.Module:
        return self.session.current_tree


class TracksImports:
    """Mixin for rules that must not take the names in ``import`` statements for uses of them.

    ``self.in_import`` is true while the walk is inside ``import ...`` or ``from ... import ...``.
    Subclasses that also handle imports call ``super()`` in these hooks.
    """

    _import_depth = 0

    @property
    def in_import(self) -> bool:
        return self._import_depth > 0

    def visit_Import(self, node: cst.Import) -> bool | None:
        self._import_depth += 1
        return None

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        self._import_depth -= 1
        return updated_node

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool | None:
        self._import_depth += 1
        return None

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        self._import_depth -= 1
        return updated_node
