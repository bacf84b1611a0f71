"""The current run, mirrored into ``stepscope.run`` / ``config`` / ``summary``."""

from __future__ import annotations

import sys
from typing import Any


def set_current(run: Any) -> None:
    module = sys.modules["stepscope"]
    module.run = run
    module.config = run.config if run is not None else None
    module.summary = run.summary if run is not None else None


def clear_current(run: Any) -> None:
    """Forget ``run`` as the current run, if it is."""
    if getattr(sys.modules.get("stepscope"), "run", None) is run:
        set_current(None)


def current() -> Any:
    run = getattr(sys.modules["stepscope"], "run", None)
    if run is None:
        raise RuntimeError("call stepscope.init() before stepscope.log()")
    return run
