"""The labelled evidence project: precision (must be 100%) and recall per evidence source.

Every candidate site in tests/fixtures/evidence_project carries ``# LABEL: <truth>/<source>`` (see its
README). The run is `apply --unsafe-fixes` with every built-in rule and the project facts gathered the way
a real run gathers them, plus a stand-in type checker and a `finfix record` observation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from finfix.codemods import BUILTIN
from finfix.engine.core import process_source
from finfix.project.gather import gather
from finfix.results import Safety, Settings

FIXTURE = Path(__file__).parent / "fixtures" / "evidence_project"
FILES = sorted(str(p) for p in (FIXTURE / "quantlab").glob("*.py"))
_LABEL = re.compile(r"#\s*LABEL:\s*(\w+)/([\w-]+)")


def labels() -> dict[tuple[str, int], tuple[str, str]]:
    out = {}
    for path in FILES:
        for n, line in enumerate(Path(path).read_text().splitlines(), 1):
            m = _LABEL.search(line)
            if m:
                out[(path, n)] = (m.group(1), m.group(2))
    return out


def _line_of(path: str, needle: str) -> int:
    return next(n for n, line in enumerate(Path(path).read_text().splitlines(), 1) if needle in line)


MODELS = str(FIXTURE / "quantlab" / "models.py")


def fake_checker(root, queries):
    """A stand-in for the type-checker adapter: it knows `obj` in `from_checker` is a DataFrame."""
    line = _line_of(MODELS, "return obj.values")
    return {(MODELS, l, c): "DataFrame" for l, c, _el, _ec in queries.get(MODELS, []) if l == line}


OBSERVED = {(MODELS, _line_of(MODELS, "return result.values"), "result"): {"pandas.core.frame.DataFrame": 4}}


def run(project: bool = True):
    facts = gather(FILES, FIXTURE, checker=fake_checker, observed=OBSERVED) if project else None
    settings = Settings(fix=True, unsafe_fixes=True, project=facts)
    findings = []
    for path in FILES:
        result = process_source(path, Path(path).read_bytes(), BUILTIN, settings)
        assert result.error is None, result.error
        findings.extend(result.findings)
    return findings


@pytest.fixture(scope="module")
def findings():
    return run()


def _by_site(findings):
    sites = defaultdict(list)
    for f in findings:
        sites[(f.path, f.line)].append(f)
    return sites


def test_precision_is_total(findings):
    truth = labels()
    applied = [f for f in findings if f.applied]
    wrong = [f for f in applied if truth.get((f.path, f.line), ("?", ""))[0] not in ("pandas", "seaborn")]
    assert applied and wrong == [], [(Path(f.path).name, f.line, f.code, f.message) for f in wrong]


def recall(findings) -> dict[str, tuple[int, int]]:
    sites = _by_site(findings)
    per_source: dict[str, list[bool]] = defaultdict(list)
    for site, (truth, source) in labels().items():
        if truth in ("pandas", "seaborn") and source != "mutating-helper":
            per_source[source].append(any(f.applied for f in sites.get(site, [])))
    return {s: (sum(v), len(v)) for s, v in per_source.items()}


def test_recall_per_evidence_source(findings):
    got = recall(findings)
    assert set(got) == {"attribute", "call-sites", "return", "duck", "re-export", "checker", "observed", "local",
                        "api-shape"}
    assert {s: n for s, (n, total) in got.items() if n != total} == {}, got


def test_project_evidence_is_what_finds_them():
    """Judged file by file (no project facts), only what the file proves, and duck typing, is fixed."""
    got = recall(run(project=False))
    assert got["local"] == (1, 1) and got["duck"] == (1, 1) and got["api-shape"] == (1, 1)
    for source in ("attribute", "call-sites", "return", "re-export", "checker", "observed"):
        assert got[source][0] == 0, (source, got[source])


def test_unknowns_are_never_fixed_and_the_distinctive_ones_are_reported(findings):
    sites = _by_site(findings)
    for site, (truth, why) in labels().items():
        if truth == "unknown":
            assert not any(f.applied for f in sites.get(site, [])), site
            if why == "reported":
                (f,) = sites[site]
                assert f.fix is Safety.DETECT and "no call site in this project" in f.reason
                assert "finfix record" in f.reason


def test_evidence_levels_and_reasons(findings):
    sites = _by_site(findings)
    truth = labels()
    for site, (kind, source) in truth.items():
        fixes = [f for f in sites.get(site, []) if f.applied]
        if kind != "pandas" or not fixes:
            continue
        (f,) = fixes
        if source in ("attribute", "call-sites", "duck", "checker", "api-shape"):
            assert f.fix is Safety.UNSAFE and "inferred, not proven" in f.reason, (source, f.reason)
        if source == "call-sites":
            assert re.search(r"every call site in this project passes .*: \d calls?, first at quantlab/",
                             f.message + f.reason)
        if source == "observed":
            assert "finfix record" in f.message and "4 observation" in f.message
    helper = next(s for s, (k, src) in truth.items() if src == "mutating-helper")
    (f,) = sites[helper]
    assert not f.applied and "return `frame` and update the callers" in f.message


def test_recall_report_counts(findings, capsys):
    counts = Counter(f.code for f in findings if f.applied)
    assert counts["FX202"] >= 8 and counts["FX301"] == 1 and counts["FX201"] >= 1
