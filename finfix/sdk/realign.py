"""Keep visually aligned continuation lines aligned when a fix moves the line they align with.

`df.rename(columns=x,\n          index=y)` aligns `index=y` under the first argument. A fix that turns
the statement into `df = df.rename(...)` moves the opening parenthesis five columns right; the
continuation lines move with it. Hanging indents (`f(\n    a,\n)`) are relative to the statement, not
to the parenthesis, and stay as they are.
"""

from __future__ import annotations

import libcst as cst

from finfix.sdk.names import code_of


def shift_aligned(call: cst.Call, by: int) -> cst.Call:
    """``call`` with its aligned continuation lines moved ``by`` columns (the call starts its line)."""
    head = code_of(call.func)
    if by <= 0 or "\n" in head or isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return call
    column = len(head) + 1  # where the first argument starts, relative to the statement
    return call.with_changes(args=[arg.visit(_Shift(column, by)) for arg in call.args])


class _Shift(cst.CSTTransformer):
    def __init__(self, column: int, by: int) -> None:
        super().__init__()
        self.column, self.by = column, by

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        spaces = updated_node.last_line.value
        if len(spaces) < self.column or spaces.strip(" "):
            return updated_node  # a hanging indent, or tabs: not aligned with the parenthesis
        return updated_node.with_changes(last_line=cst.SimpleWhitespace(spaces + " " * self.by))
