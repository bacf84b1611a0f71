"""The run ``init(mode="disabled")`` returns: same surface, every call a no-op."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from stepscope.sdk.config import Config, Summary
from stepscope.sdk.current import clear_current


class DisabledRun:
    """For tests and non-zero ranks: accepts every call, stores nothing."""

    def __init__(self, project: str, name: str | None, run_id: str | None,
                 config: Mapping[str, Any]) -> None:
        self.project = project
        self.name = name or "disabled"
        self.id = run_id or "disabled"
        self.config = Config(config)
        self.summary = Summary()
        self.step = 0

    def log(self, data: Mapping[str, Any], step: int | None = None,
            commit: bool | None = None) -> None:
        pass

    def define_metric(self, name: str, step_metric: str | None = None,
                      summary: str | None = None, goal: str | None = None,
                      hidden: bool | None = None) -> None:
        pass

    def alert(self, title: str, text: str = "", level: Any = "INFO",
              wait_duration: Any = None) -> bool:
        return False

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        clear_current(self)

    def __enter__(self) -> DisabledRun:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.finish()
