"""FX102's fixes run: the module imports, the logger exists before it is used, and a safe fix prints
nothing (issue 14, items 1 and 2). Each fixed module is executed in a fresh interpreter with no
logging configured, as a user's script would be."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from finfix.codemods.python.silent_except import SilentExcept
from finfix.engine.core import fix_source
from finfix.results import Safety

# The call each module's `probe()` makes fails inside the handler being fixed.
LAYOUTS = {
    "late import": """
        def probe():
            try:
                int("x")
            except Exception:
                pass
            return "ok"


        import logging
        """,
    "TYPE_CHECKING import": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import logging


        def probe():
            try:
                int("x")
            except Exception:
                pass
            return "ok"
        """,
    "try/except import": """
        try:
            import ujson as json
        except ImportError:
            import json


        def probe():
            try:
                json.loads("{")
            except Exception:
                pass
            return "ok"
        """,
    "conditional import": """
        import sys

        if sys.platform == "never":
            import logging


        def probe():
            try:
                int("x")
            except Exception:
                pass
            return "ok"
        """,
    "import-time handler before the imports end": """
        import os
        try:
            int("x")
        except Exception:
            pass
        import logging


        def probe():
            try:
                int("y")
            except:
                pass
            return "ok"
        """,
    "docstring only": '''
        """A module."""


        def probe():
            try:
                int("x")
            except Exception:
                pass
            return "ok"
        ''',
    "no imports at all": """
        def probe():
            for v in ("1", "x"):
                try:
                    int(v)
                except Exception:
                    continue
            return "ok"
        """,
    "logger used at import time": """
        def probe():
            try:
                int("x")
            except Exception:
                pass
            return "ok"


        probe()
        import logging
        """,
}


def _run_module(code: str, tmp_path, call: str = "print(m.probe())") -> subprocess.CompletedProcess:
    (tmp_path / "m.py").write_text(code)
    return subprocess.run(
        [sys.executable, "-c", f"import m\n{call}"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("layout", list(LAYOUTS), ids=list(LAYOUTS))
def test_fixed_module_imports_and_prints_nothing_more(layout, tmp_path):
    before = textwrap.dedent(LAYOUTS[layout]).lstrip()
    fixed, findings = fix_source(before, [SilentExcept])
    assert findings and all(f.applied and f.fix is Safety.SAFE for f in findings), findings
    assert fixed != before
    original = _run_module(before, tmp_path)
    after = _run_module(fixed, tmp_path)
    assert original.returncode == 0, original.stderr
    assert after.returncode == 0, after.stderr  # no NameError for `logging` or `logger`
    assert (after.stdout, after.stderr) == (original.stdout, original.stderr)  # the safe fix is silent


def test_safe_fix_records_the_error_for_whoever_enables_debug(tmp_path):
    fixed, _ = fix_source(textwrap.dedent(LAYOUTS["late import"]).lstrip(), [SilentExcept])
    run = _run_module(fixed, tmp_path, "import logging\nlogging.basicConfig(level=logging.DEBUG)\nm.probe()")
    assert "DEBUG:m:Ignored error in probe()" in run.stderr and "ValueError" in run.stderr


def test_louder_level_is_unsafe_and_says_why(tmp_path):
    before = textwrap.dedent(LAYOUTS["docstring only"]).lstrip()
    options = {"FX102": {"level": "exception"}}
    safe_run, findings = fix_source(before, [SilentExcept], options=options)
    assert safe_run == before  # not applied without --unsafe-fixes
    [finding] = findings
    assert finding.fix is Safety.UNSAFE and "prints each `ERROR` record and its traceback to stderr" in finding.reason
    fixed, _ = fix_source(before, [SilentExcept], unsafe=True, options=options)
    run = _run_module(fixed, tmp_path)
    # the reason is true: an unconfigured program now writes the error to stderr
    assert run.returncode == 0 and "Ignored error in probe()" in run.stderr and "Traceback" in run.stderr


@pytest.mark.parametrize(
    ("source", "message", "reason"),
    [
        ("class C:\n    def __del__(self):\n        try:\n            self.close()\n        except Exception:\n"
         "            pass\n",
         "`except Exception:` with only `pass` hides every error",
         "in `__del__`, logging may fail at interpreter shutdown"),
        ("import atexit\n@atexit.register\ndef flush():\n    try:\n        save()\n    except Exception:\n"
         "        pass\n",
         "`except Exception:` with only `pass` hides every error",
         "in an atexit callback, logging may fail at shutdown"),
        ("from loguru import logger\ndef f():\n    try:\n        g()\n    except Exception:\n        pass\n",
         "`except Exception:` with only `pass` hides every error",
         "`logger` is bound to something that is not a `logging` logger"),
    ],
)
def test_report_only_findings_say_why(source, message, reason):
    out, [finding] = fix_source(source, [SilentExcept])
    assert out == source and not finding.applied and finding.fix is Safety.DETECT
    assert finding.message == message and finding.reason == reason
    assert finding.line == source.splitlines().index(next(l for l in source.splitlines() if "except" in l)) + 1
