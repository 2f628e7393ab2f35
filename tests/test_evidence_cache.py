"""Project facts are part of the cache key of every file whose findings depend on them."""

from __future__ import annotations

import re

import pytest

SEL = ("--select", "FX202", "--jobs", "1")

HELPER = "def summarize(returns):\n    return returns.values.mean()\n"
CALLER_FRAME = "import pandas as pd\nfrom helper import summarize\nsummarize(pd.read_csv('x.csv'))\n"
CALLER_LIST = "import pandas as pd\nfrom helper import summarize\nsummarize([1.0, 2.0])\n"


def fx202(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^helper\.py:\d+:\d+: FX202 ", line)]


@pytest.fixture
def processed(monkeypatch):
    from finfix.engine import cache

    calls: list[list[str]] = []
    real = cache.Cache.lookup

    def spy(self, paths):
        hits, misses = real(self, paths)
        calls.append(sorted(misses))
        return hits, misses

    monkeypatch.setattr(cache.Cache, "lookup", spy)
    return calls


def test_another_files_edit_invalidates_the_findings_it_fed(project, processed):
    project.write("helper.py", HELPER)
    project.write("caller.py", CALLER_FRAME)
    first = project.cli("check", *SEL, ".")
    assert len(fx202(first.stdout)) == 1 and "every call site in this project passes a DataFrame" in first.stdout
    warm = project.cli("check", *SEL, ".")
    assert processed[-1] == [] and fx202(warm.stdout) == fx202(first.stdout)  # served from the cache
    project.write("caller.py", CALLER_LIST)  # helper.py's bytes are unchanged; its evidence is not
    after = project.cli("check", *SEL, ".")
    assert "helper.py" in processed[-1]
    assert fx202(after.stdout) == []  # `returns` is no longer known to be pandas: no fix, no stale finding


def test_an_edit_that_changes_no_fact_keeps_the_other_files_cached(project, processed):
    project.write("helper.py", HELPER)
    project.write("caller.py", CALLER_FRAME)
    project.cli("check", *SEL, ".")
    project.write("caller.py", CALLER_FRAME + "# a comment\n")
    project.cli("check", *SEL, ".")
    assert processed[-1] == ["caller.py"]
