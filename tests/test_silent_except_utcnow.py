"""FX102 and FX103 behaviour: the fixed code runs, logs what it swallowed, and keeps its values."""

from __future__ import annotations

import datetime as dt
import logging
import textwrap
import warnings

import pytest

from finfix.codemods.python.silent_except import SilentExcept
from finfix.codemods.python.utcnow import DatetimeUtcnow
from finfix.engine.core import fix_source


def _run(code: str, name: str = "fx_test_module") -> dict:
    namespace = {"__name__": name}
    exec(compile(code, name, "exec"), namespace)
    return namespace


MONITOR = textwrap.dedent(
    """
    def read(samples):
        out = []
        for s in samples:
            try:
                out.append(1 / s)
            except Exception:
                continue
        return out


    def poll():
        try:
            raise RuntimeError("sensor down")
        except:
            pass
        return "still running"
    """
)


def test_silent_except_fix_logs_and_keeps_control_flow(caplog):
    fixed, findings = fix_source(MONITOR, [SilentExcept])
    assert len(findings) == 2 and all(f.applied for f in findings)
    assert "except BaseException:" in fixed  # safe fix: a bare except keeps catching everything
    ns = _run(fixed)
    with caplog.at_level(logging.DEBUG, logger="fx_test_module"):
        assert ns["read"]([1, 0, 2]) == [1.0, 0.5]  # `continue` kept
        assert ns["poll"]() == "still running"
    records = [(r.levelno, r.getMessage(), r.exc_info[0] if r.exc_info else None) for r in caplog.records]
    assert (logging.DEBUG, "Ignored error in read()", ZeroDivisionError) in records  # in a loop: debug
    assert (logging.DEBUG, "Ignored error in poll()", RuntimeError) in records  # safe: quiet by default


def test_bare_except_is_narrowed_only_with_unsafe_fixes():
    code = "def f():\n    try:\n        raise KeyboardInterrupt\n    except:\n        pass\n"
    safe, _ = fix_source(code, [SilentExcept])
    _run(safe)["f"]()  # still swallowed
    unsafe, findings = fix_source(code, [SilentExcept], unsafe=True)
    assert "except Exception:" in unsafe and findings[0].fix.value == "unsafe"
    with pytest.raises(KeyboardInterrupt):
        _run(unsafe)["f"]()


def test_utcnow_naive_rewrite_keeps_value_and_type():
    code = (
        "import datetime as dt\nfrom datetime import datetime\n"
        "a = datetime.utcnow()\nb = dt.datetime.utcfromtimestamp(1_700_000_000.25)\n"
        "c = datetime.utcfromtimestamp(-86400)\n"
    )
    fixed, findings = fix_source(code, [DatetimeUtcnow])
    assert len(findings) == 3 and all(f.applied for f in findings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = _run(code)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the fixed code no longer warns on 3.12+
        new = _run(fixed)
    for key in "bc":
        assert new[key] == old[key] and new[key].tzinfo is None
    assert new["a"].tzinfo is None and abs(new["a"] - old["a"]) < dt.timedelta(seconds=5)


def test_utcnow_aware_option_gives_aware_values():
    code = "from datetime import datetime\nnow = datetime.utcnow()\n"
    fixed, _ = fix_source(code, [DatetimeUtcnow], unsafe=True, options={"FX103": {"aware": True}})
    assert _run(fixed)["now"].tzinfo is dt.timezone.utc
