"""The public surface changes only on purpose."""

from __future__ import annotations

import stepscope

EXPECTED = [
    "AlertLevel", "Api", "Config", "Conflict", "DisabledRun", "InvalidInput", "NotFound", "Run",
    "StepWarning", "StepscopeError", "StoreUnavailable", "Summary", "Watch", "alert", "config",
    "define_metric", "finish", "init", "log", "run", "summary",
]


def test_all_is_sorted_and_unchanged() -> None:
    assert stepscope.__all__ == sorted(stepscope.__all__)
    assert stepscope.__all__ == EXPECTED
    for name in stepscope.__all__:
        assert hasattr(stepscope, name)
