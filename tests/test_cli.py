"""`finfix check/apply/list/explain` end to end on project trees in tmp_path.

Rules other than FX101 may be registered at any time, so runs select FX101 explicitly.
"""

from __future__ import annotations

import json
import os
import re
import stat

import pytest

from conftest import CLEAN, MUTABLE, MUTABLE_FIXED

SEL = ("--select", "FX101", "--jobs", "1")


def finding_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: FX\d{3} ", line)]


# -- apply / dry-run ---------------------------------------------------------------------------------


def test_dry_run_prints_diffs_and_writes_nothing(project):
    project.write("pkg/a.py", MUTABLE)
    project.write("pkg/clean.py", CLEAN)
    before = project.snapshot()
    run = project.cli("apply", "--dry-run", *SEL, ".")
    assert run.exit_code == 1, run  # it would change something
    assert project.snapshot() == before
    assert "--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -1,2 +1,4 @@\n" in run.stdout
    assert "-def f(x=[]):\n+def f(x=None):\n+    if x is None:\n+        x = []\n" in run.stdout
    assert "clean.py" not in run.stdout
    assert "\x1b[" not in run.stdout  # plain when not on a terminal
    assert "would change 1" in run.stderr


def test_dry_run_on_clean_tree_exits_0(project):
    project.write("clean.py", CLEAN)
    run = project.cli("apply", "--dry-run", *SEL, ".")
    assert run.exit_code == 0, run
    assert run.stdout == ""


def test_apply_writes_and_second_apply_changes_nothing(project):
    project.write("a.py", MUTABLE)
    project.write("sub/b.py", "import os\n\n" + MUTABLE)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("a.py") == MUTABLE_FIXED
    assert project.text("sub/b.py") == "import os\n\n" + MUTABLE_FIXED
    assert "changed 2" in run.stderr and "FX101 x2" in run.stderr
    after = project.snapshot()
    again = project.cli("apply", "--no-cache", *SEL, ".")  # the engine itself, not a cached result
    assert again.exit_code == 0, again
    assert "changed 0" in again.stderr
    assert project.snapshot() == after  # bytes, mtime and inode all untouched
    dry = project.cli("apply", "--dry-run", *SEL, ".")
    assert dry.exit_code == 0 and dry.stdout == "", dry


def test_unchanged_files_are_never_rewritten(project):
    project.write("a.py", MUTABLE)
    project.write("clean.py", CLEAN)
    project.write("reported_only.py", "f = lambda x=[]: x\n")  # a finding without a fix
    before = project.snapshot()
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    after = project.snapshot()
    for rel in ("clean.py", "reported_only.py", "pyproject.toml"):
        assert after[rel] == before[rel], rel
    assert after["a.py"][0] == MUTABLE_FIXED.encode()


def test_unsafe_fix_needs_the_flag(project):
    src = "def f(x=[]):\n    x.append(1)\n    return x\n"
    project.write("u.py", src)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("u.py") == src
    assert "1 finding(s) not fixed (1 need --unsafe-fixes" in run.stderr
    run = project.cli("apply", "--unsafe-fixes", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("u.py") == "def f(x=None):\n    if x is None:\n        x = []\n    x.append(1)\n    return x\n"


# -- check -------------------------------------------------------------------------------------------


def test_check_exit_codes_and_format(project):
    project.write("clean.py", CLEAN)
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 0, run
    assert finding_lines(run.stdout) == []
    project.write("a.py", "x = 1\n" + MUTABLE)
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 1, run
    assert finding_lines(run.stdout) == ["a.py:2:7: FX101 mutable default `x=[]` is shared between calls [*]"]
    assert project.text("a.py") == "x = 1\n" + MUTABLE  # check never writes


def test_check_report_only_finding_has_no_fix_mark(project):
    project.write("l.py", "f = lambda x=[]: x\n")
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 1, run
    [line] = finding_lines(run.stdout)
    assert line.startswith("l.py:1:12: FX101 ") and not line.endswith("[*]")


@pytest.mark.parametrize(
    "args",
    [
        ("--select", "FX999"),
        ("--select", "no-such-rule"),
        ("--ignore", "FX9"),
        ("--select", "FX101", "missing_dir"),
        ("--format", "xml"),
        ("--jobs", "0"),
    ],
)
def test_check_usage_errors_exit_2(project, args):
    project.write("a.py", MUTABLE)
    paths = () if "missing_dir" in args else (".",)
    run = project.cli("check", *args, *paths)
    assert run.exit_code == 2, run
    assert finding_lines(run.stdout) == []


def test_apply_usage_errors_exit_2_and_write_nothing(project):
    project.write("a.py", MUTABLE)
    before = project.snapshot()
    for args in (("--select", "FX999", "."), ("--select", "FX101", "nope.py")):
        run = project.cli("apply", *args)
        assert run.exit_code == 2, run
        assert "error:" in run.stderr
    assert project.snapshot() == before


def test_bad_config_exits_2(project):
    project.write("a.py", MUTABLE)
    project.write("pyproject.toml", "[tool.finfix]\nselect = 'FX101'\nbogus-key = 1\n")
    run = project.cli("check", ".")
    assert run.exit_code == 2, run
    assert "bogus-key" in run.stderr
    project.write("pyproject.toml", "[tool.finfix\n")
    run = project.cli("check", ".")
    assert run.exit_code == 2, run
    assert "invalid TOML" in run.stderr


@pytest.mark.parametrize(
    ("select", "ignore", "found"),
    [
        ("FX101", None, True),
        ("FX1", None, True),
        ("fx101", None, True),
        ("mutable-default", None, True),
        ("FX999,FX101", None, None),  # one unknown selector is a usage error
        ("FX101", "FX101", False),
        ("FX1", "mutable-default", False),
        ("mutable-default", "FX1", False),
        ("ALL", None, True),
        ("all", "FX101", False),
    ],
)
def test_select_and_ignore(project, select, ignore, found):
    project.write("a.py", MUTABLE)
    args = ["check", "--jobs", "1", "--select", select]
    if ignore:
        args += ["--ignore", ignore]
    run = project.cli(*args, ".")
    if found is None:
        assert run.exit_code == 2, run
        assert "unknown rule selector 'FX999'" in run.stderr
        return
    lines = finding_lines(run.stdout)
    if found:
        assert run.exit_code == 1, run
        assert "a.py:1:7: FX101 mutable default `x=[]` is shared between calls [*]" in lines
    else:
        assert not any(" FX101 " in line for line in lines), run


def test_select_is_repeatable(project):
    project.write("a.py", MUTABLE)
    run = project.cli("check", "--jobs", "1", "--select", "FX999", "--select", "FX101", ".")
    assert run.exit_code == 2, run
    run = project.cli("check", "--jobs", "1", "--ignore", "FX101", "--select", "FX101", ".")
    assert run.exit_code == 0, run


# -- which files ---------------------------------------------------------------------------------------


def test_gitignore_and_default_skips_are_honoured(project):
    project.write(".gitignore", "generated/\n*_gen.py\n!keep_gen.py\n")
    project.write("a.py", MUTABLE)
    project.write("generated/x.py", MUTABLE)
    project.write("pkg/model_gen.py", MUTABLE)
    project.write("pkg/keep_gen.py", MUTABLE)
    project.write("pkg/.gitignore", "local.py\n")
    project.write("pkg/local.py", MUTABLE)
    project.write("other/local.py", MUTABLE)  # pkg/.gitignore does not reach here
    for skipped in (".venv/lib/x.py", "build/x.py", "__pycache__/x.py", ".git/x.py", "node_modules/x.py"):
        project.write(skipped, MUTABLE)
    project.write("myenv/pyvenv.cfg", "home = /usr\n")
    project.write("myenv/lib/x.py", MUTABLE)
    project.write("notes.txt", "def f(x=[]): pass\n")
    run = project.cli("check", *SEL, ".")
    paths = sorted(line.split(":")[0] for line in finding_lines(run.stdout))
    assert paths == ["a.py", "other/local.py", "pkg/keep_gen.py"], run
    assert "in 3 file(s)" in run.stderr


def test_gitignore_above_the_root_applies_in_a_repository(project):
    (project.root / ".git").mkdir()
    project.write(".gitignore", "*_gen.py\n")
    project.write("src/a.py", MUTABLE)
    project.write("src/b_gen.py", MUTABLE)
    run = project.cli("check", *SEL, "src")
    assert [line.split(":")[0] for line in finding_lines(run.stdout)] == ["src/a.py"], run


def test_respect_gitignore_false(project):
    project.write("pyproject.toml", "[tool.finfix]\nrespect-gitignore = false\n")
    project.write(".gitignore", "ignored.py\n")
    project.write("ignored.py", MUTABLE)
    run = project.cli("check", *SEL, ".")
    assert [line.split(":")[0] for line in finding_lines(run.stdout)] == ["ignored.py"], run


def test_config_exclude_is_honoured_relative_to_pyproject(project):
    project.write("pyproject.toml", '[tool.finfix]\nexclude = ["legacy/", "*_pb2.py"]\n')
    project.write("src/a.py", MUTABLE)
    project.write("src/msg_pb2.py", MUTABLE)
    project.write("legacy/old.py", MUTABLE)
    project.write("src/legacy/old.py", MUTABLE)  # `legacy/` matches at any depth, gitignore-style
    project.write("src/legacyish.py", MUTABLE)
    # run from a subdirectory: patterns stay relative to the pyproject.toml
    root = project.root
    project.root = root / "src"
    try:
        run = project.cli("check", *SEL, ".")
    finally:
        project.root = root
    assert sorted(line.split(":")[0] for line in finding_lines(run.stdout)) == ["a.py", "legacyish.py"], run


def test_explicit_files_are_always_processed(project):
    project.write("pyproject.toml", '[tool.finfix]\nexclude = ["legacy/"]\n')
    project.write(".gitignore", "ignored.py\n")
    project.write("ignored.py", MUTABLE)
    project.write("legacy/old.py", MUTABLE)
    project.write("build/gen.py", MUTABLE)
    project.write("script", "#!/usr/bin/env python\n" + MUTABLE)  # no .py suffix
    run = project.cli("check", *SEL, "ignored.py", "legacy/old.py", "build/gen.py", "script")
    assert sorted(line.split(":")[0] for line in finding_lines(run.stdout)) == [
        "build/gen.py", "ignored.py", "legacy/old.py", "script",
    ], run
    run = project.cli("apply", *SEL, "legacy/old.py")
    assert run.exit_code == 0 and project.text("legacy/old.py") == MUTABLE_FIXED, run


def test_symlinks_are_not_followed_out_of_the_root(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.py").write_text(MUTABLE)
    project.write("root/a.py", MUTABLE)
    os.symlink(outside / "o.py", project.root / "root/out_link.py")
    os.symlink(outside, project.root / "root/out_dir")
    os.symlink(project.root / "root", project.root / "root/self_loop")  # a directory loop
    os.symlink("l2.py", project.root / "root/l1.py")  # a file-symlink loop
    os.symlink("l1.py", project.root / "root/l2.py")
    os.symlink("nowhere.py", project.root / "root/dangling.py")
    run = project.subprocess("check", *SEL, "root", timeout=30)  # a hang fails instead of blocking
    assert run.exit_code == 1, run
    assert [line.split(":")[0] for line in finding_lines(run.stdout)] == ["root/a.py"], run
    run = project.subprocess("apply", *SEL, "root", timeout=30)
    assert run.exit_code == 0, run
    assert (outside / "o.py").read_text() == MUTABLE  # nothing outside the root is touched


def test_file_symlink_inside_the_root_is_processed_once(project):
    project.write("a.py", MUTABLE)
    os.symlink("a.py", project.root / "alias.py")
    project.write("sub/real.py", MUTABLE)
    os.symlink("sub/real.py", project.root / "b_link.py")  # sorts before its target's directory
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 1, run
    assert len(finding_lines(run.stdout)) == 2, run
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run  # no "changed on disk" error from writing one file twice
    assert project.text("a.py") == MUTABLE_FIXED
    assert project.text("sub/real.py") == MUTABLE_FIXED
    assert os.path.islink(project.root / "alias.py") and os.path.islink(project.root / "b_link.py")


def test_explicit_broken_symlink_is_reported(project):
    os.symlink("nowhere.py", project.root / "dangling.py")
    run = project.cli("check", *SEL, "dangling.py")
    assert run.exit_code == 1, run
    assert "error: dangling.py: broken symbolic link (to nowhere.py)" in run.stderr


# -- suppression ---------------------------------------------------------------------------------------


def test_suppression_comments(project):
    project.write(
        "s.py",
        """
        def a(x=[]):  # finfix: ignore
            return len(x)
        def b(x=[]):  # finfix: ignore[FX101]
            return len(x)
        def c(x=[]):  # finfix: ignore[FX999]
            return len(x)
        def d(x=[]):  # noqa  # FINFIX: IGNORE[fx202, fx101]
            return len(x)
        def e(
            y=1,
            x=[],  # finfix: ignore[FX101]
        ):
            return len(x)
        def g(x=[]):
            return len(x)  # finfix: ignore
        """,
    )
    run = project.cli("check", *SEL, ".")
    assert run.exit_code == 1, run
    assert [line.split(":")[1] for line in finding_lines(run.stdout)] == ["5", "14"], run  # g: the comment is not on the line of the finding
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    text = project.text("s.py")
    assert "def a(x=[]):" in text and "def b(x=[]):" in text and "def d(x=[]):" in text
    assert "    x=[],  # finfix: ignore[FX101]" in text
    assert "def c(x=None):  # finfix: ignore[FX999]" in text
    assert "def g(x=None):" in text


# -- bad input -----------------------------------------------------------------------------------------


def test_bad_input_files_are_reported_and_the_rest_fixed(project):
    project.write("good.py", MUTABLE)
    project.write("syntax.py", "def f(x=[]:\n    pass\n")
    project.write("undecodable.py", b"def f(x=[]):\n    return '\xff\xfe'\n")
    project.write("nul.py", b"def f(x=[]):\n    return 1\0\n")
    project.write("badcookie.py", b"# -*- coding: no-such-codec -*-\ndef f(x=[]):\n    return 1\n")
    bad = ["badcookie.py", "nul.py", "syntax.py", "undecodable.py"]
    before = project.snapshot()
    for command in (("check",), ("apply", "--dry-run"), ("apply",)):
        run = project.cli(*command, *SEL, ".")
        assert run.exit_code == 1, (command, run)
        error_lines = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
        assert sorted(line.split(":")[1].strip() for line in error_lines) == bad, run
        assert all(len(line) < 200 for line in error_lines)
        assert "syntax error at line 1" in run.stderr
    after = project.snapshot()
    for rel in bad:
        assert after[rel] == before[rel], rel
    assert project.text("good.py") == MUTABLE_FIXED


def test_bad_input_json_lists_errors(project):
    project.write("good.py", MUTABLE)
    project.write("syntax.py", "def f(:\n")
    run = project.cli("check", *SEL, "--format", "json", ".")
    assert run.exit_code == 1, run
    doc = json.loads(run.stdout)
    assert [e["path"] for e in doc["errors"]] == ["syntax.py"]
    assert doc["summary"] == {"files": 2, "files_with_findings": 1, "findings": 1, "fixable": 1, "errors": 1}


def test_unreadable_file_is_reported(project, monkeypatch):
    project.write("good.py", MUTABLE)
    locked = project.write("locked.py", MUTABLE)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads anything: make the engine's read fail for this one file instead
        from finfix.engine import core as engine

        real_read = engine.read_regular

        def fake_read(path, *a, **k):
            if os.path.basename(str(path)) == "locked.py":
                raise PermissionError(13, "Permission denied", str(path))
            return real_read(path, *a, **k)

        monkeypatch.setattr(engine, "read_regular", fake_read)
    try:
        run = project.cli("apply", *SEL, ".")
    finally:
        locked.chmod(0o644)
    assert run.exit_code == 1, run
    assert "error: locked.py: cannot read: Permission denied" in run.stderr
    assert project.text("good.py") == MUTABLE_FIXED
    assert project.text("locked.py") == MUTABLE


# -- bytes outside the fix -----------------------------------------------------------------------------


def test_latin1_bom_and_crlf_keep_their_bytes(project):
    latin1 = b"# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\ndef f(x=[]):\n    return len(x)  # \xa3\n"
    project.write("latin1.py", latin1)
    bom = b"\xef\xbb\xbf# \xe2\x82\xac\r\ndef f(x=[]):\r\n    return len(x)\r\n"
    project.write("bom.py", bom)
    crlf = b"import os\r\n\r\ndef f(x={}):\r\n    '''Doc.'''\r\n    return len(x)\r\n"
    project.write("crlf.py", crlf)
    noeol = b"def f(x=[]):\n    return len(x)"  # no newline at the end of the file
    project.write("noeol.py", noeol)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    fix = b"    if x is None:\n        x = []\n"
    assert project.read("latin1.py") == latin1.replace(b"x=[]", b"x=None").replace(b"):\n", b"):\n" + fix)
    assert project.read("bom.py") == bom.replace(b"x=[]", b"x=None").replace(
        b"):\r\n", b"):\r\n" + fix.replace(b"\n", b"\r\n")
    )
    assert project.read("crlf.py") == (
        b"import os\r\n\r\ndef f(x=None):\r\n    '''Doc.'''\r\n    if x is None:\r\n        x = {}\r\n"
        b"    return len(x)\r\n"
    )
    assert project.read("noeol.py") == b"def f(x=None):\n" + fix + b"    return len(x)"


def test_dry_run_diff_of_latin1_file_is_decoded(project):
    project.write("latin1.py", b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\ndef f(x=[]):\n    return len(x)\n")
    run = project.cli("apply", "--dry-run", *SEL, ".")
    assert run.exit_code == 1, run
    assert " s = 'caf\xe9'\n" in run.stdout


def test_ascii_cookie_round_trips(project):
    src = b"# coding: ascii\ndef f(x=[]):\n    return len(x)\n"
    project.write("ascii.py", src)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.read("ascii.py") == b"# coding: ascii\n" + MUTABLE_FIXED.encode()


def test_file_mode_is_preserved(project):
    p = project.write("tool.py", MUTABLE)
    p.chmod(0o751)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert stat.S_IMODE(p.stat().st_mode) == 0o751
    assert project.text("tool.py") == MUTABLE_FIXED
    assert not [n for n in os.listdir(project.root) if n.startswith(".finfix-")]  # no temp files left


def test_read_only_file_is_not_written_and_reported(project):
    project.write("good.py", MUTABLE)
    ro = project.write("ro.py", MUTABLE)
    ro.chmod(0o444)
    try:
        run = project.cli("apply", *SEL, ".")
        st = ro.stat()
    finally:
        ro.chmod(0o644)
    assert run.exit_code == 1, run
    assert "error: ro.py: file is read-only; not modified" in run.stderr
    assert stat.S_IMODE(st.st_mode) == 0o444
    assert project.text("ro.py") == MUTABLE
    assert project.text("good.py") == MUTABLE_FIXED
    assert "changed 1" in run.stderr


# -- parallel runs ---------------------------------------------------------------------------------------


def _many(project) -> None:
    for i in range(12):
        project.write(f"pkg{i % 3}/m{i}.py", f"# {i}\n" + MUTABLE if i % 2 else CLEAN)
    project.write("pkg0/bad.py", "def (:\n")
    project.write("pkg1/u.py", "def f(x=[]):\n    x.append(1)\n    return x\n")


def test_jobs_2_matches_jobs_1(project, tmp_path):
    _many(project)
    # --no-cache: each run must really process the files, through the pool for --jobs 2
    one = project.cli("check", "--no-cache", "--select", "FX101", "--jobs", "1", "--format", "json", ".")
    two = project.cli("check", "--no-cache", "--select", "FX101", "--jobs", "2", "--format", "json", ".")
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert len(json.loads(one.stdout)["findings"]) == 7
    # apply: the same bytes on disk either way
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(project.root, copy)
    r1 = project.cli("apply", "--no-cache", "--select", "FX101", "--jobs", "1", ".")
    root = project.root
    project.root = copy
    try:
        r2 = project.cli("apply", "--no-cache", "--select", "FX101", "--jobs", "2", ".")
        snap2 = project.snapshot()
    finally:
        project.root = root
    snap1 = project.snapshot()
    assert r1.exit_code == r2.exit_code == 1
    assert r1.stderr == r2.stderr
    assert {k: v[0] for k, v in snap1.items()} == {k: v[0] for k, v in snap2.items()}


# -- JSON ----------------------------------------------------------------------------------------------


def test_json_output_matches_the_documented_schema(project):
    project.write(
        "src/exchange.py",
        'def fetch(symbol, params={}):\n    params["symbol"] = symbol\n    return params\n',
    )
    project.write("src/clean.py", CLEAN)
    project.write("src/lam.py", "f = lambda x=[]: x\n")
    project.write("src/broken.py", "def f(:\n")
    run = project.cli("check", *SEL, "--format", "json", "src")
    assert run.exit_code == 1, run
    doc = json.loads(run.stdout)
    assert set(doc) == {"schema_version", "version", "findings", "errors", "summary"}
    assert doc["schema_version"] == 2
    assert isinstance(doc["version"], str) and re.fullmatch(r"\d+\.\d+\.\d+.*", doc["version"])
    keys = {
        "path", "line", "column", "end_line", "end_column", "code", "name", "message", "fix", "reason", "applied",
        "docs", "future",
    }
    for f in doc["findings"]:
        assert set(f) == keys
        for k in ("line", "column", "end_line", "end_column"):
            assert isinstance(f[k], int) and f[k] >= 1
        assert (f["end_line"], f["end_column"]) >= (f["line"], f["column"])
        assert f["fix"] is None or f["fix"]["safety"] in ("safe", "unsafe")
        assert f["docs"] == f"finfix explain {f['code']}"
        assert f["reason"] is None or isinstance(f["reason"], str)
        assert f["applied"] is False  # check never applies
    by_path = {f["path"]: f for f in doc["findings"]}
    ex = by_path["src/exchange.py"]
    assert (ex["line"], ex["column"], ex["end_line"], ex["end_column"]) == (1, 19, 1, 28)
    assert (ex["code"], ex["name"], ex["fix"]["safety"]) == ("FX101", "mutable-default", "unsafe")
    (edit,) = ex["fix"]["edits"]  # applying the edit gives the fixed file (checked in test_output_formats)
    assert edit["content"].startswith("None") and edit["start"] == {"line": 1, "column": 26}
    assert "params" in ex["message"] and "mutated" in ex["reason"]
    lam = by_path["src/lam.py"]
    assert lam["fix"] is None and lam["reason"]
    assert doc["errors"] == [{"path": "src/broken.py", "message": "syntax error at line 1, column 7: invalid syntax"}]
    assert doc["summary"] == {"files": 4, "files_with_findings": 2, "findings": 2, "fixable": 1, "errors": 1}


# -- list / explain ----------------------------------------------------------------------------------------


def test_list_shows_every_rule(project):
    from finfix import registry

    run = project.cli("list")
    assert run.exit_code == 0, run
    assert re.search(r"FX101\s+mutable-default\s+unsafe\s+Mutable default", run.stdout), run
    for rule in registry.all_rules():
        assert rule.code in run.stdout


def test_explain(project):
    run = project.cli("explain", "FX101")
    assert run.exit_code == 0, run
    assert run.stdout.startswith("# FX101 `mutable-default`")
    assert "## Why is this bad?" in run.stdout and "## Examples" in run.stdout
    assert "def add_trade(trade, book=None):" in run.stdout
    assert project.cli("explain", "mutable-default").stdout == run.stdout
    assert project.cli("explain", "fx101").stdout == run.stdout


def test_explain_unknown_code_exits_2(project):
    run = project.cli("explain", "FX999")
    assert run.exit_code == 2, run
    assert "unknown rule" in run.stderr and run.stdout == ""


# -- configuration -------------------------------------------------------------------------------------------


def test_unsafe_fixes_from_config_and_cli_override(project):
    src = "def f(x=[]):\n    x.append(1)\n    return x\n"
    fixed = "def f(x=None):\n    if x is None:\n        x = []\n    x.append(1)\n    return x\n"
    project.write("pyproject.toml", '[tool.finfix]\nselect = ["FX101"]\nunsafe-fixes = true\n')
    project.write("u.py", src)
    run = project.cli("apply", "--no-unsafe-fixes", "--jobs", "1", ".")
    assert run.exit_code == 0 and project.text("u.py") == src, run
    run = project.cli("apply", "--jobs", "1", ".")
    assert run.exit_code == 0 and project.text("u.py") == fixed, run
    project.write("pyproject.toml", '[tool.finfix]\nselect = ["FX101"]\nunsafe_fixes = false\n')
    project.write("u.py", src)
    run = project.cli("apply", "--jobs", "1", ".")
    assert run.exit_code == 0 and project.text("u.py") == src, run
    run = project.cli("apply", "--unsafe-fixes", "--jobs", "1", ".")
    assert run.exit_code == 0 and project.text("u.py") == fixed, run


def test_select_and_ignore_from_config_cli_overrides(project):
    project.write("pyproject.toml", '[tool.finfix]\nselect = ["FX101"]\nignore = ["mutable-default"]\n')
    project.write("a.py", MUTABLE)
    run = project.cli("check", "--jobs", "1", ".")
    assert run.exit_code == 0, run
    run = project.cli("check", "--jobs", "1", "--select", "FX101", "--ignore", "ALL_NONE", ".")
    assert run.exit_code == 2, run  # an unknown ignore selector on the CLI is still an error
    project.write("pyproject.toml", '[tool.finfix]\nselect = ["FX101"]\nignore = ["FX101"]\n')
    run = project.cli("check", "--jobs", "1", "--ignore", "FX1019", ".")
    assert run.exit_code == 2, run
    project.write("pyproject.toml", '[tool.finfix]\nselect = ["FX999"]\n')
    run = project.cli("check", "--jobs", "1", "--select", "FX101", ".")
    assert run.exit_code == 1, run  # the CLI's --select replaces the config's (unknown) one


def test_target_version_from_config(project):
    src = "def f(x: list = []):\n    return len(x)\n"
    project.write("pyproject.toml", '[tool.finfix]\ntarget-version = "py38"\n')
    project.write("a.py", src)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("a.py") == (
        "from typing import Optional\n\n"
        "def f(x: Optional[list] = None):\n    if x is None:\n        x = []\n    return len(x)\n"
    )
    project.write("pyproject.toml", '[project]\nname = "p"\nrequires-python = ">=3.10"\n[tool.finfix]\n')
    project.write("a.py", src)
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0, run
    assert project.text("a.py") == "def f(x: list | None = None):\n    if x is None:\n        x = []\n    return len(x)\n"


def test_subprocess_entry_point(project):
    project.write("a.py", MUTABLE)
    run = project.subprocess("apply", "--dry-run", "--select", "FX101", "a.py")
    assert run.exit_code == 1, run
    assert run.stdout.startswith("--- a/a.py\n+++ b/a.py\n@@ ")
    assert "\x1b[" not in run.stdout
    assert project.text("a.py") == MUTABLE
    run = project.subprocess("check", "--select", "FX101", "a.py")
    assert run.exit_code == 1 and finding_lines(run.stdout) == [
        "a.py:1:7: FX101 mutable default `x=[]` is shared between calls [*]"
    ], run


@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_bundled_examples_all_rules_second_apply_is_a_no_op(project):
    """All rules together (the README's quick start): fixes must not feed each other forever."""
    import shutil
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    if not examples.is_dir():
        pytest.skip("no examples/ directory")
    shutil.copytree(examples, project.root / "examples")
    dry = project.cli("apply", "--dry-run", "--select", "FX101", "--jobs", "1", "examples")
    assert dry.exit_code == 1, dry
    assert "+++ b/examples/quantdesk/" in dry.stdout and "is None:" in dry.stdout  # FX101 diffs
    first = project.cli("apply", "--unsafe-fixes", "--jobs", "1", "examples")
    assert first.exit_code == 0, first
    snap = project.snapshot()
    second = project.cli("apply", "--no-cache", "--unsafe-fixes", "--jobs", "1", "examples")
    assert second.exit_code == 0 and "changed 0" in second.stderr, second
    assert project.snapshot() == snap
    for rel, (data, *_rest) in snap.items():
        if rel.endswith(".py"):
            compile(data, rel, "exec")


def test_check_then_dry_run_then_apply_still_writes(project):
    """Whatever a run remembers from earlier runs, apply must still write the fix."""
    project.write("a.py", MUTABLE)
    assert project.cli("check", *SEL, ".").exit_code == 1
    assert project.cli("apply", "--dry-run", *SEL, ".").exit_code == 1
    assert project.text("a.py") == MUTABLE
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0 and "changed 1" in run.stderr, run
    assert project.text("a.py") == MUTABLE_FIXED
    project.write("a.py", MUTABLE)  # same bytes again, as after a `git checkout`
    run = project.cli("apply", *SEL, ".")
    assert run.exit_code == 0 and project.text("a.py") == MUTABLE_FIXED, run


def test_explicit_symlink_loop_is_reported_not_a_crash(project):
    os.symlink("l2.py", project.root / "l1.py")
    os.symlink("l1.py", project.root / "l2.py")
    project.write("good.py", MUTABLE)
    run = project.cli("apply", *SEL, "l1.py", "good.py")
    assert run.exit_code == 1, run
    assert [line for line in run.stderr.splitlines() if line.startswith("error:")] == [
        "error: l1.py: cannot read: Too many levels of symbolic links"
    ], run
    assert project.text("good.py") == MUTABLE_FIXED
