"""Crossovers between runs on one metric."""

from __future__ import annotations

import numpy as np
import pytest

from stepscope.insights.crossover import crossover_findings, established_leads
from stepscope.insights.model import Goal

from .helpers import noisy, prepared

T = np.linspace(0.0, 1.0, 501)
FAST = 1.0 - np.exp(-T / 0.05)  # gets to 1 early
SLOW = 1.5 * (1.0 - np.exp(-T / 0.5))  # passes 1 at t ~ 0.55 and keeps climbing


def _cross(a: np.ndarray, b: np.ndarray, goal: Goal | None, **kw: object) -> list:  # type: ignore[type-arg]
    pa = prepared(a, run="a", metric="m", **kw)  # type: ignore[arg-type]
    pb = prepared(b, run="b", metric="m", **kw)  # type: ignore[arg-type]
    return crossover_findings([pa, pb], goal)


def test_slow_run_overtakes_fast_run_once_near_the_true_crossing() -> None:
    truth = float(T[np.argmax(SLOW > FAST)]) * 500
    (f,) = _cross(noisy(FAST, 0.02, 1), noisy(SLOW, 0.02, 2), "maximize")
    assert f.runs == ("b", "a") and f.leader == "b" and f.direction == "up"
    assert abs(f.step - truth) <= 25
    assert "b overtakes a" in f.text and "now higher" in f.text


def test_for_a_loss_the_run_going_lower_overtakes() -> None:
    (f,) = _cross(noisy(-FAST, 0.02, 1), noisy(-SLOW, 0.02, 2), "minimize")
    assert f.runs == ("b", "a") and f.leader == "b" and f.direction == "down"
    assert "now lower" in f.text


def test_unknown_goal_only_says_who_moved_above() -> None:
    (f,) = _cross(noisy(FAST, 0.02, 1), noisy(SLOW, 0.02, 2), None)
    assert f.leader is None and f.goal is None
    assert f.text.startswith("b moves above a")


@pytest.mark.parametrize("seed", range(6))
def test_identical_curves_with_noise_never_cross(seed: int) -> None:
    assert _cross(noisy(FAST, 0.05, seed), noisy(FAST, 0.05, seed + 100), "maximize") == []


def test_parallel_curves_never_cross() -> None:
    assert _cross(noisy(FAST, 0.02, 1), noisy(FAST + 0.2, 0.02, 2), "maximize") == []


def test_unequal_step_grids_are_aligned() -> None:
    steps_a = np.arange(501) * 2  # 0..1000 every 2
    pa = prepared(noisy(FAST, 0.02, 1), run="a", metric="m", steps=steps_a)
    coarse = np.arange(0, 1001, 10)  # every 10
    pb = prepared(
        noisy(np.interp(coarse / 1000, T, SLOW), 0.02, 2), run="b", metric="m", steps=coarse
    )
    (f,) = crossover_findings([pa, pb], "maximize")
    truth = float(T[np.argmax(SLOW > FAST)]) * 1000
    assert f.runs == ("b", "a") and abs(f.step - truth) <= 50


def test_a_single_run_has_no_crossovers() -> None:
    assert crossover_findings([prepared(FAST)], "maximize") == []


def test_two_crossings_are_both_found_in_order() -> None:
    gap = 0.3 * np.clip((T - 0.3) * (T - 0.7) / 0.04, -1.0, 1.0)
    found = _cross(noisy(FAST, 0.01, 1), noisy(FAST + gap, 0.01, 2), "maximize")
    assert [(f.runs[0], round(f.step / 50)) for f in found] == [("a", 3), ("b", 7)]


def test_established_leads_hold_through_the_dead_band_and_drop_flickers() -> None:
    d = np.array([1.0, 0.5, 0.1, -0.1, 0.2, -2.0, -2.0, -2.0, 2.0, -2.0, -2.0])
    assert established_leads(d, 0.8, 2) == [(0, 4, 1), (5, 10, -1)]
