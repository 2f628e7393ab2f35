"""Library versions: what each rule concerns, what a run targets, and whether a rule applies there.

A rule declares the versions of the one library it is about (``versions = Versions("pandas",
deprecated="2.1", removed="3.0")``). A run targets, per library, the first of:

1. ``--target pandas=3.0`` (repeatable), then ``[tool.finfix] target-versions = {pandas = "3.0"}``:
   an *explicit* target, one version, to plan a migration ahead;
2. the project's pin: ``[project] dependencies`` of the pyproject.toml that configures the file, else
   the ``requirements*.txt`` files next to it (all of them, combined);
3. the version installed where finfix runs.

Python itself is a library here: its pin is the project's ``target-version`` (else
``requires-python``), a lower bound (the code also runs on every later Python), and the interpreter
finfix runs on is never its baseline.

The pin or the installed version is the *baseline*: what the code runs on today. A pin is a range
(``pandas>=2,<2.2``): the code must work on every version it allows, so a rule applies when the
*highest* allowed version has the deprecation (no upper bound: the newest pandas, so it applies), and
its fix is applied only when the *lowest* allowed version has the replacement (no lower bound: the
installed version decides, if it is in the range). An installed version or an explicit target is a
range of one version.

- The change does not apply at the highest targeted version (``pandas==2.0.*`` and a deprecation of
  2.1): the rule is not run, nothing is reported.
- Deprecated but not removed there: reported (the code warns), and fixed: the replacement came with
  the deprecation, so the fix runs on that version.
- With an explicit target above the baseline: what applies at the target but not at the baseline is
  reported as *future*; its fix is applied only if the replacement exists at the baseline too.
- A library that is neither targeted, pinned nor installed: every rule about it applies, as if
  versions were not known (finfix never hides a finding it cannot rule out).

Everything version-shaped goes through ``packaging`` (PEP 440 versions and specifiers).
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

# packaging is imported where used: with importlib.metadata it was half of the start-up of a run served
# from the cache, which parses no version and needs none of its requirements, specifiers or name rules
# (finfix.environment remembers what they computed for its key).


def _pv() -> Any:
    """``packaging.version``, imported when a version is first parsed."""
    from packaging import version

    return version

#: The libraries the built-in rules declare (tests/test_versions.py keeps it in step with them).
#: Their installed versions enter the cache key without importing a rule.
KNOWN_LIBRARIES = (
    "matplotlib", "numba", "numpy", "optuna", "pandas", "plotly", "psutil", "python", "scikit-learn", "scipy",
    "seaborn",
)


class VersionError(ValueError):
    """A target or a declaration that is not a version: a usage error."""


def parse_version(text: Any, what: str) -> Version:
    try:
        return _pv().Version(str(text).strip())
    except _pv().InvalidVersion:
        raise VersionError(f"{what}: {text!r} is not a version (like 3.0 or 2.2.1)") from None


@dataclass(frozen=True)
class Versions:
    """The versions of ``library`` (its distribution name) a rule concerns; declared on the rule class.

    ``deprecated``: the first release that warns; ``removed``: the first that no longer has the API
    (None: not removed yet); ``fix_needs``: the first release where the rule's fix runs (default:
    ``deprecated``, else ``removed``: the replacement came with the deprecation). A rule about
    several APIs declares the earliest of each, so that no finding is hidden.
    """

    library: str
    deprecated: str | None = None
    removed: str | None = None
    fix_needs: str | None = None

    def __post_init__(self) -> None:
        from packaging.utils import canonicalize_name

        object.__setattr__(self, "library", canonicalize_name(self.library))
        if self.deprecated is None and self.removed is None:
            raise ValueError(f"Versions({self.library!r}): give deprecated, removed or both")
        for v in (self.deprecated, self.removed, self.fix_needs):
            if v is not None:
                _pv().Version(v)  # a typo in a declaration fails at import, in the test suite

    @property
    def first(self) -> Version:
        """The first version the change concerns (warns or fails)."""
        return _pv().Version(self.deprecated or self.removed)  # type: ignore[arg-type]

    @property
    def fix_since(self) -> Version:
        return _pv().Version(self.fix_needs) if self.fix_needs is not None else self.first

    def short(self) -> str:
        """``pandas 2.1 → 3.0`` (deprecated → removed; `finfix list`)."""
        return f"{self.library} {self.deprecated or ''} → {self.removed or ''}".replace("  ", " ").strip()

    def describe(self) -> str:
        """``pandas: deprecated in 2.1, removed in 3.0``."""
        parts = []
        if self.deprecated:
            parts.append(f"deprecated in {self.deprecated}")
        parts.append(f"removed in {self.removed}" if self.removed else "not removed yet")
        if self.fix_needs is not None:
            parts.append(f"the fix needs {self.fix_needs}" if _pv().Version(self.fix_needs) > _pv().Version("0") else
                         "the fix runs on any version")
        return f"{self.library}: {', '.join(parts)}"


@dataclass(frozen=True)
class Span:
    """The versions a baseline allows: ``low`` (None: no lower bound) up to ``high`` (None: none)."""

    low: Version | None
    high: Version | None
    high_inclusive: bool
    shown: str  # how the report names it: "pandas>=2,<2.2 (pyproject.toml)", "pandas 3.1.1 (installed)"

    @classmethod
    def exact(cls, version: Version, shown: str) -> Span:
        return cls(version, version, True, shown)

    def admits_from(self, version: Version) -> bool:
        """Does the span allow ``version`` or a later one?"""
        if self.high is None:
            return True
        return version < self.high or (self.high_inclusive and version == self.high)


def span_of(spec: SpecifierSet, shown: str) -> Span:
    """The bounds of a specifier set. ``~=2.1`` is >=2.1,<3; ``==2.1.*`` is >=2.1,<2.2; ``!=`` and
    the `>` of a pre- or post-release change nothing finfix decides on."""
    low: Version | None = None
    high: tuple[Version, bool] | None = None

    def lower(v: Version) -> None:
        nonlocal low
        low = v if low is None or v > low else low

    def upper(v: Version, inclusive: bool) -> None:
        nonlocal high
        if high is None or v < high[0] or (v == high[0] and not inclusive):
            high = (v, inclusive)

    for s in spec:
        op, text = s.operator, s.version
        if op in ("==", "===") and text.endswith(".*"):
            v = _pv().Version(text[:-2])
            lower(v)
            upper(_bump(v.release, len(v.release)), False)
        elif op in ("==", "==="):
            try:
                v = _pv().Version(text)
            except _pv().InvalidVersion:  # `===` takes any string
                continue
            lower(v)
            upper(v, True)
        elif op in (">=", ">"):
            lower(_pv().Version(text))
        elif op == "~=":
            v = _pv().Version(text)
            lower(v)
            upper(_bump(v.release, len(v.release) - 1), False)
        elif op == "<":
            upper(_pv().Version(text), False)
        elif op == "<=":
            upper(_pv().Version(text), True)
    return Span(low, high[0] if high else None, high[1] if high else False, shown)


def _bump(release: tuple[int, ...], keep: int) -> Version:
    """The release after every ``release[:keep]`` one: (2, 1, 3), keep 2 -> 2.2."""
    head = list(release[: max(keep, 1)])
    head[-1] += 1
    return _pv().Version(".".join(map(str, head)))


# -- what a project pins --------------------------------------------------------------------------
def python_pin(target_python: tuple[int, int], where: str) -> tuple[str, str, str]:
    """The Python the project supports, as a pin: ``>=3.10`` (a lower bound; no upper one)."""
    return ("python", f">={target_python[0]}.{target_python[1]}", where)


def project_pins(root: Path, project: Mapping[str, Any] | None) -> tuple[tuple[str, str, str], ...]:
    """``(library, specifier, where)`` for every library the project pins: ``[project] dependencies``
    first; the ``requirements*.txt`` next to the pyproject.toml for the libraries it does not name.
    Lines that are not requirements (options, URLs, ``-r``) are skipped, as pip would read them."""
    pins: dict[str, tuple[SpecifierSet, str]] = {}
    deps = (project or {}).get("dependencies", [])
    if isinstance(deps, list):
        for line in deps:
            _add(pins, line, "pyproject.toml")
    from_pyproject = set(pins)
    for req_file in sorted(glob.glob(os.path.join(glob.escape(str(root)), "requirements*.txt"))):
        name = os.path.basename(req_file)
        try:
            lines = Path(req_file).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            # pip-compile's `pandas==2.1.4 \` + `--hash=...` lines, and comments, are not the requirement
            line = line.split(" #", 1)[0].split(" --", 1)[0].rstrip("\\ \t").strip()
            if line and not line.startswith(("#", "-")):
                _add(pins, line, name, skip=from_pyproject)
    return tuple((lib, str(spec), where) for lib, (spec, where) in sorted(pins.items()))


def _add(pins: dict[str, tuple[SpecifierSet, str]], line: Any, where: str, *, skip: Iterable[str] = ()) -> None:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        req = Requirement(str(line))
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            return  # for another platform or Python (or an extra): not what this environment runs
    except (InvalidRequirement, ValueError):  # packaging's marker errors are ValueErrors too
        return
    lib = canonicalize_name(req.name)
    if lib in skip:
        return
    if lib in pins:  # several lines or files name it: the code must satisfy all of them
        old, old_where = pins[lib]
        pins[lib] = (old & req.specifier, old_where if old_where == where else f"{old_where}, {where}")
    else:
        pins[lib] = (req.specifier, where)


# -- explicit targets -----------------------------------------------------------------------------
def parse_targets(values: Sequence[str], what: str = "--target") -> tuple[tuple[str, str], ...]:
    """``["pandas=3.0", "numpy=2.0"]`` -> (("numpy", "2.0"), ("pandas", "3.0")); one-line errors."""
    from packaging.utils import canonicalize_name

    out: dict[str, str] = {}
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            lib, eq, version = part.partition("=")
            version = version.lstrip("=")  # pandas==3.0, as a pin is written, means the same
            if not eq or not lib.strip() or not version.strip():
                raise VersionError(f"{what} takes LIBRARY=VERSION, like pandas=3.0; got {part!r}")
            out[canonicalize_name(lib.strip())] = str(parse_version(version, f"{what} {part}"))
    return tuple(sorted(out.items()))


def check_libraries(targets: Iterable[tuple[str, str]], known: Iterable[str], what: str) -> None:
    """A target for a library no rule concerns is a typo (``panda=3.0``): say which ones exist."""
    known = sorted(set(known))
    for lib, _ in targets:
        if lib not in known:
            raise VersionError(f"{what}: no rule concerns {lib!r} (libraries: {', '.join(known)})")


def installed(library: str) -> Version | None:
    from finfix import environment

    found = environment.version(library)
    try:
        return _pv().Version(found) if found is not None else None
    except _pv().InvalidVersion:
        return None


# -- what a run targets, and the verdict per rule ---------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One library as a run targets it."""

    library: str
    baseline: Span | None  # the pin, else the installed version; None: neither
    explicit: Version | None  # --target / target-versions

    def describe(self) -> str:
        parts = []
        if self.explicit is not None:
            parts.append(f"target {self.library} {self.explicit}")
        if self.baseline is not None:
            parts.append(self.baseline.shown)
        return "; ".join(parts) or f"{self.library}: unknown (not pinned, not installed)"

    @property
    def highest(self) -> Span | None:
        if self.explicit is not None:
            return Span.exact(self.explicit, f"{self.library} {self.explicit} (target)")
        return self.baseline

    @property
    def lowest(self) -> tuple[Version, str] | None:
        """The lowest version the code must still run on, and how to name it: the baseline's or the
        target's, whichever is lower (a target below the installed version is code for that version)."""
        found = []
        if self.baseline is not None and self.baseline.low is not None:
            found.append((self.baseline.low, self.baseline.shown))
        if self.explicit is not None:
            found.append((self.explicit, f"{self.library} {self.explicit} (target)"))
        return min(found, key=lambda pair: pair[0]) if found else None


def resolve(library: str, explicit: Mapping[str, str], pins: Sequence[tuple[str, str, str]]) -> Target:
    """How a run targets ``library``, from the configuration's explicit targets and pins."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.utils import canonicalize_name

    library = canonicalize_name(library)
    found = installed(library)
    baseline = None
    for lib, spec, where in pins:
        if lib == library:
            try:
                span = span_of(SpecifierSet(spec), f"{library}{spec or ' (any version)'} ({where})")
            except (InvalidSpecifier, _pv().InvalidVersion):
                continue
            if span.low is None and found is not None and SpecifierSet(spec).contains(found, prereleases=True):
                span = Span(found, span.high, span.high_inclusive, f"{span.shown[:-1]}; {found} installed)")
            baseline = span
            break
    if baseline is None and found is not None:
        baseline = Span.exact(found, f"{library} {found} (installed)")
    target = explicit.get(library)
    return Target(library, baseline, _pv().Version(target) if target else None)


@dataclass(frozen=True)
class Verdict:
    """What a run does with one rule's findings."""

    applies: bool  # False: the rule does not run
    future: str = ""  # applies at the explicit target only: says so ("" when it applies today)
    held: str = ""  # why its fixes are not applied ("" when they may be)
    removed: bool = False  # the API is gone at the highest targeted version: the original fails there


def verdict(versions: Versions, target: Target) -> Verdict:
    highest = target.highest
    if highest is not None and not highest.admits_from(versions.first):
        return Verdict(applies=False)
    baseline = target.baseline
    future = ""
    if target.explicit is not None and baseline is not None and not baseline.admits_from(versions.first):
        removed = versions.removed is not None and _pv().Version(versions.removed) <= target.explicit
        change = f"{versions.library} " + (f"removed in {versions.removed}" if removed else f"deprecated in {versions.deprecated}")
        future = f"{change} ({target.library} {target.explicit} targeted); fine on {baseline.shown}"
    held = ""
    lowest = target.lowest
    if lowest is not None and versions.fix_since > lowest[0]:
        held = (f"no fix here: it needs {versions.library}>={versions.fix_since}, and the code must still run on "
                f"{lowest[1]}")
    removed = versions.removed is not None and (highest is None or highest.admits_from(_pv().Version(versions.removed)))
    return Verdict(applies=True, future=future, held=held, removed=removed)


def context(explicit: Mapping[str, str], pins: Sequence[tuple[str, str, str]]) -> tuple[tuple[str, str], ...]:
    """Everything about versions that decides a run's results, without importing a rule: part of the
    cache key (an upgrade of pandas, a new pin or another --target is another run)."""
    from finfix import environment

    def compute() -> list[list[str]]:
        libs = sorted({*KNOWN_LIBRARIES, *explicit, *(lib for lib, _, _ in pins)})
        return [[lib, resolve(lib, explicit, pins).describe()] for lib in libs]

    arg = json.dumps([sorted(explicit.items()), [list(p) for p in pins], KNOWN_LIBRARIES])
    return tuple((lib, how) for lib, how in environment.answer("versions_context", arg, compute))
