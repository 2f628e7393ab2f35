"""The resource monitor on the trading hosts: cores for the kernels, memory per process, hourly buckets and
threshold alerts."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import psutil

log = logging.getLogger("quantdesk.monitor")


def kernel_threads(reserve: int = 1) -> int:
    """Threads to give numba's pool: the logical cores, minus some for the event loop."""
    try:
        return max(1, psutil.cpu_count(logical=True) - reserve)
    except Exception:
        pass
    return 1


def process_rss(pid: int) -> int:
    """Resident memory of one process in bytes; 0 once it has exited."""
    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.NoSuchProcess:
        pass  # a specific exception: finfix leaves this one alone
    return 0


def hour_bucket() -> str:
    """The hour (UTC) a sample is filed under."""
    return datetime.utcnow().strftime("%Y-%m-%dT%H")


def sampled_at() -> datetime:
    """Already timezone-aware: nothing to fix."""
    return datetime.now(timezone.utc)


def over_limits(sample: dict[str, float], limits: dict[str, float] = {"cpu": 90.0, "memory": 85.0}) -> list[str]:
    """The resources in ``sample`` above their limit, sorted."""
    return sorted(name for name, limit in limits.items() if sample.get(name, 0.0) > limit)


def send_alert(channel, text: str) -> None:
    try:
        channel.post(text)
    except Exception:
        # alerts are best effort: a dead chat channel must never stop the monitor
        pass
