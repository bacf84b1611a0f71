"""The written analysis under the seed replica's charts, as the reference shows it."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DemoServer
from .helpers import SEED, open_workspace

pytestmark = pytest.mark.browser


def test_insights_view_writes_the_seed_analysis(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    body = page.get_by_test_id("insights-body")
    body.locator("table").first.wait_for(timeout=15_000)
    text = body.inner_text()
    for heading in ("Overview", "Detailed Analysis", "Key Observations", "Interpretation"):
        assert heading in text
    assert "red ends with the higher eval/math-eval/accuracy/mean" in text
    assert "blue ends with the lower actor/entropy_loss" in text
    assert "blue's actor/kl_loss peaks at 1.0" in text or "Peaks at 1.0" in text
    # key data points render as tables: a header row of step + the two runs
    headers = body.locator("table").first.locator("th").all_inner_texts()
    assert headers == ["step", "red", "blue"]
    assert body.locator("table").count() == 3
