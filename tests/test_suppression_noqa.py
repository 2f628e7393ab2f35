"""`# noqa` comments people already have are respected (issue 14, item 11): bare `# noqa` silences every
rule, `# noqa: CODE` finfix's codes and the codes of the same checks in ruff / flake8 plugins, and a
comment on the `def` line or on the closing `):` covers the parameters of a multi-line signature."""

from __future__ import annotations

import pytest

from finfix.codemods.numpy_scipy.numpy_removed_aliases import NumpyRemovedAliases
from finfix.codemods.python.mutable_default import MutableDefault
from finfix.codemods.python.silent_except import SilentExcept
from finfix.codemods.python.utcnow import DatetimeUtcnow
from finfix.engine.core import PEER_CODES, fix_source
from finfix import registry

BY_CODE = {r.code: r for r in registry.all_rules()}


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("# noqa", True),
        ("#noqa", True),
        ("# NOQA", True),
        ("# noqa: B006", True),
        ("# noqa:B006,E501", True),
        ("# noqa: E501 B006", True),
        ("# noqa: FX101", True),
        ("# noqa: E501", False),
        ("# noqa: B008", False),
        ("# finfix: ignore[FX101]", True),
        ("# type: ignore", False),
    ],
)
def test_noqa_forms(comment, suppressed):
    source = f"def f(x=[]):  {comment}\n    return len(x)\n"
    out, findings = fix_source(source, [MutableDefault])
    assert (out == source and not findings) == suppressed, (out, findings)


def test_every_peer_code_maps_to_an_existing_rule():
    assert set(PEER_CODES.values()) <= set(BY_CODE)


PEER_CASES = [
    ("S110", SilentExcept, "def f():\n    try:\n        g()\n    except Exception:  {c}\n        pass\n"),
    ("DTZ003", DatetimeUtcnow, "from datetime import datetime\nt = datetime.utcnow()  {c}\n"),
    ("DTZ004", DatetimeUtcnow, "from datetime import datetime\nt = datetime.utcfromtimestamp(0)  {c}\n"),
    ("NPY201", NumpyRemovedAliases, "import numpy as np\nx = np.NaN  {c}\n"),
    ("B006", MutableDefault, "def f(x={{}}):  {c}\n    return len(x)\n"),
]


@pytest.mark.parametrize(("peer", "rule", "template"), PEER_CASES, ids=[c[0] for c in PEER_CASES])
def test_peer_codes_suppress_the_same_check(peer, rule, template):
    plain = template.format(c="")
    out, findings = fix_source(plain, [rule])
    assert findings and out != plain  # the check fires without the comment
    marked = template.format(c=f"# noqa: {peer}")
    out, findings = fix_source(marked, [rule])
    assert out == marked and not findings


@pytest.mark.parametrize("peer", ["PD002", "PD011", "NPY001"])
def test_pandas_and_numpy_peer_codes_suppress(peer):
    rule = BY_CODE[PEER_CODES[peer]]
    examples = [e for e in rule.examples if e.after is not None and not e.unsafe and not e.options]
    line = next((i, e) for e in examples for i, l in enumerate(e.before.splitlines()) if l.strip()
                and fix_source(e.before, [rule])[1] and any(f.line == i + 1 for f in fix_source(e.before, [rule])[1]))
    index, example = line
    lines = example.before.splitlines()
    lines[index] += f"  # noqa: {peer}"
    marked = "\n".join(lines) + "\n"
    out, findings = fix_source(marked, [rule])
    assert all(f.line != index + 1 for f in findings) and marked.splitlines()[index] in out.splitlines()


@pytest.mark.parametrize(
    "source",
    [
        "def f(  # noqa: B006\n    a,\n    x=[],\n):\n    return len(x)\n",
        "def f(\n    a,\n    x=[],\n):  # noqa: B006\n    return len(x)\n",
        "def f(\n    a,\n    x=[],\n) -> int:  # finfix: ignore[FX101]\n    return len(x)\n",
        "async def f(\n    a, x={},\n):  # noqa\n    return len(x)\n",
    ],
)
def test_def_line_or_closing_line_covers_a_multiline_signature(source):
    out, findings = fix_source(source, [MutableDefault])
    assert out == source and not findings


def test_a_comment_in_the_body_does_not_cover_the_signature():
    source = "def f(\n    x=[],\n):\n    return len(x)  # noqa\n"
    out, findings = fix_source(source, [MutableDefault])
    assert findings and out != source
