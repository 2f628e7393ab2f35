"""Rich consoles, created on first use (importing rich costs start-up time)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@lru_cache(maxsize=None)
def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@lru_cache(maxsize=None)
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_diff(diff: str) -> None:
    """A unified diff: coloured on a terminal, byte-for-byte plain when piped."""
    import sys

    console = stdout()
    if not console.is_terminal:
        sys.stdout.write(diff)
        sys.stdout.flush()
        return
    from rich.text import Text

    styles = {"+++": "bold", "---": "bold", "@@": "cyan", "+": "green", "-": "red"}
    for line in diff.splitlines():
        style = next((s for prefix, s in styles.items() if line.startswith(prefix)), "")
        console.print(Text(line, style=style))
