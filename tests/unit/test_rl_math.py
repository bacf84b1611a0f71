"""The numpy RL example trains for real, and its two configurations tell different stories."""

from __future__ import annotations

import dataclasses
import math
from functools import cache

import numpy as np
import numpy.typing as npt
import pytest

from stepscope.demo.rl_math import CONFIGS, RLConfig, train

ACC = "eval/math-eval/accuracy/mean"
ENT = "actor/entropy_loss"
KL = "actor/kl_loss"
SCORE = "critic/score/mean"
KEYS = {
    ACC,
    ENT,
    KL,
    "actor/pg_loss",
    "actor/lr",
    "actor/grad_norm",
    SCORE,
    "critic/advantages/max",
}

Curves = dict[str, npt.NDArray[np.float64]]


def collect(cfg: RLConfig) -> tuple[list[int], list[dict[str, float]]]:
    steps: list[int] = []
    rows: list[dict[str, float]] = []

    def log(metrics: dict[str, float], step: int) -> None:
        steps.append(step)
        rows.append(dict(metrics))

    train(cfg, log)
    return steps, rows


@cache
def curves(name: str) -> Curves:
    _, rows = collect(CONFIGS[name])
    return {key: np.array([row[key] for row in rows]) for key in KEYS}


def tail(values: npt.NDArray[np.float64], n: int = 20) -> float:
    return float(values[-n:].mean())


def test_configs_are_the_two_documented_ones() -> None:
    assert set(CONFIGS) == {"steady", "aggressive"}
    steady, aggressive = CONFIGS["steady"], CONFIGS["aggressive"]
    assert aggressive.lr > steady.lr
    assert aggressive.kl_coef < steady.kl_coef / 100


def test_log_is_called_once_per_step_with_plain_floats() -> None:
    steps, rows = collect(dataclasses.replace(CONFIGS["steady"], steps=7))
    assert steps == list(range(7))
    for row in rows:
        assert set(row) == KEYS
        for value in row.values():
            assert type(value) is float
            assert math.isfinite(value)


def test_same_config_gives_identical_curves_and_seed_changes_them() -> None:
    short = dataclasses.replace(CONFIGS["aggressive"], steps=30)
    assert collect(short) == collect(short)
    assert collect(short) != collect(dataclasses.replace(short, seed=1))


def test_learning_rate_warms_up_then_decays() -> None:
    cfg = CONFIGS["steady"]
    lr = curves("steady")["actor/lr"]
    assert lr[0] < lr[cfg.warmup_steps - 1] == pytest.approx(cfg.lr)
    assert np.all(np.diff(lr[cfg.warmup_steps :]) <= 0)
    assert lr[-1] == pytest.approx(0.1 * cfg.lr, rel=0.05)


def test_both_start_from_a_weak_prior() -> None:
    for name in CONFIGS:
        c = curves(name)
        assert 0.2 <= c[ACC][0] <= 0.3
        assert c[KL][0] == pytest.approx(0.0, abs=1e-12)  # the policy *is* the reference


@pytest.mark.parametrize("name", ["steady", "aggressive"])
def test_accuracy_rises_from_the_start(name: str) -> None:
    acc = curves(name)[ACC]
    assert tail(acc) > acc[0] + 0.3


@pytest.mark.parametrize("name", ["steady", "aggressive"])
def test_entropy_falls(name: str) -> None:
    ent = curves(name)[ENT]
    assert tail(ent) < 0.85 * ent[0]


def test_steady_kl_rises_into_a_bounded_band() -> None:
    kl = curves("steady")[KL]
    assert kl[:5].max() < 0.2
    assert 0.35 <= float(kl[50:].mean()) <= 0.6
    assert kl.max() < 0.8


def test_aggressive_kl_far_exceeds_steady() -> None:
    steady, aggressive = curves("steady")[KL], curves("aggressive")[KL]
    assert aggressive.max() > 1.5 * steady.max()
    assert aggressive[50:].mean() > 3.0 * steady[50:].mean()


def test_aggressive_entropy_collapses_below_steady() -> None:
    assert tail(curves("aggressive")[ENT]) < 0.25 * tail(curves("steady")[ENT])


def test_aggressive_peaks_then_slips_and_ends_below_steady() -> None:
    acc = curves("aggressive")[ACC]
    peak_step = int(np.argmax(acc))
    assert peak_step < 0.75 * acc.size
    assert acc.max() - tail(acc) >= 0.02
    assert tail(curves("steady")[ACC]) > tail(acc) + 0.05


def test_aggressive_memorizes_training_problems() -> None:
    c = curves("aggressive")
    # Training reward saturates while held-out accuracy lags far behind it.
    assert tail(c[SCORE]) > 0.9
    assert tail(c[SCORE]) > tail(c[ACC]) + 0.15
