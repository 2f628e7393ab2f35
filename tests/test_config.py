"""[tool.finfix] in pyproject.toml: keys, validation, target version, CLI precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from finfix import config, session


def write(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def test_defaults_without_pyproject(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "find_pyproject", lambda start: (None, {}))
    cfg = config.load(tmp_path)
    assert cfg.source is None and cfg.select == () and cfg.ignore == () and cfg.exclude == ()
    assert cfg.unsafe_fixes is False and cfg.respect_gitignore is True and cfg.target_python == (3, 10)


def test_full_table(tmp_path):
    write(
        tmp_path,
        """
[project]
requires-python = ">=3.9"
[tool.finfix]
select = ["FX0", "FX101"]
ignore = "FX202"
exclude = ["legacy/", "*_pb2.py"]
unsafe_fixes = true
respect-gitignore = false
[tool.finfix.fx001]
sequentialize_all = true
[tool.finfix.FX101]
some-option = 3
""",
    )
    cfg = config.load(tmp_path / "sub" / "file.py")
    assert cfg.root == tmp_path and cfg.source == tmp_path / "pyproject.toml"
    assert cfg.select == ("FX0", "FX101") and cfg.ignore == ("FX202",)
    assert cfg.exclude == ("legacy/", "*_pb2.py")
    assert cfg.unsafe_fixes is True and cfg.respect_gitignore is False
    assert cfg.target_python == (3, 9)
    assert cfg.rule_options == {"FX001": {"sequentialize-all": True}, "FX101": {"some-option": 3}}


def test_nearest_pyproject_with_a_finfix_table_wins(tmp_path):
    write(tmp_path, "[tool.finfix]\nselect = ['FX101']\n")
    write(tmp_path / "pkg", "[project]\nname = 'pkg'\n")  # no [tool.finfix]: keep looking up
    write(tmp_path / "pkg" / "inner", "[tool.finfix]\nignore = ['FX101']\n")
    assert config.load(tmp_path / "pkg").select == ("FX101",)
    assert config.load(tmp_path / "pkg" / "inner" / "x.py").ignore == ("FX101",)


@pytest.mark.parametrize(
    "requires, expected",
    [
        (">=3.8", (3, 8)),
        (">= 3.11, <4", (3, 11)),
        ("<4,>=3.9", (3, 9)),
        ("~=3.9", (3, 9)),
        ("==3.8.*", (3, 8)),
        (">3.8", (3, 8)),
        ("!=3.9.1,>=3.7", (3, 7)),
        (">=3.12.1", (3, 12)),
        ("", (3, 10)),
    ],
)
def test_target_version_from_requires_python(tmp_path, requires, expected):
    write(tmp_path, f"[project]\nrequires-python = '{requires}'\n[tool.finfix]\n")
    assert config.load(tmp_path).target_python == expected


def test_explicit_target_version_beats_requires_python(tmp_path):
    write(tmp_path, "[project]\nrequires-python = '>=3.12'\n[tool.finfix]\ntarget-version = 'py38'\n")
    assert config.load(tmp_path).target_python == (3, 8)


@pytest.mark.parametrize(
    "table, message",
    [
        ("bogus = 1", "unknown [tool.finfix] key(s): bogus"),
        ("select = 'FX101'\nselect-extra = 1", "select-extra"),
        ("select = [1, 2]", "select must be a list of strings"),
        ("unsafe-fixes = 'yes'", "unsafe-fixes must be true or false"),
        ("target-version = '3.10'", "target-version must look like 'py310'"),
        ("FX101 = 1", "must be a table of options"),
    ],
)
def test_bad_config_is_a_config_error(tmp_path, table, message):
    write(tmp_path, f"[tool.finfix]\n{table}\n")
    with pytest.raises(config.ConfigError) as exc:
        config.load(tmp_path)
    assert message in str(exc.value) and str(tmp_path / "pyproject.toml") in str(exc.value)


def test_invalid_toml(tmp_path):
    write(tmp_path, "[tool.finfix\n")
    with pytest.raises(config.ConfigError, match="invalid TOML"):
        config.load(tmp_path)


def test_cli_values_override_config():
    cfg = config.Config(select=("FX1",), ignore=("FX2",), unsafe_fixes=True)
    assert cfg.with_cli(select=None, ignore=None, unsafe_fixes=None) == cfg
    new = cfg.with_cli(select=("FX101",), ignore=(), unsafe_fixes=False)
    assert new.select == ("FX101",) and new.ignore == () and new.unsafe_fixes is False


def test_parse_codes():
    assert config.parse_codes(None) is None
    assert config.parse_codes(["FX1, FX201", "FX3", " ", "a,,b"]) == ("FX1", "FX201", "FX3", "a", "b")


# -- through session.plan (what the CLI uses) -------------------------------------------------------------


def test_plan_applies_config_and_cli_precedence(tmp_path, monkeypatch):
    write(tmp_path, "[tool.finfix]\nselect = ['FX101']\nunsafe-fixes = true\nexclude = ['skip/']\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "b.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    p = session.plan(["."])
    assert [r.code for r in p.rules] == ["FX101"]
    assert p.paths == ("a.py",)
    assert session.settings_for(p, fix=True).unsafe_fixes is True
    p = session.plan(["."], unsafe_fixes=False, ignore=["FX101"])
    assert p.rules == () and session.settings_for(p, fix=True).unsafe_fixes is False
    with pytest.raises(session.UsageError, match="unknown rule selector"):
        session.plan(["."], select=["FX1019"])
    with pytest.raises(session.UsageError, match="no such file"):
        session.plan(["nope.py"])


def test_plan_rejects_unknown_rule_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "[tool.finfix.FX101]\nno-such-option = 1\n")
    with pytest.raises(session.UsageError, match="no-such-option"):
        session.plan(["."])
    write(tmp_path, "[tool.finfix.FX989]\nlevel = 1\n")
    with pytest.raises(session.UsageError, match="FX989"):
        session.plan(["."])


def test_target_version_reaches_the_engine(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "[tool.finfix]\ntarget-version = 'py38'\n")
    assert session.settings_for(session.plan(["."]), fix=False).target_python == (3, 8)


def test_a_symlink_loop_as_first_path_still_finds_the_config(tmp_path):
    write(tmp_path, "[tool.finfix]\nselect = ['FX101']\n")
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    assert config.load(tmp_path / "a.py").select == ("FX101",)
