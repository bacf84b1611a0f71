"""Series queries: the only way the dashboard and the insights read series."""

from stepscope.query.engine import SeriesQuery, query_series
from stepscope.query.envelope import Envelope

__all__ = ["Envelope", "SeriesQuery", "query_series"]
