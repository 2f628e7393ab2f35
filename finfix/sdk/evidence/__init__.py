"""The evidence service: what is this expression, how sure is finfix, and why.

Rules ask :class:`finfix.sdk.pandas_types.PandasTypes` (through :class:`PandasRule`); the answer is a
:class:`Typed` with a :class:`Kind`, a :class:`Level` and one plain line of why. Project-wide facts arrive
as :class:`ProjectFacts` (plain data gathered once per run by ``finfix.project``).
"""

from finfix.sdk.evidence.kinds import DATA_KINDS, UNKNOWN, Kind, Level, Typed
from finfix.sdk.evidence.project import Fact, ProjectFacts, facts_of

__all__ = ["DATA_KINDS", "UNKNOWN", "Kind", "Level", "Typed", "Fact", "ProjectFacts", "facts_of"]
