"""The findings on the example RL runs (stepscope.demo.rl_math, steady vs aggressive)
against expectations labelled by hand from their plotted curves (200 steps, seed 0):

- accuracy: both rise from 0.26 and level off; steady ends higher (~0.82 vs ~0.69) and
  leads throughout, so no lead change in aggressive's favour;
- entropy: both fall; aggressive collapses to ~0.05 and ends far lower than steady (~1.7);
- KL: steady climbs to a peak of ~0.6 near step 38 and eases to ~0.45; aggressive climbs
  to ~2.2 and stays there (max ~2.6); steady ends lower;
- training score: aggressive ends far higher (~0.97 vs ~0.44);
- learning rate: warm-up then decay (a hump) in both; no goal, so no run is "better".
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from stepscope.demo import rl_math
from stepscope.insights import Finding, MetricSeries, Report, analyze

ACC, ENT, KL = "eval/math-eval/accuracy/mean", "actor/entropy_loss", "actor/kl_loss"


def _train(name: str) -> list[tuple[int, dict[str, float]]]:
    rows: list[tuple[int, dict[str, float]]] = []
    rl_math.train(rl_math.CONFIGS[name], lambda m, s: rows.append((s, m)))
    return rows


@cache
def report() -> Report:
    series = []
    for name in ("steady", "aggressive"):
        rows = _train(name)
        steps = np.array([s for s, _ in rows])
        for key in rows[0][1]:
            series.append(MetricSeries(name, key, steps, np.array([m[key] for _, m in rows])))
    return analyze(series)


def _one(kind: str, metric: str, run: str | None = None) -> Finding:
    found = [f for f in report().findings if f.type == kind and f.metric == metric
             and (run is None or run in f.runs)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("metric", "winner", "loser_value", "winner_value"), [
    (ACC, "steady", 0.69, 0.82), (ENT, "aggressive", 1.7, 0.06), (KL, "steady", 2.13, 0.45),
    ("critic/score/mean", "aggressive", 0.44, 0.97)])
def test_which_run_ends_better(metric: str, winner: str, loser_value: float,
                               winner_value: float) -> None:
    final = _one("final_comparison", metric)
    assert final.leader == winner
    assert final.text.startswith(f"{winner} ends with the")
    assert final.value == pytest.approx(winner_value, abs=0.05)
    assert final.margin is not None
    assert abs(final.margin) == pytest.approx(abs(winner_value - loser_value), abs=0.08)


def test_learning_rate_has_no_winner_and_is_a_hump() -> None:
    final = _one("final_comparison", "actor/lr")
    assert final.leader is None and "no known goal" in final.text
    for run in ("steady", "aggressive"):
        assert _one("trend", "actor/lr", run).shape == "hump"


@pytest.mark.parametrize(("metric", "run", "shapes"), [
    (ACC, "steady", {"rise-then-plateau", "rising"}),
    (ACC, "aggressive", {"rise-then-plateau", "rising"}),
    (ENT, "steady", {"falling"}), (ENT, "aggressive", {"falling"}),
    (KL, "steady", {"rise-then-plateau", "hump"}),
    (KL, "aggressive", {"rise-then-plateau", "rising"})])
def test_trend_shapes(metric: str, run: str, shapes: set[str]) -> None:
    assert _one("trend", metric, run).shape in shapes


def test_steady_kl_peak_and_no_accuracy_lead_for_aggressive() -> None:
    peak = _one("peak", KL, "steady")
    assert peak.step is not None and 25 <= peak.step <= 50
    assert peak.value == pytest.approx(0.6, abs=0.05)
    assert not [f for f in report().findings if f.type == "crossover" and f.metric == ACC
                and f.leader == "aggressive"]
