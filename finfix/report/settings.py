"""`finfix show-settings PATH`: the configuration one file gets, as TOML-like lines."""

from __future__ import annotations

from typing import Any, Sequence

from finfix.config import Config


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_value(str(k))} = {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, str):
        return f'"{v}"'
    return str(v)


def render(path: str, cfg: Config, rules: Sequence[type]) -> str:
    lines = [
        f"# settings for {path}",
        f"# from {cfg.source}" if cfg.source else "# from no pyproject.toml (defaults)",
        f"root = {_value(str(cfg.root))}",
        f"select = {_value(cfg.select)}" + ("  # every rule" if not cfg.select else ""),
        f"ignore = {_value(cfg.ignore)}",
        f"exclude = {_value(cfg.exclude)}",
        f"unsafe-fixes = {_value(cfg.unsafe_fixes)}",
        f"target-version = \"py{cfg.target_python[0]}{cfg.target_python[1]}\"",
        f"respect-gitignore = {_value(cfg.respect_gitignore)}",
        f"force-exclude = {_value(cfg.force_exclude)}",
        f"cache = {_value(cfg.cache)}",
        f"per-file-ignores = {_value(dict(cfg.per_file_ignores))}",
        f"target-versions = {_value(dict(cfg.target_versions))}",
        f"rules = {_value([r.code for r in rules])}  # {len(rules)} rule(s) run on this file",
    ]
    # how each library the rules concern is targeted: explicit, pinned, installed (finfix.versions)
    from finfix import versions

    libs = sorted({r.versions.library for r in rules if getattr(r, "versions", None) is not None}
                  | set(dict(cfg.target_versions)))
    if libs:
        lines += ["", "# library versions (docs/versions.md)"]
        explicit = dict(cfg.target_versions)
        lines += [f"# {versions.resolve(lib, explicit, cfg.pins).describe()}" for lib in libs]
    for code, options in sorted(cfg.rule_options.items()):
        lines += ["", f"[{code}]", *(f"{k} = {_value(v)}" for k, v in options.items())]
    if cfg.verify:
        lines += ["", "[verify]", *(f"{k} = {_value(v)}" for k, v in cfg.verify.items())]
    return "\n".join(lines) + "\n"
