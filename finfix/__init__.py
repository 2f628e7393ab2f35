"""finfix: codemods for scientific and financial Python, with a differential harness."""

import os as _os

__version__ = "0.1.0"

# The rules live in the repository's `codemods/` folder and install as `finfix.codemods`. Run from the
# root of a checkout (`python -m finfix` there imports this folder, not the installed package), the
# rules are found in the checkout too: its root joins this package's search path.
_here = _os.path.dirname(_os.path.abspath(__file__))
_checkout = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "codemods")) and _os.path.isfile(
    _os.path.join(_checkout, "codemods", "__init__.py")
):
    __path__.append(_checkout)  # type: ignore[name-defined]
del _here, _checkout
