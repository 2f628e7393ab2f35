"""Bytes a fix does not need to touch stay as they were (issue 14, item 10): removing a keyword keeps
the trailing comma and line breaks of the call, and continuation lines aligned with a parenthesis that
the fix moves are moved with it. The fixed code is executed and gives the frame the original gave."""

from __future__ import annotations

import warnings

import libcst as cst
import pandas as pd
import pytest

from finfix.codemods.pandas.inplace import PandasInplace
from finfix.engine.core import fix_source
from finfix.sdk.names import keyword, remove_arg


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("f(a, inplace=True)", "f(a)"),
        ("f(a, inplace=True, )", "f(a, )"),
        ("f(\n    a,\n    inplace=True,\n)", "f(\n    a,\n)"),
        ("f(\n    a,\n    inplace=True\n)", "f(\n    a\n)"),
        ("f(\n    a,\n    inplace=True,\n    b=2,\n)", "f(\n    a,\n    b=2,\n)"),
        ("f(a, inplace=True, b=2)", "f(a, b=2)"),
        ("f(inplace=True)", "f()"),
        ("f(a,  # keep me\n  inplace=True)", "f(a,  # keep me\n  )"),  # the comment stays
    ],
)
def test_remove_arg_keeps_the_rest(before, after):
    call = cst.parse_expression(before)
    assert isinstance(call, cst.Call)
    new = call.with_changes(args=remove_arg(call.args, keyword(call, "inplace")))
    assert cst.Module(body=[]).code_for_node(new) == after


FRAME = "import pandas as pd\ndf = pd.DataFrame({'a': [1, 1, 2], 'c': [3, 3, 4]})\n"
CASES = [
    ("df.drop_duplicates(\n    ['a'],\n    inplace=True,\n)\n", "df = df.drop_duplicates(\n    ['a'],\n)\n"),
    ("df.drop_duplicates(\n    ['a'],\n    inplace=True\n)\n", "df = df.drop_duplicates(\n    ['a']\n)\n"),
    ("df.rename(columns={'a': 'b'},\n          index={0: 9},\n          inplace=True)\n",
     "df = df.rename(columns={'a': 'b'},\n               index={0: 9})\n"),
    ("df.rename(columns={\n    'a': 'b',\n}, inplace=True)\n", "df = df.rename(columns={\n    'a': 'b',\n})\n"),
]


@pytest.mark.parametrize(("statement", "expected"), CASES)
def test_inplace_fix_keeps_layout_and_result(statement, expected):
    source = FRAME + statement
    fixed, findings = fix_source(source, [PandasInplace], unsafe=True)
    assert findings and fixed == FRAME + expected
    results = []
    for code in (source, fixed):
        namespace: dict = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the original's `inplace` is deprecated: that is the finding
            exec(code, namespace)
        results.append(namespace["df"])
    pd.testing.assert_frame_equal(results[0], results[1])
