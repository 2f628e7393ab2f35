"""The child process: ``python -m finfix.harness.worker JOB.json RESULTS.jsonl``.

Loads both versions of one module and verifies the functions the job names, writing one JSON line per
function as soon as it is done (so a timeout later in the file keeps the verdicts already reached).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any


def _error(qualname: str, note: str) -> dict[str, Any]:
    return {"function": qualname, "verdict": "error", "examples": 0, "max_ulp": 0, "counterexample": None,
            "note": note, "compile_seconds": 0.0, "examples_seconds": 0.0, "load_seconds": 0.0, "inputs": ""}


def _why(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (line {frames[-1].lineno})" if frames else ""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}{where}"


def main(job_file: str, out_file: str) -> int:
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    sys.stdout = sys.stderr  # user code that prints must not corrupt anything
    warnings.simplefilter("ignore")
    from finfix.harness import environment, inputs
    from finfix.harness.differential import sequentialize, verify_function
    from finfix.harness.loading import ModuleLocation, load_module

    location = ModuleLocation(**job["location"])
    functions: list[str] = job["functions"]
    scratch = Path(job["scratch"])
    with open(out_file, "a", encoding="utf-8") as out:

        def emit(record: dict[str, Any]) -> None:
            out.write(json.dumps(record, default=str) + "\n")
            out.flush()

        try:
            user = inputs.user_strategies(job.get("project_root"), job.get("config") or {})
        except Exception as exc:
            for q in functions:
                emit(_error(q, f"cannot read user strategies: {_why(exc)}"))
            return 0
        recorded = inputs.recorded_signatures(job.get("project_root"))
        started = time.perf_counter()
        modules = {}
        for side in ("before", "after"):
            try:
                modules[side] = load_module(
                    location, job[side], side=side, original_path=job["path"], scratch=scratch
                )
            except BaseException as exc:  # noqa: BLE001 - user code at import time
                for q in functions:
                    emit(_error(q, f"the {side} version failed to import: {_why(exc)}"))
                return 0
        for module in modules.values():
            environment.register(module)  # its `from time import ...` names read the harness's clock
        parallel = (sequentialize(modules["before"]), sequentialize(modules["after"]))
        load_seconds = (time.perf_counter() - started) / max(len(functions), 1)
        copies = iter(range(1, 1_000_000))
        # Each function's examples stop at its share of the file's timeout (compiling takes the rest).
        budget = max(5.0, 0.6 * float(job.get("timeout", 300)) / max(len(functions), 1))

        def reload_before() -> Any:
            """A fresh copy of the original, for functions that keep state between calls."""
            module = load_module(location, job["before"], side=f"before{next(copies)}",
                                 original_path=job["path"], scratch=scratch)
            sequentialize(module)
            environment.register(module)
            return module

        for q in functions:
            try:
                record = verify_function(
                    modules["before"], modules["after"], q, dotted=location.dotted,
                    examples=job["examples"], ulps=job["ulps"], user=user, recorded=recorded,
                    load_seconds=load_seconds, reload_before=reload_before, parallel=parallel,
                    budget=budget, race_witness=(job.get("race_witnesses") or {}).get(q, ""),
                    effects=(job.get("effects") or {}).get(q, []),
                )
            except inputs.NoInputs as exc:
                record = {**_error(q, str(exc)), "verdict": "skipped"}
            except Exception as exc:
                record = _error(q, f"harness error: {_why(exc)}")
            emit(record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
