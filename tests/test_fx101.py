"""FX101 mutable-default: the cases of docs/rules-background.md (section 5) and a Hypothesis property."""

from __future__ import annotations

import ast
import asyncio
import copy
import inspect
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finfix.codemods.python.mutable_default import MutableDefault
from finfix.engine.core import Settings, run_rules
from finfix.sdk.rule import Safety


def fix(src: str, *, unsafe: bool = True, target=(3, 10), fix: bool = True):
    src = textwrap.dedent(src).lstrip("\n")
    out, findings = run_rules("m.py", src, [MutableDefault], Settings(fix=fix, unsafe_fixes=unsafe, target_python=target))
    ast.parse(out)
    again, _ = run_rules("m.py", out, [MutableDefault], Settings(fix=fix, unsafe_fixes=unsafe, target_python=target))
    assert again == out, "a second run must change nothing"
    return out, findings


def dd(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


# -- the catalog's rewrite -------------------------------------------------------------------------------


def test_catalog_example():
    out, findings = fix(
        '''
        def add_trade(trade, book=[], *, tags: dict[str, str] = {}):
            """Append a trade."""
            book.append(trade)
            return book
        '''
    )
    assert out == dd(
        '''
        def add_trade(trade, book=None, *, tags: dict[str, str] | None = None):
            """Append a trade."""
            if book is None:
                book = []
            if tags is None:
                tags = {}
            book.append(trade)
            return book
        '''
    )
    assert [(f.fix, f.applied) for f in findings] == [(Safety.UNSAFE, True), (Safety.SAFE, True)]
    assert "mutated" in findings[0].reason


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param(
            "def f(a, cols=[], /, b=1):\n    return len(cols) + a\n",
            "def f(a, cols=None, /, b=1):\n    if cols is None:\n        cols = []\n    return len(cols) + a\n",
            id="posonly",
        ),
        pytest.param(
            "def f(a, *args, opts={}, **kw):\n    return opts.get(a)\n",
            "def f(a, *args, opts=None, **kw):\n    if opts is None:\n        opts = {}\n    return opts.get(a)\n",
            id="kwonly",
        ),
        pytest.param(
            "async def f(s, params={}):\n    return await g(s, **params)\n",
            "async def f(s, params=None):\n    if params is None:\n        params = {}\n    return await g(s, **params)\n",
            id="async",
        ),
        pytest.param(
            dd(
                """
                class Book:
                    def add(self, t, rows=[]):
                        return len(rows)

                    @staticmethod
                    def s(rows=set()):
                        return len(rows)

                    @classmethod
                    def c(cls, rows={1, 2}):
                        return len(rows)
                """
            ),
            dd(
                """
                class Book:
                    def add(self, t, rows=None):
                        if rows is None:
                            rows = []
                        return len(rows)

                    @staticmethod
                    def s(rows=None):
                        if rows is None:
                            rows = set()
                        return len(rows)

                    @classmethod
                    def c(cls, rows=None):
                        if rows is None:
                            rows = {1, 2}
                        return len(rows)
                """
            ),
            id="methods",
        ),
        pytest.param(
            dd(
                '''
                def outer():
                    x = 0
                    def inner(a=[], b={}):
                        """Doc.

                        More doc.
                        """
                        nonlocal x
                        global G
                        # a comment stays where it was
                        return len(a) + len(b) + x
                    return inner
                '''
            ),
            dd(
                '''
                def outer():
                    x = 0
                    def inner(a=None, b=None):
                        """Doc.

                        More doc.
                        """
                        nonlocal x
                        global G
                        if a is None:
                            a = []
                        if b is None:
                            b = {}
                        # a comment stays where it was
                        return len(a) + len(b) + x
                    return inner
                '''
            ),
            id="docstring-global-nonlocal",
        ),
        pytest.param(
            "def f(p={}): return p\n",
            "def f(p=None):\n    if p is None:\n        p = {}\n    return p\n",
            id="one-line",
        ),
        pytest.param(
            "def f(p=[]): n = len(p); return n  # why\n",
            "def f(p=None):  # why\n    if p is None:\n        p = []\n    n = len(p)\n    return n\n",
            id="one-line-two-statements",
        ),
        pytest.param(
            "def f(p=[]): return len(p);  # c\n",
            "def f(p=None):  # c\n    if p is None:\n        p = []\n    return len(p)\n",
            id="one-line-semicolon-comment",
        ),
        pytest.param(
            "if True:\n    def f(p=[]): return p\n",
            "if True:\n    def f(p=None):\n        if p is None:\n            p = []\n        return p\n",
            id="one-line-indented",
        ),
        pytest.param(
            "def f(x=[\n    1,\n    2,\n]):\n    return x\n",
            # copied verbatim, re-indented with the block
            "def f(x=None):\n    if x is None:\n        x = [\n            1,\n            2,\n        ]\n    return x\n",
            id="multi-line-default",
        ),
    ],
)
def test_rewrites(before, after):
    out, findings = fix(before)
    assert out == after
    assert findings and all(f.applied for f in findings)


@pytest.mark.parametrize(
    "default, mutable",
    [
        ("[]", True), ("[1, 2]", True), ("{}", True), ("{'a': 1}", True), ("{1, 2}", True),
        ("[i for i in range(3)]", True), ("{k: 0 for k in 'ab'}", True), ("{i for i in range(3)}", True),
        ("list()", True), ("dict(a=1)", True), ("set()", True), ("bytearray()", True),
        ("collections.defaultdict(list)", True), ("collections.OrderedDict()", True),
        ("collections.Counter()", True), ("collections.deque()", True), ("c.deque()", True),
        ("defaultdict(int)", True), ("np.zeros(3)", True), ("pd.DataFrame()", True),
        ("()", False), ("tuple()", False), ("frozenset()", False), ("'s'", False), ("0", False), ("None", False),
        ("True", False), ("...", False), ("range(3)", False), ("types.MappingProxyType({})", False),
        ("float('nan')", False), ("np.nan", False), ("re.compile('x')", False), ("datetime.date(2020, 1, 1)", False),
        ("DEFAULT_COLS", False), ("(i for i in range(3))", False),
    ],
)
def test_what_is_mutable(default, mutable):
    src = (
        "import collections, re, types, datetime\nimport collections as c\nimport numpy as np\nimport pandas as pd\n"
        "from collections import defaultdict\n"
        f"def f(x={default}):\n    return len(x)\n"
    )
    out, findings = fix(src, unsafe=False)
    assert bool(findings) == mutable
    if mutable:
        assert f"def f(x=None):\n    if x is None:\n        x = {default}\n" in out
    else:
        assert out == src


# -- annotations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ann, py310, py38",
    [
        ("list", "list | None", "Optional[list]"),
        ("list[int]", "list[int] | None", "Optional[list[int]]"),
        ("List[int]", "List[int] | None", "Optional[List[int]]"),
        ("list[object]", "list[object] | None", "Optional[list[object]]"),
        ("dict[str, Any]", "dict[str, Any] | None", "Optional[dict[str, Any]]"),
        ("dict[str, Optional[int]]", "dict[str, Optional[int]] | None", "Optional[dict[str, Optional[int]]]"),
        ("list[int | None]", "list[int | None] | None", "Optional[list[int | None]]"),
        ("Sequence[NoneType]", "Sequence[NoneType] | None", "Optional[Sequence[NoneType]]"),
        ("Optional[list]", "Optional[list]", "Optional[list]"),
        ("typing.Optional[list]", "typing.Optional[list]", "typing.Optional[list]"),
        ("list | None", "list | None", "list | None"),
        ("None | list", "None | list", "None | list"),
        ("list | dict | None", "list | dict | None", "list | dict | None"),
        ("Union[list, None]", "Union[list, None]", "Union[list, None]"),
        ("Any", "Any", "Any"),
        ("typing.Any", "typing.Any", "typing.Any"),
        ("object", "object", "object"),
        ("'list[int]'", "'list[int] | None'", "'Optional[list[int]]'"),
        ('"Optional[list]"', '"Optional[list]"', '"Optional[list]"'),
        ("'dict[str, Optional[int]]'", "'dict[str, Optional[int]] | None'", "'Optional[dict[str, Optional[int]]]'"),
    ],
)
def test_annotations(ann, py310, py38):
    src = f"def f(x: {ann} = []):\n    return len(x)\n"
    out, _ = fix(src)
    assert out == f"def f(x: {py310} = None):\n    if x is None:\n        x = []\n    return len(x)\n"
    out, _ = fix(src, target=(3, 8))
    body = f"def f(x: {py38} = None):\n    if x is None:\n        x = []\n    return len(x)\n"
    if py38.startswith(("Optional[", "'Optional[")) and py38 != ann:
        assert out == "from typing import Optional\n\n" + body
    else:
        assert out == body


def test_py38_import_is_added_once_after_the_imports():
    src = dd(
        '''
        """Module doc."""
        from __future__ import division
        import os
        def f(x: list = []):
            return len(x)
        '''
    )
    out, _ = fix(src, target=(3, 8))
    assert out.startswith('"""Module doc."""\nfrom __future__ import division\nimport os\nfrom typing import Optional\n\n')
    out2, _ = fix("from typing import Optional, List\ndef f(x: List = [], y: list = {}):\n    return x, y\n", target=(3, 8))
    assert out2.count("Optional") == 3 and out2.startswith("from typing import Optional, List\n")


def test_future_annotations_allows_pipe_none_on_old_targets():
    src = "from __future__ import annotations\ndef f(x: list = []):\n    return len(x)\n"
    out, _ = fix(src, target=(3, 8))
    assert out == "from __future__ import annotations\ndef f(x: list | None = None):\n    if x is None:\n        x = []\n    return len(x)\n"


# -- safety ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, safe, why",
    [
        ("return len(x)", True, ""),
        ("for v in x:\n        print(v)", True, ""),
        ("return 'a' in x", True, ""),
        ("return sorted(x)", True, ""),
        ("if x:\n        return 1", True, ""),
        ("return x.get('a', 0) + 1", True, ""),
        ("y = [v * 2 for v in x]\n    return y", True, ""),
        ("x.append(1)", False, "mutated"),
        ("x['k'] = 1", False, "mutated"),
        ("x += [1]", False, "mutated"),
        ("del x[0]", False, "mutated"),
        ("x.update({})", False, "mutated"),
        ("x.attr = 1", False, "mutated"),
        ("return x", False, "returned"),
        ("yield x", False, "yielded"),
        ("self.x = x", False, "aliased"),
        ("y = [x]", False, "stored"),
        ("g(x)", False, "passed on"),
        ("return lambda: x", False, "captured"),
        ("if x is None:\n        return 0", False, "None"),
        ("y = x or [0]\n    y.append(1)", False, ""),
    ],
)
def test_fix_safety(body, safe, why):
    src = f"def f(self=None, x=[9]):\n    {body}\n"
    _, findings = fix(src, unsafe=False, fix=False)
    [finding] = findings
    assert finding.fix is (Safety.SAFE if safe else Safety.UNSAFE), finding.reason
    assert why in finding.reason
    out, findings = fix(src, unsafe=False)
    assert ("x=None" in out) == safe
    assert findings[0].applied == safe


@pytest.mark.parametrize(
    "src",
    [
        # nested mutable elements are shared too: changing them is a behaviour change
        "def f(k, reg={'a': []}):\n    reg['a'].append(k)\n",
        "def f(m=[[0, 0]]):\n    m[0][1] = 5\n",
        "def f(rows=[{}]):\n    for r in rows:\n        r['seen'] = True\n",
        "from collections import defaultdict\ndef f(k, out=defaultdict(list)):\n    out[k].append(1)\n",
        "from collections import defaultdict\ndef f(k, counts=defaultdict(int)):\n    print(counts[k])\n",  # reading inserts
        "import numpy as np\ndef f(a=np.zeros((2, 2))):\n    a[0][1] = 5\n",
    ],
)
def test_mutating_the_defaults_contents_is_not_safe(src):
    _, findings = fix(src, unsafe=False, fix=False)
    assert [f.fix for f in findings] == [Safety.UNSAFE], [f.reason for f in findings]


@pytest.mark.parametrize(
    "default, late",
    [
        ("[DEFAULT]", "DEFAULT"),
        ("{'k': SCALE}", "SCALE"),
        ("np.zeros(N)", "N"),
        ("[undefined_name]", "undefined_name"),
        ("np.zeros(3, dtype=np.float64)", None),
        ("defaultdict(list)", None),
        ("collections.OrderedDict(a=1)", None),
        ("[i * 2 for i in range(3)]", None),
    ],
)
def test_default_reading_a_rebindable_name_is_not_safe(default, late):
    src = (
        "import collections\nimport numpy as np\nfrom collections import defaultdict\n"
        "DEFAULT = SCALE = N = 1\n"
        f"def f(x={default}):\n    return len(x)\n"
    )
    _, findings = fix(src, unsafe=False, fix=False)
    [finding] = findings
    if late:
        assert finding.fix is Safety.UNSAFE and f"reads `{late}`" in finding.reason
    else:
        assert finding.fix is Safety.SAFE, finding.reason


# -- report only -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src, reason",
    [
        ("f = lambda x=[]: x\n", "lambda"),
        ("def f(x=[]): ...\n", "stub"),
        ("def f(x=[]):\n    pass\n", "stub"),
        ("def f(x=[]):\n    '''Doc.'''\n    ...\n", "stub"),
        ("from typing import overload\n@overload\ndef f(x: list = []) -> None: ...\n", "overload"),
        ("import typing\n@typing.overload\ndef f(x: list = []) -> None:\n    ...\n", "overload"),
        ("def fib(n, _cache={}):\n    _cache[n] = n\n    return _cache[n]\n", "cache"),
        ("def f(n, memo=[]):\n    memo.append(n)\n", "cache"),
        ("from dataclasses import dataclass\n@dataclass\nclass B:\n    trades: list = []\n", "class fields"),
        # the default is evaluated where the `def` is; inside the body the same name means something else
        ("def f(scale=1.0, w={'a': scale}):\n    return len(w)\n", "scale"),
        ("def f(w={'a': n}):\n    n = 2\n    return len(w)\n", "`n`"),
        ("class C:\n    D = {'a': 1}\n    def m(self, o=dict(D)):\n        return len(o)\n", "`D`"),
    ],
)
def test_reported_not_rewritten(src, reason):
    out, findings = fix(src)
    assert out == src
    assert findings and all(f.fix is Safety.DETECT and not f.applied for f in findings)
    assert any(reason in f.reason or reason in f.message for f in findings), [f.reason for f in findings]


@pytest.mark.parametrize(
    "src",
    [
        "parser.add_argument('--x', default=[])\n",
        "class Model(BaseModel):\n    tags: list = []\n",
        "class NT(typing.NamedTuple):\n    tags: list = []\n",
        "def f(x=DEFAULT_COLS):\n    return x\n",
        "def list(*a):\n    return a\ndef f(x=list()):\n    return x\n",
        "from numpy import zeros as list\ndef f(x=[].copy):\n    return x\n",
    ],
)
def test_not_reported(src):
    out, findings = fix(src)
    assert out == src and findings == []


def test_finding_position_and_message():
    _, findings = fix("x = 1\n\ndef fetch(symbol, params={}):\n    params['s'] = symbol\n", fix=False)
    [f] = findings
    assert (f.line, f.col, f.end_line, f.end_col) == (3, 19, 3, 28)
    assert f.message == "mutable default `params={}` is shared between calls"
    assert f.code == "FX101" and f.name == "mutable-default"


def test_check_mode_changes_nothing_and_applies_nothing():
    src = "def f(x=[]):\n    return len(x)\n"
    out, findings = fix(src, fix=False)
    assert out == src and [f.applied for f in findings] == [False] and findings[0].fix is Safety.SAFE


# -- Hypothesis: generated functions ------------------------------------------------------------------------

# (source of the default, how to mutate such an object, is it mutable)
DEFAULTS = [
    ("[]", "list"), ("[1, 2]", "list"), ("{}", "dict"), ("{'a': 1}", "dict"), ("{1, 2}", "set"),
    ("[i for i in range(3)]", "list"), ("{k: 0 for k in 'ab'}", "dict"), ("{i for i in range(2)}", "set"),
    ("list()", "list"), ("dict(a=1)", "dict"), ("set()", "set"), ("bytearray(b'ab')", "list"),
    ("collections.defaultdict(list)", "dict"), ("collections.OrderedDict()", "dict"),
    ("collections.Counter('aab')", "dict"), ("collections.deque([1])", "list"),
    ("[G]", "list"), ("[p0]", "list"), ("{'k': p1}", "dict"), ("[K]", "list"),  # names: see NAMES below
    ("()", None), ("None", None), ("0", None), ("'s'", None), ("frozenset()", None), ("(1, [2])", None),
]
ANNOTATIONS = [None, "object", "list[int]", "typing.Optional[object]", "typing.Any", "'Whatever'",
               "dict[str, typing.Optional[int]]", "int | None"]
MUTATE = {"list": "{v}.append(7)", "dict": "{v}['zz'] = 7", "set": "{v}.add(7)"}
# the module binds every name a default may use, so a default evaluated in the wrong scope shows up
NAMES = "import collections\nimport typing\nG = 'global'\np0 = 'global-p0'\np1 = 'global-p1'\nK = 'global-K'\n"


@st.composite
def functions(draw):
    n = draw(st.integers(1, 4))
    drawn = [
        (draw(st.sampled_from(["posonly", "normal", "kwonly"])), *draw(st.sampled_from(DEFAULTS)),
         draw(st.sampled_from(ANNOTATIONS)))
        for _ in range(n)
    ]
    order = {"posonly": 0, "normal": 1, "kwonly": 2}
    drawn.sort(key=lambda p: order[p[0]])
    names = [f"p{i}" for i in range(n)]
    kinds = [mkind for _k, _d, mkind, _a in drawn]
    sig: list[str] = []
    for i, (kind, default, _m, ann) in enumerate(drawn):
        if kind == "kwonly" and "*" not in sig:
            sig.append("*")
        sig.append(f"{names[i]}{': ' + ann if ann else ''}={default}")
        if kind == "posonly" and (i + 1 == n or drawn[i + 1][0] != "posonly"):
            sig.append("/")
    ops = [MUTATE[m].format(v=name) for name, m in zip(names, kinds) if m and draw(st.booleans())]
    ret = f"return ({', '.join(names)},)"
    container = draw(st.sampled_from(["module", "method", "staticmethod", "nested", "async"]))
    target = draw(st.sampled_from([(3, 8), (3, 10)]))
    head = f"{'async ' if container == 'async' else ''}def f({'self, ' if container == 'method' else ''}{', '.join(sig)}):"
    if draw(st.booleans()):  # a one-line body
        fn = f"{head} {'; '.join([*ops, ret])}\n"
    else:
        lines = [head]
        if draw(st.booleans()):
            lines.append('    """Doc."""')
        if draw(st.booleans()):
            lines.append("    global G")
        lines += [f"    {op}" for op in ops] + [f"    {ret}"]
        fn = "\n".join(lines) + "\n"
    if container in ("method", "staticmethod"):
        deco = "    @staticmethod\n" if container == "staticmethod" else ""
        fn = "class C:\n    K = 'class-K'\n" + deco + textwrap.indent(fn, "    ")
    elif container == "nested":
        fn = "def outer():\n" + textwrap.indent(fn, "    ") + "    return f\n"
    return NAMES + fn, container, names, kinds, target


def call(namespace, container):
    if container == "method":
        return namespace["C"]().f()
    if container == "staticmethod":
        return namespace["C"].f()
    if container == "nested":
        return namespace["_f"]()
    if container == "async":
        return asyncio.run(namespace["f"]())
    return namespace["f"]()


def load(src, container):
    ns: dict = {}
    exec(compile(src, "<generated>", "exec"), ns)
    if container == "nested":
        ns["_f"] = ns["outer"]()
    return ns


def the_function(ns, container):
    if container in ("method", "staticmethod"):
        return inspect.getattr_static(ns["C"], "f").__func__ if container == "staticmethod" else ns["C"].f
    return ns["_f"] if container == "nested" else ns["f"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(functions())
def test_property_rewritten_functions_never_share_state(case):
    src, container, names, kinds, target = case
    out, findings = run_rules("g.py", src, [MutableDefault], Settings(fix=True, unsafe_fixes=True, target_python=target))
    ast.parse(out)
    again, _ = run_rules("g.py", out, [MutableDefault], Settings(fix=True, unsafe_fixes=True, target_python=target))
    assert again == out, "not idempotent"

    # what the original returns on its first call is what every call of the fixed function must return
    expected = copy.deepcopy(call(load(src, container), container))
    new_ns = load(out, container)
    params = inspect.signature(the_function(new_ns, container)).parameters
    rewritten = []
    for i, (name, kind) in enumerate(zip(names, kinds)):
        if kind is not None and params[name].default is None:
            rewritten.append(i)
        elif kind is not None:  # left alone: it must have been reported, with the reason
            assert any(f"`{name}=" in f.message and not f.applied and f.reason for f in findings), (name, out)
    first = call(new_ns, container)
    for i in rewritten:
        assert first[i] == expected[i], (names[i], src, out)
        exec(MUTATE[kinds[i]].format(v="obj"), {"obj": first[i]})
    second = call(new_ns, container)
    for i in rewritten:
        assert second[i] is not first[i], (names[i], out)
        assert second[i] == expected[i], (names[i], src, out)
    if target < (3, 10) and "Optional[" in out.replace("typing.Optional[", ""):
        assert "from typing import Optional" in out
