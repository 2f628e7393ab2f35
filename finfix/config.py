"""``[tool.finfix]`` in the nearest ``pyproject.toml`` becomes a frozen :class:`Config`.

Precedence: command-line flags > pyproject > defaults. Keys are kebab-case (snake_case is accepted).

```toml
[tool.finfix]
select = ["FX0", "FX101"]      # codes, prefixes or names; default: all rules
ignore = ["FX202"]
exclude = ["legacy/", "*_pb2.py"]   # gitignore-style, relative to this file
unsafe-fixes = false
target-version = "py310"       # default: from project.requires-python, else py310
target-versions = {pandas = "3.0"}   # library versions to plan for (default: pinned, else installed)

extend-select = ["FX9"]        # added to `select` (to a narrowed selection; all rules are the default)
per-file-ignores = {"tests/*" = ["FX101"], "legacy/**" = ["FX2"]}  # gitignore-style, relative to this file
max-file-size = "5 MB"         # larger files are skipped with a one-line error; bytes or "N KB"/"N MB"; 0: no limit

[tool.finfix.FX001]            # per-rule options
sequentialize-all = true

[tool.finfix.verify]           # `finfix verify` and `--verify`
examples = 200
ulps = 0
timeout = 300
```

Each file is configured by the nearest pyproject.toml with a ``[tool.finfix]`` table above it
(:class:`Finder`), whatever the order of the paths on the command line; ``--config`` names one file
for every path instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from finfix.engine.reading import DEFAULT_MAX_FILE_SIZE

# tomllib and finfix.versions (with packaging) are imported where a pyproject.toml is read and where pins or
# targets are: a run in a folder without either, served from the cache, needs neither.

_RULE_TABLE = re.compile(r"^FX\d{3}$", re.IGNORECASE)
_KNOWN = {
    "select", "ignore", "exclude", "unsafe-fixes", "target-version", "respect-gitignore", "force-exclude", "verify",
    "cache", "extend-select", "per-file-ignores", "target-versions",
    "cache", "extend-select", "per-file-ignores", "max-file-size",
}
#: [tool.finfix.verify]: key -> (type check, what it must be)
_VERIFY: dict[str, tuple[Any, str]] = {
    "examples": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "an integer >= 1"),
    "ulps": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "an integer >= 0"),
    "timeout": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0, "a number > 0"),
    "strategies": (lambda v: isinstance(v, dict), "a table"),
}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    root: Path = field(default_factory=Path.cwd)  # directory of the pyproject.toml (or cwd)
    source: Path | None = None  # the pyproject.toml read, if any
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    respect_gitignore: bool = True
    force_exclude: bool = False  # apply `exclude` to files named on the command line too (pre-commit)
    target_python: tuple[int, int] = (3, 10)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    verify: Mapping[str, Any] = field(default_factory=dict)
    cache: bool = True
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (pattern, codes), in file order
    #: (library, version) to plan for: target-versions, then --target over it (finfix.versions)
    target_versions: tuple[tuple[str, str], ...] = ()
    #: (library, specifier, file) the project pins: [project] dependencies, requirements*.txt
    pins: tuple[tuple[str, str, str], ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; 0: no limit

    def with_cli(self, **overrides: Any) -> Config:
        """Apply command-line values; ``None`` means "not given"."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def for_file(self, path: Path) -> Config:
        """This configuration as it applies to ``path``: its per-file-ignores added to ``ignore``."""
        if not self.per_file_ignores:
            return self
        import pathspec

        try:
            rel = Path(os.path.relpath(os.path.abspath(path), self.root)).as_posix()
        except ValueError:
            return self
        extra: list[str] = []
        for pattern, codes in self.per_file_ignores:
            spec = pathspec.GitIgnoreSpec.from_lines([pattern])
            if spec.match_file(rel) or spec.match_file(Path(rel).name):
                extra += [c for c in codes if c not in extra and c not in self.ignore]
        return replace(self, ignore=(*self.ignore, *extra)) if extra else self


class Finder:
    """The configuration of each file: the nearest pyproject.toml with ``[tool.finfix]`` above it (else
    the nearest pyproject.toml at all), as :func:`load` finds it.

    Each folder is looked at once and each pyproject.toml read once, however many files a run covers,
    and files configured by one pyproject.toml share one :class:`Config` object.
    """

    _NONE: tuple[Path | None, dict[str, Any], Path | None, dict[str, Any]] = (None, {}, None, {})

    def __init__(self) -> None:
        self._by_dir: dict[str, Config] = {}
        self._found: dict[Path, tuple[Path | None, dict[str, Any], Path | None, dict[str, Any]]] = {}
        self._configs: dict[Path | None, Config] = {}

    def for_file(self, path: str) -> Config:
        """The configuration of the file ``path`` (a file: its folder is where the search starts)."""
        found = self._by_dir.get(os.path.dirname(path))  # a file of a folder already seen, as spelled
        if found is not None:
            return found
        here = os.path.dirname(os.path.abspath(path))
        found = self._by_dir.get(here)
        if found is None:
            try:
                real = Path(os.path.realpath(here))
            except OSError:
                real = Path(here)
            with_finfix, data, nearest, nearest_data = self._nearest(real)
            source, table = (with_finfix, data) if with_finfix else (nearest, nearest_data)
            found = self._configs.get(source)
            if found is None:
                found = self._configs[source] = _from_data(source, table) if source else Config()
            self._by_dir[here] = found
        self._by_dir[os.path.dirname(path)] = found
        return found

    def _nearest(self, directory: Path) -> tuple[Path | None, dict[str, Any], Path | None, dict[str, Any]]:
        """(nearest with [tool.finfix], its data, nearest at all, its data), from ``directory`` up."""
        known = self._found.get(directory)
        if known is not None:
            return known
        candidate = directory / "pyproject.toml"
        own = (candidate, _read_toml(candidate)) if candidate.is_file() else None
        if own and "finfix" in own[1].get("tool", {}):
            result = (own[0], own[1], own[0], own[1])
        else:
            up = self._nearest(directory.parent) if directory.parent != directory else self._NONE
            result = (up[0], up[1], own[0], own[1]) if own else up
        self._found[directory] = result
        return result


def find_pyproject(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The nearest pyproject.toml with a [tool.finfix] table, else the nearest one at all."""
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop: look up from where the path itself is
        start = Path(os.path.abspath(start))
    here = start if start.is_dir() else start.parent
    first: tuple[Path | None, dict[str, Any]] = (None, {})
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        data = _read_toml(candidate)
        if "finfix" in data.get("tool", {}):
            return candidate, data
        if first[0] is None:
            first = (candidate, data)
    return first


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (invalid byte at offset {exc.start}); TOML files are UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load(start: Path | None = None) -> Config:
    path, data = find_pyproject(start or Path.cwd())
    if path is None:
        return Config()
    return _from_data(path, data)


def load_file(path: Path) -> Config:
    """``--config PATH``: this pyproject.toml (or any TOML file with a ``[tool.finfix]`` table)."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    return _from_data(path.resolve(), _read_toml(path))


def _from_data(path: Path, data: dict[str, Any]) -> Config:
    table = data.get("tool", {}).get("finfix", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.finfix] must be a table")
    return from_table(table, root=path.parent, source=path, project=data.get("project", {}))


def from_table(
    table: Mapping[str, Any], *, root: Path, source: Path | None = None, project: Mapping[str, Any] | None = None
) -> Config:
    norm = {str(k).replace("_", "-"): v for k, v in table.items()}
    rule_options: dict[str, dict[str, Any]] = {}
    for key in list(norm):
        if _RULE_TABLE.match(key):
            value = norm.pop(key)
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: [tool.finfix.{key}] must be a table of options")
            rule_options[key.upper()] = {str(k).replace("_", "-"): v for k, v in value.items()}
    unknown = set(norm) - _KNOWN
    if unknown:
        raise ConfigError(f"{source}: unknown [tool.finfix] key(s): {', '.join(sorted(unknown))}")
    target = _target_version(norm.get("target-version"), (project or {}).get("requires-python"), source)
    select = _str_tuple(norm, "select", source)
    extend = _str_tuple(norm, "extend-select", source)
    if select and extend:
        select = (*select, *(c for c in extend if c not in select))
    return Config(
        root=root,
        source=source,
        select=select,
        ignore=_str_tuple(norm, "ignore", source),
        exclude=_str_tuple(norm, "exclude", source),
        unsafe_fixes=_bool(norm, "unsafe-fixes", False, source),
        respect_gitignore=_bool(norm, "respect-gitignore", True, source),
        force_exclude=_bool(norm, "force-exclude", False, source),
        cache=_bool(norm, "cache", True, source),
        target_python=target,
        rule_options=rule_options,
        verify=_verify_table(norm.get("verify", {}), source),
        per_file_ignores=_per_file_ignores(norm.get("per-file-ignores", {}), source),
        target_versions=_target_versions(norm.get("target-versions", {}), source),
        pins=_pins(root, source, project, norm.get("target-version"), target),
        max_file_size=parse_size(norm.get("max-file-size", DEFAULT_MAX_FILE_SIZE), f"{source}: max-file-size"),
    )


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KIB|MIB|GIB)?\s*", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3}


def parse_size(value: Any, what: str) -> int:
    """``max-file-size``: a byte count, or a string such as ``"500 KB"`` or ``"5MB"`` (0: no limit)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    m = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if not m:
        raise ConfigError(f"{what} must be a number of bytes or a size such as \"5 MB\", not {value!r}")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "B").upper()])


def _verify_table(value: Any, source: Path | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: [tool.finfix.verify] must be a table")
    table = {str(k).replace("_", "-"): v for k, v in value.items()}
    for key, v in table.items():
        if key not in _VERIFY:
            raise ConfigError(f"{source}: [tool.finfix.verify]: unknown key {key} (valid: {', '.join(_VERIFY)})")
        check, what = _VERIFY[key]
        if not check(v):
            raise ConfigError(f"{source}: [tool.finfix.verify] {key} must be {what}, not {v!r}")
    return table


def _pins(root: Path, source: Path | None, project: Mapping[str, Any] | None, explicit: Any,
          target: tuple[int, int]) -> tuple[tuple[str, str, str], ...]:
    """What the project pins (finfix.versions): its dependencies, and its Python as a lower bound."""
    if source is None:
        return ()
    where = "target-version" if explicit is not None else (
        "requires-python" if (project or {}).get("requires-python") else "the default target-version")
    from finfix import versions

    return (*versions.project_pins(root, project), versions.python_pin(target, where))


def _target_versions(value: Any, source: Path | None) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        # a TOML number would lose digits (3.10 is 3.1): versions are strings
        raise ConfigError(f'{source}: target-versions must be a table of library = "version", like {{pandas = "3.0"}}')
    if not value:
        return ()
    from finfix import versions

    try:
        return versions.parse_targets([f"{k}={v}" for k, v in value.items()], f"{source}: target-versions")
    except versions.VersionError as exc:
        raise ConfigError(str(exc)) from None


def _per_file_ignores(value: Any, source: Path | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: per-file-ignores must be a table of pattern = [codes]")
    out = []
    for pattern, codes in value.items():
        if isinstance(codes, str):
            codes = [codes]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{source}: per-file-ignores {pattern!r} must be a list of codes")
        out.append((str(pattern), tuple(codes)))
    return tuple(out)


def _str_tuple(table: Mapping[str, Any], key: str, source: Path | None) -> tuple[str, ...]:
    value = table.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be a list of strings")
    return tuple(value)


def _bool(table: Mapping[str, Any], key: str, default: bool, source: Path | None) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{source}: {key} must be true or false")
    return value


def _target_version(explicit: Any, requires_python: Any, source: Path | None) -> tuple[int, int]:
    if explicit is not None:
        m = re.fullmatch(r"py3(\d+)", str(explicit))
        if not m:
            raise ConfigError(f"{source}: target-version must look like 'py310'")
        return (3, int(m.group(1)))
    if isinstance(requires_python, str):
        # the lowest minor version any lower-bound clause allows: ">=3.9", "~=3.9", "==3.9.*", ">3.8"
        minors = [int(m) for m in re.findall(r"(?:>=?|~=|===?)\s*3\.(\d+)", requires_python)]
        if minors:
            return (3, min(minors))
    return (3, 10)


def parse_codes(values: list[str] | None) -> tuple[str, ...] | None:
    """``--select FX1,FX201 --select FX3`` → ("FX1", "FX201", "FX3")."""
    if values is None:
        return None
    return tuple(part.strip() for v in values for part in v.split(",") if part.strip())
