"""Project-wide knowledge: facts that one file cannot show (a real type checker's answers, call sites...).

Gathered in the parent process once per run (see :mod:`finfix.project.gather`).

``FINFIX_EVIDENCE=local`` turns the project pass off (each file is then judged on what it proves alone).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from finfix.results import Settings


def evidence_for(paths: Sequence[str], root: Path | str, settings: Settings) -> Settings:
    """``settings`` carrying the project facts of ``paths`` (the run's files)."""
    if os.environ.get("FINFIX_EVIDENCE", "").lower() == "local":
        return settings
    from finfix.project.gather import gather
    from finfix.project.sources import checker_answers, observed_types

    python = [p for p in paths if p.endswith(".py")]
    facts = gather(python, root, checker=checker_answers, observed=observed_types(root))
    return replace(settings, project=facts)
