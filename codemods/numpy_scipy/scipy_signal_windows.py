"""FX412 scipy-signal-window-namespace: window functions live in `scipy.signal.windows`."""

from __future__ import annotations

from finfix.sdk.renames import NameRename, RenameRule, renames_trigger
from finfix.sdk.rule import Example, Safety, Versions

WINDOWS = (
    "barthann", "bartlett", "blackman", "blackmanharris", "bohman", "boxcar", "chebwin", "cosine", "dpss",
    "exponential", "flattop", "gaussian", "general_cosine", "general_gaussian", "general_hamming", "hamming",
    "hann", "kaiser", "nuttall", "parzen", "taylor", "triang", "tukey",
)
NOTE = "removed from `scipy.signal` in SciPy 1.13"


class ScipySignalWindows(RenameRule):
    """## What it does
    Moves window functions called from `scipy.signal` to `scipy.signal.windows`:
    `signal.hann(N)` → `signal.windows.hann(N)`, `from scipy.signal import hann` →
    `from scipy.signal.windows import hann`; the old alias `signal.hanning` becomes
    `signal.windows.hann`. `signal.slepian` is reported: `windows.dpss` is not a drop-in replacement.

    ## Why is this bad?
    The windows were moved in SciPy 1.1, warned from 1.11 and removed from the `scipy.signal`
    namespace in 1.13: `signal.hann(64)` raises `AttributeError`.

    ## Example
    ```python
    from scipy import signal
    taper = signal.hann(256)
    ```
    Use instead:
    ```python
    from scipy import signal
    taper = signal.windows.hann(256)
    ```

    ## Fix safety
    Safe: the same functions under their new module.
    `signal.get_window("hann", N)` and NumPy's `np.hanning`/`np.hamming`/`np.kaiser` are valid and left alone.
    """

    code = "FX412"
    name = "scipy-signal-window-namespace"
    summary = "Window functions moved to scipy.signal.windows (removed from scipy.signal in 1.13)."
    safety = Safety.SAFE
    versions = Versions("scipy", deprecated="1.1", removed="1.13")  # scipy.signal.windows came in 1.1
    requires = ("scipy",)  # every import form names the library
    renames = (
        *(NameRename(f"scipy.signal.{w}", f"scipy.signal.windows.{w}", note=NOTE) for w in WINDOWS),
        NameRename("scipy.signal.hanning", "scipy.signal.windows.hann", note=NOTE),
        NameRename("scipy.signal.windows.hanning", "scipy.signal.windows.hann", note="removed in SciPy 1.13"),
        NameRename("scipy.signal.slepian", "", safety=Safety.DETECT,
                   note="was removed in SciPy 1.6; `scipy.signal.windows.dpss` is related but not a drop-in replacement"),
        NameRename("scipy.signal.windows.slepian", "", safety=Safety.DETECT,
                   note="was removed in SciPy 1.6; `scipy.signal.windows.dpss` is related but not a drop-in replacement"),
    )
    ast_trigger = renames_trigger(renames)

    examples = (
        Example("from scipy import signal\nw = signal.hann(64) * signal.kaiser(64, 8.6)\n",
                "from scipy import signal\nw = signal.windows.hann(64) * signal.windows.kaiser(64, 8.6)\n"),
        Example("import scipy.signal\nw = scipy.signal.hanning(32)\n",
                "import scipy.signal\nw = scipy.signal.windows.hann(32)\n"),
        Example("import scipy.signal as ss\nw = ss.tukey(32, alpha=0.5)\n",
                "import scipy.signal as ss\nw = ss.windows.tukey(32, alpha=0.5)\n"),
        Example("from scipy.signal import hamming, butter\nw = hamming(16)\n",
                "from scipy.signal import butter\nfrom scipy.signal.windows import hamming\n\nw = hamming(16)\n"),
        Example("from scipy.signal import blackman as bm\nw = bm(16)\n",
                "from scipy.signal.windows import blackman as bm\n\nw = bm(16)\n"),
        Example("from scipy import signal\nw = signal.slepian(64, 0.1)\n",
                message="`signal.slepian` was removed in SciPy 1.6", line=2, safety=Safety.DETECT),
        # must not touch
        Example("import numpy as np\nfrom scipy import signal\n"
                "w = signal.get_window('hann', 64) + np.hanning(64) + np.kaiser(64, 8.6)\n"
                "v = signal.windows.hann(64)\n"),
        Example("import torch\nw = torch.hann_window(64)\nx = obj.hann(3)\n"),
    )
