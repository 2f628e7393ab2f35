"""Atomic writes that keep a file's bytes, mode and identity outside the fix."""

from __future__ import annotations

import os
import stat
import tempfile

from finfix.engine.lifelines import temp_name_prefix


class WriteError(Exception):
    """One line for the user; the original file is untouched."""


def write_atomic(path: str, new: bytes, expected_old: bytes | None) -> None:
    """Replace ``path`` with ``new`` via a temporary file in the same folder and a rename.

    Refuses when the file changed since it was read (``expected_old``) or is read-only, so an edit made
    meanwhile is never lost. An interrupt at any point leaves either the old or the new file, never a
    partial one: the temporary file is removed on any failure.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise WriteError("file vanished before it could be written") from None
    # root passes os.access on any file, so look at the write bits too
    if not os.access(path, os.W_OK) or not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteError("file is read-only; not modified")
    if expected_old is not None:
        with open(path, "rb") as fh:
            if fh.read() != expected_old:
                raise WriteError("file changed on disk during the run; not modified")
    # next to the file itself (a symlink's target may live elsewhere): a rename within one folder is atomic
    real = os.path.realpath(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_name_prefix(), suffix=".tmp", dir=os.path.dirname(real))
    except OSError as exc:  # a read-only folder, a full disk
        raise WriteError(f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # not permitted for non-root users; the mode is what matters
        os.replace(tmp, real)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write: {exc.strerror or exc}") from None
        raise
