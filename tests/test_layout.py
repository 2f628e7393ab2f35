"""The layout issue 12 set up: rules by domain under finfix's own name, layers without cycles, small modules.

Imports are read with `ast` (not by importing), `TYPE_CHECKING` blocks and function-local imports
included; `from finfix import x` counts as an import of the module `finfix.x`.
"""

from __future__ import annotations

import re

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each installed package's files live (pyproject's package-dir: codemods/ installs as finfix.codemods).
SOURCES = {"finfix": ROOT / "finfix", "finfix.codemods": ROOT / "codemods"}
APP = {f"finfix.{m}" for m in ("cli", "session", "config", "interactive", "pr", "explain", "console", "registry")}
MAX_LINES = 600
# Modules their owners are splitting (issue 12, item 5); the lead removes each entry when its split merges.
TOO_LONG_FOR_NOW: set[str] = set()  # every module is under the limit


def _modules() -> dict[str, Path]:
    """Every module of the project by its installed dotted name (packages by their __init__.py)."""
    found: dict[str, Path] = {}
    for package, root in SOURCES.items():
        for path in root.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()

    def add(target: str) -> None:
        while target and target not in MODULES:  # `finfix.sdk.names.code_of` -> the module finfix.sdk.names
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                add(full if full in MODULES else module)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_the_graph_sees_the_imports():
    """The checks below mean something only if the import graph is read right."""
    assert "finfix.codemods.plotting.distplot.rule" in MODULES
    assert "finfix.sdk.rule" in GRAPH["finfix.sdk.names"]  # `from finfix.sdk.rule import Rule`
    assert "finfix.sdk.context" in GRAPH["finfix.sdk.rule"]  # a TYPE_CHECKING import
    assert "finfix.engine.core" in GRAPH["finfix.registry"] or "finfix.codemods" in _reachable("finfix.registry")


def test_no_import_cycle():
    # Tarjan's strongly connected components; a component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_the_rule_layer_imports_neither_the_engine_nor_the_app():
    for name in MODULES:
        if name.startswith("finfix.sdk"):
            bad = {m for m in _reachable(name) if m.startswith("finfix.engine") or m in APP
                   or m.startswith(("finfix.report", "finfix.harness", "finfix.codemods"))}
            assert not bad, f"{name} reaches {sorted(bad)}"


def test_rules_import_the_rule_layer_not_the_engine_or_the_app():
    for name in MODULES:
        if name.startswith("finfix.codemods"):
            bad = {m for m in _reachable(name) if m.startswith("finfix.engine") or m in APP}
            assert not bad, f"{name} reaches {sorted(bad)}"


def test_the_engine_does_not_import_the_app():
    for name in MODULES:
        if name.startswith("finfix.engine"):
            bad = _reachable(name) & APP
            assert not bad, f"{name} reaches {sorted(bad)}"


def test_rules_are_grouped_in_domain_subpackages():
    domains = [p for p in (ROOT / "codemods").iterdir() if (p / "__init__.py").is_file()]
    assert len(domains) >= 4, domains
    loose = [p.name for p in (ROOT / "codemods").glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"rule modules outside a domain subpackage: {loose}"


def test_no_module_over_600_lines():
    too_long = {}
    for path in MODULES.values():
        rel = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and rel not in TOO_LONG_FOR_NOW:
            too_long[rel] = lines
    assert not too_long, too_long


def test_the_allow_list_names_files_that_exist():
    assert all((ROOT / rel).is_file() for rel in TOO_LONG_FOR_NOW), TOO_LONG_FOR_NOW


def test_pyproject_packages_match_the_package_directories():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"finfix.codemods": "codemods"}
    on_disk = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert sorted(config["packages"]) == sorted(on_disk)


def test_import_codemods_fails_outside_the_repository(tmp_path):
    """finfix installs its rules as finfix.codemods: a user's own `codemods` package never collides."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = "import finfix.codemods, sys; print(finfix.codemods.__file__)"
    ok = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr  # finfix is installed, its rules importable under its name
    run = subprocess.run([sys.executable, "-c", "import codemods"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode != 0 and "No module named 'codemods'" in run.stderr, run.stdout + run.stderr


def test_no_reference_to_a_catalog_outside_the_repository():
    """What the rules rely on is in docs/rules-background.md; nothing cites the out-of-tree RULES.md."""
    catalog = re.compile(r"(?<![\w-])RULES\.md")  # not CONTRIBUTING-RULES.md
    cited = []
    for folder in ("finfix", "codemods", "docs", "tests", "benchmarks", "examples"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".md", ".toml") or path == Path(__file__).resolve():
                continue
            if catalog.search(path.read_text(encoding="utf-8", errors="replace")):
                cited.append(path.relative_to(ROOT).as_posix())
    if catalog.search((ROOT / "README.md").read_text(encoding="utf-8")):
        cited.append("README.md")
    assert not cited, cited
