"""Imports that fixes add go where isort / ruff's `I001` would put them, so a formatter run after finfix
changes nothing in a file that was sorted before (issue 14, item 13). Checked with ruff itself; the
fixed code is also executed."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from finfix import registry
from finfix.engine.core import fix_source

RULES = {r.code: r for r in registry.all_rules()}
RUFF = Path(sys.executable).with_name("ruff")

CASES = [
    ("FX103", "from datetime import datetime\n\nstamp = datetime.utcnow()\n"),
    ("FX103", "import os\nfrom datetime import date, datetime\n\nimport numpy as np\n\nstamp = datetime.utcnow()\n"),
    ("FX103", "from datetime import (\n    date,\n    datetime,\n)\n\nstamp = datetime.utcnow()\n"),
    ("FX102", "import json\n\nimport numpy as np\n\n\ndef f():\n    try:\n        json.loads('{')\n"
              "    except Exception:\n        pass\n    return np.pi\n"),
    ("FX102", '"""Doc."""\n\n\ndef f():\n    try:\n        int("x")\n    except Exception:\n        pass\n'),
    ("FX102", "from __future__ import annotations\n\nimport numpy as np\n\n\ndef f():\n    try:\n        int('x')\n"
              "    except Exception:\n        pass\n    return np.pi\n"),
    ("FX401", "import numpy\nfrom numpy import msort\n\ns = msort([3, 1, 2])\n"),
    ("FX401", "import json\n\nimport numpy as np\n\nnp.source(json.dumps)\n"),
]


def _ruff_isort_clean(code: str, tmp_path: Path) -> str:
    path = tmp_path / "m.py"
    path.write_text(code)
    run = subprocess.run([str(RUFF), "check", "--isolated", "--select", "I", "--diff", str(path)],
                         capture_output=True, text=True)
    return run.stdout if run.returncode else ""


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is in the test extra; install finfix[test]")
@pytest.mark.parametrize(("code", "source"), CASES)
def test_added_imports_leave_a_sorted_file_sorted(code, source, tmp_path):
    assert _ruff_isort_clean(source, tmp_path) == "", "the input must be isort-clean to begin with"
    fixed, findings = fix_source(source, [RULES[code]], unsafe=True)
    assert fixed != source and any(f.applied for f in findings)
    assert _ruff_isort_clean(fixed, tmp_path) == ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        namespace: dict = {"__name__": "import_order_case"}
        exec(compile(fixed, "m.py", "exec"), namespace)  # the imports are there before their use
        if "f" in namespace:
            namespace["f"]()


def test_timezone_joins_the_datetime_import_in_order():
    fixed, _ = fix_source("from datetime import datetime\nstamp = datetime.utcnow()\n", [RULES["FX103"]])
    assert fixed.startswith("from datetime import datetime, timezone\n")
