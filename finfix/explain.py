"""A rule's docs as Markdown, for `finfix explain` and the README's rule table."""

from __future__ import annotations

import inspect

from finfix.rule import Rule


def render_markdown(rule: type[Rule]) -> str:
    out = [f"# {rule.code} `{rule.name}`", "", f"*{rule.summary}* (fix safety: **{rule.safety.value}**)", ""]
    body = inspect.cleandoc(rule.__doc__ or "")
    if body:
        out += [body, ""]
    if rule.options:
        out += ["## Options", ""]
        out += [f"- `{k}` (default `{v!r}`), under `[tool.finfix.{rule.code}]`" for k, v in rule.options.items()]
        out.append("")
    rewrites = [e for e in rule.examples if e.after is not None]
    unchanged = [e for e in rule.examples if e.after is None]
    if rewrites:
        out += ["## Examples", ""]
        for e in rewrites:
            note = " (with `--unsafe-fixes`)" if e.unsafe else ""
            out += [f"Before{note}:", "```python", e.before.rstrip(), "```", "After:", "```python", e.after.rstrip(), "```", ""]
    if unchanged:
        out += ["## Left alone", ""]
        for e in unchanged:
            note = "reported, not rewritten" if e.reported else "not reported"
            out += [f"({note})", "```python", e.before.rstrip(), "```", ""]
    return "\n".join(out)
