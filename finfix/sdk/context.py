"""What a rule may ask of the file it is walking: the per-file context.

The engine's ``FileSession`` implements it; rules see only this protocol, so the rule layer never
imports the engine.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

import libcst as cst
from libcst.codemod import CodemodContext

from finfix.results import Safety, Settings


class RuleIdentity(Protocol):
    """The part of a rule the context needs (a ``Rule`` has it): which rule is asking."""

    code: str
    options: Mapping[str, Any]


class FileContext(Protocol):
    path: str
    settings: Settings
    #: LibCST's codemod context: rules queue import edits on it (``AddImportsVisitor``).
    context: CodemodContext
    #: The tree the current rule walks (earlier rules' fixes applied).
    current_tree: cst.Module

    @property
    def as_names(self) -> frozenset[str]:
        """Every name the current source binds with ``as`` (see ``names.may_resolve_to``)."""

    def options_for(self, rule: RuleIdentity) -> Mapping[str, Any]:
        """The rule's options as the user set them under ``[tool.finfix.FXnnn]``."""

    def is_suppressed(self, rule: RuleIdentity, node: cst.CSTNode) -> bool:
        """Does a ``# finfix: ignore`` comment cover ``node`` for this rule?"""

    def report(
        self, rule: RuleIdentity, node: cst.CSTNode, message: str, *, fix: Safety, reason: str, witness: str = ""
    ) -> bool:
        """Record a finding; True when the rule should apply its fix."""
