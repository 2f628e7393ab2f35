"""A concrete witness for a race FX001 found: two iterations that touch one element.

The static analysis says *why* a ``prange`` loop races; before the loop is rewritten, the race is shown
to happen: the kernel's pure-Python version (what ``kernel.py_func`` runs: decorators stripped,
``prange`` as ``range``) runs on generated inputs in a child process (``witness_child``), with the
blamed array's element reads and writes recorded per iteration. The first conflict found is the
witness: "with k=5, idx=2: iteration rev_j=3 writes A[0, 2], which iteration rev_j=4 reads". No witness
within the budget: the loop is reported as unproven and left parallel.

This executes user code (the module's imports, simple module-level assignments and functions; no other
module-level statement), so it runs in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from finfix.sdk.names import code_of
from finfix.sdk.numba.race_forms import Verdict

CHILD = Path(__file__).with_name("witness_child.py")
DEFAULT_BUDGET = 2.0  # seconds of search per loop
STARTUP = 5.0  # the child's interpreter and numpy


@dataclass(frozen=True)
class Witness:
    found: bool
    summary: str = ""  # one line: "with n=3, b=[0, 0, 1]: iteration i=0 writes h[0], which iteration i=1 writes"
    detail: dict[str, Any] = field(default_factory=dict)  # everything, for the JSON output
    why_not: str = ""  # when not found: what was tried
    seconds: float = 0.0


@dataclass(frozen=True)
class Request:
    fn: cst.FunctionDef  # a module-level function
    loop: cst.For  # one of its prange loops
    verdict: Verdict


def search(module: cst.Module, requests: list[Request], *, budget: float = DEFAULT_BUDGET) -> list[Witness]:
    """One witness (or the reason there is none) per request, in order; one child process for all
    (its start-up, an interpreter and numpy, is most of the cost)."""
    if not requests:
        return []
    jobs = []
    for req in requests:
        kind, name = req.verdict.subject
        base = _program(module, req.fn)
        jobs.append({
            **base,
            "functions": base["functions"][:-1] + [_instrument(req.fn, req.loop)],
            "params": _params(req.fn, module),
            "subject": [kind, name],
            "budget": budget,
            "var": code_of(req.loop.target).strip(),
        })
    started = time.perf_counter()
    raw = _run(jobs, timeout=STARTUP + budget * len(jobs) + 1.0)
    elapsed = time.perf_counter() - started
    out = []
    for k, req in enumerate(requests):
        res = raw[k] if k < len(raw) else {"found": False, "error": "the search process stopped early"}
        out.append(_witness(res, req, code_of(req.loop.target).strip(), elapsed / len(requests)))
    return out


def _witness(res: dict[str, Any], req: Request, var: str, seconds: float) -> Witness:
    kind, name = req.verdict.subject
    if not res.get("found"):
        if res.get("error"):
            why = f"the kernel's pure-Python version could not run ({res['error']})"
        elif not kind:
            why = "finfix has no way to watch this kind of race at run time"
        else:
            why = (f"no conflict on `{name}` in {res.get('trials', 0)} generated inputs "
                   f"({res.get('ran', 0)} ran to completion, {res.get('seconds', 0.0):.1f} s)")
        return Witness(False, why_not=why, seconds=seconds, detail={"searched": res})
    inputs = res["inputs"]
    shown = ", ".join(f"{k}={v}" for k, v in inputs.items() if len(v) <= 24) or "the generated inputs"
    c = res["conflict"]
    if "element" in c:
        what = (f"iteration {var}={c['first']} {c['first_op']} {c['element']}, which iteration "
                f"{var}={c['second']} {'also writes' if c['second_op'] == 'writes' and c['first_op'] == 'writes' else c['second_op']}")
    else:
        steps = c["changes"]
        its = " and ".join(f"{var}={it}" for it, _ in steps[:2])
        values = " -> ".join([c["before"], *(v for _, v in steps[:2])])
        what = f"iterations {its} both change `{c['name']}` ({values})"
    summary = f"with {shown}: {what}"
    # search_seconds: this loop's search in the child; seconds: its share of the whole child process
    detail = {"inputs": inputs, "conflict": c, "trials": res.get("trials"), "seconds": round(seconds, 3),
              "search_seconds": round(float(res.get("seconds", 0.0)), 3), "subject": [kind, name]}
    return Witness(True, summary=summary, detail=detail, seconds=seconds)


def _run(jobs: list[dict[str, Any]], *, timeout: float) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="finfix-witness-") as tmp:
        job_file, out_file = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job_file.write_text(json.dumps(jobs), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        error = ""
        try:
            proc = subprocess.run(
                [sys.executable, "-I", str(CHILD), str(job_file), str(out_file)],
                cwd=tmp, env=env, timeout=timeout,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            if proc.returncode != 0:
                tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                error = f"the search process exited with code {proc.returncode}" + (f": {tail[0]}" if tail else "")
        except subprocess.TimeoutExpired:
            error = f"the search timed out after {timeout:.0f} s"
        except OSError as exc:
            error = f"cannot start the search process: {exc}"
        results = []
        if out_file.exists():
            try:
                results = json.loads(out_file.read_text(encoding="utf-8"))
            except ValueError:
                results = []
        if error:
            results += [{"found": False, "error": error}] * (len(jobs) - len(results))
        return results


# -- the program the child runs ------------------------------------------------------------------------
def _program(module: cst.Module, fn: cst.FunctionDef) -> dict[str, Any]:
    imports, assigns, functions = [], [], []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                text = module.code_for_node(small).strip()
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    imports.append(text)
                elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                    assigns.append(text)
        elif isinstance(stmt, cst.FunctionDef) and stmt.name.value != fn.name.value:
            functions.append(module.code_for_node(_Undecorate(None).strip(stmt)))
    functions.append("")  # the kernel itself, instrumented per request
    return {"imports": imports, "assigns": assigns, "functions": functions, "function": fn.name.value}


class _Undecorate(cst.CSTTransformer):
    """Decorators off (the pure-Python version); the watched loop iterates through ``__finfix_loop__``."""

    def __init__(self, loop: cst.For | None) -> None:
        super().__init__()
        self.loop = loop

    def strip(self, fn: cst.FunctionDef) -> cst.FunctionDef:
        return fn.with_changes(decorators=()).visit(self) if self.loop is not None else fn.with_changes(decorators=())

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        if original_node is self.loop and isinstance(updated_node.iter, cst.Call):
            return updated_node.with_changes(iter=updated_node.iter.with_changes(func=cst.Name("__finfix_loop__")))
        return updated_node


def _instrument(fn: cst.FunctionDef, loop: cst.For) -> str:
    return cst.Module([]).code_for_node(_Undecorate(loop).strip(fn))


def _params(fn: cst.FunctionDef, module: cst.Module) -> list[dict[str, Any]]:
    """What each parameter looks like from its uses: an array (and its rank), an index array, a scalar."""
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
    hints = _uses(fn, functions, depth=0)
    out = []
    params = fn.params
    for p in [*params.posonly_params, *params.params, *params.kwonly_params]:
        name = p.name.value
        h = hints.get(name, {})
        kind = "array" if h.get("ndim") else "unknown" if h.get("passed") else "scalar"
        out.append({"name": name, "kind": kind, "ndim": h.get("ndim", 0), "index": bool(h.get("index")),
                    "default": p.default is not None})
    return out


def _uses(fn: cst.FunctionDef, functions: dict[str, cst.FunctionDef], depth: int) -> dict[str, dict[str, Any]]:
    hints: dict[str, dict[str, Any]] = {}
    inside_index = [0]

    def note(name: str, **kw: Any) -> None:
        h = hints.setdefault(name, {})
        for k, v in kw.items():
            h[k] = max(h.get(k, 0), v) if isinstance(v, int) and not isinstance(v, bool) else (h.get(k) or v)

    class V(cst.CSTVisitor):
        def visit_Subscript(self, node: cst.Subscript) -> None:
            if isinstance(node.value, cst.Name):
                note(node.value.value, ndim=len(node.slice), index=inside_index[0] > 0)
            elif (isinstance(node.value, cst.Attribute) and node.value.attr.value == "shape"
                  and isinstance(node.value.value, cst.Name)):
                idx = node.slice[0].slice
                k = int(idx.value.value) if isinstance(idx, cst.Index) and isinstance(idx.value, cst.Integer) else 0
                note(node.value.value.value, ndim=k + 1)
            inside_index[0] += 1

        def leave_Subscript(self, node: cst.Subscript) -> None:
            inside_index[0] -= 1

        def visit_Attribute(self, node: cst.Attribute) -> None:
            if isinstance(node.value, cst.Name) and node.attr.value in ("shape", "size", "ndim"):
                note(node.value.value, ndim=1)

        def visit_Call(self, node: cst.Call) -> None:
            callee = functions.get(node.func.value) if isinstance(node.func, cst.Name) else None
            if isinstance(node.func, cst.Name) and node.func.value == "len" and node.args:
                if isinstance(node.args[0].value, cst.Name):
                    note(node.args[0].value.value, ndim=1)
            inner = _uses(callee, functions, depth + 1) if callee is not None and depth < 2 else {}
            names = [p.name.value for p in [*callee.params.posonly_params, *callee.params.params]] if callee else []
            for k, arg in enumerate(node.args):
                if isinstance(arg.value, cst.Name):
                    target = arg.keyword.value if arg.keyword else (names[k] if k < len(names) else "")
                    if target in inner:
                        note(arg.value.value, **inner[target])
                    else:
                        note(arg.value.value, passed=True)

    fn.body.visit(V())
    return hints
