"""The demo's saved workspace for the seed replica puts the reference's three panels in
one row, in the reference's order: eval/math-eval/accuracy/mean, actor/entropy_loss,
actor/kl_loss."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.demo.populate import SEED_WORKSPACE

from .conftest import DemoServer
from .helpers import SEED, SEED_KEYS, open_workspace

pytestmark = pytest.mark.browser


def test_demo_workspace_shows_the_three_seed_panels_in_one_row(
        page: Any, demo_server: DemoServer) -> None:
    version = demo_server.workspace(SEED)["version"]
    response = demo_server.client.put(f"/projects/{SEED}/workspace",
                                      json={"state": SEED_WORKSPACE, "version": version})
    assert response.status_code == 200, response.text
    page.set_viewport_size({"width": 1400, "height": 900})
    open_workspace(page, demo_server.url, SEED)
    first = page.get_by_test_id("section").first
    assert first.get_attribute("data-section") == "Pinned"
    panels = first.get_by_test_id("panel")
    assert [panels.nth(i).get_attribute("data-key") for i in range(panels.count())] == list(
        SEED_KEYS)
    boxes = [panels.nth(i).bounding_box() for i in range(3)]
    assert all(box is not None for box in boxes)
    tops = [box["y"] for box in boxes if box]
    lefts = [box["x"] for box in boxes if box]
    assert max(tops) - min(tops) < 2, f"not one row: {boxes}"
    assert lefts == sorted(lefts) and lefts[1] - lefts[0] > 100
