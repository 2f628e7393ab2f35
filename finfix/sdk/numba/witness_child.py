"""The witness search's child process: ``python witness_child.py JOB.json OUT.json``.

Runs the pure-Python version of a kernel (its source with decorators stripped, ``prange`` as ``range``)
on generated inputs, with every array wrapped so that each element read and write is recorded with the
iteration of the ``prange`` loop that made it. The first pair of distinct iterations that touch one
element of the array the static analysis blamed (one of them writing) is the witness; for a blamed
name (a scalar or a container), two distinct iterations that change its value are.

Stand-alone on purpose (numpy and the standard library only, no finfix import): it executes user code,
and starts fast. Only the module's imports, simple module-level assignments and function definitions
are executed; no other module-level statement runs.
"""

from __future__ import annotations

import json
import random
import signal
import sys
import time
import types
from typing import Any

import numpy as np

_MISSING = object()


class _Root:
    """One allocation: a parameter, or an array made in the function (named when the loop starts)."""

    def __init__(self, name: str, shape: tuple[int, ...]) -> None:
        self.name = name
        self.shape = shape

    def element(self, flat: int) -> str:
        if not self.shape:
            return f"{self.name}[()]"
        idx = np.unravel_index(int(flat), self.shape)
        return f"{self.name}[{', '.join(str(int(k)) for k in idx)}]"


class _State:
    """What the instrumented loop records, for the one loop instance being watched."""

    def __init__(self) -> None:
        self.reset("", "")

    def reset(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name
        self.active = False
        self.iteration: Any = None
        self.root: _Root | None = None
        self.elements: dict[int, tuple[dict[Any, bool], set]] = {}  # flat -> (writers, readers)
        self.conflict: dict[str, Any] | None = None
        self.changes: list[tuple[Any, str]] = []
        self.instances = 0

    # -- array accesses --
    def touch(self, root: _Root | None, ids: Any, write: bool) -> None:
        if not self.active or self.conflict is not None or root is None or root is not self.root:
            return
        it = self.iteration
        for flat in np.ravel(ids).tolist():
            writers, readers = self.elements.setdefault(flat, ({}, set()))
            other = next((w for w in writers if w != it), _MISSING)
            if other is not _MISSING:
                self.conflict = {"element": root.element(flat), "first": other, "first_op": "writes",
                                 "second": it, "second_op": "writes" if write else "reads"}
                return
            if write:
                reader = next((r for r in readers if r != it), _MISSING)
                if reader is not _MISSING:
                    self.conflict = {"element": root.element(flat), "first": reader, "first_op": "reads",
                                     "second": it, "second_op": "writes"}
                    return
                writers.setdefault(it, True)
            else:
                readers.add(it)


STATE = _State()


def _plain(x: Any) -> Any:
    if isinstance(x, Tracked):
        return x.view(np.ndarray)
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


def _basic(key: Any) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return all(isinstance(p, (int, np.integer, slice, type(None), type(Ellipsis))) and not isinstance(p, bool)
               for p in parts)


def _read_all(*values: Any) -> None:
    for v in values:
        if isinstance(v, Tracked) and v._ids is not None:
            STATE.touch(v._root, v._ids, False)
        elif isinstance(v, (tuple, list)):
            _read_all(*v)


class Tracked(np.ndarray):
    """An ndarray whose element reads and writes are reported to ``STATE``."""

    _ids: Any = None
    _root: _Root | None = None

    def __array_finalize__(self, obj: Any) -> None:
        self._ids = None  # a new array (a copy or a result): not watched
        self._root = None

    def _wrap(self, plain: np.ndarray, ids: Any) -> Tracked:
        out = plain.view(Tracked)
        out._ids, out._root = ids, self._root
        return out

    def __getitem__(self, key: Any) -> Any:
        key = _plain(key)
        res = self.view(np.ndarray)[key]
        if self._ids is None:
            return res
        ids = self._ids[key]
        if isinstance(res, np.ndarray) and _basic(key):
            return self._wrap(res, ids)  # a view: accesses through it count
        STATE.touch(self._root, ids, False)
        return res

    def __setitem__(self, key: Any, value: Any) -> None:
        key = _plain(key)
        _read_all(value)
        if self._ids is not None:
            STATE.touch(self._root, self._ids[key], True)
        self.view(np.ndarray)[key] = _plain(value)

    def __iter__(self):
        for k in range(len(self)):
            yield self[k]

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if method == "at":
            target = inputs[0]
            if isinstance(target, Tracked) and target._ids is not None:
                ids = target._ids[_plain(inputs[1])]
                STATE.touch(target._root, ids, False)
                STATE.touch(target._root, ids, True)
            _read_all(*inputs[2:])
            return getattr(ufunc, method)(*_plain(inputs), **kwargs)
        _read_all(*inputs)
        if out is not None:
            outs = out if isinstance(out, tuple) else (out,)
            for o in outs:
                if isinstance(o, Tracked) and o._ids is not None:
                    STATE.touch(o._root, o._ids, True)
            kwargs["out"] = tuple(_plain(o) for o in outs)
        result = getattr(ufunc, method)(*_plain(inputs), **kwargs)
        if out is not None:
            return out[0] if isinstance(out, tuple) and len(out) == 1 else out
        return result

    def __array_function__(self, func, types_, args, kwargs):
        _read_all(*args, *kwargs.values())
        if func is np.copyto and args and isinstance(args[0], Tracked) and args[0]._ids is not None:
            STATE.touch(args[0]._root, args[0]._ids, True)
        out = kwargs.get("out")
        if isinstance(out, Tracked) and out._ids is not None:
            STATE.touch(out._root, out._ids, True)
        return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})

    # views keep their ids; whole-array methods read or write every element
    def reshape(self, *shape, **kw):
        res = self.view(np.ndarray).reshape(*shape, **kw)
        return res if self._ids is None else self._wrap(res, self._ids.reshape(*shape, **kw))

    def ravel(self, *a, **kw):
        return self.reshape(-1)

    def transpose(self, *axes):
        res = self.view(np.ndarray).transpose(*axes)
        return res if self._ids is None else self._wrap(res, self._ids.transpose(*axes))

    @property
    def T(self):
        return self.transpose()

    def copy(self, *a, **kw):
        _read_all(self)
        return self.view(np.ndarray).copy(*a, **kw)

    def fill(self, value):
        if self._ids is not None:
            STATE.touch(self._root, self._ids, True)
        self.view(np.ndarray).fill(value)


def track(arr: np.ndarray, name: str) -> Tracked:
    out = np.asarray(arr).view(Tracked)
    out._ids = np.arange(out.size).reshape(out.shape)
    out._root = _Root(name, out.shape)
    return out


class _NumpyProxy(types.ModuleType):
    """``np`` as the kernel sees it: arrays it allocates are tracked (named when the loop starts)."""

    def __getattr__(self, name: str) -> Any:
        obj = getattr(np, name)
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) and not isinstance(obj, np.ufunc):
            def call(*args, __f=obj, **kwargs):
                res = __f(*args, **kwargs)
                if isinstance(res, np.ndarray) and not isinstance(res, Tracked):
                    return track(res, "")
                return res
            return call
        return obj


def _numba_stub() -> types.ModuleType:
    stub = types.ModuleType("numba")

    def decorator(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda f: f

    for name in ("njit", "jit", "vectorize", "guvectorize", "generated_jit", "stencil", "cfunc"):
        setattr(stub, name, decorator)
    stub.prange = range
    stub.get_num_threads = lambda: 4
    stub.get_thread_id = lambda: 0
    stub.set_num_threads = lambda n: None
    return stub


# -- the watched loop -------------------------------------------------------------------------------
def _snapshot(value: Any) -> str:
    if value is _MISSING:
        return "<unbound>"
    if isinstance(value, np.ndarray):
        return repr(value.view(np.ndarray).tolist())
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


def _loop(*args):
    frame = sys._getframe(1)  # the kernel's frame: the generator runs when the `for` asks for items
    STATE.instances += 1
    first = STATE.instances == 1  # watch one execution of the loop (it may sit in an outer loop)
    if first:
        value = frame.f_locals.get(STATE.name, frame.f_globals.get(STATE.name, _MISSING))
        for local, v in frame.f_locals.items():  # name the arrays the kernel allocated
            if isinstance(v, Tracked) and v._root is not None and not v._root.name:
                v._root.name = local
        if STATE.kind == "array" and isinstance(value, Tracked):
            STATE.root = value._root
    before = _snapshot(frame.f_locals.get(STATE.name, _MISSING)) if STATE.kind == "name" else ""
    initial = before
    previous = None
    for it in range(*args):
        if first:
            STATE.active, STATE.iteration = True, it
        yield it
        if first and STATE.kind == "name":
            now = _snapshot(frame.f_locals.get(STATE.name, _MISSING))
            if now != before:
                STATE.changes.append((it, now))
                if previous is not None and previous != it and STATE.conflict is None:
                    STATE.conflict = {"name": STATE.name, "before": initial, "changes": list(STATE.changes)}
                previous = it
                before = now
    if first:
        STATE.active = False
        if STATE.conflict is not None:
            raise _LoopDone()  # what runs after the loop cannot take the witness back


# -- inputs ----------------------------------------------------------------------------------------
def _draw(params: list[dict], size: int, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in params:
        name = p["name"]
        kind = p["kind"]
        if p.get("default") and rng.random() < 0.7:
            continue
        if kind == "unknown":
            kind = rng.choice(["array", "scalar"])
        if kind == "array":
            ndim = p.get("ndim") or rng.choice([1, 2])
            shape = tuple(size if rng.random() < 0.7 else rng.randint(1, size + 1) for _ in range(ndim))
            integer = p.get("index") or rng.random() < 0.4
            values = np.array([rng.randrange(0, size) for _ in range(int(np.prod(shape)))], dtype=np.int64)
            out[name] = values.reshape(shape) if integer else values.reshape(shape).astype(np.float64)
        else:
            out[name] = rng.choice([rng.randrange(0, size + 1), rng.randrange(1, size + 1), size])
    return out


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            return repr(value.tolist())
        return "a " + "x".join(map(str, value.shape)) + " array"
    return repr(value)


class _Timeout(Exception):
    pass


class _LoopDone(BaseException):
    """Raised when the watched loop has finished with a conflict: the rest of the kernel need not run."""


def _alarm(signum, frame):
    raise _Timeout()


_ALLOWED = {"numpy", "numba", "math", "cmath"} | set(getattr(sys, "stdlib_module_names", ()))


def _allowed_import(code: str) -> bool:
    """numpy, numba (stubbed), math and the standard library only: no user package code runs here."""
    if code.startswith("from "):
        return code.split()[1].split(".")[0] in _ALLOWED  # a relative import (`from .x`) gives "" here
    parts = code[len("import "):].split(",")
    return all(p.split()[0].split(".")[0] in _ALLOWED for p in parts if p.strip())


def search(job: dict[str, Any]) -> dict[str, Any]:
    sys.modules["numba"] = _numba_stub()
    ns: dict[str, Any] = {"__name__": "__finfix_witness__", "__builtins__": __builtins__, "__finfix_loop__": _loop}
    for code in [c for c in job["imports"] if _allowed_import(c)] + job["assigns"]:
        try:
            exec(code, ns)
        except BaseException:  # noqa: BLE001 - an import the kernel may not even need
            pass
    for code in job["functions"]:
        exec(code, ns)
    proxy = _NumpyProxy("numpy")
    for key, value in list(ns.items()):
        if value is np:
            ns[key] = proxy
        elif getattr(value, "__module__", "").startswith("numpy") and isinstance(value, types.FunctionType):
            ns[key] = getattr(proxy, value.__name__, value)
    kernel = ns[job["function"]]
    params = job["params"]
    kind, name = job["subject"]
    rng = random.Random(job.get("seed", 0))
    started = time.perf_counter()
    budget = float(job["budget"])
    trials = ran = 0
    signal.signal(signal.SIGALRM, _alarm)
    while time.perf_counter() - started < budget and trials < job.get("max_trials", 400):
        size = 2 + (trials // 12) % 5  # small inputs first: the witness should be easy to read
        trials += 1
        values = _draw(params, size, rng)
        shown = {k: _show(v) for k, v in values.items()}
        args = {k: track(v, k) if isinstance(v, np.ndarray) else v for k, v in values.items()}
        STATE.reset(kind, name)
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        try:
            kernel(**args)
        except _LoopDone:
            pass
        except BaseException:  # noqa: BLE001 - generated inputs the kernel rejects
            signal.setitimer(signal.ITIMER_REAL, 0)
            continue
        signal.setitimer(signal.ITIMER_REAL, 0)
        ran += 1
        if STATE.conflict is not None:
            return {"found": True, "inputs": shown, "conflict": STATE.conflict, "trials": trials,
                    "seconds": time.perf_counter() - started}
    return {"found": False, "trials": trials, "ran": ran, "seconds": time.perf_counter() - started}


def main(job_file: str, out_file: str) -> int:
    with open(job_file, encoding="utf-8") as fh:
        jobs = json.load(fh)
    sys.stdout = sys.stderr
    results = []
    for job in jobs:
        try:
            results.append(search(job))
        except BaseException as exc:  # noqa: BLE001 - user code
            results.append({"found": False, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
        with open(out_file, "w", encoding="utf-8") as fh:
            json.dump(results, fh, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
