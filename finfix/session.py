"""From command-line arguments to results: config, rule selection, file discovery and the runner.

Shared by `check`, `apply`, `verify` and `pr`, so they agree on which files and rules a run covers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from finfix import config as config_mod
from finfix.engine import files
from finfix.report.text import RunSummary
from finfix.results import FileResult, Settings

if TYPE_CHECKING:
    from finfix.sdk.rule import Rule


class UsageError(Exception):
    """Bad arguments or configuration: exit code 2."""


class Plan:
    """What a run covers: the configuration, the files and (looked up when first needed) the rules.

    Each file is configured by the nearest pyproject.toml above it: ``configs`` holds the files whose
    configuration is not ``config`` (the first path's, which also places the cache and roots
    `verify`); :meth:`groups` splits such a plan into one plan per configuration.

    The rules are resolved lazily because resolving them imports every rule and LibCST, which a run
    served entirely from the cache never needs. Selector and option errors raise UsageError then.
    """

    def __init__(
        self,
        config: config_mod.Config,
        paths: Sequence[str],
        rules: Sequence[type[Rule]] | None = None,
        *,
        configs: Mapping[str, config_mod.Config] | None = None,
        whole_dirs: Sequence[str] = (),
    ) -> None:
        self.config = config
        self.paths = tuple(paths)  # as shown to the user (relative to the cwd where possible)
        #: real paths of directories whose every discovered file is in ``paths`` (no shard, no nested
        #: configuration took some away): the project pass need not look in them for other modules
        self.whole_dirs = tuple(whole_dirs)
        self._rules = tuple(rules) if rules is not None else None
        self._explicit = rules is not None  # narrowed to given rules, not chosen by the selection
        mine = set(self.paths)
        self.configs = {p: c for p, c in (configs or {}).items() if p in mine and c is not config}

    def config_of(self, path: str) -> config_mod.Config:
        return self.configs.get(path, self.config)

    @property
    def selection(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(select, ignore)`` that determine the rules; part of the cache key."""
        if self._explicit:
            return tuple(r.code for r in self.rules), ()
        return tuple(self.config.select), tuple(self.config.ignore)

    @property
    def rules(self) -> tuple[type[Rule], ...]:
        """The rules of the run; with several configurations, every rule one of them selects."""
        if self._rules is None:
            rules = _select(self.config)
            if self.configs:
                chosen = set(rules).union(*(_select(c) for c in self.configs.values()))
                from finfix import registry

                rules = tuple(r for r in registry.all_rules() if r in chosen)
            self._rules = rules
        return self._rules

    def groups(self) -> list[Plan]:
        """One single-configuration plan per configuration, in the order of their first file."""
        if not self.configs:
            return [self]
        by_config: dict[int, tuple[config_mod.Config, list[str]]] = {}
        for path in self.paths:
            cfg = self.config_of(path)
            by_config.setdefault(id(cfg), (cfg, []))[1].append(path)
        out = []
        for cfg, paths in by_config.values():
            rules = None
            if self._explicit:
                own = set(_select(cfg))
                rules = [r for r in self.rules if r in own]
            out.append(Plan(cfg, paths, rules))
        return out

    def for_path(self, path: str) -> Plan:
        """The single-configuration plan of one file (interactive review re-runs files one by one)."""
        return next(g for g in self.narrowed(paths=[path]).groups())

    def narrowed(
        self, *, paths: Sequence[str] | None = None, rules: Sequence[type[Rule]] | None = None
    ) -> Plan:
        """The same run over fewer files or rules (`finfix pr` runs one rule at a time)."""
        paths = self.paths if paths is None else paths
        if rules is None and not self._explicit:
            return Plan(self.config, paths, configs=self.configs)
        return Plan(self.config, paths, self.rules if rules is None else rules, configs=self.configs)


def _select(cfg: config_mod.Config) -> tuple[type[Rule], ...]:
    from finfix import registry

    try:
        rules = registry.select(cfg.select, cfg.ignore)
    except registry.UnknownRule as exc:
        where = f"{cfg.source}: " if cfg.source else ""
        raise UsageError(f"{where}{exc}") from None
    _check_rule_options(cfg)
    verdicts = version_verdicts(cfg, rules)
    # a rule whose change the targeted versions do not reach (a removal in pandas 3.0, a project on
    # 2.0 where it is not even deprecated) does not run: the code works there as it is
    return tuple(r for r in rules if r.code not in verdicts or verdicts[r.code].applies)


def version_verdicts(cfg: config_mod.Config, rules: Sequence[type[Rule]]) -> dict[str, Any]:
    """Rule code -> finfix.versions.Verdict, for the rules that declare versions."""
    from finfix import versions

    explicit = dict(cfg.target_versions)
    targets: dict[str, versions.Target] = {}
    out = {}
    for r in rules:
        if r.versions is not None:
            lib = r.versions.library
            if lib not in targets:
                targets[lib] = versions.resolve(lib, explicit, cfg.pins)
            out[r.code] = versions.verdict(r.versions, targets[lib])
    return out


def finding_kinds(p: Plan) -> Callable[[Any], str | None]:
    """``kind(finding)``: ``"removed"`` when its rule's API is gone at the version the finding's file
    targets, ``"deprecated"`` when it only warns there, None for rules about no library version."""
    from finfix import registry

    rules = registry.by_code()
    by_config: dict[int, dict[str, Any]] = {}

    def kind(f: Any) -> str | None:
        rule = rules.get(f.code)
        if rule is None or rule.versions is None:
            return None
        cfg = p.config_of(f.path)
        verdicts = by_config.get(id(cfg))
        if verdicts is None:
            verdicts = by_config[id(cfg)] = version_verdicts(cfg, [r for r in rules.values() if r.versions])
        return "removed" if verdicts[f.code].removed else "deprecated"

    return kind


def display_paths(paths: Sequence[Path]) -> tuple[str, ...]:
    """Each path relative to the working directory when it is below it, else as it is; the relative
    folder is computed once per folder (os.path.relpath resolves both paths each time)."""
    folders: dict[str, str | None] = {}  # folder -> its relative form (None: another drive)
    shown = []
    for path in paths:
        text = str(path)
        folder, name = os.path.split(text)
        if folder not in folders:
            try:
                folders[folder] = os.path.relpath(folder or os.curdir)
            except ValueError:  # another drive on Windows
                folders[folder] = None
        rel_folder = folders[folder]
        if rel_folder is None:
            shown.append(text)
            continue
        rel = name if rel_folder == os.curdir else os.path.join(rel_folder, name)
        shown.append(text if rel.startswith("..") else rel)
    return tuple(shown)


def plan(
    targets: Sequence[str],
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    unsafe_fixes: bool | None = None,
    extra_exclude: Sequence[str] = (),
    shard: str | None = None,
    cache: bool | None = None,
    lazy_rules: bool = False,
    config_file: str | None = None,
    target: Sequence[str] | None = None,
) -> Plan:
    targets = list(targets) or ["."]
    shard_kn = parse_shard(shard) if shard else None
    overrides = dict(select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, cache=cache,
                     target=parse_target(target))
    if config_file is not None:
        try:
            fixed = config_mod.load_file(Path(config_file))
        except config_mod.ConfigError as exc:
            raise UsageError(str(exc)) from None
        cfg = _with_cli(fixed, **overrides)
        finder = None
    else:
        cfg = _config(Path(targets[0]), **overrides)
        finder = config_mod.Finder()
    found = files.discover(
        targets,
        exclude=(*cfg.exclude, *extra_exclude),
        exclude_root=cfg.root,
        respect_gitignore=cfg.respect_gitignore,
        force_exclude=cfg.force_exclude,
    )
    if found.missing:
        raise UsageError(f"no such file or directory: {', '.join(found.missing)}")
    # debris of a killed earlier run (its temporary files), next to the files and in the cache
    from finfix.engine.lifelines import remove_stale_temps

    # (the walk saw those of the directories it walked; the folders of files named apart are listed here)
    named = {os.path.dirname(os.path.abspath(f)) for f in found.named}
    remove_stale_temps([*named, str(cfg.root / ".finfix_cache")], known=found.temps)
    shown = display_paths(found.files)
    if shard_kn:
        shown = take_shard(shown, *shard_kn, root=cfg.root)
    configs = _configs(shown, cfg, finder, overrides)
    shown = _nested_excludes_applied(shown, cfg, configs, targets)
    # folders whose every file the run has (not when a shard, a nested configuration's or an extra exclude
    # took some away: those stay context for the project pass)
    whole = () if shard_kn or configs or extra_exclude else tuple(os.path.realpath(t) for t in found.walked)
    p = Plan(cfg, shown, configs=configs, whole_dirs=whole)
    if not lazy_rules:
        p.rules  # noqa: B018  (resolve now: selector errors before any work)
    return p


def _nested_excludes_applied(
    paths: Sequence[str], primary: config_mod.Config, configs: Mapping[str, config_mod.Config], given: Sequence[str]
) -> tuple[str, ...]:
    """``paths`` without the files that the ``exclude`` of their own pyproject.toml (nested below the
    first path's) excludes; discovery applied the first path's only. As there, a file named on the
    command line is kept unless its configuration has ``force-exclude``."""
    named = {os.path.abspath(t) for t in given if not os.path.isdir(t)}
    specs: dict[int, Any] = {}
    kept = []
    for path in paths:
        own = configs.get(path)
        if own is None or own.source == primary.source or not own.exclude:
            kept.append(path)
            continue
        absolute = os.path.abspath(path)
        if absolute in named and not own.force_exclude:
            kept.append(path)
            continue
        if id(own) not in specs:
            import pathspec

            specs[id(own)] = pathspec.GitIgnoreSpec.from_lines(list(own.exclude))
        spec = specs[id(own)]
        try:
            rel = Path(os.path.relpath(os.path.realpath(path), os.path.realpath(own.root))).as_posix()
        except ValueError:
            rel = Path(path).as_posix()
        if rel.startswith("../") or not spec.match_file(rel):
            kept.append(path)
    return tuple(kept)


def _configs(
    paths: Sequence[str], primary: config_mod.Config, finder: config_mod.Finder | None, overrides: dict[str, Any]
) -> dict[str, config_mod.Config]:
    """Each file's configuration where it is not ``primary``: another pyproject.toml's (nearer the
    file), or ``primary`` with the file's per-file-ignores."""
    loaded: dict[int, config_mod.Config] = {}  # id of a loaded config -> it with the CLI's overrides
    derived: dict[tuple[int, tuple[str, ...]], config_mod.Config] = {}
    out: dict[str, config_mod.Config] = {}
    for path in paths:
        base = primary
        if finder is not None:
            try:
                raw = finder.for_file(path)
            except config_mod.ConfigError as exc:
                raise UsageError(str(exc)) from None
            if raw.source != primary.source:
                base = loaded.setdefault(id(raw), _with_cli(raw, **overrides))
        own = base.for_file(Path(path)) if base.per_file_ignores else base
        if own is not base:  # one object per distinct ignore list, so groups stay few
            own = derived.setdefault((id(base), own.ignore), own)
        if own is not primary:
            out[path] = own
    return out


def _config(
    start: Path,
    *,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    unsafe_fixes: bool | None,
    cache: bool | None = None,
    target: tuple[tuple[str, str], ...] = (),
) -> config_mod.Config:
    try:
        cfg = config_mod.load(start)
    except config_mod.ConfigError as exc:
        raise UsageError(str(exc)) from None
    if cfg.source is None:  # no pyproject.toml: a project of scripts may still pin in requirements*.txt
        from finfix import versions

        cfg = cfg.with_cli(pins=versions.project_pins(cfg.root, None))
    return _with_cli(cfg, select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, cache=cache, target=target)


def _with_cli(
    cfg: config_mod.Config, *, select: Any, ignore: Any, unsafe_fixes: Any, cache: Any,
    target: tuple[tuple[str, str], ...] = (),
) -> config_mod.Config:
    return cfg.with_cli(
        select=config_mod.parse_codes(list(select) if select else None),
        ignore=config_mod.parse_codes(list(ignore) if ignore else None),
        unsafe_fixes=unsafe_fixes,
        cache=cache,
        # --target pandas=3.0 replaces the pyproject's target for pandas and keeps its others
        target_versions=tuple(sorted({**dict(cfg.target_versions), **dict(target)}.items())) if target else None,
    )


def parse_target(values: Sequence[str] | None) -> tuple[tuple[str, str], ...]:
    """``--target pandas=3.0 --target numpy=2.0``, checked: a bad one is a usage error."""
    from finfix import versions

    if not values:
        return ()
    try:
        parsed = versions.parse_targets(values)
        unknown = [lib for lib, _ in parsed if lib not in versions.KNOWN_LIBRARIES]
        if unknown:  # perhaps a rule pack's library: only then are the rules imported to know
            versions.check_libraries(parsed, [*versions.KNOWN_LIBRARIES, *_declared_libraries()], "--target")
    except versions.VersionError as exc:
        raise UsageError(str(exc)) from None
    return parsed


def _declared_libraries() -> set[str]:
    from finfix import registry

    return {r.versions.library for r in registry.all_rules() if r.versions is not None}


def plan_stdin(
    filename: str,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    unsafe_fixes: bool | None = None,
    config_file: str | None = None,
    target: Sequence[str] | None = None,
) -> Plan:
    """A run over source read from stdin, configured as the file ``filename`` would be (which need
    not exist: an editor's unsaved buffer)."""
    overrides = dict(select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, cache=None, target=parse_target(target))
    if config_file is not None:
        try:
            cfg = _with_cli(config_mod.load_file(Path(config_file)), **overrides)
        except config_mod.ConfigError as exc:
            raise UsageError(str(exc)) from None
    else:
        cfg = _config(Path(filename), **overrides)
    p = Plan(cfg.for_file(Path(filename)), (filename,))
    p.rules  # noqa: B018  (resolve now: selector errors before any work)
    return p


def run_source(p: Plan, raw: bytes, *, fix: bool) -> FileResult:
    """The plan's rules on ``raw``, the content of its one path (``finfix check -``)."""
    from finfix.engine.core import process_source

    return process_source(p.paths[0], raw, p.rules, settings_for(p, fix=fix))


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4): the second of four shards."""
    k, _, n = text.partition("/")
    if not (k.strip().isdigit() and n.strip().isdigit()) or not 1 <= int(k) <= int(n):
        raise UsageError(f"--shard takes K/N with 1 <= K <= N, like 1/4; got {text!r}")
    return int(k), int(n)


def take_shard(paths: Sequence[str], k: int, n: int, *, root: Path) -> tuple[str, ...]:
    """Shard ``k`` of ``n``: every n-th file of the list sorted by path relative to the config root,
    so every machine of a CI matrix splits the same tree the same way, in shards of equal size."""

    def rel(p: str) -> str:
        try:
            return Path(os.path.relpath(os.path.abspath(p), root)).as_posix()
        except ValueError:
            return Path(p).as_posix()

    ordered = sorted(paths, key=rel)
    mine = set(ordered[k - 1 :: n])
    return tuple(p for p in paths if p in mine)


def _check_rule_options(cfg: config_mod.Config) -> None:
    """A misspelt option or rule table would otherwise be ignored without a word."""
    from finfix import registry

    known = registry.by_code()
    where = cfg.source or "configuration"
    for code, options in cfg.rule_options.items():
        rule = known.get(code)
        if rule is None:
            raise UsageError(f"{where}: [tool.finfix.{code}]: no rule has this code")
        declared = {k.replace("_", "-") for k in rule.options}
        unknown = sorted(k for k in options if k.replace("_", "-") not in declared)
        if unknown:
            valid = ", ".join(sorted(declared)) or "none"
            raise UsageError(
                f"{where}: [tool.finfix.{code}]: unknown option(s) {', '.join(unknown)} (valid: {valid})"
            )
        defaults = {k.replace("_", "-"): v for k, v in rule.options.items()}
        for key, value in options.items():
            kind = _option_kind(defaults[key.replace("_", "-")])
            if kind is not None and not _is_kind(value, kind):
                raise UsageError(f"{where}: [tool.finfix.{code}] {key} must be {kind}, not {value!r}")


def _option_kind(default: Any) -> str | None:
    """What an option must be, judged by its default (None: anything goes, the rule checks)."""
    for kind, types in (("true or false", bool), ("an integer", int), ("a number", float), ("a string", str),
                        ("a list", (list, tuple))):
        if isinstance(default, types):
            return kind
    return None


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "true or false":
        return isinstance(value, bool)
    if kind == "an integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "a number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "a string":
        return isinstance(value, str)
    return isinstance(value, (list, tuple))


def settings_for(p: Plan, *, fix: bool, rules: bool = True) -> Settings:
    """The engine's settings for the plan; ``rules=False``: without what needs the rules imported
    (the version verdicts), enough to look the run up in the cache."""
    from finfix import versions

    settings = Settings(
        fix=fix,
        unsafe_fixes=p.config.unsafe_fixes,
        rule_options=p.config.rule_options,
        target_python=p.config.target_python,
        versions=versions.context(dict(p.config.target_versions), p.config.pins),
        max_file_size=p.config.max_file_size,
    )
    return with_verdicts(p, settings) if rules else settings


def with_verdicts(p: Plan, settings: Settings) -> Settings:
    """``settings`` with the notes the engine puts on findings of rules the targets concern."""
    from dataclasses import replace

    notes = {code: (v.future, v.held) for code, v in version_verdicts(p.config, p.rules).items()
             if v.future or v.held}
    return replace(settings, verdicts=notes) if notes else settings


def execute(
    p: Plan,
    *,
    fix: bool,
    jobs: int | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    progress: bool | None = None,
) -> tuple[RunSummary, list[FileResult]]:
    """Run the plan; returns the summary and the results, sorted by path."""
    if p.configs:  # files configured differently: each configuration's files with its own rules
        results = []
        for group in p.groups():
            results += execute(group, fix=fix, jobs=jobs, on_result=on_result, progress=progress)[1]
        results.sort(key=lambda r: r.path)
        summary = RunSummary()
        for r in results:
            summary.add(r)
        summary.sort()
        return summary, results
    from finfix import environment
    from finfix.engine.reading import read_regular_or_none

    # what is installed (versions, rule packs: part of every cache key), remembered in the cache folder
    environment.remember_in(p.config.root / ".finfix_cache" if p.config.cache else None, read=read_regular_or_none)
    summary = RunSummary()
    results: list[FileResult] = []
    settings = settings_for(p, fix=fix, rules=False)
    from finfix.progress import RunProgress

    # the bar appears once the run has lasted ~2 s, whatever the number of files; never off a terminal
    with RunProgress(progress if progress is not None else sys.stderr.isatty()) as bar:
        evidence = None
        if p.paths:
            from finfix.project import project_evidence

            bar.step("project evidence")
            # project facts, gathered once for every worker (read back from the cache when no file changed)
            evidence = project_evidence(p.paths, p.config.root, p.config.exclude, isolate=True, whole_dirs=p.whole_dirs,
                                        cache_dir=p.config.root / ".finfix_cache" if p.config.cache else None)
        todo: Sequence[str] = p.paths
        store = None
        hits: list[FileResult] = []
        if p.config.cache and todo:
            from finfix.engine import cache

            # the facts' digests key the results: a run served whole from the cache never reads the facts
            digests = evidence.cached_digests() if evidence is not None else {}
            if digests is None:
                settings = evidence.settings(settings)  # type: ignore[union-attr]
            store = cache.Cache.open(p.config.root, *p.selection, settings, evidence=digests)
            hits, todo = store.lookup(p.paths)
            if todo and evidence is not None and settings.project is None:
                settings = evidence.settings(settings)
                if dict(settings.project.digests) != store.evidence:  # the facts were gathered anew
                    store.evidence = dict(settings.project.digests)
                    hits, todo = store.lookup(p.paths)
        elif evidence is not None:
            settings = evidence.settings(settings)
        for r in hits:
            summary.add(r)
            results.append(r)
            if on_result:
                on_result(r)
        if todo:
            from finfix.engine import runner

            rules = p.rules
            settings = with_verdicts(p, settings)
            bar.files(len(todo))
            for r in runner.run(todo, rules, settings, jobs=jobs, on_done=bar.advance):
                summary.add(r)
                results.append(r)
                if on_result:
                    on_result(r)
    if store is not None:
        store.update(results[store.hits :])
        store.save()
    if p.config.cache:
        from finfix.engine.cache import write_cache_file

        environment.save(write=write_cache_file)
    results.sort(key=lambda r: r.path)
    summary.sort()
    return summary, results
