"""Text pre-checks shared by rules: can this file possibly use ``module.name``?

They run on every file before any parsing, so they must be cheap, and they may only over-approximate:
a hit means the file gets parsed, a miss means the rule can certainly not fire.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable


@lru_cache(maxsize=64)
def _patterns(module: str, names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    mod = re.escape(module)
    alias = re.compile(rf"\bimport\s+{mod}\s+as\s+(\w+)")
    from_import = re.compile(rf"\bfrom\s+{mod}(?:\.[\w.]+)?\s+import\s+(\([^)]*\)|[^\n]*)")
    leaf = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    return alias, from_import, leaf


def module_uses(source: str, module: str, names: Iterable[str]) -> bool:
    """True when ``source`` may use one of ``module``'s ``names``: ``np.trapz``, ``numpy.trapz``,
    ``from numpy import trapz`` (also parenthesised over several lines)."""
    if module not in source:
        return False
    alias, from_import, leaf = _patterns(module, tuple(names))
    prefixes = {re.escape(module)} | {re.escape(a) for a in alias.findall(source)}
    attr = re.compile(r"\b(?:" + "|".join(sorted(prefixes)) + r")\s*\.\s*" + leaf.pattern)
    if attr.search(source):
        return True
    return any(leaf.search(group) for group in from_import.findall(source))
