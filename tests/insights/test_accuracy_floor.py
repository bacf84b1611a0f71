"""Regression floor for the engine's accuracy on labelled synthetic cases.

A smaller, faster cut of ``bench/insights_accuracy.py``: 7x10 shape cases, 4x8 pairs of
runs and 7x6 co-occurrence cases (144 cases, series of 30 to 20,000 points), with the
same match rules (``stepscope.insights.scoring``). Every finding type must have enough
labels to mean something, and precision and recall must stay at or above ``FLOOR``.
"""

from __future__ import annotations

import pytest

from stepscope.insights import analyze
from stepscope.insights.scoring import Tally, score
from stepscope.insights.synthetic_runs import benchmark_cases

FLOOR = 0.85
MIN_LABELS = 10


@pytest.fixture(scope="module")
def tallies() -> dict[str, Tally]:
    cases = benchmark_cases(seed=7, per_kind=(10, 8, 6), max_length=20_000)
    assert len(cases) == 144
    return score(cases, analyze)


@pytest.mark.parametrize(
    "kind",
    [
        "trend",
        "peak",
        "trough",
        "spike",
        "crossover",
        "final_comparison",
        "co_occurrence",
        "off_scale",
    ],
)
def test_precision_and_recall_stay_above_the_floor(tallies: dict[str, Tally], kind: str) -> None:
    t = tallies[kind]
    assert t.tp + t.fn >= MIN_LABELS, f"too few {kind} labels to measure"
    assert t.precision >= FLOOR, f"{kind} precision {t.precision:.3f}: {t.misses[:5]}"
    assert t.recall >= FLOOR, f"{kind} recall {t.recall:.3f}: {t.misses[:5]}"


def test_scoring_catches_a_broken_engine() -> None:
    """The floor test can fail: an engine that reports nothing scores zero recall."""
    cases = benchmark_cases(seed=7, per_kind=(1, 1, 1), max_length=200)
    empty = score(cases, lambda series: analyze([]))
    assert all(t.tp == 0 for t in empty.values())
    assert empty["trend"].recall == 0.0
