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
from typer import core as _typer_core

from finfix import __version__

app = typer.Typer(
    name="finfix",
    help="Modernise scientific and financial Python code, and prove the numbers stay the same.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _metavar_only(self, ctx):  # noqa: ANN001
    # Typer's help shows a type label per parameter (`<bool>`, `<list[str]>`, `<int range>`) that says
    # nothing a user needs; show the metavar an option declares (`FILE`, `K/N`), else nothing.
    return self.metavar


_typer_core.TyperOption.display_type_rich = _metavar_only  # type: ignore[method-assign]
_typer_core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]


def _version(value: bool) -> None:
    if value:
        print(f"finfix {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print finfix's version and exit."
    ),
) -> None:
    """Modernise scientific and financial Python code, and prove the numbers stay the same."""
    from finfix.console import set_color

    # Each invocation measures the terminal again: consoles cached by an earlier in-process run (a test, the
    # language server) would keep that run's width and colours.
    set_color(Color.auto.value)

PathsArg = typer.Argument(
    None, metavar="PATH", help="Files or directories (default: the current directory); `-`: stdin.",
    show_default=False,
)
SelectOpt = typer.Option(
    None, "--select", metavar="CODES", help="Rules to run: codes, prefixes (FX2) or names; comma-separated."
)
IgnoreOpt = typer.Option(None, "--ignore", metavar="CODES", help="Rules to skip: codes, prefixes or names; comma-separated.")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, metavar="N", help="Worker processes (default: one per core).")
NoCacheOpt = typer.Option(False, "--no-cache", help="Neither read nor write the result cache (.finfix_cache/).")
StdinFilenameOpt = typer.Option(
    None, "--stdin-filename", metavar="PATH",
    help="Read the source from stdin (path `-` or none), configured and reported as the file PATH.",
)
ConfigOpt = typer.Option(
    None, "--config", metavar="PATH",
    help="Use this pyproject.toml for every file (default: the nearest one above each file).",
)
TargetOpt = typer.Option(
    None, "--target", metavar="LIB=VERSION",
    help="Plan for this library version (pandas=3.0; repeatable); default: as pinned, else installed.",
)
ShardOpt = typer.Option(
    None, "--shard", metavar="K/N", help="Process only shard K of N of the files (deterministic; for CI matrices)."
)


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


QuietOpt = typer.Option(False, "--quiet", "-q", help="Print findings and errors only, no summary.")
VerboseOpt = typer.Option(False, "--verbose", "-v", help="Also say which files and configuration the run uses.")
ColorOpt = typer.Option(Color.auto, "--color", metavar="auto|always|never", help="Colours in the output.")


class ApplyFormat(str, Enum):
    text = "text"
    json = "json"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def _usage_error(message: str) -> typer.Exit:
    from finfix.check_command import usage_error

    usage_error(message)
    return typer.Exit(2)


def _print_errors(errors: list[tuple[str, str]]) -> None:
    from finfix.console import print_errors

    print_errors(errors)


@app.command()
def check(
    paths: Optional[List[str]] = PathsArg,
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    output_format: CheckFormat = typer.Option(
        CheckFormat.text, "--format", metavar="text|json|sarif|github", help="Output format."
    ),
    output_file: Optional[str] = typer.Option(
        None, "--output-file", "-o", metavar="FILE", help="Write the report to FILE instead of stdout."
    ),
    statistics: bool = typer.Option(False, "--statistics", help="Count the findings per rule instead of listing them."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    add_noqa: bool = typer.Option(
        False, "--add-noqa", help="Add `# finfix: ignore[CODE]` to every line with a finding (adopt gradually)."
    ),
    jobs: Optional[int] = JobsOpt,
    no_cache: bool = NoCacheOpt,
    shard: Optional[str] = ShardOpt,
    stdin_filename: Optional[str] = StdinFilenameOpt,
    config_file: Optional[str] = ConfigOpt,
    target: Optional[List[str]] = TargetOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    color: Color = ColorOpt,
) -> None:
    """Report findings as `path:line:col: CODE message [*]` ([*]: a fix is available)."""
    from finfix.check_command import CheckOptions, run_check

    raise typer.Exit(run_check(CheckOptions(
        paths=paths, select=select, ignore=ignore, output_format=output_format.value, output_file=output_file,
        statistics=statistics, exit_zero=exit_zero, add_noqa=add_noqa, jobs=jobs, no_cache=no_cache, shard=shard,
        stdin_filename=stdin_filename, config_file=config_file, target=target, quiet=quiet, verbose=verbose,
        color=color.value,
    )))


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
        False, "--interactive", "-i", help="Ask before applying each fix (yes/no/all/quit); needs a terminal."
    ),
    verify: bool = typer.Option(
        False, "--verify", help="Run the differential harness first; apply only the rewrites whose functions verify."
    ),
    no_cache: bool = NoCacheOpt,
    shard: Optional[str] = ShardOpt,
    stdin_filename: Optional[str] = StdinFilenameOpt,
    config_file: Optional[str] = ConfigOpt,
    exit_non_zero_on_fix: bool = typer.Option(
        False, "--exit-non-zero-on-fix", help="Exit 1 when a file was changed (for pre-commit and CI)."
    ),
    output_format: ApplyFormat = typer.Option(
        ApplyFormat.text, "--format", metavar="text|json",
        help="json: the fixes made (or, --dry-run, to make), with their edits, on stdout.",
    ),
    target: Optional[List[str]] = TargetOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    color: Color = ColorOpt,
) -> None:
    """Rewrite files with the selected rules' fixes (safe ones unless --unsafe-fixes).

    With `-` (or --stdin-filename), the source comes from stdin and the fixed source goes to stdout.
    """
    from finfix import apply as applying
    from finfix import session
    from finfix import stdin as stdin_mod
    from finfix.console import print_diff, set_color, stderr
    from finfix.interactive import terminal_review
    from finfix.report import text as report

    set_color(color.value)
    as_json = output_format is ApplyFormat.json
    if interactive and as_json:
        raise _usage_error("--interactive and --format json cannot be combined")
    if interactive and (dry_run or not sys.stdin.isatty()):
        raise _usage_error(
            "--interactive asks about each fix on a terminal"
            + (" and cannot be combined with --dry-run" if dry_run else ", but stdin is not one")
            + " (use --dry-run to see the diffs without writing)"
        )
    try:
        stdin = stdin_mod.stdin_name(paths, stdin_filename)
        if stdin is not None:
            if interactive or verify:
                raise session.UsageError("--interactive and --verify work on files, not on stdin")
            plan = session.plan_stdin(
                stdin, select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, config_file=config_file,
                target=target,
            )
            code, changed = stdin_mod.apply_stdin(plan, dry_run=dry_run, quiet=quiet)
            raise typer.Exit(1 if code == 0 and exit_non_zero_on_fix and changed else code)
        plan = session.plan(
            paths or [], select=select, ignore=ignore, unsafe_fixes=unsafe_fixes,
            shard=shard, cache=False if no_cache else None, config_file=config_file, target=target,
        )
    except session.UsageError as exc:
        raise _usage_error(str(exc))
    if verbose:
        from finfix.check_command import describe

        describe(plan)
    _, results = session.execute(plan, fix=True, jobs=jobs)
    verdicts = applying.verify(plan, results, show=stderr().print) if verify else None
    out = applying.apply(
        results, verdicts=verdicts, review=terminal_review(plan) if interactive else None,
        dry_run=dry_run, show_diff=None if as_json else print_diff,
    )
    for path, why in out.notes:
        stderr().print(f"note: {path}: {why}", markup=False)
    if out.interrupted is not None:
        stderr().print(applying.interrupted_message(out), markup=False)
        raise typer.Exit(130)
    if as_json:
        from finfix.report.edits import json_apply_report

        print(json_apply_report(out.results, dry_run=dry_run))
    _print_errors(out.summary.errors)
    if not quiet:
        stderr().print(report.apply_footer(out.summary, dry_run=dry_run), markup=False)
    if out.internal:
        raise typer.Exit(2)
    failed = bool(out.summary.errors) or (dry_run and out.summary.changed > 0)
    raise typer.Exit(1 if failed or (exit_non_zero_on_fix and out.summary.changed > 0) else 0)


@app.command("show-settings")
def show_settings(
    path: str = typer.Argument(..., help="A file (need not exist) or directory."),
    config_file: Optional[str] = ConfigOpt,
) -> None:
    """The settings that apply to PATH, and the pyproject.toml they come from."""
    from finfix import session
    from finfix.report.settings import render

    try:
        plan = session.plan_stdin(path, config_file=config_file)
    except session.UsageError as exc:
        raise _usage_error(str(exc))
    sys.stdout.write(render(path, plan.config, plan.rules))


@app.command("list")
def list_rules() -> None:
    """Every rule: code, name, fix safety and summary."""
    from rich.table import Table

    from finfix import registry
    from finfix.console import stdout

    from rich.text import Text

    table = Table("code", "name", "safety", "versions", "summary", box=None, pad_edge=False)
    for r in sorted(registry.all_rules(), key=lambda rule: rule.code):
        # Text, not str: a summary such as FX204's `[df, other]` is not rich markup
        versions = r.versions.short() if r.versions is not None else ""
        table.add_row(*(Text(v) for v in (r.code, r.name, r.safety.value, versions, r.summary)))
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
    allow_skips: bool = typer.Option(
        False, "--allow-skips", help="Exit 0, not 3, when functions were skipped (not verified) and nothing differs."
    ),
    pass_env: Optional[List[str]] = typer.Option(
        None, "--pass-env", metavar="NAME",
        help="Keep this environment variable for the code under test (secrets are removed by default). Repeatable.",
    ),
    target: Optional[List[str]] = TargetOpt,
) -> None:
    """Run changed functions before and after on generated inputs; compare (executes your code)."""
    from finfix import harness, session
    from finfix.harness import sources

    try:
        plan = session.plan(paths or [], select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, target=target)
    except session.UsageError as exc:
        raise _usage_error(str(exc))
    effects = None
    if base:
        try:
            pairs = sources.pairs_from_git(base, plan.paths)
        except sources.GitError as exc:
            raise _usage_error(f"--base {base}: {exc}")
    else:
        _, results = session.execute(plan, fix=True)
        pairs = sources.pairs_from_results(results)
        effects = sources.effects_from_results(results)
    options = sources.settings_from_config(dict(plan.config.verify), examples=examples, ulps=ulps, timeout=timeout)
    from finfix.console import stderr

    progress = stderr().is_terminal and bool(pairs)
    if progress:
        stderr().print(f"verifying {len(pairs)} file(s); this runs your code", markup=False)
    verdicts = harness.verify_pairs(
        pairs, project_root=plan.config.root, pass_env=tuple(pass_env or ()), effects=effects,
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
    raise typer.Exit(harness.exit_code(verdicts, allow_skips=allow_skips))


@app.command(
    "record", context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def record_cmd(
    ctx: typer.Context,
    root: Optional[str] = typer.Option(None, "--root", help="Where .finfix/signatures.json goes (default: here)."),
) -> None:
    """Run a script or `-m pytest ...` (executes your code) and record the numba signatures it compiles and the
    runtime types at candidate sites, for `verify` and the type evidence."""
    from finfix.harness import record

    argv = (["--root", root] if root else []) + list(ctx.args)
    raise typer.Exit(record.main(argv))


@app.command()
def pr(
    paths: Optional[List[str]] = PathsArg,
    branch: str = typer.Option("finfix/modernise", "--branch", help="The branch to create from HEAD."),
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = typer.Option(
        None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change behaviour.", show_default=False
    ),
    verify: bool = typer.Option(
        False, "--verify", help="Run the differential harness first; commit only the rewrites whose functions verify."
    ),
    body_file: Optional[str] = typer.Option(None, "--body-file", help="Write the PR body here (default: stdout)."),
    push: bool = typer.Option(False, "--push", help="Push the branch to origin."),
    open_pr: bool = typer.Option(False, "--open", help="Push, then open or update the PR with the `gh` CLI."),
    jobs: Optional[int] = JobsOpt,
    target: Optional[List[str]] = TargetOpt,
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
        target_versions=tuple(target) if target else None,
    )
    try:
        outcome = pr_mod.run(request, log=log)
        _print_errors(sorted(outcome.errors.items()))
        if outcome.interrupted is not None:
            from finfix.apply import interrupted_message

            log(interrupted_message(outcome.interrupted) + " The commits made so far are on the branch.")
            raise typer.Exit(130)
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
    from finfix.console import degrade_unencodable_output
    from finfix.engine import lifelines

    lifelines.handle_termination()  # SIGTERM/SIGHUP stop the run as Ctrl-C does, files whole
    degrade_unencodable_output()
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise SystemExit(lifelines.exit_code(code)) from None
    except KeyboardInterrupt:  # outside click's own handling (while it starts up or ends)
        raise SystemExit(lifelines.exit_code(130)) from None


if __name__ == "__main__":
    main()
