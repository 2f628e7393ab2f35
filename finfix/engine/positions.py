"""Node positions as LibCST's ``PositionProvider`` gives them, at a fraction of its cost.

LibCST computes positions by printing the module with a code generator that, for every token, splits
it on newlines to move a (line, column) pair, and builds two ``CodePosition`` objects and a
``CodeRange`` for every node. On a large file that costs eight times the printing itself, and most
runs ask for the position of a handful of nodes (the findings, a line cited in a reason).

Here the printer records only character offsets (one integer addition per token, one tuple per
node); a node's ``CodeRange`` is built from them when asked, with one line table of the printed
code. The ranges are the same as ``PositionProvider``'s (tests/test_positions.py compares them on
every node of real files): the same code generator drives both, through the same hooks.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Iterator, Mapping, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange
from libcst.metadata import MetadataWrapper, PositionProvider

_NEWLINE = re.compile(r"\r\n?|\n")  # what LibCST's provider counts as a line break


def positions(wrapper: MetadataWrapper) -> Mapping[cst.CSTNode, CodeRange]:
    """The positions of the wrapper's module, computed once per wrapper.

    They are stored in the wrapper's own metadata table under ``PositionProvider``, so that any
    later ``wrapper.resolve(PositionProvider)`` (LibCST's, or a rule's through the engine) gets
    these instead of printing the module again the slow way.
    """
    table = wrapper._metadata  # LibCST's per-provider results; a provider found there is not run
    found = table.get(PositionProvider)
    if found is None:
        found = table[PositionProvider] = SyntacticPositions(wrapper.module)
    return found


class SyntacticPositions(Mapping):
    """``node -> CodeRange`` for every node of ``module``, ranges built on first access."""

    def __init__(self, module: cst.Module) -> None:
        state = _OffsetRecorder(default_indent=module.default_indent, default_newline=module.default_newline)
        module._codegen(state)
        self._offsets = state.offsets
        self._line_starts = state.line_starts
        self._ranges: dict[cst.CSTNode, CodeRange] = {}

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._ranges.get(node)
        if found is None:
            start, end = self._offsets[node]  # KeyError for a node that is not in the module
            found = self._ranges[node] = CodeRange(self._position(start), self._position(end))
        return found

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_right(self._line_starts, offset)  # 1-based: line_starts[0] is line 1
        return CodePosition(line, offset - self._line_starts[line - 1])

    def __contains__(self, node: object) -> bool:
        return node in self._offsets

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)


class _OffsetRecorder(CodegenState):
    """LibCST's code generator state, recording each node's (start, end) character offsets.

    Mirrors ``libcst.metadata.position_provider.PositionProvidingCodegenState``: the whitespace-inclusive
    range in ``after_codegen``, unless the node recorded its syntactic range first (nodes do so through
    ``record_syntactic_position``, optionally hoisting the start or end of a child).
    """

    __slots__ = ("offset", "offsets", "line_starts", "_stack")

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.offset = 0
        self.offsets: dict[cst.CSTNode, tuple[int, int]] = {}
        # Where each line starts, found token by token as LibCST's provider counts lines (a "\r" ending
        # one token and a "\n" starting the next are two line breaks there, as here).
        self.line_starts = [0]
        self._stack: list[int] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line_starts.extend(self.offset + m.end() for m in _NEWLINE.finditer(value))
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        if node not in self.offsets:
            self.offsets[node] = (start, self.offset)

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> Any:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """The context manager of ``record_syntactic_position`` (a class: cheaper than a generator)."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _OffsetRecorder, node: cst.CSTNode, start_node: Any, end_node: Any) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> None:
        offsets = self.state.offsets
        start = offsets[self.start_node][0] if self.start_node is not None else self.start
        end = offsets[self.end_node][1] if self.end_node is not None else self.state.offset
        offsets[self.node] = (start, end)
