"""The NumPy/SciPy rewrites keep behaviour: the fixed code is run on generated arrays.

Where the old code still runs on the installed versions (`np.row_stack`, `astype(np.bool)`) the test
runs before and after and compares. Where it no longer runs, the fixed code is compared with the
documented old behaviour, written out independently here (old `in1d` flattened; `firwin(nyq=N)`
normalised the cutoff by N; `remez(Hz=H)` by the sampling rate H; the trapezoid and Simpson formulas).
"""

from __future__ import annotations

import io
import textwrap
import warnings

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from finfix.codemods.numpy_scipy.numpy_builtin_aliases import NumpyBuiltinAliases
from finfix.codemods.numpy_scipy.numpy_removed_aliases import NumpyRemovedAliases
from finfix.codemods.numpy_scipy.scipy_fir_nyq import ScipyFirNyq
from finfix.codemods.numpy_scipy.scipy_misc_removed import ScipyMiscRemoved
from finfix.codemods.numpy_scipy.scipy_signal_windows import ScipySignalWindows
from finfix.engine.core import fix_source

FAST = settings(max_examples=30, deadline=None)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
floats_1d = hnp.arrays(np.float64, st.integers(2, 40), elements=finite)
ints_2d = hnp.arrays(np.int64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
                     elements=st.integers(-5, 5))


def fixed(rule, source: str, *, unsafe: bool = False) -> tuple[str, dict]:
    """Apply ``rule`` to ``source`` (every finding must be fixed) and run the result."""
    out, findings = fix_source(textwrap.dedent(source), [rule], unsafe=unsafe)
    assert findings and all(f.applied for f in findings), [f.message for f in findings]
    namespace: dict = {}
    exec(compile(out, "<fixed>", "exec"), namespace)
    return out, namespace


# -- FX401: removed NumPy names --------------------------------------------------------------------------
IN1D_SRC, IN1D = fixed(NumpyRemovedAliases, """
    import numpy as np
    def member(a, b):
        return np.in1d(a, b)
    def member_inverted(a, b):
        return np.in1d(a, b, invert=True)
""")


@FAST
@given(ints_2d, hnp.arrays(np.int64, st.integers(0, 6), elements=st.integers(-5, 5)))
def test_in1d_result_is_flat_like_the_old_in1d(a, b):
    old = np.array([x in set(b.tolist()) for x in a.ravel().tolist()], dtype=bool)  # in1d ravelled `a`
    assert IN1D["member"](a, b).shape == old.shape == (a.size,)
    np.testing.assert_array_equal(IN1D["member"](a, b), old)
    np.testing.assert_array_equal(IN1D["member_inverted"](a, b), ~old)


def test_in1d_worked_example():
    a = np.array([[1, 2], [3, 4]])
    assert IN1D["member"](a, [2, 3]).tolist() == [False, True, True, False]  # numpy 1.26 documented output


FUNCS_SRC, FUNCS = fixed(NumpyRemovedAliases, """
    import numpy as np
    def product(a): return np.product(a)
    def cumproduct(a): return np.cumproduct(a)
    def alltrue(a): return np.alltrue(a > 0)
    def sometrue(a): return np.sometrue(a > 0)
    def round_(a): return np.round_(a, 2)
    def msort(a): return np.msort(a)
    def trapz(y): return np.trapz(y)
    def trapz_x(y, x): return np.trapz(y, x)
    def asfarray(a): return np.asfarray(a)
    def asfarray_int(a): return np.asfarray(a, int)
    def asfarray_f32(a): return np.asfarray(a, np.float32)
    def fast_transpose(a): return np.fastCopyAndTranspose(a)
    def cast(a): return np.cast['f4'](a)
    def gen_sum(a): return np.sum(x * 2 for x in a)
    def reshape(a): return np.reshape(a, newshape=(-1,), order='F')
    def percentile(a, q): return np.percentile(a, q, interpolation='lower')
    def quantile(a, q): return np.quantile(a, q / 100, interpolation='higher')
    def ptp(a): return a.ptp(axis=0)
    def common(types): return np.find_common_type(types, [])
    def neg_inf_power(x): return x ** np.NINF
    def neg_inf_squared(): return np.NINF ** 2
    constants = (np.NaN, np.Inf, np.PINF, np.infty, np.Infinity, np.NINF, np.PZERO, np.NZERO)
    types = (np.float_, np.complex_, np.cfloat, np.singlecomplex, np.longfloat, np.clongfloat, np.unicode_, np.string_)
""", unsafe=True)


@FAST
@given(ints_2d)
def test_reductions_match_the_old_definitions(a):
    np.testing.assert_array_equal(FUNCS["product"](a), np.multiply.reduce(a.ravel()))
    np.testing.assert_array_equal(FUNCS["cumproduct"](a), np.multiply.accumulate(a.ravel()))
    assert FUNCS["alltrue"](a) == bool(np.logical_and.reduce((a > 0).ravel()))
    assert FUNCS["sometrue"](a) == bool(np.logical_or.reduce((a > 0).ravel()))
    old_msort = np.array(a, copy=True)
    old_msort.sort(axis=0)  # msort sorted along the first axis
    np.testing.assert_array_equal(FUNCS["msort"](a), old_msort)
    np.testing.assert_array_equal(FUNCS["fast_transpose"](a), a.T)
    assert FUNCS["fast_transpose"](a).flags.c_contiguous and not np.shares_memory(FUNCS["fast_transpose"](a), a)
    np.testing.assert_array_equal(FUNCS["reshape"](a), a.reshape(-1, order="F"))
    np.testing.assert_array_equal(FUNCS["ptp"](a), a.max(axis=0) - a.min(axis=0))
    assert FUNCS["gen_sum"](a.ravel().tolist()) == 2 * sum(a.ravel().tolist())


@FAST
@given(floats_1d)
def test_float_functions_match_the_old_definitions(y):
    np.testing.assert_array_equal(FUNCS["round_"](y), np.around(y, 2))
    old_trapz = ((y[1:] + y[:-1]) / 2.0).sum()  # numpy 1.x trapz with dx=1
    np.testing.assert_allclose(FUNCS["trapz"](y), old_trapz, rtol=1e-12, atol=1e-9)
    x = np.cumsum(np.abs(y)) + np.arange(y.size)
    np.testing.assert_allclose(FUNCS["trapz_x"](y, x), (np.diff(x) * (y[1:] + y[:-1]) / 2.0).sum(), rtol=1e-12, atol=1e-6)
    # asfarray: float64 unless the requested dtype is already inexact
    assert FUNCS["asfarray"](y.astype(np.int64)).dtype == np.float64
    assert FUNCS["asfarray_int"](y).dtype == np.float64
    assert FUNCS["asfarray_f32"](y).dtype == np.float32
    assert FUNCS["cast"](y).dtype == np.float32
    np.testing.assert_array_equal(FUNCS["cast"](y), y.astype(np.float32))


@FAST
@given(floats_1d, st.integers(0, 100))
def test_percentile_interpolation_becomes_method(a, q):
    s = np.sort(a)
    n = a.size
    # the documented meaning of interpolation="lower"/"higher": the sorted neighbours of q * (n - 1)
    assert FUNCS["percentile"](a, q) == s[int(np.floor(q / 100 * (n - 1)))]
    assert FUNCS["quantile"](a, q) == s[int(np.ceil(q / 100 * (n - 1)))]


@FAST
@given(st.floats(0.01, 100.0))
def test_ninf_keeps_its_precedence(x):
    assert FUNCS["neg_inf_power"](x) == x ** float("-inf")
    assert FUNCS["neg_inf_squared"]() == float("inf")  # (-inf)**2, not -(inf**2)


def test_constants_and_types_keep_their_values():
    nan, inf, pinf, infty, infinity, ninf, pzero, nzero = FUNCS["constants"]
    assert np.isnan(nan) and inf == pinf == infty == infinity == float("inf") and ninf == float("-inf")
    assert pzero == 0.0 and nzero == 0.0 and np.signbit(nzero) and not np.signbit(pzero)
    assert FUNCS["types"] == (np.float64, np.complex128, np.complex128, np.complex64, np.longdouble, np.clongdouble,
                              np.str_, np.bytes_)


def test_find_common_type_without_scalars_is_result_type():
    for types in ([np.int8, np.float32], [np.int64, np.uint8], [np.float16, np.complex64], [np.int16]):
        old = types[0]
        for t in types[1:]:
            old = np.promote_types(old, t)  # find_common_type(array_types, []) promoted the array types
        assert FUNCS["common"](types) == old


def test_row_stack_before_and_after_agree():
    source = "import numpy as np\ndef stack(a, b):\n    return np.row_stack([a, b])\n"
    before: dict = {}
    exec(source, before)
    _, after = fixed(NumpyRemovedAliases, source)
    a, b = np.arange(3.0), np.arange(3.0, 6.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = before["stack"](a, b)
    np.testing.assert_array_equal(after["stack"](a, b), old)


def test_recfromcsv_still_returns_a_recarray_with_lowercased_names():
    _, ns = fixed(NumpyRemovedAliases, "import numpy as np\ndef load(f):\n    return np.recfromcsv(f)\n")
    table = ns["load"](io.StringIO("Price,Qty\n1.5,2\n2.5,4\n"))
    assert isinstance(table, np.recarray)  # what recfromcsv returned
    assert table.dtype.names == ("price", "qty")  # case_sensitive="lower"
    np.testing.assert_array_equal(table.price, [1.5, 2.5])


# -- FX402: builtin aliases ---------------------------------------------------------------------------------
BOOL_SOURCE = "import numpy as np\ndef to_mask(a):\n    return a.astype(np.bool)\ndef f(a):\n    return np.array(a, dtype=np.float)\n"


@FAST
@given(ints_2d)
def test_astype_np_bool_before_and_after_agree(a):
    before: dict = {}
    exec(BOOL_SOURCE.split("def f")[0], before)  # `np.bool` still runs on NumPy 2 (as np.bool_)
    assert AFTER_BOOL["to_mask"](a).dtype == before["to_mask"](a).dtype
    np.testing.assert_array_equal(AFTER_BOOL["to_mask"](a), before["to_mask"](a))
    assert AFTER_BOOL["f"](a).dtype == np.float64  # np.float was the builtin float


AFTER_BOOL = fixed(NumpyBuiltinAliases, BOOL_SOURCE)[1]


# -- FX412/FX414: SciPy moves -----------------------------------------------------------------------------------
SCIPY_SRC, SCIPY = fixed(ScipySignalWindows, """
    from scipy import signal
    def hann(m): return signal.hann(m)
    def hanning(m): return signal.hanning(m)
    def hamming(m): return signal.hamming(m, sym=False)
""")
MISC_SRC, MISC = fixed(ScipyMiscRemoved, """
    from scipy import integrate, stats
    def trapz(y, x): return integrate.trapz(y, x)
    def cumtrapz(y): return integrate.cumtrapz(y, initial=0)
    def simps(y, dx): return integrate.simps(y, None, dx)
    def binom(k, n, p): return stats.binom_test(k, n, p)
    def romberg(f): return integrate.romberg(f, 0.0, 2.0)
""", unsafe=True)


@FAST
@given(st.integers(2, 64))
def test_windows_match_their_formulas(m):
    n = np.arange(m)
    np.testing.assert_allclose(SCIPY["hann"](m), 0.5 - 0.5 * np.cos(2 * np.pi * n / (m - 1)), atol=1e-12)
    # scipy < 1.13: signal.hanning was another name of the same (symmetric) Hann window
    np.testing.assert_allclose(SCIPY["hanning"](m), 0.5 - 0.5 * np.cos(2 * np.pi * n / (m - 1)), atol=1e-12)
    np.testing.assert_allclose(SCIPY["hamming"](m), 0.54 - 0.46 * np.cos(2 * np.pi * n / m), atol=1e-12)


@FAST
@given(floats_1d)
def test_integration_renames_match_the_formulas(y):
    x = np.cumsum(np.abs(y)) + np.arange(y.size)
    np.testing.assert_allclose(MISC["trapz"](y, x), (np.diff(x) * (y[1:] + y[:-1]) / 2).sum(), rtol=1e-12, atol=1e-6)
    old_cum = np.concatenate([[0.0], np.cumsum((y[1:] + y[:-1]) / 2)])
    np.testing.assert_allclose(MISC["cumtrapz"](y), old_cum, rtol=1e-12, atol=1e-9)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 15).map(lambda k: 2 * k + 1), elements=finite), st.floats(0.01, 10))
def test_simpson_equals_composite_simpson_for_an_odd_number_of_samples(y, dx):
    # the fix is unsafe for even counts (other end correction); for odd counts both are composite Simpson
    weights = np.ones(y.size)
    weights[1:-1:2], weights[2:-1:2] = 4, 2
    np.testing.assert_allclose(MISC["simps"](y, dx), dx / 3 * (weights * y).sum(), rtol=1e-10, atol=1e-6)


@FAST
@given(st.integers(1, 60), st.floats(0.05, 0.95))
def test_binom_test_pvalue_matches_the_old_two_sided_definition(n, p):
    from scipy.stats import binom

    k = n // 3
    pmf = binom.pmf(np.arange(n + 1), n, p)
    old = min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum())  # binom_test's two-sided p-value
    assert MISC["binom"](k, n, p) == pytest.approx(old, rel=1e-6, abs=1e-12)


def test_romberg_to_quad_worked_example():
    assert MISC["romberg"](lambda t: 3 * t**2) == pytest.approx(8.0, rel=1e-12)  # exact for polynomials


# -- FX413: nyq= -> fs= -----------------------------------------------------------------------------------------
FIR_SRC, FIR = fixed(ScipyFirNyq, """
    from scipy import signal
    def firwin(n, cutoff, nyq): return signal.firwin(n, cutoff, nyq=nyq)
    def firwin_half(n, cutoff, fs_hz): return signal.firwin(n, cutoff, nyq=0.5 * fs_hz)
    def firwin_positional(n, cutoff): return signal.firwin(n, cutoff, None, 'hann', True, True, 50.0)
    def firwin2(n, f, g, nyq): return signal.firwin2(n, f, g, nyq=nyq)
    def firls(n, bands, d, nyq): return signal.firls(n, bands, d, nyq=nyq)
    def remez(n, bands, d, hz): return signal.remez(n, bands, d, Hz=hz)
""")


def test_fir_rewrites_are_the_expected_code():
    assert "fs=2 * nyq" in FIR_SRC and "fs=fs_hz" in FIR_SRC and "fs=hz" in FIR_SRC
    assert "width=None, window='hann', pass_zero=True, scale=True, fs=100.0" in FIR_SRC


@FAST
@given(st.sampled_from([11, 31, 51]), st.floats(1.0, 1e4), st.floats(0.05, 0.9))
def test_firwin_nyq_normalised_the_cutoff_by_nyq(numtaps, nyq, fraction):
    # scipy < 1.14: firwin(n, c, nyq=N) designed with cutoff c / N on the normalised (Nyquist = 1) axis
    cutoff = fraction * nyq
    old = scipy.signal.firwin(numtaps, cutoff / nyq)
    np.testing.assert_allclose(FIR["firwin"](numtaps, cutoff, nyq), old, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(FIR["firwin_half"](numtaps, cutoff, 2 * nyq), old, rtol=1e-9, atol=1e-12)
    f = [0.0, cutoff, nyq]
    np.testing.assert_allclose(FIR["firwin2"](numtaps, f, [1.0, 1.0, 0.0], nyq),
                               scipy.signal.firwin2(numtaps, np.array(f) / nyq, [1.0, 1.0, 0.0]), rtol=1e-9, atol=1e-12)
    bands = [0.0, 0.5 * cutoff, cutoff, nyq]
    np.testing.assert_allclose(FIR["firls"](numtaps, bands, [1, 1, 0, 0], nyq),
                               scipy.signal.firls(numtaps, np.array(bands) / nyq, [1, 1, 0, 0]), rtol=1e-7, atol=1e-10)


def test_firwin_positional_worked_example():
    # old order: (numtaps, cutoff, width, window, pass_zero, scale, nyq): nyq=50 -> cutoff 10 Hz is 0.2
    np.testing.assert_allclose(FIR["firwin_positional"](11, 10.0), scipy.signal.firwin(11, 0.2, window="hann"))


def test_remez_hz_was_the_sampling_rate():
    bands, desired = [0, 100, 150, 500], [1, 0]
    old = scipy.signal.remez(31, np.array(bands) / 1000.0, desired)  # Hz=1000 scaled bands by 1/Hz
    np.testing.assert_allclose(FIR["remez"](31, bands, desired, 1000.0), old, rtol=1e-9, atol=1e-12)


def test_kmeans_n_init_pin_changes_todays_results_so_it_is_unsafe():
    """FX423's `n_init=10` restores pre-1.4 scikit-learn results; on today's scikit-learn it changes them,
    so a safe-only run leaves the call alone and `n-init = "auto"` (safe) keeps today's results."""
    from finfix.codemods.numpy_scipy.sklearn_kmeans_n_init import SklearnKmeansNInit

    source = textwrap.dedent("""\
        import numpy as np
        from sklearn.cluster import KMeans
        points = np.random.default_rng(3).normal(size=(60, 2))
        inertia = KMeans(n_clusters=5, random_state=0).fit(points).inertia_
        """)
    safe_only, findings = fix_source(source, [SklearnKmeansNInit])
    assert safe_only == source and [f.fix.value for f in findings] == ["unsafe"]
    pinned, _ = fix_source(source, [SklearnKmeansNInit], unsafe=True)
    auto, _ = fix_source(source, [SklearnKmeansNInit], options={"FX423": {"n-init": "auto"}})
    assert "n_init=10" in pinned and 'n_init="auto"' in auto

    def inertia(code: str) -> float:
        scope: dict = {}
        exec(compile(code, "<kmeans>", "exec"), scope)
        return scope["inertia"]

    today = inertia(source)
    assert inertia(auto) == today
    assert inertia(pinned) != today  # ten restarts find other centres: the result changes
