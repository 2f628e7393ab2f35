"""Where a report goes and how it looks: stdout or --output-file, colours on a terminal, and the
source lines that text findings quote."""

from __future__ import annotations

import re
import sys
from typing import Callable, Sequence

from finfix.results import FileResult

_FINDING = re.compile(r"^(?P<where>\S+:\d+:\d+:) (?P<code>FX\d{3}) (?P<rest>.*)$")
_EXCERPT = re.compile(r"^(?P<gutter>    \s*\d* \| )(?P<rest>.*)$")


def source_lines(results: Sequence[FileResult]) -> Callable[[str, int], str | None]:
    """``get(path, line)``: that line of the file as it was checked (read once per file, when first asked).

    Lines end where Python's tokenizer ends them (``\n``, ``\r\n``, ``\r``), which is how findings count
    them; ``str.splitlines`` would also break at form feeds and other separators inside a line. The bytes
    are split only as far as the last line a finding of the file needs, and only the lines asked for are
    decoded."""
    raw = {r.path: r.old for r in results if r.old is not None}
    last = {r.path: max(f.line for f in r.findings) for r in results if r.findings}
    cache: dict[str, list[bytes]] = {}

    def get(path: str, line: int) -> str | None:
        if path not in cache:
            data = raw.get(path)
            if data is None:
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except OSError:
                    data = b""
            cache[path] = _split_lines(data, max(line, last.get(path, line)))
        lines = cache[path]
        if not 1 <= line <= len(lines) or (line == len(lines) and not lines[-1]):
            return None
        text = lines[line - 1]
        if line == 1 and text.startswith(b"\xef\xbb\xbf"):
            text = text[3:]  # the UTF-8 signature
        return text.decode("utf-8", errors="replace").rstrip("\r")

    return get


_LINE_END = re.compile(rb"\r\n|\r|\n")


def _split_lines(data: bytes, upto: int) -> list[bytes]:
    """The first ``upto`` lines of ``data`` (and the rest in one piece), without their line ends."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):  # a lone \r ends a line too
        return _LINE_END.split(data, upto)
    return data.split(b"\n", upto)


def emit(text: str, output_file: str | None) -> None:
    """The report to ``output_file`` (plain, UTF-8), else to stdout (coloured on a terminal)."""
    if output_file:
        with open(output_file, "w", encoding="utf-8") as fh:
            fh.write(text + ("\n" if text and not text.endswith("\n") else ""))
        return
    from finfix.console import colored, stdout

    if not colored():
        sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))
        sys.stdout.flush()
        return
    from rich.text import Text

    console = stdout()
    for line in text.splitlines():
        out = Text()
        m = _FINDING.match(line)
        e = _EXCERPT.match(line) if m is None else None
        if m:
            out.append(m["where"], style="bold")
            out.append(" ")
            out.append(m["code"], style="bold red")
            out.append(" " + m["rest"])
        elif e and set(e["rest"].strip()) == {"^"}:
            out.append(e["gutter"], style="blue")
            out.append(e["rest"], style="bold red")
        elif e:
            out.append(e["gutter"], style="blue")
            out.append(e["rest"])
        else:
            out.append(line, style="dim" if line.startswith("    ") else "")
        console.print(out)
