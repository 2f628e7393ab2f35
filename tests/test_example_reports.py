"""The example project's reports and alerts, fixed by finfix, run on the installed libraries."""

from __future__ import annotations

import importlib.util
import logging
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("seaborn")
pytest.importorskip("matplotlib")

from finfix import registry  # noqa: E402
from finfix.engine.core import fix_source  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "quantdesk"


def _fixed_module(name: str, tmp_path: Path):
    source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
    rules = registry.select(["FX102", "FX103", "FX3"])
    fixed, findings = fix_source(source, rules, unsafe=True)  # quantdesk takes unsafe fixes
    assert fixed != source and any(f.applied for f in findings)
    path = tmp_path / f"fixed_{name}.py"
    path.write_text(fixed, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"fixed_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module, fixed


def test_fixed_reports_run_without_removed_apis(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reports, fixed = _fixed_module("reports", tmp_path)
    for gone in ("distplot(", "plot_date(", "cm.get_cmap(", " labels=", "engine=", '"seaborn-whitegrid"'):
        assert gone not in fixed
    assert "sns.displot(" in fixed and "plt.get_cmap(" in fixed  # the look-alikes are untouched
    rng = np.random.default_rng(11)
    returns = rng.normal(0, 0.01, 250)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # distplot's deprecation warning would fail here
        fig, ax = plt.subplots()
        out = reports.returns_distribution(returns, ax=ax)
        assert out is ax and ax.get_xlabel() == "Daily return"
        heights = [p.get_height() * p.get_width() for p in ax.patches]
        assert sum(heights) == pytest.approx(1.0)  # still a density
        fig, ax = plt.subplots()
        reports.tail_density(returns, ax)
        assert ax.collections  # the filled KDE and the rug
        days = np.arange("2026-01-01", "2026-01-11", dtype="datetime64[D]")
        with matplotlib.rc_context():
            reports.price_chart(days, np.linspace(1, 2, 10), str(tmp_path / "close.png"))
        fig, ax = plt.subplots()
        reports.correlation_heatmap(np.eye(3), ax)
        assert ax.images[0].get_cmap().N == 11
        reports.pnl_boxes({"rates": returns, "fx": returns * 2}, str(tmp_path / "pnl.png"))
    assert (tmp_path / "close.png").exists() and (tmp_path / "pnl.png").exists()
    plt.close("all")


def test_fixed_alerts_log_what_they_swallow(tmp_path, caplog):
    alerts, fixed = _fixed_module("alerts", tmp_path)
    assert "except ImportError:  # a specific exception" in fixed  # left alone

    class DeadPager:
        def send(self, text):
            raise ConnectionError("pager down")

    monitor = alerts.AlertMonitor(DeadPager(), paths=("/definitely/not/here",))
    with caplog.at_level(logging.DEBUG, logger="fixed_alerts"):
        monitor.page("disk full")
        assert monitor.check_disks() == []
    messages = {r.getMessage() for r in caplog.records}
    assert "Ignored error in AlertMonitor.page()" in messages
    assert "Ignored error in AlertMonitor.check_disks()" in messages
    stamp = monitor.heartbeat()
    assert "+00:00" not in stamp  # still naive, as the dashboard expects
