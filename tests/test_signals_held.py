"""A termination signal that arrives while a pool forks its workers waits until the forks are done: raised
inside an at-fork callback (logging's), it would be printed as a traceback and swallowed."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, signal
from finfix.engine import lifelines
lifelines.handle_termination()
try:
    with lifelines.signals_held():
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(100_000))  # the handler has run by now
        print("the block ran to its end", flush=True)
    print("not reached")
except lifelines.Terminated as exc:
    print("then", exc, "was raised; exit code", lifelines.exit_code(0), flush=True)
"""


def test_a_signal_in_the_block_is_raised_when_it_ends():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30)
    assert out.stdout.splitlines() == ["the block ran to its end", "then SIGTERM was raised; exit code 143"]
    assert out.stderr == ""
