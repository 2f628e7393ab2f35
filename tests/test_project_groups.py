"""A large run's project pass, a group of files at a time: packages that import each other stay together,
independent ones give the same facts apart as together, and a package too large for the budget is cut
without losing a module or a digest."""

from __future__ import annotations

import os

import pytest

from finfix.project import _gather_noting_failures, groups

LOADER = "import pandas as pd\n\n\ndef load(path):\n    return pd.read_csv(path)\n"
USER = "from {pkg}.io import load\n\n\ndef prices(path):\n    return load(path).values\n"


@pytest.fixture
def three(project, monkeypatch):
    """Packages a and b import each other's modules (a.use -> b.io); c is on its own."""
    monkeypatch.setenv("FINFIX_CHECKER", "off")
    for pkg in ("a", "b", "c"):
        project.write(f"{pkg}/__init__.py", "")
    project.write("b/io.py", LOADER)
    project.write("a/use.py", USER.format(pkg="b"))
    project.write("c/io.py", LOADER)
    project.write("c/use.py", USER.format(pkg="c"))
    return project


def files_of(project):
    return sorted(str(p) for p in project.root.rglob("*.py"))


def test_importers_stay_together_and_small_groups_are_packed(three):
    files = files_of(three)
    components = groups._import_components(files)
    by_top = sorted(sorted({os.path.basename(os.path.dirname(f)) for f in c}) for c in components)
    assert by_top == [["a", "b"], ["c"]]
    assert len(groups.split(files, [], budget=10**9)) == 1  # under the budget: one group, as before
    apart = groups.split(files, [], budget=1)  # a file over the budget is a group of its own
    assert sorted(f for run, _ in apart for f in run) == files
    assert all(len(run) == 1 or sum(os.path.getsize(f) for f in run) <= 1 for run, _ in apart)


def test_independent_packages_give_the_same_facts_apart(three, monkeypatch):
    files = files_of(three)
    whole, _ = _gather_noting_failures(files, three.root, {}, [])
    biggest = max(sum(os.path.getsize(f) for f in c) for c in groups._import_components(files))
    monkeypatch.setattr(groups, "BUDGET", biggest)  # each import group alone, none cut
    assert len(groups.split(files, [])) > 1
    apart, _ = _gather_noting_failures(files, three.root, {}, [])
    assert apart == whole
    assert any("read_csv" in f.why for f in apart.values.values())


def test_a_package_cut_in_parts_keeps_every_module_and_digest(three, monkeypatch):
    files = files_of(three)
    monkeypatch.setattr(groups, "BUDGET", 1)
    cut, failed = _gather_noting_failures(files, three.root, {}, [])
    assert not failed
    assert set(cut.modules) == {os.path.abspath(f) for f in files}
    assert set(cut.digests) == set(cut.modules)
    # b.io's facts are still known to the rules (merged), though a.use was gathered without it
    assert any(k.startswith("R:b.io.load") for k in cut.values)


def test_run_files_and_context_keep_their_roles(three):
    files = files_of(three)
    run = [f for f in files if "/a/" in f]
    context = [f for f in files if f not in run]
    for group_run, group_context in groups.split(run, context, budget=1):
        assert set(group_run) <= set(run) and set(group_context) <= set(context)


def test_what_a_package_read_in_parts_leaves_unknown_says_so(three, monkeypatch):
    """Never silent about a gap: a parameter's missing call sites may be in a part not read with it."""
    files = files_of(three)
    monkeypatch.setattr(groups, "BUDGET", 1)
    cut, _ = _gather_noting_failures(files, three.root, {}, [])
    assert cut.unknown and all("read in parts" in why for why in cut.unknown.values())
    monkeypatch.setattr(groups, "BUDGET", 10**9)
    whole, _ = _gather_noting_failures(files, three.root, {}, [])
    assert not any("read in parts" in why for why in whole.unknown.values())
