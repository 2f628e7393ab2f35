"""FX001 on real numba code: rewrites, reports, and the time the witness search adds.

    python benchmarks/fx001_real.py DIR [DIR ...] [--no-exact]

For every .py file with `prange` under the folders: the findings of FX001 (rewritten or reported),
then the run time with the witness search on and off (`witness-budget = 0`). Nothing is written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from finfix.codemods.numba.prange import PrangeRace
from finfix.engine.core import fix_source
from finfix.sdk.numba import exact


def main(argv: list[str]) -> int:
    if "--no-exact" in argv:
        exact.AVAILABLE = False
        argv = [a for a in argv if a != "--no-exact"]
    files = [p for d in argv for p in ([Path(d)] if Path(d).is_file() else sorted(Path(d).rglob("*.py")))
             if "prange" in p.read_text(errors="replace")]
    loops = rewrites = reported = 0
    on = off = 0.0
    for path in files:
        src = path.read_text(errors="replace")
        loops += src.count("prange(")
        t = time.perf_counter()
        out, findings = fix_source(src, [PrangeRace])
        on += time.perf_counter() - t
        t = time.perf_counter()
        fix_source(src, [PrangeRace], options={"FX001": {"witness-budget": 0}})
        off += time.perf_counter() - t
        for f in findings:
            rewrites += f.applied
            reported += not f.applied
            print(f"{path}:{f.line}: {'REWRITE' if f.applied else 'report'}: {f.message}")
    print(f"files {len(files)}, prange calls {loops}, rewrites {rewrites}, reports {reported}, "
          f"exact test {'on' if exact.AVAILABLE else 'off'}")
    print(f"time with witness search {on:.2f} s, without {off:.2f} s, added {on - off:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
