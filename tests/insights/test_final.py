"""Which run ends better."""

from __future__ import annotations

import numpy as np

from stepscope.insights.final import early_leader, final_comparison, level_at
from stepscope.insights.goals import resolve_goal

from .helpers import noisy, prepared

T = np.linspace(0.0, 1.0, 301)


def _final(metric: str, a: np.ndarray, b: np.ndarray, **kw: object):  # type: ignore[no-untyped-def,type-arg]
    goal, source = resolve_goal(metric, None)
    pa = prepared(a, run="red", metric=metric, **kw)  # type: ignore[arg-type]
    pb = prepared(b, run="blue", metric=metric, **kw)  # type: ignore[arg-type]
    return final_comparison([pa, pb], goal, source)


def test_higher_accuracy_wins_with_margin_and_early_leader() -> None:
    red = 0.24 + 0.11 * T
    blue = 0.22 + 0.09 * np.sqrt(T) + 0.05 * np.exp(-0.5 * ((T - 0.3) / 0.1) ** 2)
    f = _final("eval/accuracy", noisy(red, 0.002, 1), noisy(blue, 0.002, 2))
    assert f.leader == "red" and f.runs == ("red", "blue") and f.goal == "maximize"
    assert abs(f.margin - 0.04) < 0.01 and abs(f.value - 0.35) < 0.01
    assert f.detail["early_leader"] == "blue" and f.detail["decisive"] is True
    assert "red ends with the higher eval/accuracy" in f.text
    assert "blue led early, but the lead did not last" in f.text


def test_lower_loss_wins() -> None:
    f = _final("actor/entropy_loss", noisy(0.06 + 0 * T, 0.001, 1), noisy(0.02 + 0 * T, 0.001, 2))
    assert f.leader == "blue" and f.goal == "minimize"
    assert f.text.startswith("blue ends with the lower actor/entropy_loss: 0.02")
    assert " vs 0.06" in f.text and " for red (-0.0" in f.text


def test_unknown_goal_names_no_leader_and_says_so() -> None:
    f = _final("actor/grad_norm", noisy(1 + 0 * T, 0.01, 1), noisy(2 + 0 * T, 0.01, 2))
    assert f.leader is None and f.goal is None and f.runs == ("blue", "red")
    assert "no known goal" in f.text and "no run is called better" in f.text
    assert f.detail["goal_source"] == "unknown"


def test_a_gap_within_the_noise_is_not_decisive() -> None:
    f = _final("loss", noisy(1 + 0 * T, 0.1, 1), noisy(1 + 0 * T, 0.1, 2))
    assert f.leader is None and f.detail["decisive"] is False
    assert "end level" in f.text


def test_runs_ending_at_different_steps_are_compared_where_both_reach() -> None:
    pa = prepared(1.0 - T, run="red", metric="loss", steps=np.arange(301))
    pb = prepared(0.9 - T[:201], run="blue", metric="loss", steps=np.arange(201))
    f = final_comparison([pa, pb], "minimize", "inferred")
    assert f is not None and f.detail["at_step"] == 200 and f.step == 200
    assert f.leader == "blue" and abs(f.margin - 0.1) < 1e-6


def test_one_run_gives_no_comparison() -> None:
    assert final_comparison([prepared(T, run="a")], "maximize", "inferred") is None


def test_level_at_reads_a_slope_at_the_given_step() -> None:
    p = prepared(np.arange(100.0), steps=np.arange(100) * 3)
    level, error = level_at(p, 297.0, 30.0)
    assert abs(level - 99.0) < 1e-9 and error == 0.0


def test_early_leader_by_goal() -> None:
    a, b = prepared(T, run="a"), prepared(0.2 + 0.5 * T, run="b")
    assert early_leader([a, b], "maximize") == "b"
    assert early_leader([a, b], "minimize") == "a"
