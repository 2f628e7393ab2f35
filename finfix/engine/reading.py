"""Reading a file only when it is a regular file of a sensible size.

``open()`` on a FIFO blocks until a writer appears, and reading ``/dev/zero`` (or a symlink to it) never
ends; pre-commit and editors pass file names, so such a name must give a one-line error, not a hang.
The file is opened non-blocking and checked with ``fstat`` on the open descriptor (not a path ``stat``
before opening, which a rename could race), then read only when it is regular and within the size limit.
"""

from __future__ import annotations

import os
import stat

from finfix.digest import blake2b

#: Default ``max-file-size``: far above hand-written code (pandas' largest module is about 0.5 MB),
#: low enough that a generated data file does not cost gigabytes of LibCST tree (a 50 MB file did).
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def content_hash(raw: bytes) -> str:
    """The digest a file's bytes are known by (the result cache's keys, the stamps of results)."""
    return blake2b(raw, digest_size=16).hexdigest()


class NotReadable(Exception):
    """One line for the user, naming why the file was not read."""


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.1f} KB"


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


#: Non-blocking: opening a FIFO must not wait for a writer; no controlling terminal from a tty's name.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_regular(path: str | os.PathLike[str], max_size: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and its stat as read; raises NotReadable or OSError.

    ``max_size`` None or 0 means no limit.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)  # before reading: a later change then shows in the mtime
        if stat.S_ISDIR(st.st_mode):
            raise NotReadable("is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise NotReadable(f"not a regular file ({kind_of(st.st_mode)}); skipped")
        if max_size and st.st_size > max_size:
            raise NotReadable(
                f"skipped: {describe_size(st.st_size)} is over max-file-size ({describe_size(max_size)})"
            )
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def read_first_line_or_none(path: str | os.PathLike[str]) -> bytes | None:
    """The first line of a regular file, without its newline (a cache file's header: the rest, megabytes on
    a large project, is not read); None when the file is absent, not regular or has no newline."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            head, newline, _ = chunk.partition(b"\n")
            chunks.append(head)
            if newline:
                return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_regular_or_none(path: str | os.PathLike[str], max_size: int | None = None) -> bytes | None:
    """For caches and other optional files: anything but a readable regular file is simply absent."""
    try:
        return read_regular(path, max_size)[0]
    except (OSError, NotReadable):
        return None
