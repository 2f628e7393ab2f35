"""Parameter types a function's docstring states (numpydoc, Sphinx and Google styles).

Quant libraries document their public functions' parameters (``returns : pd.Series``,
``:type prices: pd.DataFrame``, ``prices (pd.DataFrame): ...``) and call few of them inside the project, so
call sites alone leave most parameters unknown. A documented type is the author's claim, not a proof: the
project pass uses it as *inferred* evidence (an unsafe fix naming the docstring), only when every type the
docstring lists is pandas' DataFrame or Series (``pd.Series or np.ndarray`` says nothing), and never against
a call site that passes something else.
"""

from __future__ import annotations

import ast
import re

_PANDAS_NAMES = {
    "pd.series": "Series", "pandas.series": "Series", "series": "Series", "pd.core.series.series": "Series",
    "pd.dataframe": "DataFrame", "pandas.dataframe": "DataFrame", "dataframe": "DataFrame",
    "pd.core.frame.dataframe": "DataFrame",
}
_NUMPYDOC = re.compile(r"^\s*\*{0,2}(\w+)\s*:\s*(\S.*?)\s*$")
_SPHINX_TYPE = re.compile(r"^\s*:type\s+(\w+)\s*:\s*(\S.*?)\s*$")
_SPHINX_PARAM = re.compile(r"^\s*:param\s+([\w.\[\], |]+?)\s+(\w+)\s*:")
_GOOGLE = re.compile(r"^\s*(\w+)\s*\(([^)]+)\)\s*:")
_SECTION = re.compile(r"^\s*(Parameters|Params|Arguments|Args|Other Parameters)\s*:?\s*$", re.IGNORECASE)
_OTHER_SECTION = re.compile(r"^\s*(Returns?|Yields?|Raises|Examples?|Notes?|See Also|References|Attributes)\s*:?\s*$",
                            re.IGNORECASE)


def documented_types(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, tuple[str, str]]:
    """``{parameter: (kind, the documented text)}`` for the parameters documented as pandas objects only."""
    return parameter_types(ast.get_docstring(func, clean=True), func.args)


def parameter_types(doc: str | None, args: ast.arguments) -> dict[str, tuple[str, str]]:
    """:func:`documented_types` of a function with docstring ``doc`` (cleaned) and parameters ``args``."""
    if not doc:
        return {}
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    found: dict[str, str] = {}
    in_params = False
    for line in doc.splitlines():
        if _SECTION.match(line):
            in_params = True
            continue
        if _OTHER_SECTION.match(line):
            in_params = False
            continue
        m = _SPHINX_TYPE.match(line)
        if m:
            found.setdefault(m.group(1), m.group(2))
            continue
        m = _SPHINX_PARAM.match(line)
        if m:
            found.setdefault(m.group(2), m.group(1))
            continue
        if not in_params:
            continue
        m = _GOOGLE.match(line) or _NUMPYDOC.match(line)
        if m and m.group(1) in params:
            found.setdefault(m.group(1), m.group(2))
    out = {}
    for name, text in found.items():
        kind = pandas_kind(text)
        if name in params and kind is not None:
            out[name] = (kind, text.strip())
    return out


def pandas_kind(text: str) -> str | None:
    """``"pd.Series or pd.DataFrame, optional"`` → ``"pandas"``; None when any listed type is not pandas'."""
    text = re.split(r"\s+-\s+", text.strip(), maxsplit=1)[0]  # alphalens: `pd.DataFrame - MultiIndex`
    text = re.split(r"\s+of\s+shape\b", text, maxsplit=1, flags=re.I)[0]  # riskfolio: `DataFrame of shape (n, m)`
    text = re.sub(r",?\s*(optional|default.*|keyword-only)$", "", text.strip().strip("`").strip(), flags=re.I)
    text = re.sub(r"^([\w.]+)\s*(\([^()]*\)|\[[^\[\]]*\])$", r"\1", text)  # zipline: `pd.Series(pd.Timestamp -> float)`
    parts = [p.strip().strip("`~").strip() for p in re.split(r"\bor\b|\||,", text)]
    kinds = set()
    for part in parts:
        kind = _PANDAS_NAMES.get(part.lower())
        if kind is None:
            return None
        kinds.add(kind)
    if not kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else "pandas"
