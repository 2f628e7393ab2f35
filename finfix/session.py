"""From command-line arguments to results: config, rule selection, file discovery and the runner.

Shared by `check`, `apply`, `verify` and `pr`, so they agree on which files and rules a run covers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

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

    The rules are resolved lazily because resolving them imports every rule and LibCST, which a run
    served entirely from the cache never needs. Selector and option errors raise UsageError then.
    """

    def __init__(
        self, config: config_mod.Config, paths: Sequence[str], rules: Sequence[type[Rule]] | None = None
    ) -> None:
        self.config = config
        self.paths = tuple(paths)  # as shown to the user (relative to the cwd where possible)
        self._rules = tuple(rules) if rules is not None else None
        self._explicit = rules is not None  # narrowed to given rules, not chosen by the selection

    @property
    def selection(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(select, ignore)`` that determine the rules; part of the cache key."""
        if self._explicit:
            return tuple(r.code for r in self.rules), ()
        return tuple(self.config.select), tuple(self.config.ignore)

    @property
    def rules(self) -> tuple[type[Rule], ...]:
        if self._rules is None:
            from finfix import registry

            try:
                self._rules = registry.select(self.config.select, self.config.ignore)
            except registry.UnknownRule as exc:
                raise UsageError(str(exc)) from None
            _check_rule_options(self.config)
        return self._rules

    def narrowed(
        self, *, paths: Sequence[str] | None = None, rules: Sequence[type[Rule]] | None = None
    ) -> Plan:
        """The same run over fewer files or rules (`finfix pr` runs one rule at a time)."""
        if rules is None and not self._explicit:
            return Plan(self.config, self.paths if paths is None else paths)
        return Plan(self.config, self.paths if paths is None else paths, self.rules if rules is None else rules)


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


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
) -> Plan:
    targets = list(targets) or ["."]
    shard_kn = parse_shard(shard) if shard else None
    try:
        cfg = config_mod.load(Path(targets[0]))
    except config_mod.ConfigError as exc:
        raise UsageError(str(exc)) from None
    cfg = cfg.with_cli(
        select=config_mod.parse_codes(list(select) if select else None),
        ignore=config_mod.parse_codes(list(ignore) if ignore else None),
        unsafe_fixes=unsafe_fixes,
        cache=cache,
    )
    found = files.discover(
        targets,
        exclude=(*cfg.exclude, *extra_exclude),
        exclude_root=cfg.root,
        respect_gitignore=cfg.respect_gitignore,
        force_exclude=cfg.force_exclude,
    )
    if found.missing:
        raise UsageError(f"no such file or directory: {', '.join(found.missing)}")
    shown = tuple(display_path(p) for p in found.files)
    if shard_kn:
        shown = take_shard(shown, *shard_kn, root=cfg.root)
    p = Plan(cfg, shown)
    if not lazy_rules:
        p.rules  # noqa: B018  (resolve now: selector errors before any work)
    return p


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


def settings_for(p: Plan, *, fix: bool) -> Settings:
    return Settings(
        fix=fix,
        unsafe_fixes=p.config.unsafe_fixes,
        rule_options=p.config.rule_options,
        target_python=p.config.target_python,
    )


def execute(
    p: Plan,
    *,
    fix: bool,
    jobs: int | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    progress: bool | None = None,
) -> tuple[RunSummary, list[FileResult]]:
    """Run the plan; returns the summary and the results, sorted by path."""
    summary = RunSummary()
    results: list[FileResult] = []
    settings = settings_for(p, fix=fix)
    if p.paths:
        from finfix.project import evidence_for

        settings = evidence_for(p.paths, p.config.root, settings)  # project facts, gathered once, for every worker
    todo: Sequence[str] = p.paths
    store = None
    if p.config.cache and todo:
        from finfix.engine import cache

        store = cache.Cache.open(p.config.root, *p.selection, settings)
        hits, todo = store.lookup(p.paths)
        for r in hits:
            summary.add(r)
            results.append(r)
            if on_result:
                on_result(r)
    if todo:
        from finfix.engine import runner

        rules = p.rules
    show_progress = progress if progress is not None else (sys.stderr.isatty() and len(todo) >= 200)

    def consume(stream) -> None:
        for r in stream:
            summary.add(r)
            results.append(r)
            if on_result:
                on_result(r)

    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from finfix.console import stderr

        with Progress(
            TextColumn("finfix"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=stderr(), transient=True,
        ) as bar:
            task = bar.add_task("files", total=len(todo))
            consume(runner.run(todo, rules, settings, jobs=jobs, on_done=lambda n: bar.advance(task, n)))
    elif todo:
        consume(runner.run(todo, rules, settings, jobs=jobs))
    if store is not None:
        store.update(results[store.hits :])
        store.save()
    results.sort(key=lambda r: r.path)
    summary.sort()
    return summary, results
