"""FX301 seaborn-distplot, split by the parts distplot drew (histogram, KDE, rug)."""

from finfix.codemods.plotting.distplot.rule import SeabornDistplot

__all__ = ["SeabornDistplot"]
