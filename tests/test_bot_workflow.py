"""The weekly bot's workflow, the pre-commit hooks and the README's example config: valid YAML that calls
finfix with options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from typer.main import get_command

from finfix.cli import app

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "bot" / "finfix-weekly.yml"
CLI = get_command(app)


def parses(argv: list[str]) -> None:
    """The command line is accepted by finfix's CLI (options exist, values fit); nothing runs."""
    command = CLI.commands[argv[0]]
    command.make_context(argv[0], list(argv[1:]), resilient_parsing=False)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def test_triggers_weekly_and_by_hand():
    doc = workflow()
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as True
    (schedule,) = triggers["schedule"]
    fields = schedule["cron"].split()
    assert len(fields) == 5 and fields[2] == "*" and fields[3] == "*" and re.fullmatch(r"[0-6]", fields[4])
    assert "workflow_dispatch" in triggers
    assert set(triggers) == {"schedule", "workflow_dispatch"}


def test_permissions_and_one_run_at_a_time():
    doc = workflow()
    assert doc["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert doc["concurrency"]["cancel-in-progress"] is False


def test_steps_check_out_install_and_run_finfix_pr():
    all_steps = steps()
    uses = [s.get("uses", "") for s in all_steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    runs = [s.get("run", "") for s in all_steps]
    install = next(i for i, r in enumerate(runs) if "pip install" in r and "FINFIX_SPEC" in r)
    (pr_index,) = [i for i, r in enumerate(runs) if r.startswith("finfix pr")]
    assert install < pr_index
    identity = next(i for i, r in enumerate(runs) if "git config user.name" in r)
    assert identity < pr_index


def test_actions_are_pinned_by_commit_sha_with_the_tag_in_a_comment():
    text = WORKFLOW.read_text(encoding="utf-8")
    pins = re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@(\S+)(.*)", text)
    assert len(pins) == 3
    for action, ref, comment in pins:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is pinned to {ref!r}, not a commit SHA"
        assert re.search(r"#\s*v\d+(\.\d+)*", comment), f"{action}: say which tag the SHA is"


def test_no_token_where_the_project_code_runs():
    all_steps = steps()
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False  # no token left in .git/config
    assert "token" not in checkout["with"]
    runs_project = [s for s in all_steps if "finfix pr" in s.get("run", "") or "pip install -e ." in s.get("run", "")]
    assert runs_project
    for step in runs_project:
        assert "GH_TOKEN" not in step.get("env", {}) and "secrets." not in str(step), step["name"]
    with_token = [s for s in all_steps if "secrets." in str(s) or "github.token" in str(s)]
    assert len(with_token) == 1
    (push,) = with_token
    assert "finfix" not in push["run"].replace("$FINFIX_BRANCH", "").replace("finfix-pr.md", "").replace(
        "finfix: modernise", "").replace("finfix had", "")  # git and gh only
    assert all(s["name"] != push["name"] for s in runs_project)
    assert not any(k for k in workflow()["env"] if "TOKEN" in k)


def test_finfix_spec_comes_from_a_variable_and_its_absence_fails_with_instructions():
    env = workflow()["env"]
    assert env["FINFIX_SPEC"] == "${{ vars.FINFIX_SPEC }}"
    first = steps()[0]
    assert 'if [ -z "$FINFIX_SPEC" ]' in first["run"] and "exit 1" in first["run"] and "::error::" in first["run"]


def test_finfix_pr_command_verifies_and_uses_a_fixed_branch():
    (step,) = [s for s in steps() if s.get("run", "").startswith("finfix pr")]
    env = workflow()["env"]
    argv = shlex.split(step["run"])[1:]
    argv = [a.replace("$FINFIX_BRANCH", env["FINFIX_BRANCH"]).replace("$RUNNER_TEMP", "/tmp") for a in argv]
    parses(argv)
    assert "--verify" in argv and "--open" not in argv and "--push" not in argv  # publishing is the next step's
    assert argv[argv.index("--branch") + 1] == "finfix/weekly"
    # the bot's branch is fetched first, so --force-with-lease knows what it replaces
    fetch = next(s["run"] for s in steps() if s.get("run", "").startswith("git fetch"))
    assert "refs/remotes/origin/${FINFIX_BRANCH}" in fetch
    push = next(s["run"] for s in steps() if "git " in s.get("run", "") and " push " in s.get("run", ""))
    assert '--force-with-lease="$FINFIX_BRANCH"' in push and "gh pr create" in push and "gh pr edit" in push


def test_pre_commit_hooks():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"finfix-check", "finfix-fix"}
    for hook in hooks:
        assert hook["language"] == "python" and hook["types"] == ["python"] and hook["name"]
        argv = shlex.split(hook["entry"])
        assert argv[0] == "finfix"
        parses(argv[1:] + ["some_file.py"])
    assert by_id["finfix-check"]["entry"] == "finfix check"
    assert by_id["finfix-fix"]["entry"] == "finfix apply"


def test_readme_pre_commit_config_uses_the_hooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### pre-commit", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    config = yaml.safe_load(block)
    (repo,) = config["repos"]
    ids = {h["id"] for h in repo["hooks"]}
    assert ids == {"finfix-check", "finfix-fix"}
    for hook in repo["hooks"]:
        if "args" in hook:
            parses(["check", *hook["args"], "x.py"])


def test_readme_keeps_the_two_command_quick_start():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    assert quick == "pip install . && finfix apply --dry-run examples/\npip install '.[test]' && pytest\n"
