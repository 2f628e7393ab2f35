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
    real = gather_mod.gather_undigested

    def counting(*args, **kw):
        calls.append(args)
        return real(*args, **kw)

    monkeypatch.setattr(gather_mod, "gather_undigested", counting)
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


def read_facts_file(path):
    head, payload = path.read_bytes().split(b"\n", 1)
    return json.loads(head), json.loads(payload)


def write_facts_file(path, header, payload, rehash=True):
    data = json.dumps(payload).encode()
    if rehash:
        header["payload_hash"] = facts_cache._bytes_hash(data)
    path.write_bytes(json.dumps(header).encode() + b"\n" + data)


@pytest.mark.parametrize("damage", ["garbage", "hash", "types", "kind", "digests"])
def test_a_damaged_facts_file_is_a_miss(pkg, gathers, damage):
    good = facts(pkg)
    [path] = (pkg.root / ".finfix_cache").glob("facts-*.json")
    header, payload = read_facts_file(path)
    key = next(iter(payload["values"]))
    if damage == "garbage":
        path.write_bytes(b"\x00not json")
    elif damage == "hash":
        payload["values"][key][2] = "forged reason"
        write_facts_file(path, header, payload, rehash=False)
    elif damage == "types":
        payload["values"][key] = 7
        write_facts_file(path, header, payload)
    elif damage == "kind":
        payload["values"][key][0] = "no-such-kind"
        write_facts_file(path, header, payload)
    else:
        header["digests"][next(iter(header["digests"]))] = "forged"
        write_facts_file(path, header, payload)
        assert facts_cache.load_digests(path.parent, path.stem[len("facts-"):]) is None
        return  # the payload is intact: the facts themselves still load
    again = facts(pkg)
    assert len(gathers) == 2 and again == good


def test_the_digests_are_read_without_the_payload(pkg):
    good = facts(pkg)
    [path] = (pkg.root / ".finfix_cache").glob("facts-*.json")
    run_key = path.stem[len("facts-"):]
    header, payload = read_facts_file(path)
    write_facts_file(path, header, {"not": "facts"}, rehash=False)  # a damaged payload...
    assert facts_cache.load_digests(path.parent, run_key) == dict(good.digests)  # ...does not matter here
    assert facts_cache.load(path.parent, run_key) is None


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


def test_a_warm_run_served_whole_from_the_cache_never_reads_the_facts(pkg, gathers, monkeypatch):
    loads = []
    real = facts_cache.load
    monkeypatch.setattr(facts_cache, "load", lambda *a: loads.append(a) or real(*a))
    cold = pkg.cli("check", "pkg")
    warm = pkg.cli("check", "pkg")
    assert warm.stdout == cold.stdout and warm.exit_code == cold.exit_code == 1, warm
    assert len(gathers) == 1 and len(loads) == 1  # the cold run's miss; the warm run read the digests only
    pkg.write("pkg/__init__.py", "# edited\n")  # one file to process again: now the facts are needed
    old = time.time() - 5
    os.utime(pkg.root / "pkg/__init__.py", (old, old))
    again = pkg.cli("check", "pkg")
    assert again.stdout == cold.stdout and len(gathers) == 2
