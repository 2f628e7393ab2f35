"""The declarative rename transformer, exercised through a throwaway rule."""

from __future__ import annotations

import pytest

from finfix.engine.core import fix_source
from finfix.sdk.renames import KeywordRename, NameRename, RenameRule
from finfix.sdk.rule import Safety


class Demo(RenameRule):
    """## What it does
    Test double."""

    code = "FX999"
    name = "demo-renames"
    summary = "test"
    safety = Safety.SAFE
    renames = (
        NameRename("numpy.trapz", "numpy.trapezoid", note="removed in NumPy 2.4"),
        NameRename("numpy.float", "builtins.float"),
        NameRename("scipy.signal.hann", "scipy.signal.windows.hann"),
        NameRename("numpy.in1d", "numpy.isin", safety=Safety.UNSAFE, reason="isin keeps the shape"),
    )
    keyword_renames = (
        KeywordRename(("sklearn.cluster.KMeans",), "algorithm", "algorithm", values={"full": "lloyd"}),
        KeywordRename(("sklearn.cluster.AgglomerativeClustering",), "affinity", "metric"),
        KeywordRename(("plotly.io.write_image",), "engine", None),
    )


CASES = [
    ("import numpy as np\ny = np.trapz(x) + np.float(3)\n", "import numpy as np\ny = np.trapezoid(x) + float(3)\n"),
    ("import numpy\ny = numpy.trapz(x)\n", "import numpy\ny = numpy.trapezoid(x)\n"),
    ("from numpy import trapz\ny = trapz(x)\n", "from numpy import trapezoid\ny = trapezoid(x)\n"),
    ("from numpy import trapz as T, sin\ny = T(x)\n", "from numpy import trapezoid as T, sin\ny = T(x)\n"),
    ("from scipy import signal\nw = signal.hann(5)\n", "from scipy import signal\nw = signal.windows.hann(5)\n"),
    (
        "from scipy.signal import hann, butter\nw = hann(5)\n",
        "from scipy.signal import butter\nfrom scipy.signal.windows import hann\n\nw = hann(5)\n",
    ),
    (
        "from sklearn.cluster import KMeans as K\nk = K(3, algorithm='full')\n",
        "from sklearn.cluster import KMeans as K\nk = K(3, algorithm='lloyd')\n",
    ),
    (
        "from sklearn.cluster import AgglomerativeClustering\na = AgglomerativeClustering(affinity='l1', linkage='average')\n",
        "from sklearn.cluster import AgglomerativeClustering\na = AgglomerativeClustering(metric='l1', linkage='average')\n",
    ),
    ("import plotly.io as pio\npio.write_image(fig, 'a.png', engine='kaleido')\n", "import plotly.io as pio\npio.write_image(fig, 'a.png')\n"),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_rename(before, after):
    out, findings = fix_source(before, [Demo])
    assert out == after
    assert findings and all(f.applied for f in findings)
    assert fix_source(out, [Demo])[0] == out


@pytest.mark.parametrize(
    "source",
    [
        "def trapz(x):\n    return x\ntrapz(1)\n",  # a local function with the same name
        "import jax.numpy as np\nnp.trapz(x)\n",  # another library's numpy
        "obj.trapz(x)\n",  # an attribute of an unknown object
        "from sklearn.cluster import SpectralClustering\nSpectralClustering(affinity='rbf')\n",
    ],
)
def test_look_alikes_untouched(source):
    out, findings = fix_source(source, [Demo])
    assert out == source
    assert findings == []


def test_suppressed_use_keeps_the_from_import_and_every_use():
    source = "from numpy import trapz\ny = trapz(x)  # finfix: ignore\nz = trapz(y)\n"
    out, findings = fix_source(source, [Demo])
    assert out == source  # renaming only `z = trapz(y)` would leave a NameError
    assert [f.applied for f in findings] == [False]
    assert "suppressed" in findings[0].reason


def test_unsafe_rename_needs_unsafe_fixes():
    source = "import numpy as np\nm = np.in1d(a, b)\n"
    assert fix_source(source, [Demo])[0] == source
    assert fix_source(source, [Demo], unsafe=True)[0] == "import numpy as np\nm = np.isin(a, b)\n"


def test_keyword_value_that_is_not_a_literal_is_reported_only():
    source = "from sklearn.cluster import KMeans\nKMeans(3, algorithm=algo)\n"
    out, findings = fix_source(source, [Demo])
    assert out == source
    assert findings[0].fix is Safety.DETECT
