"""Project facts are read back from `.finfix_cache/` when no file they came from changed; anything else is a
miss: another file's edit, a damaged or foreign cache file, a file changed too recently to trust its stat."""

from __future__ import annotations

import json
import os
import time

import pytest

import finfix.project.gather as gather_mod
from finfix.project import evidence_for, facts_cache
from finfix.results import Settings

HELPERS = "import pandas as pd\n\n\ndef load(path):\n    return pd.read_csv(path)\n"
USE = "from .helpers import load\n\n\ndef prices(path):\n    return load(path).values\n"


@pytest.fixture
def pkg(project, monkeypatch):
    monkeypatch.setenv("FINFIX_CHECKER", "off")
    project.write("pkg/__init__.py", "")
    project.write("pkg/helpers.py", HELPERS)
    project.write("pkg/use.py", USE)
    old = time.time() - 10  # older than the two seconds within which a stat is not trusted
    for name in ("__init__.py", "helpers.py", "use.py"):
        os.utime(project.root / "pkg" / name, (old, old))
    return project


def facts(pkg, cache=True):
    return evidence_for([str(pkg.root / "pkg/use.py")], pkg.root, Settings(),
                        cache_dir=pkg.root / ".finfix_cache" if cache else None).project


@pytest.fixture
def gathers(monkeypatch):
    calls = []
    real = gather_mod.gather

    def counting(*args, **kw):
        calls.append(args)
        return real(*args, **kw)

    monkeypatch.setattr(gather_mod, "gather", counting)
    return calls


def test_unchanged_files_read_the_facts_back(pkg, gathers):
    first = facts(pkg)
    assert any("read_csv" in f.why for f in first.values.values())  # the helper's return, from helpers.py
    second = facts(pkg)
    assert len(gathers) == 1 and second == first


def test_an_edit_of_another_module_gathers_again(pkg, gathers):
    facts(pkg)
    pkg.write("pkg/helpers.py", "def load(path):\n    return [path]\n")
    old = time.time() - 5
    os.utime(pkg.root / "pkg/helpers.py", (old, old))
    after = facts(pkg)
    assert len(gathers) == 2 and not any("read_csv" in f.why for f in after.values.values())


def test_a_file_changed_just_now_is_not_trusted_to_its_stat(pkg, gathers):
    pkg.write("pkg/helpers.py", HELPERS)  # mtime now
    facts(pkg)
    facts(pkg)
    assert len(gathers) == 2 and not list((pkg.root / ".finfix_cache").glob("facts-*.json"))


@pytest.mark.parametrize("damage", ["garbage", "hash", "types", "kind"])
def test_a_damaged_facts_file_is_a_miss(pkg, gathers, damage):
    good = facts(pkg)
    [path] = (pkg.root / ".finfix_cache").glob("facts-*.json")
    doc = json.loads(path.read_text())
    if damage == "garbage":
        path.write_bytes(b"\x00not json")
    else:
        key = next(iter(doc["payload"]["values"]))
        if damage == "hash":
            doc["payload"]["values"][key][2] = "forged reason"
        elif damage == "types":
            doc["payload"]["values"][key] = 7
            doc["hash"] = facts_cache._hash(doc["payload"])
        else:
            doc["payload"]["values"][key][0] = "no-such-kind"
            doc["hash"] = facts_cache._hash(doc["payload"])
        path.write_text(json.dumps(doc))
    again = facts(pkg)
    assert len(gathers) == 2 and again == good


def test_no_cache_dir_means_no_file(pkg, gathers):
    facts(pkg, cache=False)
    facts(pkg, cache=False)
    assert len(gathers) == 2 and not (pkg.root / ".finfix_cache").exists()


def test_a_warm_check_gives_the_same_findings(pkg):
    cold = pkg.cli("check", "--select", "FX202", "pkg")
    warm = pkg.cli("check", "--select", "FX202", "pkg")
    assert "FX202" in cold.stdout and warm.stdout == cold.stdout, warm


def test_facts_gathered_while_the_checker_crashed_are_not_kept(pkg, gathers, monkeypatch):
    """A checker that crashed once (a timeout, a broken install) may answer next time: its absence is not
    cached as if it had nothing to say."""
    import finfix.project.checker as checker

    def crash(*args, **kw):
        raise RuntimeError("checker died")

    monkeypatch.setenv("FINFIX_CHECKER", "")
    monkeypatch.setattr(checker, "infer_types", crash)
    pkg.write("pkg/unknown.py", "def prices(x):\n    return x.values\n")
    old = time.time() - 10
    os.utime(pkg.root / "pkg/unknown.py", (old, old))
    run = lambda: evidence_for([str(pkg.root / "pkg/unknown.py")], pkg.root, Settings(),  # noqa: E731
                               cache_dir=pkg.root / ".finfix_cache")
    run()
    run()
    assert len(gathers) == 2 and not list((pkg.root / ".finfix_cache").glob("facts-*.json"))
    monkeypatch.setattr(checker, "infer_types", lambda *a, **kw: {})
    run()
    run()
    assert len(gathers) == 3 and len(list((pkg.root / ".finfix_cache").glob("facts-*.json"))) == 1


def test_every_kind_the_project_pass_writes_is_read_back(pkg, gathers):
    """A helper returning a bool (`x is None`) gave a fact of kind "bool" that neither the cache's decoder
    nor the rules knew: every warm run gathered again, and `.values` on its result was an internal error."""
    pkg.write("pkg/flags.py", "def is_missing(x):\n    return x is None\n\n\ndef use(x):\n"
                              "    flag = is_missing(x)\n    return flag.values\n")
    old = time.time() - 10
    os.utime(pkg.root / "pkg/flags.py", (old, old))
    run = lambda: evidence_for([str(pkg.root / "pkg/flags.py")], pkg.root, Settings(),  # noqa: E731
                               cache_dir=pkg.root / ".finfix_cache").project
    first = run()
    assert any(f.kind == "bool" for f in first.values.values())
    assert run() == first and len(gathers) == 1
    result = pkg.cli("check", "--no-cache", "pkg/flags.py")
    assert "internal error" not in result.stdout + result.stderr and result.exit_code == 0, result


def test_every_kind_spelled_by_the_project_pass_is_a_fact_kind():
    """The class of the bug above: a kind the solver writes (``Fact("bool", ...)``) that the rules' table
    (FACT_KINDS) and so the cache's decoder do not know. "cycle" is the solver's internal marker."""
    import ast
    from pathlib import Path

    import finfix.project
    from finfix.sdk.evidence.kinds import FACT_KINDS

    spelled = set()
    for source in Path(finfix.project.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Fact" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                spelled.add(node.args[0].value)
    assert "DataFrame" in spelled and spelled - {"cycle"} <= FACT_KINDS.keys()
