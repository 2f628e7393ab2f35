"""Per-process accounting on the trading hosts: which Python processes run, their memory, threads, children
and sockets. Written against psutil 1.2 (2014); finfix brings it to psutil 7.

(The host-level monitor is quantdesk/monitor.py.) psutil is imported where it is used; the type hints
import it only for the type checker, and finfix still resolves `psutil.Process` through them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil


def host_summary() -> dict:
    """Cores, physical memory, boot time and the number of processes."""
    import psutil

    return {
        "cpus": psutil.NUM_CPUS,
        "memory": psutil.TOTAL_PHYMEM,
        "booted": psutil.BOOT_TIME,
        "processes": len(psutil.get_pid_list()),
        "network": psutil.network_io_counters().bytes_sent,
    }


def python_processes() -> list[tuple[int, int, int]]:
    """(pid, rss, threads) of every Python process on the host."""
    import psutil

    found = []
    for p in psutil.process_iter():
        try:
            if p.name == "python" or p.name.startswith("python"):  # psutil 2+: a method, so always False
                found.append((p.pid, p.get_memory_info().rss, p.get_num_threads()))
        except psutil.error.NoSuchProcess:
            continue
    return found


def family(pid: int) -> list[int]:
    """The pids of a process's children, grandchildren, ..."""
    import psutil

    proc = psutil.Process(pid)
    return sorted(child.pid for child in proc.get_children(recursive=True))


def open_sockets(pid: int) -> int:
    """How many sockets a process holds."""
    import psutil

    return len(psutil.Process(pid).connections())


def workdir(proc: psutil.Process) -> str:
    """Where a process runs (for the audit log)."""
    return proc.getcwd()


def this_process() -> dict:
    import psutil

    me = psutil.Process(os.getpid())
    return {"name": me.name, "status": me.status, "cpu": me.get_cpu_times().user}


# -- look-alikes finfix must leave alone ------------------------------------------------------------------
def worker_names(workers) -> list[str]:
    """multiprocessing.Process.name is a real property; so is a pool's status."""
    return [w.name for w in workers]


def pool_health(engine) -> str:
    return f"{engine.name}: {engine.status}, {len(engine.connections())} connections"
