"""The progress bar of `check` and `apply`: per file, with files/s and an ETA, shown only once a run has
lasted about two seconds (a quick run prints nothing extra), and never when stderr is not a terminal.

The project evidence step (project facts, the type checker) runs before any file does: it shows as its
own line, so a long first step is not a bar sitting at zero.
"""

from __future__ import annotations

import threading
import time
from typing import Any

#: A run shorter than this shows no bar at all.
DELAY = 2.0


class RunProgress:
    """``with RunProgress(enabled) as p: p.step("project evidence"); ...; p.files(n); p.advance(1)``.

    Nothing is drawn before ``DELAY`` seconds; a timer starts the bar then, if the run is still going.
    Disabled, every method does nothing.
    """

    def __init__(self, enabled: bool, delay: float = DELAY) -> None:
        self.enabled = enabled
        self._delay = delay
        self._bar: Any = None
        self._task: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._shown = False
        self._label = ""
        self._total: int | None = None
        self._done = 0

    def __enter__(self) -> RunProgress:
        if self.enabled:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def step(self, label: str) -> None:
        """A step before the files (no count): shown as its label with a pulsing bar."""
        with self._lock:
            self._label, self._total, self._done = label, None, 0
            if self._bar is not None:
                self._bar.update(self._task, description=label, total=None, completed=0)

    def files(self, total: int) -> None:
        with self._lock:
            self._label, self._total, self._done = "files", total, 0
            if self._bar is not None:
                self._bar.reset(self._task, description="files", total=total, completed=0)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self._done += n
            if self._bar is not None:
                self._bar.update(self._task, completed=self._done)

    def _show(self) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        from finfix.console import stderr

        with self._lock:
            if self._shown:
                return
            self._shown = True
            bar = Progress(
                TextColumn("finfix {task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                console=stderr(), transient=True,
            )
            # files/s over the whole run so far: a per-file rate, steady from the first files
            self._started = time.monotonic()
            self._task = bar.add_task(self._label or "files", total=self._total, completed=self._done, rate="")
            bar.start()
            self._bar = bar
            self._rate_thread()

    def _rate_thread(self) -> None:
        def tick() -> None:
            start, first = time.monotonic(), self._done
            while True:
                time.sleep(0.5)
                with self._lock:
                    if self._bar is None:
                        return
                    if self._total is None:  # a step: no rate
                        start, first = time.monotonic(), self._done
                        self._bar.update(self._task, rate="")
                        continue
                    secs = time.monotonic() - start
                    rate = (self._done - first) / secs if secs > 0 else 0.0
                    self._bar.update(self._task, rate=f"{rate:.1f} files/s")

        threading.Thread(target=tick, daemon=True).start()
