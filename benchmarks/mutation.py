"""Mutation benchmark for `finfix verify`: how many real semantic changes does it catch, with defaults?

    python benchmarks/mutation.py [--corpus /work/corpora/src] [--mutants 4] [--refactors 2] [--json out.json]
    python benchmarks/mutation.py --corpus /work/corpora/src --held-out   # functions it was never tuned on
    python benchmarks/mutation.py --corpus /work/corpora/src --held-out 2 # a second such set
    python benchmarks/mutation.py --corpus /work/corpora/src --corpus /work/corpora/speed/src --held-out 3

Subjects: the numba kernels of examples/quantdesk/orderflow.py, and real functions from public packages
unpacked under ``--corpus`` (vectorbt's rolling/fill kernels, empyrical's tail ratio and CVaR, finta's
true range, RSI and rate of change; they are data, never copied into this repository). Each corpus
function is lifted into a module of its own (annotations dropped, ``cls`` dropped from classmethods).

For each function, mutation operators of our own make small semantic mutants (a comparison turned,
``+``/``-`` or ``*``/``/`` swapped, a ``range`` bound off by one, a constant changed, a NaN guard
dropped, ``and``/``or`` swapped, a ``not`` dropped, a default changed) and equivalent refactors (a local
renamed, a comparison mirrored, ``range(len(x))`` turned into ``enumerate``, a ``for`` into a ``while``;
where those give too few, a returned expression bound to a local first).
Sites are picked with a fixed seed, spread over the operators. Each mutant is verified the way
`finfix verify --base` would (one child process per verification, numba compilation included, default
examples), sequentially; the wall time of each verification is measured.

A mutant that survives is verified again with 10x the examples. One that still survives is reported as
"not shown to differ" (possibly an equivalent mutant: listed for review) and left out of the kill rate.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEADER = "import numpy as np\nimport pandas as pd\nfrom numba import njit\n\n\n"

# (path under the corpus, function name): real functions from public packages.
CORPUS = (
    ("vectorbt/vectorbt/generic/nb.py", "rolling_min_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "rolling_max_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "rolling_mean_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "ffill_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "bfill_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "expanding_max_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "ewm_mean_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "diff_1d_nb"),
    ("empyrical-reloaded/empyrical/stats.py", "tail_ratio"),
    ("empyrical-reloaded/empyrical/stats.py", "conditional_value_at_risk"),
    ("finta/finta/finta.py", "TR"),
    ("finta/finta/finta.py", "RSI"),
    ("finta/finta/finta.py", "ROC"),
)
# Held out: functions the operators and the harness were never tuned on (issue 16's "functions and
# mutants you have not seen"); `--held-out` runs these alone and reports them separately.
HELD_OUT = (
    ("vectorbt/vectorbt/generic/nb.py", "pct_change_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "expanding_min_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "nanstd_1d_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "crossed_above_1d_nb"),
    ("finta/finta/finta.py", "ER"),
    ("finta/finta/finta.py", "SMA"),
    ("finta/finta/finta.py", "SMM"),
    ("finta/finta/finta.py", "MOM"),
)
# Held out, second set (issue 16's "Done when"): picked from packages in neither set above before any run,
# never swapped out for how they fare; `--held-out 2` runs these alone. Nine numba kernels (vectorbt's
# returns/signals/labels/portfolio modules; numbagg's kernels, which numbagg compiles with numba through its
# `nd*.wrap` decorators) and five numpy/pandas functions (backtesting.py, ta, quantstats).
HELD_OUT_2 = (
    ("vectorbt/vectorbt/returns/nb.py", "get_return_nb"),
    ("vectorbt/vectorbt/returns/nb.py", "cum_returns_1d_nb"),
    ("vectorbt/vectorbt/returns/nb.py", "omega_ratio_1d_nb"),
    ("vectorbt/vectorbt/signals/nb.py", "clean_enex_1d_nb"),
    ("vectorbt/vectorbt/signals/nb.py", "nth_index_1d_nb"),
    ("vectorbt/vectorbt/labels/nb.py", "bn_trend_labels_nb"),
    ("vectorbt/vectorbt/portfolio/nb.py", "get_stop_price_nb"),
    ("numbagg/numbagg/moving.py", "move_mean"),
    ("numbagg/numbagg/funcs.py", "nanargmax"),
    ("backtesting/backtesting/_stats.py", "geometric_mean"),
    ("backtesting/backtesting/_stats.py", "compute_drawdown_duration_peaks"),
    ("backtesting/backtesting/lib.py", "quantile"),
    ("ta/ta/utils.py", "_get_min_max"),
    ("quantstats/quantstats/stats.py", "outliers"),
)
# Held out, third set: picked from modules in none of the sets above before any run, never swapped out.
# Five numba kernels (vectorbt's records kernels and generic `ewm_std_1d_nb`; numbagg's `move_std` and
# `move_exp_nanmean`) and five numpy/pandas functions (ffn, empyrical, PyPortfolioOpt, bt). The packages
# not in /work/corpora/src are found under a second --corpus (/work/corpora/speed/src).
HELD_OUT_3 = (
    ("vectorbt/vectorbt/records/nb.py", "col_range_nb"),
    ("vectorbt/vectorbt/records/nb.py", "is_col_idx_sorted_nb"),
    ("vectorbt/vectorbt/generic/nb.py", "ewm_std_1d_nb"),
    ("numbagg/numbagg/moving.py", "move_std"),
    ("numbagg/numbagg/moving_exp.py", "move_exp_nanmean"),
    ("ffn/ffn/core.py", "calc_max_drawdown"),
    ("empyrical_reloaded/empyrical/stats.py", "value_at_risk"),
    ("pyportfolioopt/pypfopt/expected_returns.py", "returns_from_prices"),
    ("pyportfolioopt/pypfopt/risk_models.py", "_pair_exp_cov"),
    ("bt/bt/algos.py", "_select_by_price"),
)
EXAMPLE_KERNELS = ("volume_profile", "net_order_flow", "bucket_imbalance", "trailing_stop", "cumulative_delta")


# -- lifting a function into a module of its own ----------------------------------------------------


class _StripAnnotations(ast.NodeTransformer):
    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.returns = None
        self.generic_visit(node)
        return node


def _compiles(decorator: str) -> bool:
    """A decorator that compiles the body with numba: ``njit``/``jit``, or numbagg's ``ndmove.wrap(...)``-style
    wrappers (``ndreduce``, ``ndaggregate``, ``ndmoveexp``...), which hand the body to numba."""
    return "jit" in decorator or (decorator.startswith("nd") and ".wrap(" in decorator)


def lift(source: str, name: str) -> str:
    tree = ast.parse(source)
    fdef = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    fdef = _StripAnnotations().visit(copy.deepcopy(fdef))
    numba = any(_compiles(ast.unparse(d)) for d in fdef.decorator_list)
    fdef.decorator_list = [ast.Name("njit", ast.Load())] if numba else []
    if fdef.args.args and fdef.args.args[0].arg in ("cls", "self"):
        fdef.args.args = fdef.args.args[1:]
    if fdef.body and isinstance(fdef.body[0], ast.Expr) and isinstance(fdef.body[0].value, ast.Constant):
        fdef.body = fdef.body[1:] or [ast.Pass()]
    # a function that warns (PyPortfolioOpt's `_pair_exp_cov`) keeps its module's `import warnings`
    uses_warnings = any(isinstance(n, ast.Name) and n.id == "warnings" for n in ast.walk(fdef))
    header = HEADER.replace("from numba", "import warnings\nfrom numba") if uses_warnings else HEADER
    return header + ast.unparse(ast.fix_missing_locations(fdef)) + "\n"


# -- mutation operators -----------------------------------------------------------------------------

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
ARITH_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
MIRROR = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}


def _is_isnan(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "isnan"


def sites(fdef: ast.FunctionDef, op: str) -> list[ast.AST]:
    """The nodes of ``fdef`` the operator ``op`` can change."""
    nodes = list(ast.walk(fdef))
    if op == "cmp":
        return [n for n in nodes if isinstance(n, ast.Compare) and type(n.ops[0]) in CMP_SWAP]
    if op == "arith":
        return [n for n in nodes if isinstance(n, ast.BinOp) and type(n.op) in ARITH_SWAP]
    if op == "bound":
        return [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                and n.func.id in ("range", "prange") and n.args]
    if op == "const":
        return [n for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, (int, float))
                and not isinstance(n.value, bool)]
    if op == "nan-guard":
        return [n for n in nodes if _is_isnan(n)]
    if op == "boolop":
        return [n for n in nodes if isinstance(n, ast.BoolOp)]
    if op == "not":
        return [n for n in nodes if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)]
    if op == "default":
        return [d for d in fdef.args.defaults + [d for d in fdef.args.kw_defaults if d is not None]
                if isinstance(d, ast.Constant) and isinstance(d.value, (int, float, str)) and not isinstance(d.value, bool)]
    if op == "rename":
        params = {a.arg for a in fdef.args.args + fdef.args.kwonlyargs}
        stored = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - params
        return [ast.Name(name, ast.Store()) for name in sorted(stored)]
    if op == "mirror":
        return [n for n in nodes if isinstance(n, ast.Compare) and len(n.ops) == 1 and type(n.ops[0]) in MIRROR]
    if op == "enumerate":
        return [n for n in nodes if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
                and isinstance(n.iter, ast.Call) and isinstance(n.iter.func, ast.Name) and n.iter.func.id == "range"
                and len(n.iter.args) == 1 and _len_of(n.iter.args[0]) is not None]
    if op == "while":
        return [n for n in nodes if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
                and isinstance(n.iter, ast.Call) and isinstance(n.iter.func, ast.Name)
                and n.iter.func.id in ("range", "prange") and 1 <= len(n.iter.args) <= 2 and not n.orelse
                and not any(isinstance(m, (ast.Continue, ast.Break)) for m in ast.walk(n))
                and _only_in_loop(fdef, n)]
    if op == "temp":
        return [n for n in nodes if isinstance(n, ast.Return) and n.value is not None
                and not isinstance(n.value, (ast.Name, ast.Constant))]
    raise ValueError(op)


def _len_of(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1:
        return node.args[0]
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape"
            and isinstance(node.slice, ast.Constant) and node.slice.value == 0):
        return node.value.value
    return None


def _only_in_loop(fdef: ast.FunctionDef, loop: ast.For) -> bool:
    """The loop variable is not used outside the loop (a `while` leaves it one further)."""
    name = loop.target.id  # type: ignore[union-attr]
    inside = {id(n) for n in ast.walk(loop)}
    uses = [n for n in ast.walk(fdef) if isinstance(n, ast.Name) and n.id == name and id(n) not in inside]
    assigned_inside = [n for n in ast.walk(loop) if isinstance(n, ast.Name) and n.id == name
                       and isinstance(n.ctx, ast.Store) and n is not loop.target]
    return not uses and not assigned_inside


def apply(fdef: ast.FunctionDef, op: str, index: int) -> ast.FunctionDef:
    """A copy of ``fdef`` with operator ``op`` applied at its ``index``-th site."""
    fdef = copy.deepcopy(fdef)
    node = sites(fdef, op)[index]
    if op == "cmp":
        node.ops[0] = CMP_SWAP[type(node.ops[0])]()
    elif op == "arith":
        node.op = ARITH_SWAP[type(node.op)]()
    elif op == "bound":
        last = node.args[-1] if len(node.args) <= 2 else node.args[1]
        node.args[node.args.index(last)] = ast.BinOp(last, ast.Add(), ast.Constant(1))
    elif op == "const":
        v = node.value
        node.value = v + 1 if isinstance(v, int) else (v * 2 if v else 1.0)
    elif op == "nan-guard":
        _replace(fdef, node, ast.Constant(False))
    elif op == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif op == "not":
        _replace(fdef, node, node.operand)
    elif op == "default":
        v = node.value
        node.value = v + 1 if isinstance(v, int) else (v * 2 if isinstance(v, float) and v else
                                                       1.0 if isinstance(v, float) else v + "x")
    elif op == "rename":
        old = node.id
        for n in ast.walk(fdef):
            if isinstance(n, ast.Name) and n.id == old:
                n.id = old + "_renamed"
    elif op == "mirror":
        node.left, node.comparators[0] = node.comparators[0], node.left
        node.ops[0] = MIRROR[type(node.ops[0])]()
    elif op == "enumerate":
        seq = _len_of(node.iter.args[0])
        node.target = ast.Tuple([node.target, ast.Name("_item", ast.Store())], ast.Store())
        node.iter = ast.Call(ast.Name("enumerate", ast.Load()), [seq], [])
    elif op == "while":
        var = node.target.id
        start, stop = (ast.Constant(0), node.iter.args[0]) if len(node.iter.args) == 1 else node.iter.args
        stop_name = f"_{var}_stop"
        loop = ast.While(ast.Compare(ast.Name(var, ast.Load()), [ast.Lt()], [ast.Name(stop_name, ast.Load())]),
                         [*node.body, ast.AugAssign(ast.Name(var, ast.Store()), ast.Add(), ast.Constant(1))], [])
        init = [ast.Assign([ast.Name(stop_name, ast.Store())], stop), ast.Assign([ast.Name(var, ast.Store())], start)]
        _replace_stmt(fdef, node, [*init, loop])
    elif op == "temp":
        _replace_stmt(fdef, node, [ast.Assign([ast.Name("_result", ast.Store())], node.value),
                                   ast.Return(ast.Name("_result", ast.Load()))])
    return ast.fix_missing_locations(fdef)


def _replace(root: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(root):
        for fname, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, fname, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[[i for i, v in enumerate(value) if v is old][0]] = new
                return


def _replace_stmt(root: ast.AST, old: ast.stmt, new: list[ast.stmt]) -> None:
    for parent in ast.walk(root):
        for _, value in ast.iter_fields(parent):
            if isinstance(value, list) and any(v is old for v in value):
                i = [k for k, v in enumerate(value) if v is old][0]
                value[i:i + 1] = new
                return


SEMANTIC = ("cmp", "arith", "bound", "const", "nan-guard", "boolop", "not", "default")
REFACTORS = ("rename", "mirror", "enumerate", "while")
# Used only where REFACTORS give fewer than --refactors (so the earlier sets keep their refactors): a returned
# expression bound to a local first.
SPARE_REFACTORS = ("temp",)


def variants(source: str, name: str, ops: tuple[str, ...], count: int, seed: int) -> list[tuple[str, str]]:
    """Up to ``count`` (label, mutated module source), spread over ``ops``, with the function spliced in."""
    tree = ast.parse(source)
    fdef = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    rng = np.random.default_rng(seed)
    pools = {op: list(rng.permutation(len(sites(fdef, op)))) for op in ops}
    lines = source.splitlines(keepends=True)
    first = min([fdef.lineno, *(d.lineno for d in fdef.decorator_list)])
    original = ast.unparse(fdef)
    out: list[tuple[str, str]] = []
    seen = {original}
    order = [op for op in rng.permutation(list(ops))]
    while len(out) < count and any(pools.values()):
        for op in order:
            if not pools[op] or len(out) >= count:
                continue
            index = int(pools[op].pop(0))
            mutated = ast.unparse(apply(fdef, op, index))
            if mutated in seen:
                continue
            seen.add(mutated)
            text = "".join(lines[: first - 1]) + mutated + "\n" + "".join(lines[fdef.end_lineno:])
            try:
                ast.parse(text)
            except SyntaxError:
                continue
            out.append((f"{op}#{index}", text))
    return out


# -- running ----------------------------------------------------------------------------------------


@dataclass
class Run:
    subject: str
    mutant: str
    kind: str  # "semantic" or "refactor"
    verdict: str
    exit_code: int
    seconds: float  # wall time
    cpu_seconds: float  # the child's CPU time: what the run costs without the other load on the machine
    note: str
    oracle: str = ""  # verdict with 10x examples, for survivors


def verify(path: str, before: str, after: str, examples: int | None = None) -> tuple[list, float, float]:
    """The results, the wall time and the CPU time (the child's user + system) of one verification."""
    import resource

    from finfix.harness import verify_pairs

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    kwargs = {"examples": examples} if examples else {}
    results = verify_pairs([(path, before, after)], jobs=1, **kwargs)
    wall = time.perf_counter() - started
    after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after_usage.ru_utime - usage.ru_utime) + (after_usage.ru_stime - usage.ru_stime)
    return results, wall, cpu


def subjects(corpus: Path | list[Path] | None, workdir: Path, held_out: int = 0) -> list[tuple[str, str, str, str]]:
    """(label, path, module source, function name) for every subject found; ``held_out`` 1, 2 or 3 picks a
    held-out set alone (0: the corpus and the example kernels). ``corpus`` may be several folders: each
    file is taken from the first that has it."""
    corpora = [] if corpus is None else [corpus] if isinstance(corpus, Path) else list(corpus)
    out = []
    orderflow = REPO / "examples" / "quantdesk" / "orderflow.py"
    text = orderflow.read_text(encoding="utf-8")
    for name in () if held_out else EXAMPLE_KERNELS:
        out.append((f"quantdesk.{name}", str(orderflow), text, name))
    if corpora:
        for rel, name in {0: CORPUS, 1: HELD_OUT, 2: HELD_OUT_2, 3: HELD_OUT_3}[held_out]:
            file = next((c / rel for c in corpora if (c / rel).is_file()), corpora[0] / rel)
            if not file.is_file():
                print(f"note: {file} not found; skipping {name}", file=sys.stderr)
                continue
            module = lift(file.read_text(encoding="utf-8"), name)
            path = workdir / f"{name.lower()}.py"
            path.write_text(module, encoding="utf-8")
            out.append((f"{rel.split('/')[0]}.{name}", str(path), module, name))
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", default=None,
                        help="folder holding the unpacked packages (may be given more than once)")
    parser.add_argument("--mutants", type=int, default=4, help="semantic mutants per function")
    parser.add_argument("--refactors", type=int, default=2, help="equivalent refactors per function")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated substrings of the subjects to run")
    parser.add_argument("--json", type=Path, default=None, help="write every run here")
    parser.add_argument("--held-out", type=int, nargs="?", const=1, default=0, choices=(1, 2, 3),
                        help="only a held-out set: 1 (HELD_OUT, also bare --held-out), 2 (HELD_OUT_2) or 3")
    return parser.parse_args(argv)


def refactors_of(source: str, name: str, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` equivalent refactors: from REFACTORS, topped up from SPARE_REFACTORS."""
    out = variants(source, name, REFACTORS, count, seed)
    return out + variants(source, name, SPARE_REFACTORS, count - len(out), seed)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from finfix.harness import exit_code

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="finfix-mutation-") as tmp:
        for label, path, source, name in subjects(args.corpus, Path(tmp), args.held_out):
            if args.only and not any(part in label for part in args.only.split(",")):
                continue
            plan = [("semantic", v) for v in variants(source, name, SEMANTIC, args.mutants, args.seed)]
            plan += [("refactor", v) for v in refactors_of(source, name, args.refactors, args.seed)]
            for kind, (mutant, after) in plan:
                results, seconds, cpu = verify(path, source, after)
                mine = [r for r in results if r.function == name] or results
                r = mine[0]
                run = Run(label, mutant, kind, r.verdict, exit_code(results), round(seconds, 2), round(cpu, 2),
                          r.note[:160])
                if kind == "semantic" and r.verdict in ("equivalent", "fixed"):
                    again, _, _ = verify(path, source, after, examples=2000)
                    run.oracle = next((x.verdict for x in again if x.function == name), again[0].verdict)
                runs.append(run)
                print(f"{label:40} {kind:8} {mutant:14} {r.verdict:10} exit {run.exit_code} {seconds:6.1f}s wall"
                      f" {cpu:5.1f}s cpu" + (f" (10x examples: {run.oracle})" if run.oracle else ""), flush=True)
    report(runs)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1), encoding="utf-8")
    return 0


def report(runs: list[Run]) -> None:
    semantic = [r for r in runs if r.kind == "semantic"]
    refactors = [r for r in runs if r.kind == "refactor"]
    skipped = [r for r in runs if r.verdict in ("skipped", "error")]
    unshown = [r for r in semantic if r.verdict in ("equivalent", "fixed") and r.oracle in ("equivalent", "fixed")]
    counted = [r for r in semantic if r not in unshown and r.verdict not in ("skipped", "error")]
    killed = [r for r in counted if r.verdict == "different"]
    alarms = [r for r in refactors if r.verdict == "different"]
    times = [r.seconds for r in runs]
    cpu = [r.cpu_seconds for r in runs]
    print()
    print(f"semantic mutants: {len(semantic)}; killed {len(killed)} of {len(counted)} "
          f"({100 * len(killed) / max(len(counted), 1):.1f}%) shown to differ; "
          f"{len(unshown)} not shown to differ even with 10x examples (possibly equivalent, listed below)")
    print(f"equivalent refactors: {len(refactors)}; false alarms {len(alarms)}")
    print(f"skipped or error: {len(skipped)} of {len(runs)} runs ({100 * len(skipped) / max(len(runs), 1):.1f}%); "
          f"skips that exited 0: {sum(1 for r in skipped if r.exit_code == 0)}")
    if times:
        load = os.getloadavg()[0]
        print(f"time per verification: median {statistics.median(times):.1f}s wall, max {max(times):.1f}s; "
              f"CPU median {statistics.median(cpu):.1f}s, max {max(cpu):.1f}s "
              f"(sequential; one child process and numba compile each; load average now {load:.1f} on "
              f"{os.cpu_count()} cores)")
    for r in unshown:
        print(f"  not shown to differ: {r.subject} {r.mutant}")
    for r in [*alarms, *skipped]:
        print(f"  {r.verdict}: {r.subject} {r.mutant} ({r.kind}): {r.note}")


if __name__ == "__main__":
    sys.exit(main())
