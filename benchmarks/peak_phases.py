"""Peak memory of a command's process tree, by phase, and what each process held then.

    python benchmarks/peak_phases.py finfix check --no-cache PATH

PSS (proportional set size: pages shared by forked workers counted once) of every process of the tree,
sampled every 50 ms. The phases are told apart by the processes: a process that is not Python is the type
checker's ("type checker": the parent and the checker it runs); otherwise up to two (the parent, and the
project pass's child) is "before the rules", three or more "rules" (the parent and its workers).
For each phase: the peak, when it came, and the PSS of each process at that moment.
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from bench_speed import _mem  # PSS where the OS has it, else RSS: the same measure as bench_speed.py's


def main(cmd: list[str]) -> int:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(proc.pid)
    phases: dict[str, tuple[int, float, list[int]]] = {}
    start = time.perf_counter()
    while proc.poll() is None:
        sizes = []
        checker = False
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    sizes.append(_mem(p))
                    checker = checker or not p.name().startswith(("python", "finfix"))
                except psutil.Error:
                    pass
        except psutil.Error:
            break
        phase = "type checker" if checker else "rules" if len(sizes) >= 3 else "before the rules"
        if sum(sizes) > phases.get(phase, (0, 0.0, []))[0]:
            phases[phase] = (sum(sizes), time.perf_counter() - start, sorted(s >> 20 for s in sizes))
        time.sleep(0.05)
    print(f"{' '.join(cmd)}: {time.perf_counter() - start:.1f} s, exit {proc.returncode}")
    for phase, (total, when, parts) in phases.items():
        print(f"  {phase}: peak {total >> 20} MB at {when:.1f} s; processes (MB): {parts}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
