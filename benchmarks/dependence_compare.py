"""The hand-written index forms against ISL (islpy) as FX001's dependence test: verdicts and time.

    python benchmarks/dependence_compare.py DIR_OR_FILE [...]

Every `prange` loop of every file is analysed twice (no witness search): with the exact test on and
off. Prints the loops whose verdict differs, the verdict counts and the analysis time of each.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from finfix.sdk.numba import exact
from finfix.sdk.numba.races import Resolver, analyse_loop


def loops_of(path: Path):
    wrapper = MetadataWrapper(cst.parse_module(path.read_text(errors="replace")))
    names = wrapper.resolve(QualifiedNameProvider)
    module = wrapper.module
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}

    def qualified(node):
        found = names.get(node, set())
        return {q.name for q in (found() if callable(found) else found)}

    resolver = Resolver(qualified, functions)
    found = []

    class V(cst.CSTVisitor):
        def __init__(self):
            self.fn = []

        def visit_FunctionDef(self, node):
            self.fn.append(node)

        def leave_FunctionDef(self, node):
            self.fn.pop()

        def visit_For(self, node):
            if self.fn and isinstance(node.iter, cst.Call) and qualified(node.iter.func) & {"numba.prange"}:
                found.append((node, self.fn[-1]))

    module.visit(V())
    return [(path, loop, fn, resolver, module.code_for_node(loop.body).count("\n")) for loop, fn in found]


def main(argv: list[str]) -> int:
    files = [p for a in argv for p in ([Path(a)] if Path(a).is_file() else sorted(Path(a).rglob("*.py")))
             if "prange" in p.read_text(errors="replace")]
    loops = [x for p in files for x in loops_of(p)]
    results = {}
    installed = exact.AVAILABLE
    for on in (False, True):
        exact.AVAILABLE = on and installed
        t = time.perf_counter()
        results[on] = [analyse_loop(loop, fn, res).status for _, loop, fn, res, _ in loops]
        results[(on, "t")] = time.perf_counter() - t
    for k, (path, loop, fn, _, _) in enumerate(loops):
        if results[False][k] != results[True][k]:
            print(f"{path.name}:{fn.name.value}: hand-written {results[False][k]}, exact {results[True][k]}")
    for on in (False, True):
        print(f"{'exact (islpy)' if on else 'hand-written'}: {dict(Counter(results[on]))}, "
              f"{results[(on, 't')] * 1000:.0f} ms for {len(loops)} loops")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
