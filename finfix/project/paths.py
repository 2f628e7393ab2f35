"""Where a module sits: its package, its dotted name, its size. Apart from :mod:`finfix.project.modules`
(trees, summaries) because a warm run, served from the cache, needs these and none of that.
"""

from __future__ import annotations

import os


def file_size(path: str) -> int:
    """The size of ``path`` in bytes; 0 when it cannot be read (the engine reports it)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def top_package(path: str) -> str | None:
    """The outermost folder with an ``__init__.py`` above ``path`` (None for a loose module)."""
    directory, top = os.path.dirname(os.path.abspath(path)), None
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        top, parent = directory, os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return top


def module_name(path: str) -> tuple[str, bool]:
    """``/r/pkg/sub/mod.py`` -> ``("pkg.sub.mod", False)`` (walking up while ``__init__.py`` exists)."""
    directory, file = os.path.split(path)
    stem = file[:-3] if file.endswith(".py") else file
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    while os.path.exists(os.path.join(directory, "__init__.py")):
        directory, pkg = os.path.split(directory)
        parts.insert(0, pkg)
        if not pkg:
            break
    if not parts:
        parts = [os.path.basename(directory) or stem]
    return ".".join(parts), is_package
