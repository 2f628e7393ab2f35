"""A checker's type text read as a kind: qualified names must name pandas to count as pandas."""

from __future__ import annotations

import pytest

from finfix.sdk.evidence.kinds import Kind, kind_of_type_text, mentions_pandas


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
    # A union counts only when every member is a DataFrame or a Series (both branches bind pandas).
    ("pandas.core.frame.DataFrame | pandas.core.series.Series", Kind.PANDAS),
    ("pandas.core.series.Series[float] | pandas.core.series.Series[int | str]", Kind.SERIES),
    ("pandas.core.frame.DataFrame | pandas.core.series.Series | Unknown", None),
    ("pandas.core.series.Series | numpy.ndarray", None),
    ("pandas.core.frame.DataFrame | quantlab.lookalikes.DataFrame", None),
    ("pandas.core.frame.DataFrame | polars.dataframe.frame.DataFrame", None),
])
def test_kind_of_type_text(text, kind):
    assert kind_of_type_text(text) == kind


@pytest.mark.parametrize(("text", "mentions"), [
    ("pandas.core.frame.DataFrame | Unknown", True),
    ("pandas.core.series.Series[Unknown] | numpy.ndarray", True),
    ("list[int] | Unknown", False),
    ("quantlab.lookalikes.DataFrame | Unknown", False),
    ("Unknown", False),
])
def test_mentions_pandas(text, mentions):
    """A partial answer is a reason to report the site (quoting it), never to rewrite it."""
    assert mentions_pandas(text) is mentions
