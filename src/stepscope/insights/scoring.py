"""Match the engine's findings to a case's labels and count precision and recall.

What counts as a match (per finding type; a case only scores the types it lists):

* ``trend`` — same run and metric, same ``shape``.
* ``peak`` / ``trough`` — same run and metric, step within the label's tolerance
  (10% of the step span).
* ``spike`` — same run, metric and direction, step within max(2 strides, 1% of span).
* ``off_scale`` — same run, metric, position (start/end) and direction.
* ``crossover`` — same ordered runs (the one moving ahead first), step within 10% of
  the common span.
* ``final_comparison`` — a finding *with a leader* is a prediction; it matches a label
  naming the same leader. A finding without a leader (unknown goal, or within noise)
  predicts nothing, so it is correct exactly when no leader is labelled.
* ``co_occurrence`` — every (anomaly metric, related metric) pair of a finding is one
  prediction; it matches a label with the same unordered pair and run whose step is
  within tolerance of the finding's step.

Each label matches at most one prediction (greedy, in report order). Unmatched
predictions are false positives, unmatched labels false negatives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from stepscope.insights.model import FINDING_TYPES, Finding, MetricSeries
from stepscope.insights.report import Report
from stepscope.insights.synthetic import Case, Label


@dataclass
class Tally:
    """True positives, false positives and false negatives of one finding type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True)
class Prediction:
    type: str
    metric: str
    runs: tuple[str, ...]
    step: float | None
    shape: str | None
    direction: str | None
    position: str | None
    related: str | None


def predictions(findings: Iterable[Finding]) -> list[Prediction]:
    """The scoreable claims in findings (one per co-occurrence pair; none for a final
    comparison without a leader)."""
    out: list[Prediction] = []
    for f in findings:
        step = float(f.step) if f.step is not None else None
        position = f.detail.get("position")
        pos = position if isinstance(position, str) else None
        if f.type == "final_comparison":
            if f.leader is not None:
                out.append(Prediction(f.type, f.metric, (f.leader,), step, None, None, None, None))
        elif f.type == "co_occurrence":
            for other in (f.metrics or ())[1:]:
                out.append(Prediction(f.type, f.metric, f.runs, step, None, None, None, other))
        else:
            out.append(Prediction(f.type, f.metric, f.runs, step, f.shape, f.direction, pos, None))
    return out


def matches(p: Prediction, label: Label) -> bool:
    """Whether a prediction satisfies a label (see the module docstring)."""
    if p.type != label.type:
        return False
    if p.type == "co_occurrence":
        same_pair = {p.metric, p.related} == {label.metric, label.related}
        return same_pair and p.runs == label.runs and _near(p.step, label)
    if p.metric != label.metric or p.runs != label.runs:
        return False
    if p.type == "trend":
        return p.shape == label.shape
    if p.type == "off_scale":
        return p.position == label.position and p.direction == label.direction
    if p.type == "spike" and p.direction != label.direction:
        return False
    if p.type in ("peak", "trough", "spike", "crossover"):
        return _near(p.step, label)
    return True


def _near(step: float | None, label: Label) -> bool:
    return (
        step is not None and label.step is not None and abs(step - label.step) <= (label.tolerance)
    )


def score_case(case: Case, findings: Sequence[Finding], tallies: dict[str, Tally]) -> None:
    """Add one case's matches to ``tallies`` (keyed by finding type)."""
    preds = [p for p in predictions(findings) if p.type in case.scored]
    open_labels = [label for label in case.labels if label.type in case.scored]
    for p in preds:
        hit = next((label for label in open_labels if matches(p, label)), None)
        tally = tallies[p.type]
        if hit is None:
            tally.fp += 1
            tally.misses.append(f"{case.name}: unexpected {p}")
        else:
            tally.tp += 1
            open_labels.remove(hit)
    for label in open_labels:
        tallies[label.type].fn += 1
        tallies[label.type].misses.append(f"{case.name}: missed {label}")


def score(
    cases: Sequence[Case], engine: Callable[[Sequence[MetricSeries]], Report]
) -> dict[str, Tally]:
    """Run ``engine`` on every case and tally matches per finding type."""
    tallies = {kind: Tally() for kind in FINDING_TYPES}
    for case in cases:
        score_case(case, engine(case.series).findings, tallies)
    return tallies
