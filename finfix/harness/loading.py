"""Loading the two versions of a module, and running the harness in a subprocess.

Verification executes user code, so it happens in a child process (`python -m finfix.harness.worker`)
with a timeout: a kernel that loops forever or crashes the interpreter costs one file's verdicts, never
the run. Inside the child, the before and after sources are written to two temporary folders and
executed as two distinct modules of the same package (`quantdesk._finfix_before_exchange` and
`quantdesk._finfix_after_exchange`): they share no state, numba caches them apart, and relative imports
(`from .orderflow import vwap`) resolve against the real package. The child's working directory is a
scratch folder (files the code writes land there), while ``__file__`` is the module's real path.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from finfix.engine import lifelines


@dataclass(frozen=True)
class ModuleLocation:
    sys_path: str  # the folder to put on sys.path (above the top package)
    package: str  # dotted package of the module, "" for a top-level module
    stem: str  # the module's own name

    @property
    def dotted(self) -> str:
        return f"{self.package}.{self.stem}" if self.package else self.stem


def locate(path: str | os.PathLike[str], project_root: str | os.PathLike[str] | None = None) -> ModuleLocation:
    """Where the module lives in its package tree (folders with ``__init__.py``)."""
    file = Path(path).resolve()
    parts: list[str] = []
    folder = file.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    if not file.exists() and not parts and project_root is not None:
        folder = Path(project_root).resolve()
    return ModuleLocation(str(folder), ".".join(parts), file.stem)


def load_module(
    location: ModuleLocation, source: str, *, side: str, original_path: str, scratch: Path
) -> types.ModuleType:
    """Execute ``source`` as a fresh module named ``<package>._finfix_<side>_<stem>``; raises what it raises."""
    name = f"_finfix_{side}_{location.stem}"
    dotted = f"{location.package}.{name}" if location.package else name
    # Fresh copies of the original ("before1", "before2", ...) reuse its file and compiled code.
    base_side = side.rstrip("0123456789")
    folder = scratch / base_side
    file = folder / f"{location.stem}.py"
    code = _CODE.get((str(file), source))
    if code is None:
        folder.mkdir(parents=True, exist_ok=True)
        file.write_text(source, encoding="utf-8")
        code = _CODE[(str(file), source)] = compile(source, str(file), "exec")
    module = types.ModuleType(dotted)
    module.__file__ = str(Path(original_path).resolve())  # data files next to the module keep working
    module.__package__ = location.package
    module.__dict__["__builtins__"] = __builtins__
    sys.modules[dotted] = module
    if location.sys_path not in sys.path:
        sys.path.insert(0, location.sys_path)
    # The code object points at the scratch copy: tracebacks, inspect and numba's cache see the text
    # that runs, and the two versions never share a cache entry.
    exec(code, module.__dict__)
    return module


_CODE: dict[tuple[str, str], types.CodeType] = {}


# -- parent side ------------------------------------------------------------------------------------


class WorkerFailed(Exception):
    """The child process timed out, died, or ended without reporting; the message says which."""


# Environment variables the child (which runs the user's code) does not get unless --pass-env names
# them: anything that looks like a secret, and the cloud providers' credentials.
_SECRET_PARTS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "COOKIE")
_SECRET_PREFIXES = ("AWS_", "AZURE_", "GOOGLE_", "GCLOUD_", "GCP_", "CLOUDSDK_", "ARM_", "DIGITALOCEAN_",
                    "HEROKU_", "VAULT_", "DOCKER_AUTH", "NPM_", "PYPI_", "TWINE_", "GITHUB_TOKEN", "GH_",
                    "CI_JOB_TOKEN", "KUBECONFIG")


def is_secret(name: str) -> bool:
    upper = name.upper()
    return any(part in upper for part in _SECRET_PARTS) or upper.startswith(_SECRET_PREFIXES)


def scrubbed_environment(environ: dict[str, str], keep: Sequence[str] = ()) -> tuple[dict[str, str], list[str]]:
    """``environ`` without its secrets (names in ``keep`` stay); returns it and the names removed."""
    kept = set(keep)
    removed = sorted(n for n in environ if is_secret(n) and n not in kept)
    return {k: v for k, v in environ.items() if k not in removed}, removed


def run_worker(job: dict[str, Any], *, timeout: float, pass_env: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """Run one job in a child process; yield its result records (one per function), as written.

    The child runs in its own session and process group; when it ends (or times out) the whole group
    is killed, so processes the user's code started at import do not outlive the run. Records already
    written when the child times out or dies are yielded, then WorkerFailed is raised; a child that
    exits, with any code, without a record for every function is a failure too.
    """
    with tempfile.TemporaryDirectory(prefix="finfix-verify-") as tmp:
        job_file = Path(tmp) / "job.json"
        out_file = Path(tmp) / "results.jsonl"
        err_file = Path(tmp) / "stderr.txt"
        job = {**job, "scratch": str(Path(tmp) / "modules")}
        job_file.write_text(json.dumps(job), encoding="utf-8")
        base, _ = scrubbed_environment(dict(os.environ), pass_env)
        env = {
            **base,
            "HYPOTHESIS_STORAGE_DIRECTORY": str(Path(tmp) / "hypothesis"),
            # Out-of-bounds reads are undefined behaviour in compiled code: with bounds checks both
            # versions raise IndexError instead of returning whatever memory held.
            "NUMBA_BOUNDSCHECK": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            # Charts are drawn off screen and compared by what they draw (harness/drawing.py).
            "MPLBACKEND": "Agg",
            # More threads than cores: the race check needs threads to interleave, even on a busy machine.
            "NUMBA_NUM_THREADS": os.environ.get("NUMBA_NUM_THREADS") or str(max(4, os.cpu_count() or 1)),
        }
        cmd = [sys.executable, "-m", "finfix.harness.worker", str(job_file), str(out_file)]
        # User code runs in a scratch working directory: a function that writes `plot.png` or
        # `trades.csv` under a generated name leaves nothing in the project.
        workdir = Path(tmp) / "cwd"
        workdir.mkdir()
        started = time.monotonic()
        failure = None
        # stderr goes to a file, not a pipe: a grandchild holding a pipe open would keep us waiting.
        with open(err_file, "wb") as err:
            proc = subprocess.Popen(
                cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                start_new_session=True, preexec_fn=lifelines.kill_me_with_parent,  # even after kill -9 of finfix
            )
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
                failure = f"timed out after {time.monotonic() - started:.0f}s (--timeout)"
            except BaseException:
                end_group(proc)
                raise
            end_group(proc)
        records = []
        if out_file.exists():
            for line in out_file.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line) if line.strip() else None
                except ValueError:
                    record = None
                if isinstance(record, dict) and isinstance(record.get("function"), str):
                    records.append(record)
        if failure is None and code != 0:
            tail = err_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            failure = f"verification process exited with code {code}" + (f": {' | '.join(tail)}" if tail else "")
        missing = [q for q in job["functions"] if q not in {r["function"] for r in records}]
        if failure is None and missing:
            failure = (f"verification process exited with code {code} before reporting on "
                       f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''} (os._exit or sys.exit in the code?)")
        yield from records
        if failure:
            raise WorkerFailed(failure)


def end_group(proc: subprocess.Popen) -> None:
    """Kill the child's process group (the child and whatever it started), and reap the child."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
