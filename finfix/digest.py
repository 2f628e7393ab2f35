"""``blake2b`` without hashlib's start-up.

``import hashlib`` loads ``_hashlib`` (OpenSSL's bindings, about 2 ms, a few percent of a warm run) even
to hash with blake2b, which CPython implements itself in ``_blake2``. The cache keys and file digests of
a run are all blake2b: they take it from here (a leaf module: the engine, the environment and the
project pass use it).
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter without CPython's own module
    from hashlib import blake2b

__all__ = ["blake2b"]
