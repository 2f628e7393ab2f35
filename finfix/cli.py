"""The `finfix` command: a thin typer app over :mod:`finfix.session`.

Exit codes
  check   0 clean, 1 findings (or files that could not be read or parsed), 2 usage or internal error
  apply   0 every file processed, 1 a file could not be (or, with --dry-run, something would change),
          2 usage or internal error
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import List, Optional

import typer

app = typer.Typer(
    name="finfix",
    help="Modernise scientific and financial Python code, and prove the numbers stay the same.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArg = typer.Argument(None, help="Files or directories (default: the current directory).", show_default=False)
SelectOpt = typer.Option(None, "--select", help="Rules to run: codes, prefixes (FX2) or names; comma-separated.")
IgnoreOpt = typer.Option(None, "--ignore", help="Rules to skip: codes, prefixes or names; comma-separated.")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per core).")
NoCacheOpt = typer.Option(False, "--no-cache", help="Neither read nor write the result cache (.finfix_cache/).")
ShardOpt = typer.Option(
    None, "--shard", metavar="K/N", help="Process only shard K of N of the files (deterministic; for CI matrices)."
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def _usage_error(message: str) -> typer.Exit:
    from finfix.console import stderr

    stderr().print(f"error: {message}", markup=False)
    return typer.Exit(2)


def _print_errors(errors: list[tuple[str, str]]) -> None:
    from finfix.console import stderr
    from finfix.report.text import error_line

    for path, message in errors:
        stderr().print(error_line(path, message), markup=False, style="red")


@app.command()
def check(
    paths: Optional[List[str]] = PathsArg,
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    output_format: CheckFormat = typer.Option(CheckFormat.text, "--format", help="Output format."),
    jobs: Optional[int] = JobsOpt,
    no_cache: bool = NoCacheOpt,
    shard: Optional[str] = ShardOpt,
) -> None:
    """Report findings as `path:line:col: CODE message [*]` ([*]: a fix is available)."""
    from finfix import session
    from finfix.report import text as report

    try:
        # lazy_rules: a run served from the cache never imports the rules (nor LibCST)
        plan = session.plan(
            paths or [], select=select, ignore=ignore, shard=shard, cache=False if no_cache else None, lazy_rules=True
        )
        summary, results = session.execute(plan, fix=False, jobs=jobs)
    except session.UsageError as exc:
        raise _usage_error(str(exc))
    if output_format is CheckFormat.json:
        print(report.json_report(summary))
    elif output_format in (CheckFormat.sarif, CheckFormat.github):
        from finfix.report import ci as ci_formats

        render = ci_formats.sarif if output_format is CheckFormat.sarif else ci_formats.github
        print(render(summary, plan.rules))
    else:
        text = report.text_report(summary)
        if text:
            print(text)
        from finfix.console import stderr

        stderr().print(report.check_footer(summary), markup=False)
    if output_format is not CheckFormat.json:
        _print_errors(summary.errors)
    if any(r.internal for r in results):
        raise typer.Exit(2)
    raise typer.Exit(1 if summary.findings or summary.errors else 0)


@app.command()
def apply(
    paths: Optional[List[str]] = PathsArg,
    dry_run: bool = typer.Option(False, "--dry-run", help="Write nothing; print a unified diff per changed file."),
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = typer.Option(
        None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change behaviour.", show_default=False
    ),
    jobs: Optional[int] = JobsOpt,
    interactive: bool = typer.Option(
        False, "--interactive", "-i", help="Ask before applying each hunk (yes/no/all/quit); needs a terminal."
    ),
    verify: bool = typer.Option(
        False, "--verify", help="Run the differential harness first; apply only the rewrites whose functions verify."
    ),
    no_cache: bool = NoCacheOpt,
    shard: Optional[str] = ShardOpt,
) -> None:
    """Rewrite files with the selected rules' fixes (safe ones unless --unsafe-fixes)."""
    from finfix import session
    from finfix.report import diff
    from finfix.report import text as report
    from finfix.engine import writer
    from finfix.console import print_diff, stderr

    if interactive and (dry_run or not sys.stdin.isatty()):
        raise _usage_error(
            "--interactive asks about each hunk on a terminal"
            + (" and cannot be combined with --dry-run" if dry_run else ", but stdin is not one")
            + " (use --dry-run to see the diffs without writing)"
        )
    try:
        plan = session.plan(
            paths or [], select=select, ignore=ignore, unsafe_fixes=unsafe_fixes,
            shard=shard, cache=False if no_cache else None,
        )
    except session.UsageError as exc:
        raise _usage_error(str(exc))
    summary, results = session.execute(plan, fix=True, jobs=jobs)
    if verify:
        results = _verify_before_apply(plan, results, summary)
    if interactive:
        from finfix import interactive as hunk_review

        chosen = hunk_review.review(results, hunk_review.terminal_ask, print_diff, summary)
        results = chosen.results
        for path, why in chosen.rejected_files or ():
            stderr().print(f"note: {path}: {why}", markup=False)
    for r in results:
        if not r.changed:
            continue
        summary.changed += 1
        if dry_run:
            print_diff(diff.unified(r.path, r.old or b"", r.new or b""))
            continue
        try:
            writer.write_atomic(r.path, r.new or b"", r.old)
        except writer.WriteError as exc:
            summary.changed -= 1
            summary.fixes.subtract(r.fixes_by_rule())  # nothing of this file was written
            summary.errors.append((r.path, str(exc)))
        except KeyboardInterrupt:
            stderr().print(
                f"interrupted: {summary.changed - 1} file(s) were written completely; {r.path} and the "
                "files after it are untouched (no partial file is left). Run the command again to finish.",
                markup=False,
            )
            raise typer.Exit(130)
    summary.fixes = +summary.fixes  # drop rules whose count fell to zero
    summary.sort()
    _print_errors(summary.errors)
    stderr().print(report.apply_footer(summary, dry_run=dry_run), markup=False)
    if any(r.internal for r in results):
        raise typer.Exit(2)
    failed = bool(summary.errors) or (dry_run and summary.changed > 0)
    raise typer.Exit(1 if failed else 0)


@app.command("list")
def list_rules() -> None:
    """Every rule: code, name, fix safety and summary."""
    from rich.table import Table

    from finfix import registry
    from finfix.console import stdout

    table = Table("code", "name", "safety", "summary", box=None, pad_edge=False)
    for r in registry.all_rules():
        table.add_row(r.code, r.name, r.safety.value, r.summary)
    stdout().print(table)


@app.command()
def explain(code: str = typer.Argument(..., help="A rule code (FX101) or name (mutable-default).")) -> None:
    """A rule's documentation and examples."""
    from finfix import registry
    from finfix.console import stdout
    from finfix.explain import render_markdown

    matches = [r for r in registry.all_rules() if r.code.upper() == code.upper() or r.name == code.lower()]
    if not matches:
        raise _usage_error(f"unknown rule {code!r}; `finfix list` shows them all")
    text = render_markdown(matches[0])
    console = stdout()
    if console.is_terminal:
        from rich.markdown import Markdown

        console.print(Markdown(text))
    else:
        sys.stdout.write(text)


class VerifyFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@app.command(
    "record", context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def record_cmd(ctx: typer.Context) -> None:
    """Run a script or `-m pytest ...` and record numba signatures and runtime types at candidate sites (executes your code)."""
    from finfix.harness import record

    raise typer.Exit(record.main(list(ctx.args)))


@app.command("verify")
def verify_cmd(
    paths: Optional[List[str]] = PathsArg,
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    base: Optional[str] = typer.Option(
        None, "--base", help="Compare the working tree with this git revision (any refactor), not finfix's rewrites."
    ),
    examples: Optional[int] = typer.Option(None, "--examples", min=1, help="Examples per function (default 200)."),
    ulps: Optional[int] = typer.Option(None, "--ulps", min=0, help="Float tolerance in ULPs (default 0: exact)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="Seconds per file (default 300)."),
    output_format: VerifyFormat = typer.Option(VerifyFormat.table, "--format", help="Output format."),
    unsafe_fixes: Optional[bool] = typer.Option(
        None, "--unsafe-fixes/--no-unsafe-fixes", help="Also verify the fixes that may change behaviour.",
        show_default=False,
    ),
) -> None:
    """Run changed functions before and after on generated inputs; compare (executes your code)."""
    from finfix import harness, session
    from finfix.harness import sources

    try:
        plan = session.plan(paths or [], select=select, ignore=ignore, unsafe_fixes=unsafe_fixes)
    except session.UsageError as exc:
        raise _usage_error(str(exc))
    if base:
        try:
            pairs = sources.pairs_from_git(base, plan.paths)
        except sources.GitError as exc:
            raise _usage_error(f"--base {base}: {exc}")
    else:
        _, results = session.execute(plan, fix=True)
        pairs = sources.pairs_from_results(results)
    options = sources.settings_from_config(dict(plan.config.verify), examples=examples, ulps=ulps, timeout=timeout)
    from finfix.console import stderr

    progress = stderr().is_terminal and bool(pairs)
    if progress:
        stderr().print(f"verifying {len(pairs)} file(s); this runs your code", markup=False)
    verdicts = harness.verify_pairs(
        pairs, project_root=plan.config.root,
        on_result=(lambda r: stderr().print(f"  {r.path}::{r.function}: {r.verdict}", markup=False)) if progress else None,
        **options,
    )
    if output_format is VerifyFormat.json:
        print(harness.render_json(verdicts))
    elif output_format is VerifyFormat.markdown:
        sys.stdout.write(harness.render_markdown(verdicts))
    else:
        from finfix.console import stdout

        stdout().print(harness.render_table(verdicts) if verdicts else "nothing to verify: no function changed")
    raise typer.Exit(harness.exit_code(verdicts))


def _verify_before_apply(plan, results, summary):
    """`apply --verify`: keep only the rewrites whose functions verify; report the others."""
    from finfix import harness
    from finfix.console import stderr
    from finfix.harness import sources

    options = sources.settings_from_config(dict(plan.config.verify), examples=None, ulps=None, timeout=None)
    verdicts = harness.verify_pairs(sources.pairs_from_results(results), project_root=plan.config.root, **options)
    if verdicts:
        stderr().print(harness.render_table(verdicts))
    kept, rejected = sources.keep_verified(results, verdicts)
    before, after = {r.path: r for r in results}, {r.path: r for r in kept}
    for path, why in rejected:
        summary.fixes.subtract(before[path].fixes_by_rule())
        summary.fixes.update(after[path].fixes_by_rule())
        stderr().print(f"note: {path}: {why}", markup=False)
    summary.fixes = +summary.fixes  # drop the rules left with no fix
    return kept


@app.command()
def pr(
    paths: Optional[List[str]] = PathsArg,
    branch: str = typer.Option("finfix/modernise", "--branch", help="The branch to create from HEAD."),
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = typer.Option(
        None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change behaviour.", show_default=False
    ),
    verify: bool = typer.Option(False, "--verify", help="Run the differential harness on the changed files."),
    body_file: Optional[str] = typer.Option(None, "--body-file", help="Write the PR body here (default: stdout)."),
    push: bool = typer.Option(False, "--push", help="Push the branch to origin."),
    open_pr: bool = typer.Option(False, "--open", help="Push, then open or update the PR with the `gh` CLI."),
    jobs: Optional[int] = JobsOpt,
) -> None:
    """Commit each rule's fixes on a new branch (one commit per rule) and write the PR body.

    Exit codes: 0 done (or nothing to do), 1 a file could not be processed or verification found a
    difference, 2 usage error (not a git repository, uncommitted changes, branch exists) or internal error.
    """
    from finfix import pr as pr_mod
    from finfix.console import stderr

    def log(message: str) -> None:
        stderr().print(message, markup=False)

    request = pr_mod.Request(
        targets=tuple(paths or ()), branch=branch, select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None, unsafe_fixes=unsafe_fixes, verify=verify,
        body_file=body_file, push=push or open_pr, open=open_pr, jobs=jobs,
    )
    try:
        outcome = pr_mod.run(request, log=log)
        _print_errors(sorted(outcome.errors.items()))
        if not outcome.changed:
            print("nothing to do")
            raise typer.Exit(2 if outcome.internal else (1 if outcome.errors else 0))
        if body_file:
            pr_mod.write_body(body_file, outcome.body)
            log(f"PR body written to {body_file}")
        else:
            sys.stdout.write(outcome.body)
        if request.push:
            pr_mod.publish(request, outcome, log=log)
    except pr_mod.PrError as exc:
        raise _usage_error(str(exc))
    raise typer.Exit(outcome.exit_code)


@app.command()
def server() -> None:
    """Run the language server (LSP over stdin/stdout) for editors: diagnostics, quick fixes, hover.

    Each document is configured by the nearest pyproject.toml above it. See the README for VS Code and
    Neovim set-ups.
    """
    from finfix.lsp.server import main as serve

    serve()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
