"""File discovery: .gitignore, excludes, default skips, explicit files, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from finfix.engine.files import discover


def tree(root: Path, *rels: str, content: str = "x = 1\n") -> None:
    for rel in rels:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)


def found(root: Path, *paths: str, **kw) -> list[str]:
    old = os.getcwd()
    os.chdir(root)
    try:
        result = discover(list(paths) or ["."], **kw)
    finally:
        os.chdir(old)
    assert not result.missing
    return sorted(p.as_posix() for p in result.files)


def test_walks_py_files_and_skips_defaults(tmp_path):
    tree(
        tmp_path,
        "a.py", "pkg/b.py", "pkg/data.txt", "pkg/c.pyi", ".git/hooks/x.py", ".venv/x.py", "venv/x.py",
        "build/x.py", "dist/x.py", "__pycache__/x.py", ".tox/x.py", "x.egg-info/y.py", "node_modules/z.py",
        "env2/pyvenv.cfg", "env2/lib/site.py", ".hypothesis/x.py",
    )
    assert found(tmp_path) == ["a.py", "pkg/b.py"]


def test_nested_gitignore_and_negation(tmp_path):
    tree(tmp_path, "a.py", "gen_a.py", "sub/gen_b.py", "sub/keep_gen.py", "sub/deeper/gen_c.py", "other/gen_d.py")
    (tmp_path / ".gitignore").write_text("gen_*.py\n# comment\n\nsub/deeper/\n")
    (tmp_path / "sub/.gitignore").write_text("!gen_b.py\n")
    # git: a deeper .gitignore's `!pattern` re-includes what an outer one excluded
    assert found(tmp_path) == ["a.py", "sub/gen_b.py", "sub/keep_gen.py"]


def test_gitignore_anchored_patterns_are_relative_to_their_file(tmp_path):
    tree(tmp_path, "out.py", "sub/out.py", "sub/x/out.py")
    (tmp_path / "sub/.gitignore").write_text("/out.py\n")
    assert found(tmp_path) == ["out.py", "sub/x/out.py"]


def test_gitignore_disabled(tmp_path):
    tree(tmp_path, "a.py", "gen.py")
    (tmp_path / ".gitignore").write_text("gen.py\n")
    assert found(tmp_path, respect_gitignore=False) == ["a.py", "gen.py"]


def test_gitignore_above_root_only_inside_a_repository(tmp_path):
    tree(tmp_path, "src/a.py", "src/gen.py")
    (tmp_path / ".gitignore").write_text("gen.py\n")
    assert found(tmp_path / "src") == ["a.py", "gen.py"]  # no repository: the outer file is not ours
    (tmp_path / ".git").mkdir()
    assert found(tmp_path / "src") == ["a.py"]


def test_exclude_patterns_relative_to_the_config(tmp_path):
    tree(tmp_path, "src/a.py", "src/m_pb2.py", "legacy/x.py", "src/legacy/y.py", "docs/conf.py")
    kw = dict(exclude=["legacy/", "*_pb2.py", "/docs"], exclude_root=tmp_path)
    assert found(tmp_path, **kw) == ["src/a.py"]
    assert found(tmp_path / "src", **kw) == ["a.py"]


def test_explicit_files_bypass_every_filter(tmp_path):
    tree(tmp_path, "build/gen.py", "ignored.py", "legacy/x.py", "script")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    got = found(tmp_path, "build/gen.py", "ignored.py", "legacy/x.py", "script", exclude=["legacy/"],
                exclude_root=tmp_path)
    assert got == ["build/gen.py", "ignored.py", "legacy/x.py", "script"]


def test_missing_paths_are_reported(tmp_path):
    tree(tmp_path, "a.py")
    result = discover([tmp_path / "a.py", tmp_path / "nope.py", tmp_path / "nodir"])
    assert result.missing == (str(tmp_path / "nope.py"), str(tmp_path / "nodir"))
    assert result.files == (tmp_path / "a.py",)


def test_each_file_once(tmp_path):
    tree(tmp_path, "a.py", "sub/b.py")
    os.symlink("sub/b.py", tmp_path / "0link.py")  # walked before its target
    os.symlink("a.py", tmp_path / "zlink.py")  # walked after its target
    assert found(tmp_path, ".", "a.py", "sub", "sub/b.py") == ["a.py", "sub/b.py"]


def test_symlinks(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    tree(root, "a.py")
    tree(outside, "o.py")
    os.symlink(outside / "o.py", root / "out.py")
    os.symlink(outside, root / "outdir")
    os.symlink(root, root / "loop")
    os.symlink("l2.py", root / "l1.py")
    os.symlink("l1.py", root / "l2.py")
    os.symlink("missing.py", root / "dangling.py")
    assert found(root) == ["a.py"]


def test_explicit_broken_symlink_is_kept_for_the_engine_to_report(tmp_path):
    os.symlink("missing.py", tmp_path / "dangling.py")
    assert found(tmp_path, "dangling.py") == ["dangling.py"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any directory")
def test_unlistable_directory_is_skipped(tmp_path):
    tree(tmp_path, "a.py", "locked/b.py")
    (tmp_path / "locked").chmod(0)
    try:
        assert found(tmp_path) == ["a.py"]
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_display_paths_are_relative_below_the_working_directory(tmp_path, monkeypatch):
    from finfix.session import display_paths

    (tmp_path / "proj" / "pkg").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "proj")
    given = [Path("pkg/a.py"), Path("a.py"), tmp_path / "proj" / "pkg" / "b.py", tmp_path / "other" / "c.py",
             Path("..") / "proj" / "d.py"]
    assert display_paths(given) == (
        os.path.join("pkg", "a.py"), "a.py", os.path.join("pkg", "b.py"), str(tmp_path / "other" / "c.py"),
        "d.py",
    )
