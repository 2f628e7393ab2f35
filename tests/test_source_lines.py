"""The source line a text finding quotes is the line the finding counts (Python's line ends, not splitlines')."""

from __future__ import annotations

import ast

import pytest

from finfix.output import source_lines
from finfix.results import FileResult


class _F:
    def __init__(self, line: int) -> None:
        self.line = line


@pytest.mark.parametrize(
    "data",
    [
        b"import numpy as np\n\x0c\nx = np.float\n",  # a form feed: whitespace to Python, a line end to splitlines
        b"import numpy as np\r\n# \x0b\x1c\xc2\x85 \xe2\x80\xa8 separators\r\nx = np.float\r\n",
        b"import numpy as np\rx = 1\rx = np.float\r",  # lone carriage returns end lines too
        b"\xef\xbb\xbfx = np.float\n",
        b"x = 1\n# caf\xc3\xa9\nx = np.float",  # no final newline
    ],
)
def test_the_quoted_line_is_the_line_python_numbers(tmp_path, data):
    f = tmp_path / "m.py"
    f.write_bytes(data)
    line = next(n.lineno for n in ast.walk(ast.parse(data)) if isinstance(n, ast.Attribute))
    get = source_lines([FileResult(str(f), findings=[_F(line)])])
    assert get(str(f), line) == "x = np.float"
    assert get(str(f), line + 1) is None


def test_lines_come_from_the_checked_bytes_when_the_result_has_them(tmp_path):
    f = tmp_path / "m.py"
    f.write_bytes(b"changed on disk\n")
    get = source_lines([FileResult(str(f), old=b"a = 1\nb = 2\n", findings=[_F(2)])])
    assert (get(str(f), 1), get(str(f), 2), get(str(f), 3)) == ("a = 1", "b = 2", None)
