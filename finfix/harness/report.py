"""Verdicts as values, and their renderings: a rich table, JSON, Markdown (for PR bodies)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

VERDICTS = ("equivalent", "different", "skipped", "error")
DEFAULT_EXAMPLES = 200
DEFAULT_TIMEOUT = 300.0  # seconds per file (both versions, every function in it)


@dataclass(frozen=True)
class VerifyResult:
    path: str
    function: str
    verdict: str  # one of VERDICTS
    examples: int = 0
    max_ulp: int = 0
    counterexample: dict[str, Any] | None = None  # {"args": {name: repr}, "where", "before", "after"}
    note: str = ""
    compile_seconds: float = 0.0  # trial typing and compilation (numba), or input planning
    examples_seconds: float = 0.0  # running the examples (and the race check)
    race_seconds: float = 0.0  # repeated parallel runs of prange kernels on large inputs
    load_seconds: float = 0.0  # this function's share of loading both versions of the module
    inputs: str = ""  # where each parameter's values came from

    @property
    def examples_per_second(self) -> float:
        return round(self.examples / self.examples_seconds, 1) if self.examples_seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["examples_per_second"] = self.examples_per_second
        return data


def exit_code(results: Iterable[VerifyResult]) -> int:
    """0 every verified function is equivalent (or skipped), 1 any differs, 2 any error."""
    verdicts = {r.verdict for r in results}
    if "error" in verdicts:
        return 2
    return 1 if "different" in verdicts else 0


def totals(results: Sequence[VerifyResult]) -> dict[str, Any]:
    examples = sum(r.examples for r in results)
    run = sum(r.examples_seconds for r in results)
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    return {
        "functions": len(results),
        **counts,
        "examples": examples,
        "load_seconds": round(sum(r.load_seconds for r in results), 3),
        "compile_seconds": round(sum(r.compile_seconds for r in results), 3),
        "examples_seconds": round(run, 3),
        "race_seconds": round(sum(r.race_seconds for r in results), 3),
        "examples_per_second": round(examples / run, 1) if run > 0 else 0.0,
    }


def render_json(results: Sequence[VerifyResult]) -> str:
    return json.dumps({"results": [r.to_json() for r in results], "summary": totals(results)}, indent=2)


def _args(cx: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in cx.get("args", {}).items()) or "(no arguments)"


def render_markdown(results: Sequence[VerifyResult]) -> str:
    if not results:
        return "No changed functions to verify.\n"
    t = totals(results)
    lines = [
        f"**finfix verify**: {t['equivalent']} equivalent, {t['different']} different, {t['skipped']} skipped, "
        f"{t['error']} errors; {t['examples']} examples at {t['examples_per_second']:g}/s "
        f"(compile {t['compile_seconds']:.1f}s, load {t['load_seconds']:.1f}s).",
        "",
        "| file | function | verdict | examples | max ULP | note |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in results:
        note = r.note.replace("|", "\\|").replace("\n", " ")
        mark = {"equivalent": "✅", "different": "❌", "skipped": "⏭️", "error": "⚠️"}.get(r.verdict, "")
        lines.append(f"| `{r.path}` | `{r.function}` | {mark} {r.verdict} | {r.examples} | {r.max_ulp} | {note} |")
    for r in results:
        if r.counterexample:
            cx = r.counterexample
            lines += [
                "",
                f"<details><summary>Counterexample for <code>{r.function}</code> ({r.path})</summary>",
                "",
                "```",
                f"{r.function}({_args(cx)})",
                f"  before: {cx.get('before')}",
                f"  after:  {cx.get('after')}",
                f"  where:  {cx.get('where')}",
                "```",
                "</details>",
            ]
    return "\n".join(lines) + "\n"


def render_table(results: Sequence[VerifyResult]) -> Any:
    """A rich renderable: one row per function, counterexamples under the table."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    style = {"equivalent": "green", "different": "bold red", "skipped": "yellow", "error": "red"}
    parts: list[Any] = []
    for path in dict.fromkeys(r.path for r in results):
        table = Table("function", "verdict", "examples", "max ULP", "ex/s", box=None, pad_edge=False,
                      title=path, title_justify="left", title_style="bold")
        for r in results:
            if r.path == path:
                table.add_row(r.function, Text(r.verdict, style=style.get(r.verdict, "")), str(r.examples),
                              str(r.max_ulp), f"{r.examples_per_second:g}")
        parts.append(table)
    for r in results:
        if r.note or r.counterexample:
            parts.append(Text(f"\n{r.path}::{r.function}: {r.verdict}" + (f" ({r.note})" if r.note else "")))
        if r.counterexample:
            cx = r.counterexample
            parts.append(Text(
                f"  {r.function}({_args(cx)})\n  before: {cx.get('before')}\n  after:  {cx.get('after')}"
                f"\n  where:  {cx.get('where')}"
            ))
    t = totals(results)
    parts.append(Text(
        f"\n{t['functions']} functions: {t['equivalent']} equivalent, {t['different']} different, "
        f"{t['skipped']} skipped, {t['error']} errors; {t['examples']} examples in {t['examples_seconds']:.2f}s "
        f"({t['examples_per_second']:g}/s), compile {t['compile_seconds']:.2f}s, load {t['load_seconds']:.2f}s"
    ))
    return Group(*parts)
