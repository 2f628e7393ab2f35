"""The project's modules: names, import tables and definitions, read with CPython's ``ast`` (fast)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from finfix.engine.reading import DEFAULT_MAX_FILE_SIZE, NotReadable, read_regular
from finfix.project.paths import file_size, module_name, top_package  # noqa: F401  (re-exported)
from finfix.sdk.ast_nodes import below_until


@dataclass
class Module:
    """A project module. Once :func:`read` has summarised it (:mod:`finfix.project.summaries`), ``tree`` is
    None, ``functions`` and ``classes`` hold a ``Signature`` and a ``ClassShape`` each, and ``scopes`` its
    scopes (the module body's first)."""

    name: str
    path: str  # absolute
    tree: ast.Module | None
    is_package: bool
    #: module-level name -> absolute qualified name it was imported as (`sns` -> `seaborn`, `load` -> `pkg.io.load`)
    imports: dict[str, str] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    functions: dict[str, Any] = field(default_factory=dict)  # qualname -> def, then its Signature
    classes: dict[str, Any] = field(default_factory=dict)  # qualname -> class, then its ClassShape
    assigned: dict[str, list[ast.expr]] = field(default_factory=dict)  # module-level name -> values
    defined: set[str] = field(default_factory=set)  # module-level defs, classes and assigned names
    lines: list[str] = field(default_factory=list)
    scopes: list[Any] = field(default_factory=list)  # finfix.project.infer.Scope, the module body's first


def _resolve_from(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    base = parts if module.is_package else parts[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def read(paths: Iterable[str], then: Callable[[Module], None] | None = None) -> dict[str, Module]:
    """Parse every file, and call ``then`` on each new module right after its parse (the project pass
    summarises it there, so one tree at a time is whole: ``finfix.project.summaries.read``); files that do
    not parse are skipped (the engine reports them)."""
    modules: dict[str, Module] = {}
    for path in paths:
        try:
            raw, _ = read_regular(path, DEFAULT_MAX_FILE_SIZE)  # never a FIFO or a device: they hang
            tree = ast.parse(raw, filename=path)
        except (OSError, NotReadable, SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        name, is_package = module_name(path)
        text = raw.decode("utf-8", "replace")
        mod = Module(name, path, tree, is_package, lines=text.splitlines())
        _index(mod)
        if name not in modules:
            if then is not None:
                then(mod)
            modules[name] = mod
    return modules


def _index(mod: Module) -> None:
    def visit(body: list[ast.stmt], prefix: str, top: bool) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = f"{prefix}{stmt.name}"
                mod.functions[qual] = stmt
                if top:
                    mod.defined.add(stmt.name)
            elif isinstance(stmt, ast.ClassDef):
                qual = f"{prefix}{stmt.name}"
                mod.classes[qual] = stmt
                if top:
                    mod.defined.add(stmt.name)
                visit(stmt.body, qual + ".", False)
            elif top and isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        mod.imports[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        mod.imports[head] = head
            elif top and isinstance(stmt, ast.ImportFrom):
                origin = _resolve_from(mod, stmt)
                for alias in stmt.names:
                    if alias.name == "*":
                        mod.stars.append(origin)
                    else:
                        mod.imports[alias.asname or alias.name] = f"{origin}.{alias.name}" if origin else alias.name
            elif top and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for t in targets:
                    if isinstance(t, ast.Name):
                        mod.defined.add(t.id)
                        if stmt.value is not None:
                            mod.assigned.setdefault(t.id, []).append(stmt.value)
            elif top and isinstance(stmt, ast.With):
                # A module-level `with` (pyfolio's `with warnings.catch_warnings(): from seaborn import *`) runs
                # its body once, unconditionally: its statements are top-level facts; `as` targets are bindings.
                for item in stmt.items:
                    for sub in ast.walk(item.optional_vars) if item.optional_vars is not None else ():
                        if isinstance(sub, ast.Name):
                            mod.defined.add(sub.id)
                            mod.assigned.setdefault(sub.id, []).append(ast.Constant(value=None))  # not one value
                visit(stmt.body, prefix, True)
            elif top and isinstance(stmt, (ast.If, ast.Try)):
                # `try: import x except ImportError: x = None`, `if TYPE_CHECKING:` ...: bindings, not facts
                for sub in ast.walk(stmt):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        for alias in sub.names:
                            if alias.name != "*":
                                mod.defined.add((alias.asname or alias.name).split(".")[0])
                    elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                        mod.defined.add(sub.id)
                        mod.assigned.setdefault(sub.id, []).append(ast.Constant(value=None))  # not one value
                    elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                        mod.defined.add(sub.name)

    visit(mod.tree.body, "", True)


def module_level(tree: ast.Module):
    """Module-body nodes outside functions and classes' methods."""
    return below_until(tree.body, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
