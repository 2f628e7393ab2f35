"""What the evidence service answers: a kind, a level and one plain line of why.

The kinds are the pandas ones the rules care about, plus the answers that keep a rule away from an
object: ``Kind.NOT`` (a list, dict, set, ndarray, a user class, a literal) and ``Kind.OTHER`` (another
library's object: polars, xarray, dask, modin, pyspark.pandas ...). The level says how the kind was
known: *proven* (the file, a project fact that cannot be otherwise, or runtime observation), *inferred*
(call sites, attributes assigned in the class, duck typing, a type checker's guess, API shape), or
unknown (``kind is None``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    FRAME = "DataFrame"
    SERIES = "Series"
    INDEX = "Index"
    PANDAS = "pandas object"  # a DataFrame or a Series, which one is not known
    GROUPBY = "GroupBy/Resampler/Window"
    INDEXER = "indexer"  # `.loc` / `.iloc` / `.at` / `.iat`
    ACCESSOR = "accessor"  # `.dt` / `.str` / `.cat`
    MODULE = "module"  # a module object (`seaborn`, through a project re-export)
    OTHER = "another library's object"  # polars, xarray, dask ...: never rewritten as pandas
    NOT = "not pandas"  # list/dict/set/tuple/ndarray/literal/user class


class Level(enum.Enum):
    PROVEN = "proven"
    INFERRED = "inferred"
    UNKNOWN = "unknown"


#: Kinds whose `.values`, `.append`, ... are the pandas methods.
DATA_KINDS = frozenset({Kind.FRAME, Kind.SERIES, Kind.INDEX, Kind.PANDAS})
#: Kinds a pandas rule must leave alone.
FOREIGN_KINDS = frozenset({Kind.NOT, Kind.OTHER, Kind.MODULE})


@dataclass(frozen=True)
class Typed:
    kind: Kind | None  # None: unknown
    why: str = ""  # one plain line: "bound from `pd.read_csv(...)`"
    numeric: bool = False  # a Series whose dtype is provably numpy-native (`.astype(float)`)
    fresh: bool = False  # a new object nobody else refers to (constructor, reader, copy, method result)
    view: bool = False  # a column / `.loc` selection of another frame (a view on pandas < 3)
    level: Level = Level.PROVEN  # meaningful when kind is not None
    settle: str = ""  # for an unknown: what would settle it ("annotate it or run `finfix record`")
    maybe_pandas: bool = False  # an unknown some evidence points at pandas (`DataFrame | Unknown`): report it
    #: an unknown the type checker says is pandas or a plain ndarray (`Series | ndarray`): this kind for a
    #: rule whose attribute an ndarray lacks (`.values`: on the ndarray path the line raised already)
    unless_ndarray: "Kind | None" = None

    @property
    def is_pandas(self) -> bool:
        return self.kind in DATA_KINDS

    @property
    def proven(self) -> bool:
        return self.kind is not None and self.level is Level.PROVEN

    @property
    def inferred(self) -> bool:
        return self.kind is not None and self.level is Level.INFERRED

    @property
    def foreign(self) -> bool:
        return self.kind in FOREIGN_KINDS


UNKNOWN = Typed(None, level=Level.UNKNOWN)

#: Fact kinds (plain strings, as the project pass writes them) -> evidence kinds.
FACT_KINDS = {
    "DataFrame": Kind.FRAME,
    "Series": Kind.SERIES,
    "Index": Kind.INDEX,
    "pandas": Kind.PANDAS,
    "GroupBy": Kind.GROUPBY,
    "ndarray": Kind.NOT,
    "list": Kind.NOT,
    "dict": Kind.NOT,
    "set": Kind.NOT,
    "tuple": Kind.NOT,
    "str": Kind.NOT,
    "bool": Kind.NOT,
    "number": Kind.NOT,
    "class": Kind.NOT,
    "other": Kind.OTHER,
}


def union_members(text: str) -> list[str]:
    """The members of a checker's union text, split at top-level ``|`` only (``Series[int | str] | None``)."""
    members, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "|" and depth == 0:
            members.append(text[start:i].strip())
            start = i + 1
    members.append(text[start:].strip())
    return [m for m in members if m]


def kind_of_type_text(text: str) -> Kind | None:
    """A type checker's answer (``"DataFrame"``, ``"Series[float]"``, ``"list[int]"``, ``"Unknown"``) as a kind.

    Only unambiguous answers count: ``Any``/``Unknown`` and anything unrecognised are unknown. A union
    counts only when every member is pandas' DataFrame or Series (pyrefly answers
    ``DataFrame | Series`` for a value bound on two branches): the pandas API both share applies;
    a union with ``None``, ``Unknown``, an ndarray or anything else is unknown.
    """
    members = union_members(text.strip())
    if len(members) > 1:
        kinds = {kind_of_type_text(m) for m in members}
        if len(kinds) == 1 and kinds <= {Kind.FRAME, Kind.SERIES, Kind.INDEX}:
            return kinds.pop()
        return Kind.PANDAS if kinds <= {Kind.FRAME, Kind.SERIES} else None
    t = members[0] if members else ""
    if not t or t.startswith(("Unknown", "Any", "Never", "NoReturn", "object")):
        return None
    head = t.split("[", 1)[0].strip()
    leaf = head.rsplit(".", 1)[-1]
    full = head
    if full.startswith(("polars.", "xarray.", "dask.", "modin.", "pyspark.", "cudf.")):
        return Kind.OTHER
    pandas_like = leaf in ("DataFrame", "Series") or (leaf.endswith("Index") and leaf[:1].isupper()) or leaf in (
        "DataFrameGroupBy", "SeriesGroupBy", "Resampler", "Rolling", "Expanding", "ExponentialMovingWindow",
        "DatetimeIndexResampler")
    if pandas_like and "." in full and not full.startswith("pandas."):
        # A qualified answer (pyrefly: `quantlab.lookalikes.DataFrame`) names its module: a project's own
        # class called DataFrame is not pandas' (and a subclass of it is for the project's facts to say).
        return None
    if leaf == "DataFrame" and not full.startswith(("polars", "pl.")):
        return Kind.FRAME
    if leaf == "Series":
        return Kind.SERIES
    if leaf.endswith("Index") and leaf[:1].isupper():
        return Kind.INDEX
    if leaf in ("DataFrameGroupBy", "SeriesGroupBy", "Resampler", "Rolling", "Expanding", "ExponentialMovingWindow",
                "DatetimeIndexResampler"):
        return Kind.GROUPBY
    if leaf in ("list", "dict", "set", "tuple", "frozenset", "str", "int", "float", "bool", "bytes", "ndarray",
                "List", "Dict", "Set", "Tuple", "defaultdict", "OrderedDict", "Counter", "deque"):
        return Kind.NOT
    return None


def mentions_pandas(text: str) -> bool:
    """Some member of the checker's answer is pandas' DataFrame/Series/Index (``DataFrame | Unknown``): not
    evidence enough to rewrite, but enough to report the site, quoting the answer."""
    return any(kind_of_type_text(m) in (Kind.FRAME, Kind.SERIES, Kind.INDEX) for m in union_members(text))


def pandas_or_ndarray(text: str) -> Kind | None:
    """``Series | ndarray[...]`` (arch's `resid`, vectorbt's reshape helpers): the pandas members' kind when
    every other member is a plain ``numpy.ndarray``; None otherwise."""
    members = union_members(text)
    arrays = [m for m in members if m.split("[", 1)[0].strip() in ("numpy.ndarray", "ndarray")]
    rest = [m for m in members if m not in arrays]
    if not arrays or not rest:
        return None
    kind = kind_of_type_text(" | ".join(rest))
    return kind if kind in (Kind.FRAME, Kind.SERIES, Kind.INDEX, Kind.PANDAS) else None
