"""Inputs for a function, without asking the user to annotate anything.

Each parameter gets a Hypothesis strategy from the first source that knows it:

1. user strategies: ``[tool.finfix.verify.strategies]`` (strings such as ``"st.integers(1, 50)"``) or a
   ``finfix_strategies.py`` at the project root holding ``STRATEGIES = {"module.func": {"param": st...}}``
   (keys may also be ``"func"`` or ``"Class.method"``);
2. numba signatures: explicit ones (``@njit("f8[:](f8[:], i8)")``) and any a dispatcher already holds;
3. signatures recorded by ``finfix record`` (``python -m finfix.harness.record``) while tests ran;
4. type annotations;
5. for numba kernels, trial typing (:mod:`inputs_numba`), starting from what the body says;
   for plain Python (:mod:`inputs_python`), the default's type, the body's use of the parameter, names,
   and trial calls of the *before* function.

Values (:mod:`values`) cover NaN (alone, in runs, at the edges, everywhere), ±inf, ±0.0, subnormals,
huge and tiny magnitudes, ties, empty arrays and arrays up to 64 long. Counts and limits are drawn near
the lengths of the arrays of the same call (:mod:`plan`).

This module is the harness's single entry point to the input modules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from finfix.harness.inputs_numba import NoInputs, parameters, plan_numba, trial_type
from finfix.harness.inputs_python import body_shapes, plan_python, success_rate, trial_python
from finfix.harness.kinds import Kind, is_dispatcher, kind_from_json, kind_of_numba, kind_to_json, numba_type
from finfix.harness.plan import OMIT, Call, CallPlan, ParamPlan, calls, edge_calls, large_call, short_repr

__all__ = [
    "NoInputs", "parameters", "plan_numba", "trial_type", "body_shapes", "plan_python", "success_rate",
    "trial_python", "Kind", "is_dispatcher", "kind_from_json", "kind_of_numba", "kind_to_json", "numba_type",
    "OMIT", "Call", "CallPlan", "ParamPlan", "calls", "edge_calls", "large_call", "short_repr",
    "user_strategies", "recorded_signatures", "lookup",
]


def user_strategies(project_root: str | None, config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"key": {"param": strategy}}`` from the config table and ``finfix_strategies.py``."""
    found: dict[str, dict[str, Any]] = {}
    namespace = {"st": st, "hnp": hnp, "np": np}
    for key, params in (config.get("strategies") or {}).items():
        if not isinstance(params, dict):
            raise ValueError(f"[tool.finfix.verify.strategies] {key!r} must be a table of parameter strategies")
        found[key] = {p: eval(text, dict(namespace)) if isinstance(text, str) else text for p, text in params.items()}
    if project_root:
        file = Path(project_root) / "finfix_strategies.py"
        if file.is_file():
            ns: dict[str, Any] = {"__name__": "finfix_strategies", "__file__": str(file)}
            exec(compile(file.read_text(encoding="utf-8"), str(file), "exec"), ns)
            for key, params in (ns.get("STRATEGIES") or {}).items():
                found.setdefault(key, {}).update(params)
    return found


def recorded_signatures(project_root: str | None) -> dict[str, list[list[dict]]]:
    """Signatures written by ``python -m finfix.harness.record`` (``.finfix/signatures.json``)."""
    if not project_root:
        return {}
    file = Path(project_root) / ".finfix" / "signatures.json"
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def lookup(user: dict[str, dict[str, Any]], dotted: str, qualname: str) -> dict[str, Any]:
    for key in (f"{dotted}.{qualname}", qualname, qualname.rsplit(".", 1)[-1]):
        if key in user:
            return user[key]
    return {}

