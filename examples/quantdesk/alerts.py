"""Alerts for the desk: disk and latency checks that page someone, and the heartbeat they leave behind."""

from __future__ import annotations

import shutil
import time
from datetime import datetime

try:
    import ujson as json
except ImportError:  # a specific exception for an optional speed-up: finfix leaves it alone
    import json


class AlertMonitor:
    def __init__(self, pager, paths=("/",), max_latency_ms: float = 250.0):
        self.pager = pager
        self.paths = paths
        self.max_latency_ms = max_latency_ms
        self.last_beat: datetime | None = None

    def check_disks(self) -> list[str]:
        """Paths whose disk is more than 90 % full."""
        full = []
        for path in self.paths:
            try:
                usage = shutil.disk_usage(path)
            except:
                continue
            if usage.used / usage.total > 0.9:
                full.append(path)
        return full

    def check_latency(self, ping) -> bool:
        """True when the exchange answers in time."""
        started = time.perf_counter()
        try:
            ping()
        except Exception:
            pass
        return (time.perf_counter() - started) * 1000 <= self.max_latency_ms

    def page(self, text: str) -> None:
        try:
            self.pager.send(json.dumps({"text": text}))
        except:
            pass

    def heartbeat(self) -> str:
        """Record and return the UTC time of this check, naive as the dashboard expects."""
        self.last_beat = datetime.utcnow()
        return self.last_beat.isoformat()

    def parse_optional(self, raw: str):
        try:
            import orjson
        except ImportError:
            pass
        else:
            return orjson.loads(raw)
        return json.loads(raw)
