"""FX001's witnesses for the original's races, for the harness's race note.

A race shows in a parallel build's answers only when threads overlap on the conflicting elements; on
a busy machine (or with two threads that run one after the other) a real race can give the sequential
answer every time. FX001 runs the kernel's pure-Python version with each iteration's reads and writes
recorded and finds the conflict itself ("iteration i=0 writes h[0], which iteration i=1 also
writes"): that record is an observation of the race too, and `verify` quotes it when the runs agree.
Runs in the parent, once per file whose original has `prange` (one witness child process per file).
"""

from __future__ import annotations

import ast
import json


def race_witnesses(source: str) -> dict[str, str]:
    """{function qualname: witness text} for each function of ``source`` with a racy `prange` loop."""
    if "prange" not in source:
        return {}
    from finfix.codemods.numba.prange import PrangeRace
    from finfix.engine.core import fix_source

    try:
        _, findings = fix_source(source, [PrangeRace])
        tree = ast.parse(source)
    except Exception:  # noqa: BLE001 - no witness is the answer, never a failed verification
        return {}
    spans = list(_functions(tree, ""))
    out: dict[str, str] = {}
    for f in findings:
        if not f.witness:
            continue
        try:
            text = json.loads(f.witness).get("text", "")
        except ValueError:
            continue
        owners = [(end - start, q) for q, start, end in spans if start <= f.line <= end]
        if text and owners:
            out.setdefault(min(owners)[1], text)  # the innermost function holding the loop
    return out


def _functions(node: ast.AST, prefix: str):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            qual = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield qual, child.lineno, child.end_lineno or child.lineno
            yield from _functions(child, qual + ".")
