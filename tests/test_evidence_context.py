"""A run on some files of a package sees the facts of the package's other modules (pre-commit passes the
staged files only, an editor one file), within a byte budget; re-exports made inside a module-level `with`."""

from __future__ import annotations

import os

import pytest

import finfix.project as project_mod
from finfix.project import package_context

SEABORN_WRAPPER = """\
import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "axes.color_cycle is deprecated", UserWarning)
    from seaborn import *  # noqa
"""
PLOTS = """\
from . import _seaborn as sns


def plot_returns(returns, ax):
    sns.distplot(returns, ax=ax)
"""


@pytest.fixture
def quantpkg(project):
    project.write("quantpkg/__init__.py", "")
    project.write("quantpkg/_seaborn.py", SEABORN_WRAPPER)
    project.write("quantpkg/plots.py", PLOTS)
    project.write("quantpkg/unrelated.py", "X = 1\n")
    return project


@pytest.fixture(autouse=True)
def _no_checker(monkeypatch):
    monkeypatch.setenv("FINFIX_CHECKER", "off")  # the facts under test are finfix's own


def test_star_reexport_inside_a_module_level_with_is_followed(quantpkg):
    res = quantpkg.cli("check", "--no-cache", "--select", "FX301", "quantpkg")
    assert "quantpkg/plots.py:5:5: FX301 `sns.distplot` is deprecated" in res.stdout, res


def test_one_file_of_the_package_sees_the_other_modules(quantpkg):
    """`finfix check quantpkg/plots.py` alone: `_seaborn.py` is not in the run but its re-export counts."""
    res = quantpkg.cli("apply", "--no-cache", "--unsafe-fixes", "--select", "FX301", "quantpkg/plots.py")
    assert res.exit_code == 0, res
    fixed = quantpkg.text("quantpkg/plots.py")
    assert "sns.histplot(x=returns" in fixed and "distplot" not in fixed
    assert quantpkg.text("quantpkg/_seaborn.py") == SEABORN_WRAPPER  # context is read, never written


def test_context_is_the_package_and_excludes_apply(quantpkg):
    plots = str(quantpkg.root / "quantpkg/plots.py")
    context = {os.path.basename(p) for p in package_context([plots], quantpkg.root)}
    assert context == {"__init__.py", "_seaborn.py", "unrelated.py"}
    excluded = {os.path.basename(p) for p in package_context([plots], quantpkg.root, ["unrelated.py"])}
    assert excluded == {"__init__.py", "_seaborn.py"}


def test_a_package_inside_a_folder_given_whole_is_not_walked_again(quantpkg, monkeypatch):
    import finfix.engine.files as files_mod

    walks = []
    real = files_mod.discover
    monkeypatch.setattr(files_mod, "discover", lambda *a, **k: walks.append(a) or real(*a, **k))
    files = [str(quantpkg.root / "quantpkg" / n) for n in ("__init__.py", "_seaborn.py", "plots.py")]
    # every file of the folder given whole is in the run: there is nothing else to find
    assert package_context(files, quantpkg.root, whole_dirs=[str(quantpkg.root)]) == []
    assert walks == []
    # a package above the folder given whole is still looked through
    plots = str(quantpkg.root / "quantpkg" / "plots.py")
    found = package_context([plots], quantpkg.root, whole_dirs=[str(quantpkg.root / "quantpkg" / "sub")])
    assert {os.path.basename(p) for p in found} == {"__init__.py", "_seaborn.py", "unrelated.py"}
    assert len(walks) == 1


def test_a_package_over_the_budget_contributes_only_what_the_files_import(quantpkg, monkeypatch):
    monkeypatch.setattr(project_mod, "MAX_CONTEXT_BYTES", len(SEABORN_WRAPPER) + 2)  # not unrelated.py too
    plots = str(quantpkg.root / "quantpkg/plots.py")
    # `from . import _seaborn` imports the package and its module; smallest first, within the budget
    assert [os.path.basename(p) for p in package_context([plots], quantpkg.root)] == ["__init__.py", "_seaborn.py"]


def test_a_script_outside_any_package_has_no_context(project):
    project.write("script.py", "import pandas as pd\n")
    project.write("other.py", "X = 1\n")
    assert package_context([str(project.root / "script.py")], project.root) == []


def test_the_editor_sees_the_package_facts_and_follows_saved_changes(quantpkg):
    """The language server's analysis has the facts `finfix check` has, and refreshes them when another module
    of the package changes on disk."""
    from finfix.lsp.analysis import Analyser

    analyser = Analyser()
    plots = quantpkg.root / "quantpkg/plots.py"
    codes = lambda: [f.code for f in analyser.analyse(plots, PLOTS).findings]  # noqa: E731
    assert codes() == ["FX301"]
    fixed = analyser.fixed_text(plots, PLOTS, codes={"FX301"}, unsafe=True)
    assert fixed is not None and "sns.histplot(x=returns" in fixed
    quantpkg.write("quantpkg/_seaborn.py", "def distplot(x, ax=None):\n    return x\n")  # no longer seaborn
    assert codes() == []
