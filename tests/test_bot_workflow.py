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
    assert uses[0].startswith("actions/checkout@")
    assert any(u.startswith("actions/setup-python@") for u in uses)
    runs = [s.get("run", "") for s in all_steps]
    install = next(i for i, r in enumerate(runs) if "pip install" in r and "FINFIX_SPEC" in r)
    assert "finfix" in workflow()["env"]["FINFIX_SPEC"]
    (pr_index,) = [i for i, r in enumerate(runs) if r.startswith("finfix pr")]
    assert install < pr_index
    identity = next(i for i, r in enumerate(runs) if "git config user.name" in r)
    assert identity < pr_index


def test_finfix_pr_command_verifies_opens_and_uses_a_fixed_branch():
    (step,) = [s for s in steps() if s.get("run", "").startswith("finfix pr")]
    env = workflow()["env"]
    argv = shlex.split(step["run"])[1:]
    argv = [a.replace("$FINFIX_BRANCH", env["FINFIX_BRANCH"]).replace("$RUNNER_TEMP", "/tmp") for a in argv]
    parses(argv)
    assert "--verify" in argv and "--open" in argv
    assert argv[argv.index("--branch") + 1] == "finfix/weekly"
    assert "GH_TOKEN" in step["env"]
    # the bot's branch is fetched first, so --force-with-lease knows what it replaces
    fetch = next(s["run"] for s in steps() if s.get("run", "").startswith("git fetch"))
    assert "refs/remotes/origin/${FINFIX_BRANCH}" in fetch


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
