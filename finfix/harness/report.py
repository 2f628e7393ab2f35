"""Verdicts as values, and their renderings: a rich table, JSON, Markdown (for PR bodies)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

VERDICTS = ("equivalent", "fixed", "intended", "different", "skipped", "error")
# The verdicts that let `verify` exit 0. *intended*: the only difference is the effect the fix announced
# (the argument no longer mutated, an ndarray with the same values, a chart equal in outline): listed
# and explained, since a reviewer must agree with it.
VERIFIED = ("equivalent", "fixed", "intended")
# Rows are listed in this order: what was not verified first, then what differs, then what differs on purpose.
ORDER = {"skipped": 0, "error": 1, "different": 2, "intended": 3, "fixed": 4, "equivalent": 5}
EXIT_OK, EXIT_DIFFERENT, EXIT_ERROR, EXIT_UNVERIFIED = 0, 1, 2, 3
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
    coverage: dict[str, Any] | None = None  # {"reached", "total", "uncovered": [branch, ...]} of the original
    fix: str = ""  # for a skip or an error: what would let it be verified

    @property
    def verified(self) -> bool:
        return self.verdict in VERIFIED

    def how_to_fix(self) -> str:
        return self.fix or suggested_fix(self)

    @property
    def examples_per_second(self) -> float:
        return round(self.examples / self.examples_seconds, 1) if self.examples_seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["examples_per_second"] = self.examples_per_second
        return data


def exit_code(results: Iterable[VerifyResult], *, allow_skips: bool = False) -> int:
    """0 every changed function verified (equivalent, fixed, or intended), 1 any differs, 2 any error (a version
    that does not import, a timeout, a child that died), 3 any skipped (0 with ``allow_skips``)."""
    verdicts = {r.verdict for r in results}
    if "error" in verdicts:
        return EXIT_ERROR
    if "different" in verdicts:
        return EXIT_DIFFERENT
    if "skipped" in verdicts and not allow_skips:
        return EXIT_UNVERIFIED
    return EXIT_OK


STRATEGY_FIX = ('add a strategy for its parameters ([tool.finfix.verify.strategies] "{key}" = {{param = "st..."}}), '
                "annotate them, or record real calls with `finfix record -m pytest`")


def suggested_fix(r: VerifyResult) -> str:
    """What would let a skipped or failed function be verified, from why it was not."""
    if r.verified or r.verdict == "different":
        return ""
    note = r.note
    if "removed by the change" in note:
        return "nothing to run: the function is gone; review its callers"
    if "module-level code" in note:
        return "no function to call: cover the module-level change with a test"
    if "nondeterministic" in note:
        return "make it repeatable (seed the randomness, pass the clock in), then verify again"
    if "failed to import" in note:
        return "install what the module imports in this environment (or --pass-env what it reads)"
    if "timed out" in note:
        return "raise --timeout, or lower --examples"
    if "before reporting" in note or "exited with code" in note:
        return "the code ends the process (os._exit, sys.exit, a crash) at import or when called; guard it"
    return STRATEGY_FIX.format(key=r.function)


def ordered(results: Iterable[VerifyResult]) -> list[VerifyResult]:
    """Skipped and failed functions first, then different, fixed, equivalent (stable within each)."""
    return sorted(results, key=lambda r: ORDER.get(r.verdict, 0))


def coverage_text(r: VerifyResult) -> str:
    cov = r.coverage
    if not cov or not cov.get("total"):
        return ""
    return f"{cov['reached']}/{cov['total']}"


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
    rows = []
    for r in results:
        data = r.to_json()
        data["fix"] = r.how_to_fix()
        rows.append(data)
    return json.dumps({"results": rows, "summary": totals(results)}, indent=2)


def _args(cx: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in cx.get("args", {}).items()) or "(no arguments)"


def counterexample_lines(function: str, cx: dict[str, Any]) -> list[str]:
    """The call, what each version did, the arguments after the call when they differ, and where the inputs came from."""
    lines = [
        f"{function}({_args(cx)})",
        f"  before: {cx.get('before')}",
        f"  after:  {cx.get('after')}",
    ]
    for side in ("before", "after"):
        changed = (cx.get("args_after") or {}).get(side) or {}
        for name, value in changed.items():
            lines.append(f"  {name} after the call ({side}): {value}")
    lines.append(f"  where:  {cx.get('where')}")
    if cx.get("origin"):
        lines.append(f"  inputs: {cx['origin']}")
    return lines


def _summary(t: dict[str, Any]) -> str:
    return (f"{t['equivalent']} equivalent, {t['fixed']} fixed, {t['intended']} intended, {t['different']} different, "
            f"{t['skipped']} skipped, {t['error']} errors")


def render_markdown(results: Sequence[VerifyResult]) -> str:
    if not results:
        return "No changed functions to verify.\n"
    t = totals(results)
    lines = [
        f"**finfix verify**: {_summary(t)}; {t['examples']} examples at {t['examples_per_second']:g}/s "
        f"(compile {t['compile_seconds']:.1f}s, load {t['load_seconds']:.1f}s).",
        "",
    ]
    unverified = [r for r in results if r.verdict in ("skipped", "error")]
    if unverified:
        lines += [f"**Not verified ({len(unverified)})**: these functions were not compared; nothing is known about them.", ""]
        lines += [f"- `{r.path}` `{r.function}`: {r.verdict}, {_md(r.note)}. Fix: {_md(r.how_to_fix())}"
                  for r in ordered(unverified)]
        lines.append("")
    intended = [r for r in results if r.verdict == "intended"]
    if intended:
        lines += [f"**Intended ({len(intended)})**: the only difference is the effect the fix announces; review "
                  "that it is what you want.", ""]
        lines += [f"- `{r.path}` `{r.function}`: {_md(r.note)}" for r in intended]
        lines.append("")
    lines += [
        "| file | function | verdict | examples | branches | max ULP | note |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    mark = {"equivalent": "✅", "fixed": "🔧", "intended": "📣", "different": "❌", "skipped": "⏭️", "error": "⚠️"}
    for r in ordered(results):
        lines.append(f"| `{r.path}` | `{r.function}` | {mark.get(r.verdict, '')} {r.verdict} | {r.examples} | "
                     f"{coverage_text(r)} | {r.max_ulp} | {_md(r.note)} |")
    for r in ordered(results):
        if r.counterexample:
            lines += [
                "",
                f"<details><summary>{_example_title(r)} <code>{r.function}</code> ({r.path})</summary>",
                "",
                "```",
                *counterexample_lines(r.function, r.counterexample),
                "```",
                "</details>",
            ]
    return "\n".join(lines) + "\n"


def _example_title(r: VerifyResult) -> str:
    return "Example of the intended difference for" if r.verdict == "intended" else "Counterexample for"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(results: Sequence[VerifyResult]) -> Any:
    """A rich renderable: the functions not verified first (why, and the fix), then one table per file,
    then notes and counterexamples."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    style = {"equivalent": "green", "fixed": "cyan", "intended": "magenta", "different": "bold red", "skipped": "yellow",
             "error": "red"}
    parts: list[Any] = []
    unverified = ordered(r for r in results if r.verdict in ("skipped", "error"))
    if unverified:
        parts.append(Text(f"not verified ({len(unverified)}): nothing is known about these functions", style="bold yellow"))
        for r in unverified:
            parts.append(Text(f"  {r.path}::{r.function}: {r.verdict} ({r.note})\n    fix: {r.how_to_fix()}"))
        parts.append(Text(""))
    for path in dict.fromkeys(r.path for r in ordered(results)):
        table = Table("function", "verdict", "examples", "branches", "max ULP", "ex/s", box=None, pad_edge=False,
                      title=path, title_justify="left", title_style="bold")
        for r in ordered(results):
            if r.path == path:
                table.add_row(r.function, Text(r.verdict, style=style.get(r.verdict, "")), str(r.examples),
                              coverage_text(r), str(r.max_ulp), f"{r.examples_per_second:g}")
        parts.append(table)
    for r in ordered(results):
        if r.verdict in ("skipped", "error"):
            continue
        if r.note or r.counterexample:
            parts.append(Text(f"\n{r.path}::{r.function}: {r.verdict}" + (f" ({r.note})" if r.note else "")))
        if r.counterexample:
            lines = counterexample_lines(r.function, r.counterexample)
            if r.verdict == "intended":
                lines[0] = f"{lines[0]}   (an example of the intended difference)"
            parts.append(Text("\n".join(["  " + lines[0], *lines[1:]])))
    t = totals(results)
    parts.append(Text(
        f"\n{t['functions']} functions: {_summary(t)}; {t['examples']} examples in {t['examples_seconds']:.2f}s "
        f"({t['examples_per_second']:g}/s), compile {t['compile_seconds']:.2f}s, load {t['load_seconds']:.2f}s"
    ))
    return Group(*parts)
