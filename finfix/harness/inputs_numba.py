"""Inputs for numba kernels: their signatures, recorded signatures, annotations, or trial typing.

Trial typing runs numba's own untyped pipeline (the rewrites that turn ``raise ValueError("...")`` into
a static raise, closure inlining, constant propagation) and its type inference, without generating
code, on candidate argument types. The first candidate comes from the body (``T[i, j]`` is a 2-D
array, ``side == "left"`` a string, ``ticks[i]["price"]`` a record array, ``range(n)`` an int), and
only then from the parameter's name.
"""

from __future__ import annotations

import inspect
import os
import re
from typing import Any, Callable

from hypothesis import strategies as st

from finfix.harness.body import BodyHints, ParamHints, analyse
from finfix.harness.kinds import Kind, kind_from_json, kind_of_numba, numba_type, record_kind
from finfix.harness.plan import CallPlan, ParamPlan
from finfix.harness.typehints import kind_from_annotation
from finfix.harness.values import strategy_for_kind

_SIZE_NAMES = re.compile(
    r"^(n|m|k|w|n_.*|.*_(n|len|length|size|window|period|periods|lag|span|bins|count|steps|limit)|"
    r"window|win|size|length|lag|lags|period|periods|span|lookback|horizon|bins|nbins|count|num|limit|"
    r"order|step|steps|depth|shift|offset|start|stop|end|idx|index|i|j|halflife|min_periods|ddof|minp)$"
)
_BOOL_NAMES = re.compile(r"^(is_|has_|use_|do_|flag|normalize|inclusive|reverse|ascending|skipna|center|adjust)")
_MATRIX_NAMES = re.compile(r"^(mat|matrix|grid|img|image|cov|corr|weights2d|panel|.*_2d|.*_mat)$")
_FLOAT_NAMES = {
    "alpha", "beta", "gamma", "lam", "rate", "eps", "tol", "threshold", "scale", "value", "fill", "x0", "c", "q",
    "p", "r", "sigma", "mu", "dt", "fee", "price", "level", "lo", "hi", "low", "high", "lower", "upper", "mult",
    "multiplier", "factor", "cap", "floor", "strike", "spot", "vol", "cutoff", "fill_value", "com",
}


class NoInputs(Exception):
    """No strategy could be found for a parameter; the message says which and why."""


def parameters(fn: Callable, *, skip_first: bool) -> list[inspect.Parameter]:
    params = list(inspect.signature(fn).parameters.values())
    if skip_first and params:
        params = params[1:]
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def guess_kind(name: str, hints: ParamHints | None = None) -> Kind:
    """The body first (subscripts, fields, literals, counts), then the name."""
    if hints is not None:
        if hints.fields:
            return record_kind(hints.fields, max(1, hints.ndim))
        if hints.stringy:
            return Kind("str")
        if hints.indexed or hints.length_of or hints.iterated:
            if hints.elements_truthy and not hints.elements_numeric:  # `if entries[i] and exits[i]`: signals
                return Kind("array", "bool", max(1, hints.ndim))
            return Kind("array", "float64", max(1, hints.ndim))
        if hints.count:
            return Kind("int", "int64")
        if any(isinstance(v, bool) for v in hints.literals):
            return Kind("bool")
        if hints.truthy and not hints.compared and not hints.array_like:  # `if hit_below`, `not entry_first`
            return Kind("bool")
        if hints.floaty:
            return Kind("float", "float64")
        if any(isinstance(v, int) for v in hints.literals):
            return Kind("int", "int64")
    if _BOOL_NAMES.match(name):
        return Kind("bool")
    if _SIZE_NAMES.match(name):
        return Kind("int", "int64")
    if _MATRIX_NAMES.match(name):
        return Kind("array", "float64", 2)
    if name in _FLOAT_NAMES or (hints is not None and hints.scalar):
        return Kind("float", "float64")  # compared, and no sign of an array (`if open <= stop_price`)
    return Kind("array", "float64", 1)


def _size_like(name: str, kind: Kind, hints: ParamHints | None) -> bool:
    if kind.name != "int":
        return False
    if hints is not None and (hints.count or hints.literals):
        return hints.count
    return bool(_SIZE_NAMES.match(name))


def param_from_kind(p: inspect.Parameter, kind: Kind, source: str, user: dict[str, Any],
                    body: BodyHints | None = None) -> ParamPlan:
    optional = p.default is not inspect.Parameter.empty
    keyword_ok = p.kind is not p.POSITIONAL_ONLY
    if p.name in user:
        return ParamPlan(p.name, user[p.name], "user strategy", kind, False, optional, keyword_ok)
    hints = body.params.get(p.name) if body else None
    literals = hints.literals if hints else []
    strategy = strategy_for_kind(kind, literals=literals, numbers=body.numbers if body else [])
    return ParamPlan(p.name, strategy, source, kind, _size_like(p.name, kind, hints), optional, keyword_ok)


def plan_numba(
    disp: Any, params: list[inspect.Parameter], *, user: dict[str, Any], recorded: list[list[dict]] | None
) -> CallPlan:
    """Kinds for a numba kernel, from its signatures, records, annotations or trial typing."""
    body = analyse(disp.py_func)
    sigs: list[tuple[Kind, ...]] = []
    source = ""
    for sig in list(disp.signatures)[:3]:
        kinds = tuple(kind_of_numba(t) for t in sig)
        if all(kinds) and len(kinds) == len(params):
            sigs.append(kinds)  # type: ignore[arg-type]
    if sigs:
        source = "numba signature"
    if not sigs and recorded:
        sigs = [tuple(kind_from_json(k) for k in sig) for sig in recorded if len(sig) == len(params)][:3]
        source = "recorded signature" if sigs else ""
    if not sigs:
        kinds = [kind_from_annotation(disp.py_func, p) for p in params]
        if all(kinds):
            sigs, source = [tuple(kinds)], "annotation"  # type: ignore[list-item]
    if not sigs and params:
        sigs, source = [trial_type(disp, params, body=body)], "trial typing"
    if not params:
        sigs, source = [()], "no parameters"
    # The first signature decides the size-like parameters; the others widen the plans.
    plans = [
        CallPlan([param_from_kind(p, k, source, user, body) for p, k in zip(params, kinds)], sources=[source])
        for kinds in sigs
    ]
    return plans[0] if len(plans) == 1 else _merge_plans(plans)


def _merge_plans(plans: list[CallPlan]) -> CallPlan:
    first = plans[0]
    merged = [
        ParamPlan(p.name, st.one_of(*[pl.params[i].strategy for pl in plans]), p.source, p.kind, p.size_like,
                  p.optional, p.keyword_ok)
        for i, p in enumerate(first.params)
    ]
    return CallPlan(merged, sources=first.sources)


CANDIDATES = (
    Kind("array", "float64", 1), Kind("int", "int64"), Kind("float", "float64"), Kind("array", "float64", 2),
    Kind("bool"), Kind("array", "int64", 1), Kind("str"), Kind("array", "bool", 1), Kind("array", "float64", 3),
)


def trial_type(disp: Any, params: list[inspect.Parameter], *, budget: int = 48,
               body: BodyHints | None = None) -> tuple[Kind, ...]:
    """Argument kinds the *before* kernel types with, found by numba's type inference (no code generation).

    Starts from what the body says (else the name), and changes one parameter at a time, keeping a
    change when it types or when it moves the first typing error further down the function.
    """
    import numba

    body = body or analyse(disp.py_func)
    kinds = []
    for p in params:
        default = None
        if p.default is not inspect.Parameter.empty and p.default is not None:
            try:
                default = kind_of_numba(numba.typeof(p.default))
            except (ValueError, TypeError):
                default = None
        kinds.append(default or guess_kind(p.name, body.params.get(p.name)))
    tried = 0
    last_error = ""

    def score(candidate: list[Kind]) -> float:
        """inf when the kernel types, else the line of the first typing error (further is better)."""
        nonlocal tried, last_error
        tried += 1
        try:
            infer(disp.py_func, tuple(numba_type(k) for k in candidate))
            return float("inf")
        except Exception as exc:  # numba's TypingError and friends
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
            last_error = text.splitlines()[0] if text else type(exc).__name__
            return _error_line(text, disp.py_func)

    best = score(kinds)
    while best != float("inf") and tried < budget:
        improved = False
        for i in range(len(kinds)):
            for alt in _candidates(params[i].name, body):
                if alt == kinds[i] or tried >= budget:
                    continue
                attempt = [*kinds[:i], alt, *kinds[i + 1:]]
                got = score(attempt)
                if got > best:
                    kinds, best, improved = attempt, got, True
                    break
            if best == float("inf"):
                break
        if not improved:
            break
    if best == float("inf"):
        return tuple(kinds)
    raise NoInputs(f"trial typing found no argument types in {tried} tries (last: {last_error[:120]})")


def _error_line(text: str, py_func: Callable) -> float:
    """The earliest line of ``py_func``'s file that a typing error points at (0 when none does).

    An error can name several places ("Can't unify return type" lists every return), in an order that
    changes from run to run; the earliest is the same every time, so the search is deterministic.
    """
    mine = os.path.basename(getattr(getattr(py_func, "__code__", None), "co_filename", "") or "")
    lines = [int(n) for f, n in re.findall(r'File "([^"]+)", line (\d+)', text) if os.path.basename(f) == mine]
    if not lines:
        lines = [int(n) for n in re.findall(r"line (\d+)", text)]
    return float(min(lines)) if lines else 0.0


def _candidates(name: str, body: BodyHints) -> tuple[Kind, ...]:
    hints = body.params.get(name)
    if hints is not None and hints.fields:
        return (record_kind(hints.fields, max(1, hints.ndim)), *CANDIDATES)
    return CANDIDATES


_TYPE_ONLY: list[Any] = []


def _type_only_pipeline() -> Any:
    """A numba compiler class that stops after type inference (built once, on first use)."""
    if _TYPE_ONLY:
        return _TYPE_ONLY[0]
    from numba.core.compiler import CompilerBase, DefaultPassBuilder
    from numba.core.compiler_machinery import FunctionPass, register_pass
    from numba.core.typed_passes import NopythonTypeInference

    @register_pass(mutates_CFG=False, analysis_only=True)
    class FinfixStopAfterTyping(FunctionPass):
        _name = "finfix_stop_after_typing"

        def __init__(self) -> None:
            FunctionPass.__init__(self)

        def run_pass(self, state: Any) -> bool:
            state.cr = state.return_type  # what compile_extra returns: no code is generated
            return False

    class TypeOnly(CompilerBase):
        def define_pipelines(self) -> list:
            pm = DefaultPassBuilder.define_untyped_pipeline(self.state)
            pm.add_pass(NopythonTypeInference, "nopython frontend")
            pm.add_pass(FinfixStopAfterTyping, "stop after typing")
            pm.finalize()
            return [pm]

    _TYPE_ONLY.append(TypeOnly)
    return TypeOnly


def infer(py_func: Callable, argtypes: tuple) -> Any:
    """The return type numba infers for ``py_func`` on ``argtypes``; raises numba's typing error."""
    from numba.core import compiler
    from numba.core.compiler import Flags
    from numba.core.registry import cpu_target

    typingctx, targetctx = cpu_target.typing_context, cpu_target.target_context
    typingctx.refresh()
    targetctx.refresh()
    flags = Flags()
    flags.nrt = True  # allocation (np.empty) types only with the runtime on
    return compiler.compile_extra(typingctx, targetctx, py_func, argtypes, None, flags, {},
                                  pipeline_class=_type_only_pipeline())
