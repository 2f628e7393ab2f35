"""Narrowing by a project's own type predicates and by early-exit guards (issue 13).

vectorbt tests its arguments with `checks.is_series(x)` (a project function that only returns
`isinstance(x, pd.Series)`) and often as a guard: `if not checks.is_series(x): raise ...`, then uses `x`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from finfix.codemods.pandas.values import PandasValues
from finfix.engine.core import process_source
from finfix.project.gather import gather
from finfix.results import Safety, Settings

CHECKS = '''\
import pandas as pd


def is_series(arg):
    """Docstrings are allowed."""
    return isinstance(arg, pd.Series)


def is_frame(arg):
    return isinstance(arg, pd.DataFrame)


def is_pandas(arg):
    return is_series(arg) or is_frame(arg)


def is_sized(arg):
    return isinstance(arg, pd.Series) and len(arg) > 0
'''

MAIN = '''\
import numpy as np
from pkg_guards import checks


def branch(x):
    if checks.is_pandas(x):
        return x.values
    return np.asarray(x)


def guard(x):
    if not checks.is_series(x):
        raise TypeError("a Series, please")
    return x.values


def builtin_guard(x):
    for item in x:
        if not isinstance(item, pd.DataFrame):
            continue
        return item.values


def rebound(x):
    if not checks.is_series(x):
        raise TypeError("a Series, please")
    x = list(x)
    return x.values


def not_a_predicate(x):
    if checks.is_sized(x):
        return x.values


def loop_rebound(x, items):
    if not checks.is_series(x):
        raise TypeError("a Series, please")
    for item in items:
        total = x.values
        x = item
    return total


def wrong_branch(x):
    if checks.is_frame(x):
        return None
    return x.values
'''


def _run(tmp_path: Path):
    pkg_guards = tmp_path / "pkg_guards"
    pkg_guards.mkdir()
    (pkg_guards / "__init__.py").write_text("")
    (pkg_guards / "checks.py").write_text(CHECKS)
    main = pkg_guards / "main.py"
    main.write_text(MAIN.replace("import numpy as np\n", "import numpy as np\nimport pandas as pd\n"))
    files = [str(p) for p in sorted(pkg_guards.glob("*.py"))]
    facts = gather(files, tmp_path)
    settings = Settings(fix=True, unsafe_fixes=True, project=facts)
    result = process_source(str(main), main.read_bytes(), (PandasValues,), settings)
    assert result.error is None, result.error
    lines = main.read_text().splitlines()
    return result, {f.line: f for f in result.findings}, lines


def _line(lines, func, text):
    start = lines.index(next(ln for ln in lines if ln.startswith(f"def {func}(")))
    return next(n for n in range(start, len(lines)) if text in lines[n]) + 1


def test_predicates_and_guards_prove_the_kind_and_the_fixed_code_runs(tmp_path, monkeypatch):
    result, by_line, lines = _run(tmp_path)
    for func, text in (("branch", "return x.values"), ("guard", "return x.values"),
                       ("builtin_guard", "return item.values")):
        f = by_line[_line(lines, func, text)]
        assert f.applied, (func, f.message)
    assert by_line[_line(lines, "guard", "return x.values")].fix is Safety.UNSAFE  # a Series: extension dtypes
    assert "after `if not checks.is_series(x):` exits" in by_line[_line(lines, "guard", "return x.values")].message
    assert by_line[_line(lines, "builtin_guard", "return item.values")].fix is Safety.SAFE  # a DataFrame
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "pkg_guards" / "main.py").write_bytes(result.new)
    from pkg_guards import main as fixed

    assert fixed.branch(pd.Series([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert fixed.branch([3]).tolist() == [3]
    assert isinstance(fixed.guard(pd.Series([1, 2])), np.ndarray)
    assert fixed.builtin_guard([1, pd.DataFrame({"a": [1]})]).tolist() == [[1]]


def test_no_narrowing_without_proof(tmp_path):
    _result, by_line, lines = _run(tmp_path)
    for func, text in (("rebound", "return x.values"), ("not_a_predicate", "return x.values"),
                       ("wrong_branch", "return x.values"), ("loop_rebound", "total = x.values")):
        f = by_line.get(_line(lines, func, text))
        assert f is None or not f.applied, (func, f.message)
