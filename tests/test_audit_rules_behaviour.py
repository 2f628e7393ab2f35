"""The audit rules (FX104-FX107, FX217, FX331, FX431, FX521, FX522, FX531) against the libraries they concern.

Fixed code is executed, not only parsed: a fix that parses but fails when run is a wrong fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from finfix import registry
from finfix.codemods.numpy_scipy.talib_inputs import TalibInputs
from finfix.codemods.ops.cachetools_ttl import CachetoolsTtlNoInvalidation
from finfix.codemods.pandas.ix_indexer import PandasIx
from finfix.codemods.plotting.mplfinance_frame import MplfinanceUnvalidatedFrame
from finfix.codemods.python.removed_stdlib import PythonRemovedStdlib
from finfix.codemods.python.unittest_aliases import UnittestRemovedAliases
from finfix.engine.core import fix_source


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args, "-c", code], capture_output=True, text=True, timeout=60)


def test_unittest_aliases_fixed_suite_passes_without_deprecated_names():
    suite = textwrap.dedent("""
        import unittest

        class TestPrices(unittest.TestCase):
            def test_close(self):
                self.assertEquals(sum([1, 2]), 3)
                self.assertNotEquals(1, 2)
                self.failUnless(True)
                self.assertAlmostEquals(0.1 + 0.2, 0.3)
                with self.assertRaisesRegexp(ZeroDivisionError, "division"):
                    1 / 0

        unittest.main(argv=["t"], exit=True)
    """)
    fixed, findings = fix_source(suite, [UnittestRemovedAliases])
    assert len(findings) == 5 and all(f.applied for f in findings)
    # Python 3.11 still has the aliases, deprecated: as errors, the original fails and the fix passes.
    before = _run(suite, "-W", "error::DeprecationWarning")
    after = _run(fixed, "-W", "error::DeprecationWarning")
    assert before.returncode != 0 and "DeprecationWarning" in before.stderr
    assert after.returncode == 0, after.stderr
    # On a Python without the aliases (3.12+), only the fixed suite can run: remove them and see.
    removed = "import unittest\nfor a in ('assertEquals','assertNotEquals','failUnless','assertAlmostEquals'," \
              "'assertRaisesRegexp'):\n    delattr(unittest.TestCase, a)\n"
    assert _run(removed + suite).returncode != 0
    assert _run(removed + fixed).returncode == 0


def test_pipes_quote_fix_runs_without_the_pipes_module():
    source = "import pipes\nprint('ls ' + pipes.quote('my file; rm -rf'))\n"
    fixed, findings = fix_source(source, [PythonRemovedStdlib])
    assert [f.applied for f in findings] == [True]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = _run(source, "-W", "ignore").stdout
    # `sys.modules["pipes"] = None` makes `import pipes` fail as it does on Python 3.13.
    gone = "import sys\nsys.modules['pipes'] = None\n"
    assert _run(gone + source).returncode != 0
    after = _run(gone + fixed)
    assert after.returncode == 0, after.stderr
    assert after.stdout == expected == "ls 'my file; rm -rf'\n"


def test_ix_fix_selects_the_same_labels_with_loc_on_current_pandas():
    source = "import pandas as pd\nprices = pd.DataFrame({'close': [1.0, 2.0], 'open': [0.5, 1.5]}, index=['a', 'b'])\n" \
             "close = prices.ix[:, 'close']\nrow = prices.ix['b']\n"
    fixed, findings = fix_source(source, [PandasIx])
    assert [f.applied for f in findings] == [True, True]
    with pytest.raises(AttributeError):
        exec(compile(source, "before", "exec"), {})
    namespace: dict = {}
    exec(compile(fixed, "after", "exec"), namespace)
    pd.testing.assert_series_equal(namespace["close"], pd.Series([1.0, 2.0], index=["a", "b"], name="close"))
    assert namespace["row"].to_dict() == {"close": 2.0, "open": 1.5}


talib = pytest.importorskip("talib", reason="TA-Lib's wheel is in the test extra")


def test_talib_integer_array_fix_runs_and_equals_the_float_result():
    source = "import numpy as np\nimport talib\nvolume = np.array(ticks, dtype=np.int64)\nv = talib.SMA(volume, 3)\n"
    fixed, findings = fix_source(source, [TalibInputs])
    assert [(f.fix.value, f.applied) for f in findings] == [("safe", True)]
    ticks = [5, 7, 9, 11, 13]
    with pytest.raises(Exception, match="input array type is not double"):
        exec(source, {"ticks": ticks})
    namespace = {"ticks": ticks}
    exec(fixed, namespace)
    np.testing.assert_allclose(namespace["v"], talib.SMA(np.array(ticks, dtype="float64"), 3), equal_nan=True)


def test_talib_series_fix_gives_the_same_numbers_as_an_ndarray_and_nan_poisons_later_values():
    source = "import talib\nimport pandas as pd\nbars = pd.DataFrame({'close': close})\nrsi = talib.SMA(bars['close'], 2)\n"
    fixed, findings = fix_source(source, [TalibInputs], unsafe=True)
    assert [(f.fix.value, f.applied) for f in findings] == [("unsafe", True)]
    close = [1.0, 2.0, float("nan"), 4.0, 5.0, 6.0]
    before, after = {"close": close}, {"close": close}
    exec(source, before)
    exec(fixed, after)
    assert isinstance(before["rsi"], pd.Series) and isinstance(after["rsi"], np.ndarray)  # the announced change
    np.testing.assert_array_equal(before["rsi"].to_numpy(), after["rsi"])
    assert np.isnan(after["rsi"][2:]).all()  # what the finding warns about: one NaN, every later value NaN


mpf = pytest.importorskip("mplfinance", reason="mplfinance is in the test extra")


def _bars() -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=20, freq="D")
    base = np.linspace(100, 110, 20)
    frame = pd.DataFrame({"Open": base, "High": base + 1, "Low": base - 1, "Close": base + 0.5}, index=index)
    return frame.astype(str).iloc[::-1].reset_index().rename(columns={"index": "Date"}).set_index("Date")


def test_mplfinance_reported_snippet_turns_a_crashing_frame_into_a_chart(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    source = "import mplfinance as mpf\n\ndef render(bars, path):\n    mpf.plot(bars, type='candle', savefig=path)\n"
    _, findings = fix_source(source, [MplfinanceUnvalidatedFrame])
    [finding] = findings
    snippet = finding.message.split("add `", 1)[1].rstrip("`")
    bars = _bars()
    bars.index = bars.index.astype(str)  # strings, as from a CSV or JSON feed
    with pytest.raises((ValueError, TypeError)):
        mpf.plot(bars, type="candle", savefig=str(tmp_path / "before.png"))
    namespace = {"bars": bars, "pd": pd}
    exec(snippet, namespace)
    fixed = namespace["bars"]
    assert fixed.index.is_monotonic_increasing and isinstance(fixed.index, pd.DatetimeIndex)
    mpf.plot(fixed, type="candle", savefig=str(tmp_path / "after.png"))
    assert (tmp_path / "after.png").stat().st_size > 0
    # the validated function is not reported
    validated = source.replace("    mpf.plot", f"    {snippet.replace('; ', chr(10) + '    ')}\n    mpf.plot")
    assert fix_source("import pandas as pd\n" + validated, [MplfinanceUnvalidatedFrame])[1] == []


cachetools = pytest.importorskip("cachetools", reason="cachetools is in the test extra")


def test_cachetools_invalidation_paths_the_rule_accepts_are_real_api():
    import cachetools.func

    cache = cachetools.TTLCache(maxsize=4, ttl=300)
    calls = []

    @cachetools.cached(cache)
    def quote(symbol):
        calls.append(symbol)
        return len(calls)

    assert quote("BTC") == quote("BTC") == 1
    cache.clear()  # the path FX522 looks for
    assert quote("BTC") == 2

    @cachetools.func.ttl_cache(ttl=300)
    def book(symbol):
        calls.append(symbol)
        return len(calls)

    first = book("ETH")
    book.cache_clear()
    assert book("ETH") == first + 1
    source = "import cachetools.func\n@cachetools.func.ttl_cache(ttl=300)\ndef book(s):\n    return s\n"
    assert len(fix_source(source, [CachetoolsTtlNoInvalidation])[1]) == 1
    assert fix_source(source + "book.cache_clear()\n", [CachetoolsTtlNoInvalidation])[1] == []


def test_opt_in_rules_run_only_when_selected_by_exact_code_or_name():
    default = {r.code for r in registry.select()}
    assert {"FX107", "FX522"}.isdisjoint(default)
    assert {"FX104", "FX105", "FX521"} <= default
    assert {r.code for r in registry.select(["FX1"])}.isdisjoint({"FX107"})
    assert {r.code for r in registry.select(["ALL"])}.isdisjoint({"FX107", "FX522"})
    assert "FX107" in {r.code for r in registry.select(["FX107"])}
    assert "FX522" in {r.code for r in registry.select(["cachetools-ttl-no-invalidation"])}


OPS = Path(__file__).resolve().parent.parent / "examples" / "quantdesk" / "ops.py"


def _lines_of(source: str, function: str) -> range:
    import ast

    node = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef) and n.name == function)
    return range(node.lineno, node.end_lineno + 1)


def test_example_ops_reports_every_audit_item_and_no_look_alike():
    source = OPS.read_text(encoding="utf-8")
    rules = registry.select(["ALL", "FX107", "FX522"])
    _, findings = fix_source(source, rules)
    codes = {f.code for f in findings}
    assert {"FX104", "FX105", "FX106", "FX107", "FX217", "FX331", "FX431", "FX521", "FX522", "FX531"} <= codes
    quiet = ("add_fill_atomic", "move_position", "book_depth", "on_reconnect", "daily_chart_checked", "smooth")
    for function in quiet:
        lines = _lines_of(source, function)
        assert not [f for f in findings if f.line in lines], function


def test_example_ops_fixed_module_runs(tmp_path, monkeypatch):
    import types
    import unittest

    source = OPS.read_text(encoding="utf-8")
    fixed, findings = fix_source(source, registry.select(), unsafe=True)
    assert {f.code for f in findings if f.applied} == {"FX104", "FX105", "FX217", "FX431"}
    monkeypatch.setitem(sys.modules, "GPUtil", types.ModuleType("GPUtil"))  # unmaintained: not installed
    monkeypatch.setitem(sys.modules, "pipes", None)  # as on Python 3.13: the fixed module must not need it
    path = tmp_path / "fixed_ops.py"
    path.write_text(fixed, encoding="utf-8")
    namespace: dict = {"__name__": "fixed_ops"}
    exec(compile(fixed, str(path), "exec"), namespace)
    assert namespace["archive_command"]("a b") == "tar czf archive.tgz 'a b'"
    trend = namespace["volume_trend"]([5, 7, 9, 11, 13, 15])
    assert trend[-1] == pytest.approx(11.0)
    prices = pd.DataFrame({"weight": [0.4, 0.6]}, index=["BTC", "ETH"])
    assert namespace["legacy_weights"](prices).tolist() == [0.4, 0.6]
    csv = tmp_path / "bars.csv"
    pd.DataFrame({"close": np.linspace(100, 120, 30)},
                 index=pd.date_range("2024-01-01", periods=30)).to_csv(csv)
    rsi = namespace["momentum"](str(csv))
    assert isinstance(rsi, np.ndarray) and rsi[-1] == pytest.approx(100.0)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(namespace["TestFees"])
    result = unittest.TextTestRunner(stream=open(tmp_path / "log", "w")).run(suite)
    assert result.wasSuccessful() and result.testsRun == 2


@pytest.fixture
def redis_server(tmp_path):
    """A throw-away redis-server on a free loopback port (the test needs the binary)."""
    import shutil
    import socket
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("FINFIX_REQUIRE_REDIS"):  # .ci/run found or installed it: missing is a failure
            pytest.fail("redis-server is not on PATH, though FINFIX_REQUIRE_REDIS says it is installed")
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield client
    proc.terminate()
    proc.wait(timeout=10)


def test_redis_read_modify_write_loses_an_update_that_incrby_keeps(redis_server):
    """What FX521 reports, shown on a real server: two workers interleave between GET and SET."""
    r = redis_server
    r.set("fills", 0)
    first = int(r.get("fills"))   # worker A reads
    second = int(r.get("fills"))  # worker B reads before A writes
    r.set("fills", first + 5)     # A writes
    r.set("fills", second + 3)    # B writes: A's 5 are gone
    assert int(r.get("fills")) == 3
    r.set("fills", 0)
    r.incrby("fills", 5)
    r.incrby("fills", 3)
    assert int(r.get("fills")) == 8  # the atomic form the finding names keeps both
    # and the WATCH/MULTI form the rule leaves alone really is a transaction
    with r.pipeline(transaction=True) as pipe:
        pipe.watch("fills")
        value = int(pipe.get("fills"))
        pipe.multi()
        pipe.set("fills", value + 1)
        pipe.execute()
    assert int(r.get("fills")) == 9
