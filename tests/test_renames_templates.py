"""Templates (expression replacements) and detect-only rows of the declarative rename transformer."""

from __future__ import annotations

import pytest

from finfix.engine.core import fix_source
from finfix.sdk.renames import NameRename, RenameRule
from finfix.sdk.rule import Safety


class Demo(RenameRule):
    """## What it does
    Test double."""

    code = "FX998"
    name = "demo-templates"
    summary = "test"
    safety = Safety.SAFE
    renames = (
        NameRename("numpy.NINF", "numpy.inf", template="-{}"),
        NameRename("numpy.PZERO", "0.0", template="0.0"),
        NameRename("numpy.NZERO", "-0.0", template="-0.0"),
        NameRename("psutil.NUM_CPUS", "psutil.cpu_count", template="{}()"),
        NameRename("psutil.TOTAL_PHYMEM", "psutil.virtual_memory", template="{}().total"),
        NameRename("numpy.lookfor", "", safety=Safety.DETECT, note="was removed; search the docs instead"),
    )


CASES = [
    ("import numpy as np\nx = np.NINF\n", "import numpy as np\nx = -np.inf\n"),
    ("import numpy as np\ny = x ** np.NINF\n", "import numpy as np\ny = x ** (-np.inf)\n"),
    ("import numpy as np\ny = np.NINF ** 2\n", "import numpy as np\ny = (-np.inf) ** 2\n"),
    ("import numpy as np\ny = np.NINF.real\n", "import numpy as np\ny = (-np.inf).real\n"),
    ("import numpy as np\ny = -np.NINF\n", "import numpy as np\ny = -(-np.inf)\n"),
    ("import numpy as np\ny = a * np.NINF + 1\n", "import numpy as np\ny = a * -np.inf + 1\n"),
    ("import numpy\ny = f(numpy.NINF)\n", "import numpy\ny = f(-numpy.inf)\n"),
    ("from numpy import NINF, sin\ny = NINF\n", "from numpy import inf, sin\ny = -inf\n"),
    ("from numpy import NINF as N\ny = N\n", "from numpy import inf as N\ny = -N\n"),
    ("from numpy import PZERO\ny = PZERO\n", "y = 0.0\n"),
    ("import numpy as np\ny = x ** np.NZERO\n", "import numpy as np\ny = x ** (-0.0)\n"),
    ("import psutil\nn = psutil.NUM_CPUS\n", "import psutil\nn = psutil.cpu_count()\n"),
    ("import psutil as ps\nm = ps.TOTAL_PHYMEM\n", "import psutil as ps\nm = ps.virtual_memory().total\n"),
    ("from psutil import NUM_CPUS\nn = NUM_CPUS\n", "from psutil import cpu_count\nn = cpu_count()\n"),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_template(before, after):
    out, findings = fix_source(before, [Demo])
    assert out == after
    assert findings and all(f.applied for f in findings)
    assert fix_source(out, [Demo])[0] == out


def _y(source: str, numpy_module) -> float:
    """``y`` after running ``source`` with ``import numpy`` giving ``numpy_module``."""
    import builtins

    def imports(name, *args, **kwargs):
        return numpy_module if name == "numpy" else builtins.__import__(name, *args, **kwargs)

    namespace = {"__builtins__": {**vars(builtins), "__import__": imports}, "x": 2.0, "a": 3.0, "f": lambda v: v}
    exec(source, namespace)
    return namespace["y"]


@pytest.mark.parametrize(("before", "after"), [c for c in CASES if "\ny = " in c[0] and "numpy" in c[0]])
def test_template_results_evaluate_like_the_old_constants(before, after):
    """The rewritten expression, run on NumPy 2, gives what the old constant gave on NumPy 1 (precedence
    included: `np.NINF ** 2` must not become `-np.inf ** 2`, which is `-(np.inf ** 2)`)."""
    import types

    import numpy as np

    out, _ = fix_source(before, [Demo])
    assert out == after
    numpy_1 = types.SimpleNamespace(NINF=-np.inf, NZERO=-0.0, PZERO=0.0, inf=np.inf, sin=np.sin)
    old, new = _y(before, numpy_1), _y(out, np)
    assert old == new and np.signbit(old) == np.signbit(new)


def test_user_parentheses_and_unrelated_unary_left_alone():
    source = "import numpy as np\ny = x ** -z + np.NINF\n"
    out, _ = fix_source(source, [Demo])
    assert out == "import numpy as np\ny = x ** -z + -np.inf\n"


@pytest.mark.parametrize("source", ["import numpy as np\nnp.lookfor('fft')\n", "from numpy import lookfor\nlookfor('x')\n"])
def test_detect_rows_are_reported_not_rewritten(source):
    out, findings = fix_source(source, [Demo])
    assert out == source
    assert len(findings) == 1 and findings[0].fix is Safety.DETECT and not findings[0].applied
    assert "search the docs" in findings[0].message


class Builtins(RenameRule):
    """## What it does
    Test double."""

    code = "FX997"
    name = "demo-builtins"
    summary = "test"
    safety = Safety.SAFE
    renames = (NameRename("numpy.object", "builtins.object"),)


def test_aliased_from_import_of_a_builtin_uses_the_builtin():
    # the from-import is dropped, so `O` must not survive (it would be a NameError)
    out, _ = fix_source("from numpy import object as O, sin\nx = O\n", [Builtins])
    assert out == "from numpy import sin\nx = object\n"


class ElsewhereUnsafe(RenameRule):
    """## What it does
    Test double."""

    code = "FX996"
    name = "demo-elsewhere"
    summary = "test"
    safety = Safety.UNSAFE
    renames = (NameRename("scipy.misc.face", "scipy.datasets.face", safety=Safety.UNSAFE, reason="downloads"),)


def test_an_unapplied_fix_queues_no_import():
    source = "import scipy.misc\nimg = scipy.misc.face()\n"
    out, findings = fix_source(source, [ElsewhereUnsafe])  # unsafe fixes not enabled
    assert out == source and findings and not findings[0].applied
    out, _ = fix_source(source, [ElsewhereUnsafe], unsafe=True)
    assert out == "import scipy.datasets\nimport scipy.misc\n\nimg = scipy.datasets.face()\n"  # isort order


def test_a_keyword_value_the_table_does_not_rename_is_not_reported():
    from test_renames import Demo as KeywordDemo  # tests/ is on sys.path (rootdir-relative import mode)

    source = "from sklearn.cluster import KMeans\nKMeans(3, algorithm='elkan')\n"
    assert fix_source(source, [KeywordDemo]) == (source, [])


class Shadowing(RenameRule):
    """## What it does
    Test double."""

    code = "FX995"
    name = "demo-shadowing"
    summary = "test"
    safety = Safety.SAFE
    renames = (NameRename("numpy.alltrue", "numpy.all"), NameRename("numpy.round_", "numpy.round"))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # `from numpy import all` would make the file's builtin `all(...)` NumPy's
        ("from numpy import alltrue\nok = alltrue(m) and all(x for x in xs)\n",
         "from numpy import all as alltrue\nok = alltrue(m) and all(x for x in xs)\n"),
        ("from numpy import round_, sin\ny = round_(x, 2) + round(3.7)\n",
         "from numpy import round as round_, sin\ny = round_(x, 2) + round(3.7)\n"),
        ("from numpy import round_ as r\ny = r(x)\n", "from numpy import round as r\ny = r(x)\n"),
        ("import numpy as np\ny = np.round_(x)\n", "import numpy as np\ny = np.round(x)\n"),
    ],
)
def test_a_from_import_never_shadows_a_builtin(before, after):
    out, findings = fix_source(before, [Shadowing])
    assert out == after
    assert findings and all(f.applied for f in findings)
    assert fix_source(out, [Shadowing])[0] == out


class ToParent(RenameRule):
    """## What it does
    Test double."""

    code = "FX994"
    name = "demo-to-parent"
    summary = "test"
    safety = Safety.SAFE
    renames = (NameRename("psutil.error.NoSuchProcess", "psutil.NoSuchProcess"),)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # the user's own spelling of the parent package, no new import
        ("def f():\n    import psutil as ps\n    try:\n        pass\n    except ps.error.NoSuchProcess:\n        pass\n",
         "def f():\n    import psutil as ps\n    try:\n        pass\n    except ps.NoSuchProcess:\n        pass\n"),
        ("from psutil import error\nE = error.NoSuchProcess\n",
         "import psutil\nfrom psutil import error\n\nE = psutil.NoSuchProcess\n"),
        ("from psutil.error import NoSuchProcess\nE = NoSuchProcess\n",
         "from psutil import NoSuchProcess\n\nE = NoSuchProcess\n"),
    ],
)
def test_a_name_moved_to_a_parent_package_keeps_the_users_spelling(before, after):
    out, _ = fix_source(before, [ToParent])
    assert out == after
