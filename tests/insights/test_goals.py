"""Goal inference from metric names."""

from __future__ import annotations

import pytest

from stepscope.insights import infer_goal
from stepscope.insights.goals import name_words, resolve_goal


@pytest.mark.parametrize(
    ("metric", "goal"),
    [
        ("eval/math-eval/accuracy/mean", "maximize"),
        ("actor/entropy_loss", "minimize"),
        ("actor/kl_loss", "minimize"),
        ("train/episode_return", "maximize"),
        ("critic/score", "maximize"),
        ("pass@1", "maximize"),
        ("val/topAcc", "maximize"),
        ("success_rate", "maximize"),
        ("eval/perplexity", "minimize"),
        ("bandit/regret", "minimize"),
        ("val_error", "minimize"),
        ("reward_model/loss", "minimize"),
        ("loss/reward", "maximize"),
        ("returns", "maximize"),
    ],
)
def test_known_words_decide_and_the_last_one_wins(metric: str, goal: str) -> None:
    assert infer_goal(metric) == goal


@pytest.mark.parametrize("metric", ["actor/grad_norm", "actor/entropy", "lr", "accurate_ish"])
def test_names_without_a_goal_word_are_unknown(metric: str) -> None:
    assert infer_goal(metric) is None


def test_words_split_on_separators_and_camel_case() -> None:
    assert name_words("eval/mathEval-acc_v2") == ["eval", "math", "eval", "acc", "v2"]


def test_resolve_goal_reports_its_source() -> None:
    assert resolve_goal("loss", None) == ("minimize", "inferred")
    assert resolve_goal("loss", "maximize") == ("maximize", "given")
    assert resolve_goal("grad_norm", None) == (None, "unknown")
