"""Whether a metric is better high or low: given by the caller, else read from its name.

The name is split into words (at ``/``, ``_``, ``-``, ``.``, ``@``, spaces and
camelCase humps). Words that say "higher is better" (accuracy, reward, score, success,
return, acc, pass, ...) or "lower is better" (loss, error, kl, perplexity, regret, ...)
decide; when both kinds occur the last one wins, because metric names put the measured
quantity last (``reward_model/loss`` is a loss). A name with neither is *unknown*: the
engine then says so instead of guessing which run did better.
"""

from __future__ import annotations

import re
from typing import Literal

from stepscope.insights.model import Goal

GoalSource = Literal["given", "inferred", "unknown"]

MAXIMIZE_WORDS: frozenset[str] = frozenset(
    {
        "acc",
        "accuracy",
        "auc",
        "bleu",
        "f1",
        "pass",
        "precision",
        "recall",
        "return",
        "reward",
        "rouge",
        "score",
        "success",
        "winrate",
    }
)
MINIMIZE_WORDS: frozenset[str] = frozenset(
    {
        "cost",
        "err",
        "error",
        "kl",
        "loss",
        "mae",
        "mse",
        "nll",
        "perplexity",
        "ppl",
        "regret",
        "rmse",
        "wer",
    }
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def name_words(metric: str) -> list[str]:
    """The lower-case words of a metric name, in order (``"val/topAcc@1"`` → val, top, acc)."""
    spaced = _CAMEL.sub(" ", metric).lower()
    return [w for w in _SPLIT.split(spaced) if w]


def _word_goal(word: str) -> Goal | None:
    for candidate in (word, word[:-1] if word.endswith("s") else word):
        if candidate in MAXIMIZE_WORDS:
            return "maximize"
        if candidate in MINIMIZE_WORDS:
            return "minimize"
    return None


def infer_goal(metric: str) -> Goal | None:
    """``"maximize"`` / ``"minimize"`` as the metric's name suggests, ``None`` if it does not.

    >>> infer_goal("eval/math-eval/accuracy/mean"), infer_goal("actor/kl_loss")
    ('maximize', 'minimize')
    >>> infer_goal("actor/grad_norm") is None
    True
    """
    found: Goal | None = None
    for word in name_words(metric):
        goal = _word_goal(word)
        if goal is not None:
            found = goal
    return found


def resolve_goal(metric: str, given: Goal | None) -> tuple[Goal | None, GoalSource]:
    """The goal to use and where it came from: the caller's, the name's, or unknown."""
    if given is not None:
        return given, "given"
    inferred = infer_goal(metric)
    return inferred, ("inferred" if inferred is not None else "unknown")
