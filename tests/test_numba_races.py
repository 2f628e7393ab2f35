"""FX001's race analysis, table-driven: each loop body is labelled racy, race-free or unproven.

Every case is run through the rule (not the analysis alone): a racy loop must come out as `range` with a
finding that names why; a race-free loop must come out unchanged and unreported; an unproven loop must
come out unchanged and reported. No numba compilation happens here.
"""

from __future__ import annotations

import json

import pytest

from finfix.codemods.numba.prange import PrangeRace
from finfix.engine.core import fix_source

HEADER = '''\
import numpy as np
import numba
from numba import njit, prange
from mylib import opaque


@njit
def work(P, t, x):
    for k in range(x.shape[0]):
        P[t, k] += x[k] * t


@njit
def shared_corner(P, t):
    P[0, 0] += t


@njit
def scale_row(row, f):
    for k in range(row.shape[0]):
        row[k] *= f


'''

RACY, FREE, UNPROVEN = "racy", "race-free", "unproven"
NO_WITNESS = "suspected"  # the analysis suspects a race, no run shows one: reported, left parallel

# (id, statements before the loop, loop body, statements after the loop, verdict, words the finding has)
CASES = [
    # -- race-free: disjoint writes ---------------------------------------------------------------------
    ("out-i", "", "out[i] = x[i] * 2.0", "", FREE, ""),
    ("out-i-j-inner-range", "", "for j in range(m):\n    X[i, j] = X[i, j] * 2.0", "", FREE, ""),
    ("out-k-i-second-position", "", "X[k, i] = x[i]", "", FREE, ""),
    ("out-i-plus-const", "", "out[i + 1] = x[i]", "", FREE, ""),
    ("out-const-minus-i", "", "out[n - 1 - i] = x[i]", "", FREE, ""),
    ("out-2i", "", "out[2 * i] = x[i]", "", FREE, ""),
    ("body-local-affine-name", "", "j = n - i - 1\nX[k, j] = x[i]", "", FREE, ""),
    ("tuple-index-literal", "", "X[i, 0] = x[i]\nX[i, 1] = -x[i]", "", FREE, ""),
    ("tuple-index-name", "", "pos = (i, 0)\nX[pos] = x[i]", "", FREE, ""),
    ("row-slice", "", "X[i, :] = x[i]", "", FREE, ""),
    ("view-of-row", "", "row = X[i]\nfor j in range(m):\n    row[j] = x[j]", "", FREE, ""),
    ("reads-anywhere", "", "out[i] = x[0] + x[n - 1] + x[idx[i]]", "", FREE, ""),
    ("private-array", "", "tmp = np.zeros(3)\ntmp[0] += x[i]\ntmp[idx[i] % 3] += 1.0\nout[i] = tmp.sum()", "", FREE, ""),
    ("private-scalar-dead-after", "", "t = x[i] * 2.0\nout[i] = t", "t = 0.0\nout[0] = t", FREE, ""),
    ("branches", "", "if x[i] > 0:\n    out[i] = x[i]\nelse:\n    out[i] = -x[i]", "", FREE, ""),
    # the double buffer: one outcome for the whole loop, each outcome writes one array
    ("invariant-branch-double-buffer", "", "j = n - i\nif k % 2 == 0:\n    X[0, j] = P[0, j - 1] * 2.0\n"
     "else:\n    P[0, j] = X[0, j - 1] * 2.0", "", FREE, ""),
    ("invariant-elif-chain", "", "if k == 0:\n    out[i] = x[i]\nelif k == 1:\n    y[i] = out[i]\nelse:\n    out[i] = y[i]",
     "", FREE, ""),
    # -- race-free: reductions --------------------------------------------------------------------------
    ("scalar-sum", "s = 0.0", "s += x[i]", "out[0] = s", FREE, ""),
    ("scalar-sub-and-mul", "s = 0.0\np = 1.0", "s -= x[i]\np *= x[i]", "out[0] = s + p", FREE, ""),
    ("scalar-s-equals-s-plus", "s = 0.0", "s = s + x[i]", "out[0] = s", FREE, ""),
    ("scalar-max", "s = -np.inf", "s = max(s, x[i])", "out[0] = s", FREE, ""),
    ("reduction-in-inner-range", "s = 0.0", "for j in range(m):\n    s += X[i, j]", "out[0] = s", FREE, ""),
    ("whole-array-reduction", "acc = np.zeros(4)", "acc += X[i]", "out[:4] = acc", FREE, ""),
    ("slice-made-before-loop", "z = y[:]", "z += x[i]", "", FREE, ""),
    # -- race-free: callees and nesting -----------------------------------------------------------------
    ("per-thread-slot-callee", "", "work(P, i, x)", "", FREE, ""),
    ("callee-gets-own-row", "", "scale_row(X[i], 2.0)", "", FREE, ""),
    ("nested-prange-serial", "", "for j in prange(m):\n    X[i, j] = 0.0", "", FREE, ""),
    # -- racy: shared elements --------------------------------------------------------------------------
    ("constant-index", "", "out[0] += x[i]", "", RACY, "same element"),
    ("invariant-index", "", "out[k] = x[i]", "", RACY, "same element"),
    ("histogram-indirect", "", "h[idx[i]] += 1", "", RACY, "histogram"),
    ("histogram-computed-bin", "", "b = int(x[i] / w)\nh[b] += 1", "", RACY, "histogram"),
    ("modulo", "", "y[i % k] += x[i]", "", RACY, "injective"),
    ("floor-div", "", "y[i // 2] += x[i]", "", RACY, "injective"),
    ("per-thread-slot-trick", "", "y[i % numba.get_num_threads()] += x[i]", "", RACY, "injective"),
    ("flattened-index", "", "for j in range(m):\n    y[i * m + j] = X[i, j]", "", NO_WITNESS, "no run found a witness"),
    ("inner-index-only", "", "for j in range(m):\n    y[j] += X[i, j]", "", RACY, "does not depend"),
    ("two-writes-one-constant", "", "out[i] = x[i]\nout[0] = 0.0", "", RACY, "same element"),
    ("invariant-branch-racy-outcome", "", "if k > 0:\n    out[i] = x[i]\nelse:\n    out[0] += x[i]", "", RACY,
     "when `k > 0` is false"),
    # a condition on the loop's own values is not invariant: both branches meet
    ("varying-condition-merges", "", "if x[i] > 0:\n    X[0, i] = 1.0\nelse:\n    X[0, 0] = 2.0", "", RACY,
     "same element"),
    # -- racy: dependencies -----------------------------------------------------------------------------
    ("loop-carried-read", "", "y[i] = y[i - 1] + x[i]", "", RACY, "loop-carried"),
    ("loop-carried-forward", "", "y[i + 1] = y[i] * 2.0", "", RACY, "loop-carried"),
    ("whole-read-while-writing", "", "out[i] = out.sum()", "", RACY, "reads elements"),
    # -- racy: slices, containers, scalars --------------------------------------------------------------
    ("slice-in-body", "", "y[:] += x[i]", "", RACY, "slice"),
    ("slice-range-in-body", "", "y[1:3] = x[i]", "", RACY, "slice"),
    ("list-append", "found = [0.0]", "found.append(x[i])", "", RACY, "container"),
    ("dict-write", "seen = {}", "seen[i] = x[i]", "", RACY, "container"),
    ("last-write-wins", "last = 0.0", "last = x[i]", "out[0] = last", RACY, "last"),
    ("floor-div-reduction", "s = 1000", "s //= 2", "out[0] = s", RACY, "not a reduction"),
    ("mixed-reduction-ops", "s = 0.0", "s += x[i]\ns *= 2.0", "out[0] = s", RACY, "mixed"),
    ("reads-partial-reduction", "s = 0.0", "s += x[i]\nout[i] = s", "", RACY, "partial reduction"),
    ("callee-writes-shared-cell", "", "shared_corner(P, i)", "", RACY, "same element"),
    # -- unproven: left parallel, reported --------------------------------------------------------------
    ("unseen-callee", "", "opaque(out, i)", "", UNPROVEN, "cannot see"),
    ("unknown-method-on-shared-object", "", "P.record(x[i])", "", UNPROVEN, "does not know"),
    ("chunked-inner-range", "size = 4", "for j in range(i * size, i * size + size):\n    y[j] = x[j] * 2.0", "",
     UNPROVEN, "segment"),
    ("csr-row-segment", "", "for p in range(idx[i], idx[i + 1]):\n    y[p] = x[p] * 2.0", "", UNPROVEN, "segment"),
]


def _kernel(pre: str, body: str, post: str) -> str:
    lines = ["@njit(parallel=True)", "def kern(x, y, out, h, idx, X, P, n, m, k, w):"]
    lines += ["    " + line for line in pre.splitlines()]
    lines.append("    for i in prange(n):")
    lines += ["        " + line for line in body.splitlines()]
    lines += ["    " + line for line in post.splitlines()]
    lines.append("    return out")
    return HEADER + "\n".join(lines) + "\n"


def test_the_table_covers_enough():
    verdicts = [c[4] for c in CASES]
    assert len(CASES) >= 25
    assert verdicts.count(RACY) >= 10 and verdicts.count(FREE) >= 10 and verdicts.count(UNPROVEN) >= 2


@pytest.mark.parametrize(("pre", "body", "post", "verdict", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_race_analysis(pre, body, post, verdict, words):
    source = _kernel(pre, body, post)
    compile(source, "<kernel>", "exec")  # the case itself is valid Python
    out, findings = fix_source(source, [PrangeRace])
    messages = " | ".join(f.message for f in findings)
    if verdict == FREE:
        assert out == source
        assert not findings, messages
    elif verdict in (UNPROVEN, NO_WITNESS):
        assert out == source
        assert len(findings) == 1 and "cannot prove" in findings[0].message, messages
        assert not findings[0].applied and not findings[0].witness
        assert words in findings[0].message, messages
    else:
        assert "for i in range(n):" in out and "prange(n)" not in out
        assert "@njit\ndef kern" in out, "the last prange is gone, so parallel=True goes too"
        assert len(findings) == 1 and findings[0].applied, messages
        assert "races" in findings[0].message and words in findings[0].message, messages
        assert findings[0].reason.startswith(("parallel-safe alternative", "this loop carries")), findings[0].reason
        witness = json.loads(findings[0].witness)
        assert f"witness: {witness['text']}" in findings[0].message
        assert witness["text"].startswith("with ") and "iteration" in witness["text"]


def test_finding_names_the_racy_statement_and_line():
    source = _kernel("", "b = int(x[i] / w)\nh[b] += 1", "")
    _, findings = fix_source(source, [PrangeRace])
    (finding,) = findings
    line = source.splitlines().index("        h[b] += 1") + 1
    assert f"at line {line} (`h[b] += 1`)" in finding.message
    assert finding.line == line - 2  # reported on the `for` line, where a suppression comment goes
    assert "per-chunk histogram" in finding.reason


def test_tuple_target_is_unproven():
    source = HEADER + (
        "@njit(parallel=True)\ndef kern(x, out, n):\n    for i, j in prange(n):\n        out[0] += x[i]\n"
    )
    out, findings = fix_source(source, [PrangeRace])
    assert out == source
    assert len(findings) == 1 and "target" in findings[0].message


# -- properties over generated loop bodies ------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from finfix.sdk.numba.race_forms import RACY as _RACY  # noqa: E402
from finfix.sdk.numba.races import Resolver, analyse_loop  # noqa: E402

INDICES = ["i", "i + 1", "n - 1 - i", "2 * i", "0", "k", "idx[i]", "i % 3", "i // 2", "j", "b"]
VALUES = ["x[i]", "1.0", "x[j]", "X[i, 0]", "s", "t"]
TEMPLATES = st.one_of(
    st.builds("out[{}] = {}".format, st.sampled_from(INDICES), st.sampled_from(VALUES)),
    st.builds("y[{}] += {}".format, st.sampled_from(INDICES), st.sampled_from(VALUES)),
    st.builds("X[{}, {}] = {}".format, st.sampled_from(INDICES), st.sampled_from(INDICES), st.sampled_from(VALUES)),
    st.builds("s {}= {}".format, st.sampled_from(["+", "-", "*", "//"]), st.sampled_from(VALUES)),
    st.builds("t = {}".format, st.sampled_from(VALUES)),
    st.builds("b = int({})".format, st.sampled_from(VALUES)),
    st.builds("q = {}".format, st.sampled_from(INDICES)),
    st.just("tmp = np.zeros(3)\ntmp[0] = x[i]"),
)
BODIES = st.lists(TEMPLATES, min_size=1, max_size=4).map("\n".join)
WRAPPED = st.tuples(BODIES, st.sampled_from(["", "for j in range(m):", "if x[i] > 0:"])).map(
    lambda t: t[0] if not t[1] else t[1] + "\n" + "\n".join("    " + line for line in t[0].splitlines())
)


def _verdict(body: str) -> str:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, QualifiedNameProvider

    source = _kernel("s = 0.0\nt = 0.0", body, "out[0] = s + t")
    wrapper = MetadataWrapper(cst.parse_module(source))
    names = wrapper.resolve(QualifiedNameProvider)
    module = wrapper.module
    fn = next(s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == "kern")
    loop = next(s for s in fn.body.body if isinstance(s, cst.For))
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}

    def qualified(node):
        found = names.get(node, set())
        return {q.name for q in (found() if callable(found) else found)}

    resolver = Resolver(qualified, functions)
    return analyse_loop(loop, fn, resolver).status


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WRAPPED, WRAPPED)
@pytest.mark.slow  # over 5 s: `pytest -m "not slow"` for a quick loop
def test_adding_statements_never_hides_a_race(first, second):
    """A race stays a race whatever runs after it in the same iteration."""
    if _verdict(first) == _RACY:
        assert _verdict(first + "\n" + second) == _RACY


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WRAPPED)
def test_rule_output_parses_and_is_stable(body):
    source = _kernel("s = 0.0\nt = 0.0", body, "out[0] = s + t")
    out, findings = fix_source(source, [PrangeRace])
    compile(out, "<fixed>", "exec")
    assert fix_source(out, [PrangeRace])[0] == out
    assert (out != source) == any(f.applied for f in findings)
