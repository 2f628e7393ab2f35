"""A checker's type text read as a kind: qualified names must name pandas to count as pandas."""

from __future__ import annotations

import pytest

from finfix.sdk.evidence.kinds import Kind, kind_of_type_text


@pytest.mark.parametrize(("text", "kind"), [
    ("pandas.core.frame.DataFrame", Kind.FRAME),
    ("pandas.core.series.Series[float]", Kind.SERIES),
    ("DataFrame", Kind.FRAME),  # checkers that print bare names
    ("quantlab.lookalikes.DataFrame", None),  # a project's own class of that name
    ("stockstats.StockDataFrame", None),
    ("polars.dataframe.frame.DataFrame", Kind.OTHER),
    ("builtins.list[int]", Kind.NOT),
    ("collections.OrderedDict[str, int]", Kind.NOT),
    ("pandas.core.frame.DataFrame | None", None),
    ("Unknown", None),
])
def test_kind_of_type_text(text, kind):
    assert kind_of_type_text(text) == kind
