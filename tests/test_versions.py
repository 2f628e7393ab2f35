"""Version targets (issue 19, item 6): rules declare the library versions they concern, and a run
reports only what applies to the versions the project runs on (its pin, else what is installed), or
plans for (`--target`, `target-versions`), through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from finfix import registry, versions

# FX205 applymap (deprecated 2.1, removed 3.0; DataFrame.map came in 2.1),
# FX206 "H" (deprecated 2.2, removed 3.0; "h" came in 2.2),
# FX209 swapaxes (deprecated 2.1, removed 3.0; `.T` runs on any pandas)
CODE = """\
import pandas as pd

df = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2024-01-01", periods=2, freq="D"))
shown = df.applymap(str)
hourly = df.resample("H").sum()
same = df.swapaxes(0, 1)
"""


def pinned(project, spec: str, *, finfix: str = "") -> None:
    project.write("pyproject.toml", f'[project]\nname = "p"\nversion = "0"\ndependencies = ["{spec}"]\n'
                                    f"[tool.finfix]\n{finfix}")
    project.write("a.py", CODE)


def codes(run) -> list[str]:
    return [line.split()[1] for line in run.stdout.splitlines() if line.startswith("a.py:")]


def test_a_project_pinned_to_pandas_2_1_is_not_told_to_rewrite_what_works_there(project):
    pinned(project, "pandas==2.1.*")
    run = project.cli("check", "--no-cache", "a.py")
    # "H" is fine on 2.1 (deprecated in 2.2): not reported. applymap and swapaxes warn on 2.1: reported
    assert codes(run) == ["FX205", "FX209"], run
    assert "future" not in run.stdout

    fixed = project.cli("apply", "--no-cache", "a.py")
    assert fixed.exit_code == 0, fixed
    text = project.text("a.py")
    assert 'resample("H")' in text and "df.map(str)" in text and "df.T" in text
    # the fixed lines run (on the pandas installed here, where "H", fine on 2.1, is gone)
    runnable = "\n".join(line for line in text.splitlines() if "resample" not in line)
    exec(compile(runnable, "a.py", "exec"), {})


def test_target_above_the_pin_reports_what_the_target_removes_as_future(project):
    pinned(project, "pandas==2.1.*")
    run = project.cli("check", "--no-cache", "--target", "pandas=3.0", "a.py")
    assert codes(run) == ["FX205", "FX206", "FX209"], run
    (h_line,) = [line for line in run.stdout.splitlines() if " FX206 " in line]
    assert "[future: pandas removed in 3.0 (pandas 3.0 targeted); fine on pandas==2.1.* (pyproject.toml)]" in h_line
    # "h" does not exist on 2.1: its fix is held, said so, and not offered
    assert not h_line.endswith("[*]")
    assert "no fix here: it needs pandas>=2.2, and the code must still run on pandas==2.1.*" in run.stdout

    doc = json.loads(project.cli("check", "--no-cache", "--target", "pandas=3.0", "--format", "json", "a.py").stdout)
    by_code = {f["code"]: f for f in doc["findings"]}
    assert by_code["FX206"]["future"].startswith("pandas removed in 3.0")
    assert by_code["FX206"]["fix"] is None
    assert by_code["FX205"]["future"] is None  # deprecated on 2.1 already: a finding of today

    sarif = json.loads(project.cli("check", "--no-cache", "--target", "pandas=3.0", "--format", "sarif", "a.py").stdout)
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    assert results["FX206"]["level"] == "note"
    assert "future: pandas removed in 3.0" in results["FX206"]["message"]["text"]
    assert results["FX206"]["properties"]["future"].startswith("pandas removed in 3.0")
    assert "future" not in results["FX205"]["properties"]

    project.cli("apply", "--no-cache", "--target", "pandas=3.0", "a.py")
    assert 'resample("H")' in project.text("a.py")  # the held fix is not applied


def test_a_range_is_judged_by_its_highest_version_and_fixed_for_its_lowest(project):
    pinned(project, "pandas>=2,<2.2")
    run = project.cli("check", "--no-cache", "a.py")
    # nothing allowed reaches 2.2, so "H" is fine; applymap warns on 2.1, but DataFrame.map is not on 2.0
    assert codes(run) == ["FX205", "FX209"], run
    # (packaging writes the specifier in its own order)
    assert "no fix here: it needs pandas>=2.1, and the code must still run on pandas<2.2,>=2" in run.stdout
    project.cli("apply", "--no-cache", "a.py")
    text = project.text("a.py")
    assert "df.applymap(str)" in text and "df.T" in text  # `.T` runs on 2.0 too: fixed


def test_config_target_versions_and_the_command_line_over_it(project):
    pinned(project, "pandas==2.1.*", finfix='target-versions = {pandas = "3.0"}\n')
    assert codes(project.cli("check", "--no-cache", "a.py")) == ["FX205", "FX206", "FX209"]
    # --target replaces the configured pandas target: back to 2.1, where "H" is fine
    assert codes(project.cli("check", "--no-cache", "--target", "pandas=2.1", "a.py")) == ["FX205", "FX209"]


def test_requirements_txt_pins_when_the_pyproject_does_not_name_the_library(project):
    project.write("requirements.txt", "# pinned for production\npandas==2.0.3  # the cluster's\n-r other.txt\n")
    project.write("a.py", CODE)
    # pandas 2.0: nothing here is deprecated yet
    assert codes(project.cli("check", "--no-cache", "a.py")) == []
    shown = project.cli("show-settings", "a.py").stdout
    assert "pandas==2.0.3 (requirements.txt)" in shown


def test_the_cache_keeps_runs_of_different_targets_apart(project):
    pinned(project, "pandas==2.1.*")
    for _ in range(2):  # the second round is served from the cache
        assert codes(project.cli("check", "a.py")) == ["FX205", "FX209"]
        assert codes(project.cli("check", "--target", "pandas=3.0", "a.py")) == ["FX205", "FX206", "FX209"]


def _installed_as(tmp_path: Path, version: str) -> dict[str, str]:
    """An environment where `pandas` is installed at ``version`` as far as package metadata says."""
    site = tmp_path / "fake-site"
    dist = site / f"pandas-{version}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: pandas\nVersion: {version}\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1", "COLUMNS": "200"}


def test_without_a_pin_the_installed_version_is_the_target(project, tmp_path):
    project.write("a.py", CODE)
    env = _installed_as(tmp_path, "2.0.3")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "finfix", "check", "--no-cache", *args, "a.py"],
                              cwd=project.root, capture_output=True, text=True, env=env, timeout=120)

    today = run()
    assert today.returncode == 0 and "a.py:" not in today.stdout, today.stdout + today.stderr
    ahead = run("--target", "pandas=3.0")
    lines = [line for line in ahead.stdout.splitlines() if line.startswith("a.py:")]
    assert len(lines) == 3 and all("fine on pandas 2.0.3 (installed)" in line for line in lines), ahead.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--target", "pandas=abc"), "error: --target pandas=abc: 'abc' is not a version (like 3.0 or 2.2.1)"),
        (("--target", "pandas"), "error: --target takes LIBRARY=VERSION, like pandas=3.0; got 'pandas'"),
        (("--target", "panda=3.0"), "error: --target: no rule concerns 'panda' (libraries: "),
    ],
)
def test_a_bad_target_is_a_one_line_usage_error(project, args, message):
    project.write("a.py", CODE)
    for command in ("check", "apply"):
        run = project.cli(command, *args, "a.py")
        assert run.exit_code == 2, run
        assert run.stderr.startswith(message) and run.stderr.count("\n") == 1, run
    assert project.text("a.py") == CODE


@pytest.mark.parametrize("table", ["{pandas = 3.0}", '{pandas = "three"}', '"3.0"'])
def test_a_bad_target_versions_table_is_a_one_line_usage_error(project, table):
    project.write("pyproject.toml", f"[tool.finfix]\ntarget-versions = {table}\n")
    project.write("a.py", CODE)
    run = project.cli("check", "a.py")
    assert run.exit_code == 2, run
    assert "pyproject.toml: target-versions" in run.stderr and run.stderr.count("\n") == 1, run


def test_rules_show_their_versions_in_list_and_explain(project):
    listed = project.subprocess("list").stdout
    (row,) = [line for line in listed.splitlines() if line.startswith("FX205")]
    assert "pandas 2.1 → 3.0" in row
    explained = project.cli("explain", "FX205").stdout
    assert "## Versions" in explained and "pandas: deprecated in 2.1, removed in 3.0" in explained


def test_every_declared_library_is_known_without_importing_the_rules():
    # the cache key names the installed versions of KNOWN_LIBRARIES; a rule about another library
    # would be cached across upgrades of it
    declared = {r.versions.library for r in registry.all_rules() if r.versions is not None}
    assert declared == set(versions.KNOWN_LIBRARIES)


@pytest.mark.parametrize(
    ("spec", "first", "applies"),
    [
        ("==2.1.*", "2.1", True), ("==2.1.*", "2.2", False), ("~=2.1", "2.9", True), ("~=2.1", "3.0", False),
        ("~=2.1.3", "2.2", False), ("<2.2", "2.2", False), ("<=2.2", "2.2", True), (">=2", "9.0", True),
        ("", "3.0", True), ("==2.0.3", "2.1", False), ("!=2.1.0", "3.0", True),
    ],
)
def test_a_pin_reaches_a_version_when_its_highest_allowed_one_does(spec, first, applies):
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    assert versions.span_of(SpecifierSet(spec), spec).admits_from(Version(first)) is applies


def test_declarations_are_checked():
    with pytest.raises(ValueError):
        versions.Versions("pandas")
    with pytest.raises(ValueError):
        versions.Versions("pandas", deprecated="two")
    assert textwrap.dedent(versions.Versions("Scikit_Learn", removed="1.4").describe()) == \
        "scikit-learn: removed in 1.4"


def test_a_target_below_the_installed_version_is_code_for_that_version(project):
    # installed here: pandas 3.x. Targeting 2.0 hides what 2.0 does not deprecate, and the fixes must run on 2.0
    project.write("a.py", CODE)
    assert codes(project.cli("check", "--no-cache", "--target", "pandas=2.0", "a.py")) == []
    run = project.cli("check", "--no-cache", "--target", "pandas=2.1", "a.py")
    assert codes(run) == ["FX205", "FX209"], run
    assert "no fix here" not in run.stdout and "future" not in run.stdout


def test_pins_are_read_as_pip_reads_them(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        "pandas==2.1.4 \\\n    --hash=sha256:abc\n"
        "numpy<2 ; python_version < '3'\n"  # not this environment: skipped
        "numpy>=1.26\n"
        "-e ./local\nhttps://example.com/x.whl\nnot a requirement !!\n",
        encoding="utf-8",
    )
    (tmp_path / "requirements-dev.txt").write_text("numpy<2.1\n", encoding="utf-8")
    pins = versions.project_pins(tmp_path, {"dependencies": ["scipy~=1.11", "pandas>=2"]})
    assert pins == (
        ("numpy", "<2.1,>=1.26", "requirements-dev.txt, requirements.txt"),
        ("pandas", ">=2", "pyproject.toml"),  # the pyproject wins over requirements*.txt
        ("scipy", "~=1.11", "pyproject.toml"),
    )
    assert versions.parse_targets(["pandas==3.0,numpy=2"]) == (("numpy", "2"), ("pandas", "3.0"))
