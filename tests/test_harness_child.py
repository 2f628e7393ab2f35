"""verify's child process: its own process group, ended as a group; no result is an error; no secrets."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from finfix.harness import exit_code, verify_pairs
from finfix.harness.loading import is_secret, scrubbed_environment

BODY = "\n\ndef f(x: float) -> float:\n    return x {op} 1.0\n"


def _pair(tmp_path: Path, prelude: str) -> tuple[str, str, str]:
    path = tmp_path / "mod.py"
    before = prelude + BODY.format(op="+")
    after = prelude + BODY.format(op="+") + "\n\ndef g():\n    return 1\n"
    after = after.replace("return x + 1.0", "return 1.0 + x")
    path.write_text(after)
    return str(path), before, after


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_processes_started_at_import_do_not_outlive_the_run(tmp_path):
    pids = tmp_path / "pids"
    prelude = (
        "import subprocess\n"
        f"_p = [subprocess.Popen(['sleep', '300']) for _ in range(3)]\n"
        f"open({str(pids)!r}, 'a').write(''.join(f'{{p.pid}}\\n' for p in _p))\n"
    )
    results = verify_pairs([_pair(tmp_path, prelude)], examples=5, timeout=120)
    assert [r.verdict for r in results] == ["equivalent"], results
    started = [int(line) for line in pids.read_text().split()]
    assert len(started) == 6  # three per version
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in started if _alive(p)]


def test_a_child_that_exits_without_a_result_is_an_error(tmp_path):
    results = verify_pairs([_pair(tmp_path, "import os\nos._exit(0)\n")], examples=5, timeout=60)
    assert [r.verdict for r in results] == ["error"]
    assert "exited with code 0 before reporting on f" in results[0].note
    assert exit_code(results) == 2


@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_a_timeout_kills_the_group(tmp_path):
    pids = tmp_path / "pids"
    prelude = (
        "import subprocess, time\n"
        f"open({str(pids)!r}, 'w').write(str(subprocess.Popen(['sleep', '300']).pid))\n"
        "time.sleep(300)\n"
    )
    t0 = time.monotonic()
    # long enough for the child to reach the import on a busy machine, far shorter than the sleeps
    results = verify_pairs([_pair(tmp_path, prelude)], examples=5, timeout=30)
    assert time.monotonic() - t0 < 150
    assert [r.verdict for r in results] == ["error"] and "timed out" in results[0].note
    assert not _alive(int(pids.read_text()))


def test_secrets_are_scrubbed_unless_passed(tmp_path, monkeypatch):
    seen = tmp_path / "env"
    prelude = (
        "import os\n"
        f"open({str(seen)!r}, 'a').write(' '.join(sorted(n for n in os.environ if n.startswith('FXT_'))) + '\\n')\n"
    )
    for name in ("FXT_GH_TOKEN", "FXT_DB_PASSWORD", "FXT_API_KEY", "FXT_SECRET", "FXT_PLAIN"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    verify_pairs([_pair(tmp_path, prelude)], examples=3, timeout=60)
    assert seen.read_text().split("\n")[0] == "FXT_PLAIN"
    seen.unlink()
    verify_pairs([_pair(tmp_path, prelude)], examples=3, timeout=60, pass_env=("FXT_API_KEY",))
    assert seen.read_text().split("\n")[0] == "FXT_API_KEY FXT_PLAIN"


def test_what_counts_as_a_secret():
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "GOOGLE_APPLICATION_CREDENTIALS",
                 "AZURE_CLIENT_SECRET", "azure_tenant_id", "DB_PASSWORD", "STRIPE_SECRET", "OPENAI_API_KEY"):
        assert is_secret(name), name
    for name in ("PATH", "HOME", "LANG", "PYTHONPATH", "NUMBA_NUM_THREADS", "VIRTUAL_ENV"):
        assert not is_secret(name), name
    env, removed = scrubbed_environment({"PATH": "/bin", "GH_TOKEN": "t", "MY_KEY": "k"}, keep=["MY_KEY"])
    assert env == {"PATH": "/bin", "MY_KEY": "k"} and removed == ["GH_TOKEN"]
    assert os.environ is not env
