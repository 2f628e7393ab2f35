"""FX001's examples (run by the test suite): rewrites, race-free loops left alone, reports."""

from __future__ import annotations

from finfix.sdk.rule import Example

FX001_EXAMPLES = (
    Example(
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def hist(b, nbins):
            h = np.zeros(nbins)
            for i in prange(b.shape[0]):
                h[b[i]] += 1
            return h
        """,
        """
        import numpy as np
        from numba import njit

        @njit
        def hist(b, nbins):
            h = np.zeros(nbins)
            for i in range(b.shape[0]):
                h[b[i]] += 1
            return h
        """,
    ),
    Example(
        """
        import numba as nb

        @nb.njit(parallel=True, nogil=True)
        def total(x, out):
            for i in nb.prange(x.shape[0]):
                out[0] += x[i]
        """,
        """
        import numba as nb

        @nb.njit(nogil=True)
        def total(x, out):
            for i in range(x.shape[0]):
                out[0] += x[i]
        """,
    ),
    Example(  # a loop-carried dependency; the race-free second loop keeps parallel=True
        """
        import numba
        from numba import prange

        @numba.jit(nopython=True, parallel=True)
        def ema(x, y, a):
            for i in prange(1, x.shape[0]):
                y[i] = a * x[i] + (1 - a) * y[i - 1]
            for i in prange(x.shape[0]):
                x[i] = y[i] * 2
        """,
        """
        import numba
        from numba import prange

        @numba.jit(nopython=True, parallel=True)
        def ema(x, y, a):
            for i in range(1, x.shape[0]):
                y[i] = a * x[i] + (1 - a) * y[i - 1]
            for i in prange(x.shape[0]):
                x[i] = y[i] * 2
        """,
    ),
    Example(  # race-free: disjoint writes, a scalar reduction, a private buffer
        """
        import numpy as np
        from numba import njit, prange

        @njit(parallel=True)
        def features(x, out):
            s = 0.0
            for i in prange(x.shape[0]):
                tmp = np.empty(3)
                for j in range(3):
                    tmp[j] = x[i, j] * 2
                out[i, 0] = tmp.sum()
                s += x[i, 0]
            return s
        """
    ),
    Example(  # per-thread slots through a jitted callee: race-free
        """
        from numba import njit, prange

        @njit
        def work(P, t, x):
            for k in range(x.shape[0]):
                P[t, k] += x[k] * t

        @njit(parallel=True)
        def run(P, x, n_threads):
            for t in prange(n_threads):
                work(P, t, x)
        """
    ),
    Example(  # a callee finfix cannot see: left alone, reported
        """
        from numba import njit, prange
        from mylib import kernel

        @njit(parallel=True)
        def run(out, x):
            for i in prange(x.shape[0]):
                kernel(out, x, i)
        """,
        reported=True,
    ),
    Example(  # a local function named prange is not numba's
        """
        from numba import njit

        def prange(n):
            return range(n)

        @njit(parallel=True)
        def f(out):
            for i in prange(3):
                out[0] += 1
        """
    ),
    Example(  # without parallel=True, prange is range: no race (FX005 reports it)
        """
        from numba import njit, prange

        @njit
        def f(out, x):
            for i in prange(x.shape[0]):
                out[0] += x[i]
        """
    ),
    Example(  # sequentialize-all: the audit's blanket fix
        """
        from numba import njit, prange

        @njit(parallel=True, boundscheck=False)
        def f(out, x):
            for i in prange(x.shape[0]):
                out[i] = x[i] * 2
        """,
        """
        from numba import njit

        @njit(boundscheck=False)
        def f(out, x):
            for i in range(x.shape[0]):
                out[i] = x[i] * 2
        """,
        options={"sequentialize-all": True},
    ),
    Example(  # parallel=True from a dict: the loop is fixed, the dict is FX005's to report
        """
        from numba import jit, prange

        JIT_SETTINGS = {"nopython": True, "parallel": True}

        @jit(**JIT_SETTINGS)
        def f(out, x):
            for i in prange(x.shape[0]):
                out[i % 4] += x[i]
        """,
        """
        from numba import jit

        JIT_SETTINGS = {"nopython": True, "parallel": True}

        @jit(**JIT_SETTINGS)
        def f(out, x):
            for i in range(x.shape[0]):
                out[i % 4] += x[i]
        """,
    ),
    Example(  # report-race-free: said why, nothing changed
        """
        from numba import njit, prange

        @njit(parallel=True)
        def f(out, x):
            s = 0.0
            for i in prange(x.shape[0]):
                out[i] = x[i] * 2
                s += x[i]
            return s
        """,
        reported=True,
        options={"report-race-free": True},
    ),
    Example(  # jax.jit is not numba
        """
        from jax import jit
        from numba import prange

        @jit
        def f(out):
            for i in prange(3):
                out[0] += 1
        """
    ),
)

