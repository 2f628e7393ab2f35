"""hypothesmith programs through every rule (a modest count; benchmarks/fuzz.py runs thousands).

The output parses, a second run is a no-op, and a program with no finding comes out byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fuzz  # noqa: E402


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(fuzz.programs())
@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_generated_programs_through_every_rule(source):
    fuzz.check_program(source)
