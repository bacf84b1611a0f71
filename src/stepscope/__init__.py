"""stepscope: a local-first experiment tracker for model training.

``import stepscope as wandb`` runs typical training scripts unchanged::

    run = stepscope.init(project="rl-math", config={"lr": 1e-6})
    for step in range(1000):
        stepscope.log({"actor/kl_loss": kl, "eval/math-eval/accuracy/mean": acc})
    stepscope.finish()
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from stepscope.api import Api
from stepscope.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    StepscopeError,
    StoreUnavailable,
)
from stepscope.sdk.alerts import AlertLevel, Watch
from stepscope.sdk.config import Config, Summary
from stepscope.sdk.current import current as _current
from stepscope.sdk.disabled import DisabledRun
from stepscope.sdk.init import init
from stepscope.sdk.run import Run, StepWarning

__version__ = "0.1.0"

run: Run | DisabledRun | None = None
"""The current run (the last one ``init`` started), or None."""
config: Config | None = None
"""The current run's config."""
summary: Summary | None = None
"""The current run's explicit summary."""


def log(data: Mapping[str, Any], step: int | None = None, commit: bool | None = None) -> None:
    """``stepscope.run.log(...)``: record metrics on the current run."""
    _current().log(data, step, commit)


def define_metric(name: str, step_metric: str | None = None, summary: str | None = None,
                  goal: str | None = None, hidden: bool | None = None) -> None:
    """``stepscope.run.define_metric(...)`` on the current run."""
    _current().define_metric(name, step_metric, summary, goal, hidden)


def alert(title: str, text: str = "", level: str | AlertLevel = AlertLevel.INFO,
          wait_duration: float | timedelta | None = None) -> bool:
    """``stepscope.run.alert(...)``: raise an alert on the current run."""
    result: bool = _current().alert(title, text, level, wait_duration)
    return result


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    """Finish the current run (a no-op when there is none)."""
    if run is not None:
        run.finish(exit_code, quiet)


__all__ = [
    "AlertLevel",
    "Api",
    "Config",
    "Conflict",
    "DisabledRun",
    "InvalidInput",
    "NotFound",
    "Run",
    "StepWarning",
    "StepscopeError",
    "StoreUnavailable",
    "Summary",
    "Watch",
    "alert",
    "config",
    "define_metric",
    "finish",
    "init",
    "log",
    "run",
    "summary",
]
