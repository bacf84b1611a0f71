"""Insights: turn metric series into findings (trends, peaks, spikes, crossovers, ...)
and render them as text, markdown or JSON. Pure functions over numpy arrays."""

from stepscope.insights.model import Finding, MetricSeries
from stepscope.insights.report import Report, analyze

__all__ = ["Finding", "MetricSeries", "Report", "analyze"]
