"""The engine with throwaway rules: line numbers across rules, the parse check, import edits, encodings,
suppression, the writer."""

from __future__ import annotations

import os
import stat

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from finfix.codemods.python.mutable_default import MutableDefault
from conftest import MUTABLE, MUTABLE_FIXED
from finfix import registry
from finfix.engine import writer
from finfix.engine.core import FileResult, Settings, decode, process_file, process_source, run_rules
from finfix.engine.linemap import LineMap
from finfix.sdk.rule import Rule, Safety

FIX = Settings(fix=True)
CHECK = Settings(fix=False)


class InsertLines(Rule):
    """Inserts three statements after the first line of the module (a fix, so the engine keeps it)."""

    code, name, summary, safety = "FX990", "insert-lines", "test rule", Safety.SAFE

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not original_node.body or not self.report(original_node.body[0], "insert", fix=Safety.SAFE):
            return updated_node
        new = [cst.parse_statement(f"inserted_{i} = {i}\n") for i in range(3)]
        body = list(updated_node.body)
        return updated_node.with_changes(body=[body[0], *new, *body[1:]])


class ReportTargets(Rule):
    """Reports every name `target` (no fix)."""

    code, name, summary, safety = "FX991", "report-targets", "test rule", Safety.DETECT

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "target":
            self.report(node, "a target")


class BreakCode(Rule):
    """A buggy rule: its 'fix' turns `broken = 1` into `None = 1`, which does not parse."""

    code, name, summary, safety = "FX992", "break-code", "test rule", Safety.SAFE

    def leave_AssignTarget(self, original_node, updated_node):
        if m.matches(original_node.target, m.Name("broken")) and self.report(original_node, "breaks it", fix=Safety.SAFE):
            return updated_node.with_changes(target=cst.Name("None"))
        return updated_node


class Crash(Rule):
    code, name, summary, safety = "FX993", "crash", "test rule", Safety.DETECT

    def visit_Module(self, node):
        raise ZeroDivisionError("boom")


class NeedsImport(Rule):
    """Replaces `xx` with `Optional` and queues `from typing import Optional`; removes `import os` use."""

    code, name, summary, safety = "FX994", "needs-import", "test rule", Safety.SAFE
    seen_code: list[str] = []

    def leave_Name(self, original_node, updated_node):
        if original_node.value == "xx" and self.report(original_node, "xx", fix=Safety.SAFE):
            AddImportsVisitor.add_needed_import(self.context, "typing", "Optional")
            return updated_node.with_changes(value="Optional")
        return updated_node

    def leave_Attribute(self, original_node, updated_node):
        if m.matches(original_node, m.Attribute(value=m.Name("os"))) and self.report(
            original_node, "os.sep", fix=Safety.SAFE
        ):
            RemoveImportsVisitor.remove_unused_import(self.context, "os")
            return cst.SimpleString('"/"')
        return updated_node


class SeeTree(Rule):
    """Records the code of the tree it is given (to check queued imports are not there yet)."""

    code, name, summary, safety = "FX995", "see-tree", "test rule", Safety.DETECT
    seen: list[str] = []

    def visit_Module(self, node):
        SeeTree.seen.append(node.code)


class WithOption(Rule):
    code, name, summary, safety = "FX996", "with-option", "test rule", Safety.DETECT
    options = {"level": 1, "label": "default"}

    def visit_Module(self, node):
        self.report(node, f"level={self.option('level')} label={self.option('label')}")


class NonLatin(Rule):
    """Replaces the string 'x' with 'π' (not encodable in latin-1)."""

    code, name, summary, safety = "FX997", "non-latin", "test rule", Safety.SAFE

    def leave_SimpleString(self, original_node, updated_node):
        if original_node.value == "'x'" and self.report(original_node, "pi", fix=Safety.SAFE):
            return updated_node.with_changes(value="'\u03c0'")
        return updated_node


# -- line numbers ------------------------------------------------------------------------------------


def test_findings_point_into_the_original_file_after_an_earlier_rule_inserted_lines():
    src = "import os\nx = 1\ntarget = 2\n\ndef f():\n    return target  # line 6\n"
    out, findings = run_rules("m.py", src, [InsertLines, ReportTargets], FIX)
    assert out.count("inserted_") == 3
    assert out.splitlines()[0] == "import os" and "inserted_0 = 0" in out.splitlines()[1]
    targets = [(f.line, f.col, f.end_line) for f in findings if f.code == "FX991"]
    assert targets == [(3, 1, 3), (6, 12, 6)]
    # without the fix the same lines are reported
    _, findings = run_rules("m.py", src, [InsertLines, ReportTargets], CHECK)
    assert [(f.line, f.col) for f in findings if f.code == "FX991"] == [(3, 1), (6, 12)]


def test_findings_after_fx101_inserted_lines_point_into_the_original():
    src = (
        "def f(a=[], b={}):\n"  # 1
        "    return len(a) + len(b)\n"  # 2
        "\n"  # 3
        "target = f()\n"  # 4
        "def g(c=[]):\n"  # 5
        "    return target, len(c)\n"  # 6
    )
    out, findings = run_rules("m.py", src, [MutableDefault, ReportTargets], FIX)
    assert out.count("is None") == 3
    assert [(f.code, f.line) for f in findings] == [("FX101", 1), ("FX101", 1), ("FX101", 5), ("FX991", 4), ("FX991", 6)]
    assert all(f.applied for f in findings if f.code == "FX101")


def test_suppression_still_works_on_shifted_lines():
    src = "import os\ntarget = 1  # finfix: ignore[FX991]\ntarget = 2  # finfix: ignore[FX101]\ntarget = 3  # finfix: ignore\n"
    _, findings = run_rules("m.py", src, [InsertLines, ReportTargets], FIX)
    assert [f.line for f in findings if f.code == "FX991"] == [3]


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("# finfix: ignore", True),
        ("# finfix:ignore[FX991]", True),
        ("#finfix: ignore[ fx101 , FX991 ]", True),
        ("# FINFIX: IGNORE[FX991]", True),
        ("# finfix: ignore[FX99]", False),  # a prefix is not a code
        ("# finfix: ignore[FX9911]", False),
        ("# finfix: ignore[FX101]", False),
        ("# noqa", True),  # flake8 / ruff: every rule
        ("# noqa: E501", False),
        ("# noqa:FX991", True),
        ("# noqa: E501, FX991", True),
        ("# finfix: ignore[]", False),
    ],
)
def test_suppression_comment_forms(comment, suppressed):
    _, findings = run_rules("m.py", f"target = 1  {comment}\n", [ReportTargets], CHECK)
    assert (not findings) == suppressed


def test_suppression_on_last_line_of_a_multiline_default():
    src = "def f(x=[\n    1,\n]):  # finfix: ignore[FX101]\n    return len(x)\n"
    # the finding spans `x=[...]`: lines 1-3; the comment sits on its last line
    out, findings = run_rules("m.py", src, [MutableDefault], FIX)
    assert findings == [] and out == src


def test_linemap_between():
    old = ["a", "b", "c", "d"]
    new = ["a", "x", "y", "b", "c", "z", "d"]
    m = LineMap.between(new, old)
    assert [m(i) for i in (1, 4, 5, 7)] == [1, 2, 3, 4]
    assert m(2) in (1, 2) and m(3) in (1, 2) and m(6) in (3, 4)
    assert LineMap.identity()(42) == 42
    shift = LineMap.between(["p", *new], new)
    assert shift.then(m)(5) == 2


# -- the parse check and crashes ---------------------------------------------------------------------------


def test_output_that_does_not_parse_is_refused():
    raw = b"import os\nbroken = 1\n"
    result = process_source("m.py", raw, [BreakCode], FIX)
    assert result.error and "does not parse" in result.error and result.internal
    assert result.new is None and not result.changed
    assert all(not f.applied for f in result.findings)


def test_a_crashing_rule_is_an_internal_error():
    result = process_source("m.py", b"x = 1\n", [Crash], CHECK)
    assert result.internal and "ZeroDivisionError: boom" in result.error and not result.changed


@pytest.fixture
def extra_rules(monkeypatch):
    """Register throwaway rules next to the built-in ones (in-process runs only: use --jobs 1)."""

    def install(*rules):
        pool = (*registry.all_rules(), *rules)
        monkeypatch.setattr(registry, "all_rules", lambda: pool)

    return install


def test_cli_broken_rule_exits_2_and_leaves_the_file(project, extra_rules):
    extra_rules(BreakCode)
    project.write("m.py", "broken = 1\n")
    project.write("good.py", MUTABLE)
    before = project.read("m.py")
    run = project.cli("apply", "--select", "FX992,FX101", "--jobs", "1", ".")
    assert run.exit_code == 2, run
    assert "error: m.py: internal error: the fixed source does not parse" in run.stderr
    assert project.read("m.py") == before
    assert project.text("good.py") == MUTABLE_FIXED  # the other files are still fixed
    extra_rules(BreakCode, Crash)
    run = project.cli("check", "--select", "FX993", "--jobs", "1", ".")
    assert run.exit_code == 2, run
    assert "internal error: ZeroDivisionError: boom" in run.stderr


def test_cli_rule_options_from_pyproject(project, extra_rules):
    extra_rules(WithOption)
    project.write("m.py", "x = 1\n")
    run = project.cli("check", "--select", "FX996", "--jobs", "1", ".")
    assert "level=1 label=default" in run.stdout, run
    project.write("pyproject.toml", "[tool.finfix]\n[tool.finfix.FX996]\nlevel = 3\n")
    run = project.cli("check", "--select", "FX996", "--jobs", "1", ".")
    assert "level=3 label=default" in run.stdout, run
    project.write("pyproject.toml", "[tool.finfix.fx996]\nlevel = 4\nlabel = 'x'\n")
    run = project.cli("check", "--select", "with-option", "--jobs", "1", ".")
    assert "level=4 label=x" in run.stdout, run


# -- import edits ----------------------------------------------------------------------------------------------


def test_import_edits_are_applied_last():
    SeeTree.seen.clear()
    src = '"""Doc."""\nimport os\n\nv: xx = 1\ns = os.sep\ntarget = 2\n'
    out, findings = run_rules("m.py", src, [NeedsImport, SeeTree, ReportTargets], FIX)
    # the later rule saw the fixed body but not the queued import edits
    assert SeeTree.seen == ['"""Doc."""\nimport os\n\nv: Optional = 1\ns = "/"\ntarget = 2\n']
    assert out == '"""Doc."""\nfrom typing import Optional\n\nv: Optional = 1\ns = "/"\ntarget = 2\n'
    # line numbers are not disturbed by the import edits
    assert [(f.code, f.line) for f in findings] == [("FX994", 4), ("FX994", 5), ("FX991", 6)]


def test_import_edits_are_not_made_in_check_mode():
    src = "import os\nv: xx = 1\ns = os.sep\n"
    out, findings = run_rules("m.py", src, [NeedsImport], CHECK)
    assert out == src and len(findings) == 2 and not any(f.applied for f in findings)


# -- decoding and encoding -------------------------------------------------------------------------------------


def test_undecodable_bytes_are_named_with_their_offset():
    for raw in (b"x = '\xff'\n", b"x = 1\ny = 2\nz = '\xff'\n"):
        result = process_source("bad.py", raw, [MutableDefault], FIX)
        offset = raw.index(b"\xff")
        assert result.error.startswith("cannot decode as utf-8") and f"at offset {offset}" in result.error


def test_decode_keeps_the_encoding():
    assert decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n").encoding == "iso-8859-1"
    assert decode(b"\xef\xbb\xbfx = 1\n").encoding == "utf-8-sig"
    assert decode(b"x = 1\r\n").text == "x = 1\r\n"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"x = '\xff'\n", "cannot decode"),
        (b"# coding: klingon\nx = 1\n", "cannot decode"),
        (b"x = 1\0\n", "NUL"),
        (b"def f(:\n", "syntax error at line 1"),
        (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "cannot decode"),
    ],
)
def test_bad_input_is_an_error_not_an_exception(raw, message):
    for rules in ([MutableDefault], [ReportTargets], []):
        result = process_source("bad.py", raw, rules, FIX)
        assert result.error and message in result.error and not result.internal, (rules, result)
        assert "\n" not in result.error
        assert not result.changed


def test_unencodable_fix_is_refused_without_losing_the_file():
    raw = b"# -*- coding: latin-1 -*-\ns = 'x'\nt = '\xe9'\n"
    result = process_source("m.py", raw, [NonLatin], FIX)
    assert result.error and "cannot encode" in result.error and not result.internal
    assert not result.changed
    utf8 = process_source("u.py", b"s = 'x'\n", [NonLatin], FIX)
    assert utf8.new == "s = '\u03c0'\n".encode()


def test_crlf_bom_and_latin1_round_trip_through_the_engine():
    raw = b"\xef\xbb\xbf# \xc3\xa9\r\ndef f(x=[]):\r\n    return len(x)\r\n"
    result = process_source("m.py", raw, [MutableDefault], FIX)
    assert result.new == b"\xef\xbb\xbf# \xc3\xa9\r\ndef f(x=None):\r\n    if x is None:\r\n        x = []\r\n    return len(x)\r\n"


def test_process_file_missing_and_directory(tmp_path):
    assert process_file(str(tmp_path / "gone.py"), [MutableDefault], FIX).error == "file vanished before it could be read"
    assert process_file(str(tmp_path), [MutableDefault], FIX).error == "is a directory"
    os.symlink(tmp_path / "gone.py", tmp_path / "link.py")
    assert "broken symbolic link" in process_file(str(tmp_path / "link.py"), [MutableDefault], FIX).error


def test_unchanged_result_has_no_new_bytes():
    r = process_source("m.py", b"def f(x=None):\n    return x\n", [MutableDefault], FIX)
    assert isinstance(r, FileResult) and r.new is None and not r.changed and r.error is None


# -- writer --------------------------------------------------------------------------------------------------


def test_writer_replaces_atomically_and_keeps_mode(tmp_path):
    p = tmp_path / "m.py"
    p.write_bytes(b"old\n")
    p.chmod(0o640)
    writer.write_atomic(str(p), b"new\n", b"old\n")
    assert p.read_bytes() == b"new\n"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["m.py"]


def test_writer_refuses_a_file_changed_on_disk(tmp_path):
    p = tmp_path / "m.py"
    p.write_bytes(b"edited meanwhile\n")
    with pytest.raises(writer.WriteError, match="changed on disk"):
        writer.write_atomic(str(p), b"new\n", b"old\n")
    assert p.read_bytes() == b"edited meanwhile\n"
    assert os.listdir(tmp_path) == ["m.py"]


def test_writer_refuses_read_only_and_vanished_files(tmp_path):
    p = tmp_path / "m.py"
    p.write_bytes(b"old\n")
    p.chmod(0o444)
    with pytest.raises(writer.WriteError, match="read-only"):
        writer.write_atomic(str(p), b"new\n", b"old\n")
    assert p.read_bytes() == b"old\n"
    with pytest.raises(writer.WriteError, match="vanished"):
        writer.write_atomic(str(tmp_path / "gone.py"), b"new\n", b"old\n")
    assert sorted(os.listdir(tmp_path)) == ["m.py"]


def test_writer_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.py"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    os.symlink("real.py", link)
    writer.write_atomic(str(link), b"new\n", b"old\n")
    assert link.is_symlink() and target.read_bytes() == b"new\n"


class SnakeOption(Rule):
    code, name, summary, safety = "FX998", "snake-option", "test rule", Safety.DETECT
    options = {"max_depth": 1}

    def visit_Module(self, node):
        self.report(node, f"max_depth={self.option('max_depth')}")


@pytest.mark.parametrize("key", ["max-depth", "max_depth"])
def test_rule_options_reach_the_rule_whatever_the_spelling(key):
    _, findings = run_rules("m.py", "x = 1\n", [SnakeOption, WithOption], Settings(rule_options={
        "FX998": {key: 5}, "FX996": {"level": 2},
    }))
    assert [f.message for f in findings] == ["max_depth=5", "level=2 label=default"]


class Shorten(Rule):
    """Renames `aaaaaaaa` to `b` (so later columns on that line move left)."""

    code, name, summary, safety = "FX999", "shorten", "test rule", Safety.SAFE

    def leave_Name(self, original_node, updated_node):
        if original_node.value == "aaaaaaaa" and self.report(original_node, "shorten", fix=Safety.SAFE):
            return updated_node.with_changes(value="b")
        return updated_node


def test_columns_point_into_the_original_line_after_an_earlier_rule_edited_it():
    src = "x = aaaaaaaa + target\ny = target\n"
    out, findings = run_rules("m.py", src, [Shorten, InsertLines, ReportTargets], FIX)
    assert out.startswith("x = b + target\n")
    got = [(f.line, f.col, f.end_line, f.end_col) for f in findings if f.code == "FX991"]
    assert got == [(1, 16, 1, 22), (2, 5, 2, 11)]
    assert [(f.line, f.col) for f in findings if f.code == "FX999"] == [(1, 5)]


_PARENT = os.getpid()


class KillWorker(Rule):
    """Kills the worker process that sees `die = 1` (never the test process itself)."""

    code, name, summary, safety = "FX989", "kill-worker", "test rule", Safety.DETECT

    def visit_Module(self, node):
        if "die = 1" in node.code and os.getpid() != _PARENT:
            os._exit(3)


def test_a_dying_worker_is_an_internal_error_not_a_traceback(project, extra_rules):
    extra_rules(KillWorker)
    project.write("die.py", "die = 1\n")
    for i in range(3):
        project.write(f"ok{i}.py", "x = 1\n")
    run = project.cli("check", "--select", "FX989", "--jobs", "2", ".")
    assert run.exit_code == 2, run
    assert "error: die.py: the worker process died while processing this file" in run.stderr
    assert "1 file(s) could not be checked" in run.stderr  # only die.py: the other files were processed


def test_line_maps_compose_across_several_changing_rules():
    src = "import os\ndef f(a=[]):\n    return len(a)\ntarget = 1\n"
    out, findings = run_rules("m.py", src, [InsertLines, MutableDefault, Shorten, ReportTargets], FIX)
    assert out.count("inserted_") == 3 and "if a is None:" in out
    assert out.splitlines().index("target = 1") == 8  # 0-based: 3 inserted lines + 2 from FX101
    assert [(f.code, f.line, f.col) for f in findings] == [("FX990", 1, 1), ("FX101", 2, 7), ("FX991", 4, 1)]


def test_writer_temp_file_goes_next_to_a_symlinks_target(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    target = tmp_path / "b" / "real.py"
    target.write_bytes(b"old\n")
    os.symlink(target, tmp_path / "a" / "link.py")
    import tempfile

    dirs = []
    real_mkstemp = tempfile.mkstemp

    def spy(*a, **k):
        dirs.append(k.get("dir"))
        return real_mkstemp(*a, **k)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    writer.write_atomic(str(tmp_path / "a" / "link.py"), b"new\n", b"old\n")
    assert dirs == [str(tmp_path / "b")]
    assert target.read_bytes() == b"new\n" and (tmp_path / "a" / "link.py").is_symlink()


def test_writer_reports_a_folder_it_cannot_write_in(tmp_path, monkeypatch):
    import tempfile

    p = tmp_path / "m.py"
    p.write_bytes(b"old\n")

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(writer.WriteError, match="cannot write: Permission denied"):
        writer.write_atomic(str(p), b"new\n", b"old\n")
    assert p.read_bytes() == b"old\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_apply_in_a_read_only_folder_is_an_error_not_a_crash(project):
    project.write("ro/a.py", MUTABLE)
    project.write("good.py", MUTABLE)
    (project.root / "ro").chmod(0o555)
    try:
        run = project.cli("apply", "--select", "FX101", "--jobs", "1", ".")
    finally:
        (project.root / "ro").chmod(0o755)
    assert run.exit_code == 1, run
    assert "error: ro/a.py: cannot write: Permission denied" in run.stderr
    assert project.text("good.py") == MUTABLE_FIXED
