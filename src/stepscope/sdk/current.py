"""The current run, mirrored into ``stepscope.run`` / ``config`` / ``summary``."""

from __future__ import annotations

import sys
from typing import Any


def set_current(run: Any) -> None:
    module = sys.modules["stepscope"]
    for name, value in (("run", run), ("config", getattr(run, "config", None)),
                        ("summary", getattr(run, "summary", None))):
        setattr(module, name, value)


def clear_current(run: Any) -> None:
    """Forget ``run`` as the current run, if it is."""
    if getattr(sys.modules.get("stepscope"), "run", None) is run:
        set_current(None)


def current() -> Any:
    run = getattr(sys.modules["stepscope"], "run", None)
    if run is None:
        raise RuntimeError("call stepscope.init() before stepscope.log()")
    return run
