"""`finfix pr` end to end, each test in its own temporary git repository (never the finfix checkout).

The rules are FX101 plus a throwaway safe rename (FX998), so the one-commit-per-rule behaviour does not
depend on which built-in rules exist today.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import libcst as cst
import pytest
from typer.testing import CliRunner

import finfix.harness.changes  # noqa: F401  (hold_back needs these; loaded before tests fake the harness)
import finfix.harness.sources  # noqa: F401
from finfix.codemods.python.mutable_default import MutableDefault
from finfix import pr as pr_mod
from finfix import registry
from finfix.cli import app
from finfix.sdk.rule import Example, Rule, Safety


class RenameOldApi(Rule):
    """## What it does
    Renames `old_api` to `new_api` (a test rule).

    ## Why is this bad?
    Test only.

    ## Fix safety
    Safe.
    """

    code, name, summary, safety = "FX998", "test-rename", "old_api is now new_api", Safety.SAFE
    triggers = ("old_api",)
    examples = (Example("old_api()", "new_api()"), Example("x()"))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "old_api" and self.report(original_node, "old_api is deprecated", fix=Safety.SAFE):
            return updated_node.with_changes(value="new_api")
        return updated_node


A_PY = """\
def f(x=[]):
    return len(x)


def g(y={}):
    y["a"] = 1
    return y
"""
B_PY = """\
from lib import old_api


def h():
    return old_api(1) + old_api(2)
"""
CLEAN_PY = "def k(z=None):\n    return z\n"


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


@pytest.fixture(autouse=True)
def _rules(monkeypatch):
    monkeypatch.setattr(registry, "all_rules", lambda: (MutableDefault, RenameOldApi))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.finfix]\n")
    (root / "pkg" / "a.py").write_text(A_PY)
    (root / "pkg" / "b.py").write_text(B_PY)
    (root / "pkg" / "clean.py").write_text(CLEAN_PY)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(app, ["pr", "--jobs", "1", *args], catch_exceptions=False)


def subjects(root: Path, rev_range: str = "main..HEAD") -> list[str]:
    out = git(root, "log", "--reverse", "--format=%s", rev_range)
    return out.splitlines() if out else []


def test_branch_with_one_commit_per_rule_in_run_order(repo: Path, tmp_path: Path):
    body = tmp_path / "body.md"
    res = run("--unsafe-fixes", "--body-file", str(body), "pkg")
    assert res.exit_code == 0, res.output
    assert git(repo, "branch", "--show-current") == "finfix/modernise"
    assert subjects(repo) == [
        "finfix: FX101 mutable-default (2 fixes in 1 file)",
        "finfix: FX998 test-rename (3 fixes in 1 file)",
    ]
    # each commit holds its own rule's files only
    assert git(repo, "show", "--name-only", "--format=", "HEAD~1") == "pkg/a.py"
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "pkg/b.py"
    assert git(repo, "status", "--porcelain") == ""
    assert "new_api(1) + new_api(2)" in (repo / "pkg" / "b.py").read_text()
    assert "if y is None:" in (repo / "pkg" / "a.py").read_text()
    # the base branch is untouched
    assert git(repo, "show", "main:pkg/a.py") + "\n" == A_PY
    # the unsafe fix's reason is in the commit message
    assert "`y` is mutated" in git(repo, "log", "-1", "--format=%b", "HEAD~1")


def test_body_file(repo: Path, tmp_path: Path):
    body_path = tmp_path / "body.md"
    assert run("--unsafe-fixes", "--body-file", str(body_path), "pkg").exit_code == 0
    body = body_path.read_text()
    sha_101 = git(repo, "rev-parse", "--short=7", "HEAD~1")
    sha_998 = git(repo, "rev-parse", "--short=7", "HEAD")
    base = git(repo, "rev-parse", "--short=7", "main")
    assert body.startswith("## finfix: 5 fixes in 2 files (2 rules)\n")
    assert "| commit | rule | fixes | files | safety |" in body
    assert f"| {sha_101} | FX101 `mutable-default` | 2 | 1 | **unsafe** (1), safe (1) |" in body
    assert f"| {sha_998} | FX998 `test-rename` | 3 | 1 | safe |" in body
    assert "### Unsafe fixes: review these" in body
    unsafe = body.split("### Unsafe fixes: review these")[1].split("###")[0]
    assert "`pkg/a.py:5` **FX101** mutable default `y={}`" in unsafe
    assert "why unsafe: `y` is mutated" in unsafe
    assert "`pkg/a.py:1`" not in unsafe  # the safe FX101 fix is not called out
    assert "### Verification\n\nNot run" in body
    assert f"on `main` at `{base}`" in body
    assert "```bash\nfinfix pr --branch finfix/modernise --unsafe-fixes pkg\n```" in body
    assert "### Not fixed" not in body
    assert body.endswith("\n")


def test_body_goes_to_stdout_without_body_file(repo: Path):
    res = run("pkg")
    assert res.exit_code == 0
    assert res.stdout.startswith("## finfix: ")
    assert "### Reproduce" in res.stdout


def test_second_run_on_the_branch_finds_nothing(repo: Path, tmp_path: Path):
    assert run("--unsafe-fixes", "pkg").exit_code == 0
    head = git(repo, "rev-parse", "HEAD")
    again = run("--unsafe-fixes", "pkg")
    assert again.exit_code == 0
    assert again.stdout.strip() == "nothing to do"
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "branch", "--show-current") == "finfix/modernise"


def test_refuses_a_dirty_tree_and_touches_nothing(repo: Path):
    (repo / "pkg" / "clean.py").write_text(CLEAN_PY + "# wip\n")
    head = git(repo, "rev-parse", "HEAD")
    res = run("--unsafe-fixes", "pkg")
    assert res.exit_code == 2
    assert "uncommitted changes" in res.stderr and "pkg/clean.py" in res.stderr
    assert git(repo, "branch", "--list", "finfix/*") == ""
    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / "pkg" / "a.py").read_text() == A_PY
    assert (repo / "pkg" / "b.py").read_text() == B_PY


def test_nothing_to_do_creates_no_branch(repo: Path):
    res = run("pkg/clean.py")
    assert res.exit_code == 0
    assert res.stdout.strip() == "nothing to do"
    assert git(repo, "branch", "--list", "finfix/*") == ""
    assert git(repo, "branch", "--show-current") == "main"


def test_existing_branch_is_refused(repo: Path):
    git(repo, "branch", "finfix/modernise")
    res = run("pkg")
    assert res.exit_code == 2
    assert "already exists" in res.stderr
    assert git(repo, "branch", "--show-current") == "main"


def test_outside_a_repository(tmp_path: Path, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text(A_PY)
    monkeypatch.chdir(plain)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    res = run(".")
    assert res.exit_code == 2
    assert "not inside a git repository" in res.stderr


def test_safe_only_lists_what_is_left(repo: Path, tmp_path: Path):
    (repo / "pkg" / "c.py").write_text("def m(z={}):\n    z[1] = 2\n    return z\n")  # unsafe only: not changed
    git(repo, "add", "pkg/c.py")
    git(repo, "commit", "-q", "-m", "c")
    body = tmp_path / "body.md"
    assert run("--branch", "modernise-safe", "--body-file", str(body), "pkg").exit_code == 0
    assert git(repo, "branch", "--show-current") == "modernise-safe"
    assert subjects(repo) == [
        "finfix: FX101 mutable-default (1 fix in 1 file)",
        "finfix: FX998 test-rename (3 fixes in 1 file)",
    ]
    text = body.read_text()
    assert "### Unsafe fixes" not in text
    assert "### Not fixed\n\n2 findings remain on this branch (2 need `--unsafe-fixes`" in text
    listed = text.split("<details><summary>Findings</summary>")[1].split("</details>")[0].strip().splitlines()
    assert listed == [
        "- `pkg/a.py:7` FX101 mutable default `y={}` is shared between calls",  # line on the branch
        "- `pkg/c.py:1` FX101 mutable default `z={}` is shared between calls",  # a file no fix touched
    ]
    assert "pkg/c.py" not in git(repo, "log", "--name-only", "--format=", "main..HEAD")
    assert "finfix pr --branch modernise-safe pkg" in text


def test_select_limits_the_rules(repo: Path, tmp_path: Path):
    assert run("--select", "FX998", "pkg").exit_code == 0
    assert subjects(repo) == ["finfix: FX998 test-rename (3 fixes in 1 file)"]
    assert (repo / "pkg" / "a.py").read_text() == A_PY


def test_untracked_files_are_left_alone(repo: Path):
    (repo / "pkg" / "scratch.py").write_text(A_PY)
    assert run("--unsafe-fixes", "pkg").exit_code == 0
    assert (repo / "pkg" / "scratch.py").read_text() == A_PY
    assert "scratch.py" not in git(repo, "log", "--name-only", "--format=", "main..HEAD")
    assert git(repo, "status", "--porcelain") == "?? pkg/scratch.py"


def test_verify_without_the_harness_fails_cleanly(repo: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "finfix.harness", None)  # import finfix.harness -> ImportError
    res = run("--verify", "pkg")
    assert res.exit_code == 2
    assert "--verify needs the differential harness" in res.stderr
    assert git(repo, "branch", "--list", "finfix/*") == ""
    assert (repo / "pkg" / "a.py").read_text() == A_PY


def test_verify_passes_changed_files_to_the_harness(repo: Path, tmp_path: Path, monkeypatch):
    calls = []
    fake = types.ModuleType("finfix.harness")

    def verify_pairs(pairs, *, examples=200, **kw):
        calls.append((list(pairs), examples))
        return [types.SimpleNamespace(path="pkg/b.py", function="h", verdict="equivalent")]

    fake.verify_pairs = verify_pairs
    fake.render_markdown = lambda results: "| function | verdict |\n|---|---|\n| `h` | equivalent |\n"
    monkeypatch.setitem(sys.modules, "finfix.harness", fake)
    body = tmp_path / "body.md"
    res = run("--verify", "--unsafe-fixes", "--body-file", str(body), "pkg")
    assert res.exit_code == 0, res.output
    (pairs, examples), = calls
    assert examples == 200
    assert [p for p, _b, _a in pairs] == ["pkg/a.py", "pkg/b.py"]
    assert pairs[0][1] == A_PY and "if y is None:" in pairs[0][2]
    assert pairs[1][1] == B_PY and "new_api(1)" in pairs[1][2]
    text = body.read_text()
    assert "### Verification\n\n| function | verdict |" in text
    assert "--verify" in text.split("### Reproduce")[1]


def test_verify_holds_back_what_does_not_verify_like_apply(repo: Path, tmp_path: Path, monkeypatch):
    fake = types.ModuleType("finfix.harness")
    fake.verify_pairs = lambda pairs, **kw: [
        types.SimpleNamespace(path="pkg/a.py", function="g", verdict="different"),
        types.SimpleNamespace(path="pkg/a.py", function="f", verdict="equivalent"),
        types.SimpleNamespace(path="pkg/b.py", function="h", verdict="equivalent"),
    ]
    fake.render_markdown = lambda results: "TABLE"
    monkeypatch.setitem(sys.modules, "finfix.harness", fake)
    body = tmp_path / "body.md"
    res = run("--verify", "--body-file", str(body), "pkg")
    assert res.exit_code == 1  # a difference was found, even though it is not on the branch
    text = body.read_text()
    assert "**The harness found differences" in text and "Held back" in text and "g (different)" in text
    assert subjects(repo) == [
        "finfix: FX101 mutable-default (1 fix in 1 file)",  # f only: g did not verify
        "finfix: FX998 test-rename (3 fixes in 1 file)",
    ]
    fixed = (repo / "pkg" / "a.py").read_text()
    assert "def f(x=None):" in fixed and "def g(y={}):" in fixed
    assert "note: pkg/a.py: left as they were: g (different)" in res.stderr


def _bare_remote(repo: Path, tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    return remote


def test_push(repo: Path, tmp_path: Path):
    remote = _bare_remote(repo, tmp_path)
    res = run("--push", "--body-file", str(tmp_path / "b.md"), "pkg")
    assert res.exit_code == 0, res.output
    assert git(remote, "rev-parse", "refs/heads/finfix/modernise") == git(repo, "rev-parse", "HEAD")
    assert "pushed finfix/modernise to origin" in res.stderr


def test_open_uses_gh(repo: Path, tmp_path: Path, monkeypatch):
    _bare_remote(repo, tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.log"
    gh = bin_dir / "gh"
    gh.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$@" >> {log}
        case "$1 $2" in
          "pr list") echo "[]" ;;
          "pr create") echo "https://example.invalid/pull/7" ;;
        esac
        """))
    gh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    res = run("--open", "pkg")
    assert res.exit_code == 0, res.output
    calls = log.read_text().splitlines()
    assert calls[0] == "pr list --head finfix/modernise --state open --json number,url"
    assert calls[1].startswith("pr create --head finfix/modernise --title finfix: 4 fixes in 2 files (2 rules) --body-file ")
    assert calls[1].endswith("--base main")
    assert "pull request: https://example.invalid/pull/7" in res.stderr


def test_open_without_gh_is_refused_before_anything(repo: Path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    res = run("--open", "pkg")
    assert res.exit_code == 2
    assert "needs the GitHub CLI `gh`" in res.stderr
    assert git(repo, "branch", "--list", "finfix/*") == ""


def test_commit_subject_pluralises():
    assert pr_mod.commit_subject("FX201", "pandas-inplace", 12, 5) == "finfix: FX201 pandas-inplace (12 fixes in 5 files)"
    assert pr_mod.commit_subject("FX101", "mutable-default", 1, 1) == "finfix: FX101 mutable-default (1 fix in 1 file)"


def test_reproduce_command_is_relative_to_the_repository_root(repo: Path, monkeypatch):
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    req = pr_mod.Request(
        targets=("../pkg/a.py", "."), branch="x/y", select=("FX1,FX2", "FX998"), ignore=("FX102",),
        unsafe_fixes=False, verify=True,
    )
    assert pr_mod.reproduce_command(req, repo) == (
        "finfix pr --branch x/y --select FX1,FX2,FX998 --ignore FX102 --no-unsafe-fixes --verify pkg/a.py sub"
    )
    assert pr_mod.reproduce_command(pr_mod.Request(), repo) == "finfix pr --branch finfix/modernise sub"


def test_long_lists_are_capped(repo: Path, tmp_path: Path, monkeypatch):
    from finfix.pr import body as pr_body

    monkeypatch.setattr(pr_body, "LIST_LIMIT", 1)
    (repo / "pkg" / "c.py").write_text("def m(z={}):\n    z[1] = 2\n    return z\n")
    git(repo, "add", "pkg/c.py")
    git(repo, "commit", "-q", "-m", "c")
    body = tmp_path / "body.md"
    assert run("--body-file", str(body), "pkg").exit_code == 0
    listed = body.read_text().split("<details><summary>Findings</summary>")[1].split("</details>")[0]
    assert listed.strip().splitlines() == [
        "- `pkg/a.py:7` FX101 mutable default `y={}` is shared between calls",
        "- ... and 1 more (`finfix check` lists every one)",
    ]


def test_fit_for_github():
    assert pr_mod.fit_for_github("short\n", limit=100) == "short\n"
    body = "## title\n\n```bash\n" + "x = 1\n" * 50 + "```\n"
    fitted = pr_mod.fit_for_github(body, limit=200)
    assert len(fitted) <= 200
    assert fitted.startswith("## title\n")
    assert fitted.count("```") % 2 == 0
    assert fitted.endswith("writes the whole description)*\n")


def test_pr_takes_version_targets(repo: Path, monkeypatch):
    """`pr --target pandas=2.1`: what works on pandas 2.1 (the "H" alias) is not rewritten; without it,
    the installed pandas (3.x, where "H" is gone) is the target and the rewrite is committed."""
    from finfix.codemods.pandas.offset_aliases import PandasOffsetAliases

    monkeypatch.setattr(registry, "all_rules", lambda: (PandasOffsetAliases,))
    (repo / "pkg" / "c.py").write_text('import pandas as pd\n\n\ndef hourly(s):\n    return pd.date_range("2024", periods=3, freq="H")\n')
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "c")
    held = run("--target", "pandas=2.1", "--branch", "held", "pkg")
    assert held.exit_code == 0 and "nothing to do" in held.output, held.output
    done = run("--branch", "done", "pkg")
    assert done.exit_code == 0, done.output
    assert subjects(repo, "main..done") == ["finfix: FX206 pandas-offset-aliases (1 fix in 1 file)"]
    assert 'freq="h"' in (repo / "pkg" / "c.py").read_text()
