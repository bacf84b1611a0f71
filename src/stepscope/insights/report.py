"""``analyze``: every finding for a set of series, plus what the renderers need.

The pipeline is three passes over prepared (bucketed, smoothed) series:

1. per chart (one metric, all its runs) — ``off_scale``;
2. per series — ``trend``, ``peak`` / ``trough``, ``spike``, on the part of the series
   that is on scale (the trend's start/end/min/max still describe the whole series);
3. per chart — ``crossover`` (on scale) and ``final_comparison`` (whole series);
4. per run (all its metrics, on scale) — ``co_occurrence``.

Findings come out grouped by chart in first-seen metric order (runs in first-seen run
order inside each), followed by the co-occurrences. The analysis is deterministic:
the same input gives the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stepscope.insights.cooccur import co_occurrence_findings
from stepscope.insights.crossover import crossover_findings
from stepscope.insights.extrema import extremum_findings
from stepscope.insights.final import final_comparison
from stepscope.insights.goals import GoalSource, resolve_goal
from stepscope.insights.keypoints import KeyPoints, key_points
from stepscope.insights.model import Finding, FindingType, Goal, MetricSeries, Shape
from stepscope.insights.offscale import off_scale_findings, on_scale_part
from stepscope.insights.prepare import Prepared, prepare
from stepscope.insights.shape import classify_on_scale, trend_finding
from stepscope.insights.spikes import spike_findings


@dataclass(frozen=True)
class Chart:
    """One metric's panel: its runs (in input order), goal and key data points."""

    metric: str
    runs: tuple[str, ...]
    goal: Goal | None
    goal_source: GoalSource
    key_points: KeyPoints
    empty_runs: tuple[str, ...]
    """Runs whose series on this metric has no finite value."""


@dataclass(frozen=True)
class Report:
    """The result of :func:`analyze`: findings plus per-chart context for renderers."""

    findings: tuple[Finding, ...]
    charts: tuple[Chart, ...]
    runs: tuple[str, ...]

    def of_type(self, kind: FindingType) -> list[Finding]:
        """The findings of one type, in report order."""
        return [f for f in self.findings if f.type == kind]

    def for_metric(self, metric: str) -> list[Finding]:
        """The findings about one metric (co-occurrences count for every metric they name)."""
        return [f for f in self.findings if metric == f.metric or metric in (f.metrics or ())]


def _chart_goal(metric: str, group: Sequence[MetricSeries]) -> tuple[Goal | None, GoalSource]:
    given = {s.goal for s in group if s.goal is not None}
    if len(given) > 1:
        raise ValueError(f"{metric}: runs give conflicting goals {sorted(given)}")
    return resolve_goal(metric, given.pop() if given else None)


def _group(series: Sequence[MetricSeries]) -> dict[str, list[MetricSeries]]:
    charts: dict[str, list[MetricSeries]] = {}
    seen: set[tuple[str, str]] = set()
    for s in series:
        if not isinstance(s, MetricSeries):
            raise ValueError(f"analyze() takes MetricSeries, got {type(s).__name__}")
        if (s.run, s.metric) in seen:
            raise ValueError(f"{s.run}/{s.metric}: the same run and metric appear twice")
        seen.add((s.run, s.metric))
        charts.setdefault(s.metric, []).append(s)
    return charts


def analyze(series: Sequence[MetricSeries]) -> Report:
    """Analyse any number of runs and metrics; see the module docstring for the passes.

    Raises ``ValueError`` when a (run, metric) pair appears twice, an item is not a
    :class:`MetricSeries`, or the runs of one metric give different goals.
    """
    grouped = _group(series)
    findings: list[Finding] = []
    charts: list[Chart] = []
    by_run: dict[str, list[Prepared]] = {}
    anomalies: dict[str, dict[str, list[Finding]]] = {}
    shapes: dict[str, dict[str, Shape]] = {}
    for metric, group in grouped.items():
        goal, source = _chart_goal(metric, group)
        given = goal if source == "given" else None
        prepared = [prepare(MetricSeries(s.run, s.metric, s.steps, s.values, given)) for s in group]
        present = [p for p in prepared if p.m]
        off_scale = off_scale_findings(present)
        on_scale = [on_scale_part(p, off_scale) for p in present]
        for p, q in zip(present, on_scale, strict=True):
            shape = classify_on_scale(p, q)
            trend = trend_finding(p, shape)
            extra = extremum_findings(q, shape) + spike_findings(q)
            findings.append(trend)
            findings.extend(extra)
            by_run.setdefault(p.run, []).append(q)
            anomalies.setdefault(p.run, {})[metric] = extra
            shapes.setdefault(p.run, {})[metric] = shape
        findings.extend(off_scale)
        findings.extend(crossover_findings(on_scale, goal))
        final = final_comparison(present, goal, source)
        if final is not None:
            findings.append(final)
        charts.append(
            Chart(
                metric=metric,
                runs=tuple(p.run for p in prepared),
                goal=goal,
                goal_source=source,
                key_points=key_points(prepared),
                empty_runs=tuple(p.run for p in prepared if not p.m),
            )
        )
    for run, run_series in by_run.items():
        findings.extend(co_occurrence_findings(run_series, anomalies[run], shapes[run]))
    runs: list[str] = []
    for s in series:
        if s.run not in runs:
            runs.append(s.run)
    return Report(findings=tuple(findings), charts=tuple(charts), runs=tuple(runs))
