"""Branch coverage of the *before* version of a function while examples run.

Python 3.11 has no ``sys.monitoring``, so this uses ``sys.settrace`` with a tracer that only follows
the frames of the function under test (every other frame gets no local tracer, which keeps the cost
near one call per frame). A numba kernel is measured through its ``py_func``, run as Python on the
same arguments.

A branch is one outcome of an ``if``/``elif``, ``while`` or ``for`` header: *taken* when the next line
run after the header is the first line of its body, *not taken* otherwise (the ``else``, the next
statement, or the function returning); and each ``except`` handler, *taken* when its body runs.
Branches inside one line (``a if c else b``, ``and``/``or``) are not counted.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from dataclasses import dataclass, field
from types import CodeType
from typing import Any, Callable


@dataclass(frozen=True)
class Branch:
    line: int  # line of the header in the file
    taken: bool
    text: str  # the header's source, shortened

    def describe(self) -> str:
        if self.text.startswith("except"):
            return f"line {self.line} `{self.text}` never ran"
        loop = self.text.startswith(("for ", "while "))
        if loop:
            return f"line {self.line} `{self.text}` {'never ran its body' if self.taken else 'never skipped or ended its body'}"
        return f"line {self.line} `{self.text}` never {'true' if self.taken else 'false'}"


@dataclass
class _Header:
    first: int
    last: int
    body_first: int
    text: str
    handler: bool = False


@dataclass
class BranchMap:
    """The branches of one function, and which of them the examples have reached."""

    headers: list[_Header]
    codes: set[CodeType]
    reached: set[tuple[int, bool]] = field(default_factory=set)
    _line_to_header: dict[int, _Header] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(1 if h.handler else 2 for h in self.headers)

    def all_branches(self) -> list[Branch]:
        out = []
        for h in self.headers:
            out.append(Branch(h.first, True, h.text))
            if not h.handler:
                out.append(Branch(h.first, False, h.text))
        return out

    def uncovered(self) -> list[Branch]:
        return [b for b in self.all_branches() if (b.line, b.taken) not in self.reached]

    def summary(self) -> dict[str, Any]:
        return {"reached": len(self.reached), "total": self.total,
                "uncovered": [b.describe() for b in self.uncovered()][:8]}

    def run(self, fn: Callable[[], Any]) -> set[tuple[int, bool]]:
        """Call ``fn()`` (which calls the function), and return the branches this call reached."""
        hit: set[tuple[int, bool]] = set()
        line_to_header = self._line_to_header
        codes = self.codes
        handler_lines = {h.body_first: h for h in self.headers if h.handler}

        def make_tracer() -> Callable:
            head: list[_Header | None] = [None]  # the header whose outcome the next line decides

            def tracer(frame: Any, event: str, arg: Any) -> Any:
                if event == "line":
                    line = frame.f_lineno
                    h = head[0]
                    if h is not None and not (h.first <= line <= h.last):
                        hit.add((h.first, line == h.body_first))
                        head[0] = None
                    h = line_to_header.get(line)
                    if h is not None:
                        head[0] = h
                    handler = handler_lines.get(line)
                    if handler is not None:
                        hit.add((handler.first, True))
                elif event == "return" and head[0] is not None:
                    hit.add((head[0].first, False))
                    head[0] = None
                return tracer

            return tracer

        def global_trace(frame: Any, event: str, arg: Any) -> Any:
            if event == "call" and frame.f_code in codes:
                return make_tracer()
            return None

        previous = sys.gettrace()
        sys.settrace(global_trace)
        try:
            fn()
        except BaseException:  # noqa: BLE001 - what the call raises is compared elsewhere
            pass
        finally:
            sys.settrace(previous)
        new = hit - self.reached
        self.reached |= hit
        return new


def _codes(code: CodeType) -> set[CodeType]:
    found = {code}
    for const in code.co_consts:
        if isinstance(const, CodeType) and not const.co_name.startswith("<"):  # nested defs, not comprehensions
            found |= _codes(const)
    return found


def branch_map(fn: Callable) -> BranchMap | None:
    """The branches of ``fn`` (a kernel's ``py_func``, a function, a method), or None without source."""
    fn = getattr(fn, "py_func", fn)
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    try:
        lines, first = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    offset = first - 1
    headers: list[_Header] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.While, ast.For, ast.AsyncFor)):
            test = node.iter if isinstance(node, (ast.For, ast.AsyncFor)) else node.test
            first_line = node.lineno + offset
            last_line = max(node.lineno, getattr(test, "end_lineno", node.lineno) or node.lineno) + offset
            body_first = node.body[0].lineno + offset
            if body_first <= last_line:  # `if x: y` on one line: the outcome cannot be told from lines
                continue
            if isinstance(test, ast.Constant) and not isinstance(node, (ast.For, ast.AsyncFor)):
                continue  # `while True:`, `if False:`: one outcome only
            text = _header_text(lines, node.lineno - 1)
            headers.append(_Header(first_line, last_line, body_first, text))
        elif isinstance(node, ast.ExceptHandler) and node.body:
            text = _header_text(lines, node.lineno - 1)
            headers.append(_Header(node.lineno + offset, node.lineno + offset, node.body[0].lineno + offset, text,
                                   handler=True))
    headers.sort(key=lambda h: h.first)
    bm = BranchMap(headers, _codes(code))
    for h in headers:
        if not h.handler:
            for line in range(h.first, h.last + 1):
                bm._line_to_header.setdefault(line, h)
    return bm


def _header_text(lines: list[str], index: int) -> str:
    text = lines[index].strip().rstrip(":") if index < len(lines) else ""
    if text.startswith("elif "):
        text = "if " + text[5:]
    return text if len(text) <= 60 else text[:57] + "..."
