"""Live updates from the SDK into an open page, and what bad URLs show."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

import stepscope

from .conftest import DemoServer
from .helpers import (
    RL,
    SEED,
    hook,
    is_series_query,
    open_workspace,
    panel_sel,
    wait_colors,
    x_ticks,
)

pytestmark = pytest.mark.browser

LIVE_PROJECT = "browser-live"
LIVE_RUN = "grower01"
LOSS = "train/loss"


def log_steps(server: DemoServer, first: int, last: int) -> None:
    """Log steps ``first..last`` of the live run through the SDK, as a training script in
    another process would (its own store on the server's data directory)."""
    run = stepscope.init(project=LIVE_PROJECT, name="grower", id=LIVE_RUN, dir=server.data_dir,
                         resume="allow")
    for step in range(first, last + 1):
        run.log({LOSS: 1.0 / (step + 1), "train/acc": step / 100}, step=step)
    run.finish(quiet=True)


@pytest.fixture
def quiet_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPSCOPE_QUIET", "1")


@pytest.mark.usefixtures("quiet_sdk")
def test_points_logged_while_open_appear(page: Any, demo_server: DemoServer) -> None:
    log_steps(demo_server, 0, 9)
    open_workspace(page, demo_server.url, LIVE_PROJECT)
    sel = panel_sel(LOSS)
    row = page.locator(f'[data-testid="run-row"][data-run-id="{LIVE_RUN}"]')
    expect(row.get_by_test_id("run-last-step")).to_have_text("9")
    assert max(int(t) for t in x_ticks(page, sel)) <= 9
    wait_colors(page, sel, "c.red > 20")
    expect(page.get_by_test_id("live-status")).to_have_class(re.compile(r"(^|\s)on(\s|$)"))
    queries = hook(page)["queries"]

    with page.expect_request(lambda r: is_series_query(r, LIVE_PROJECT)
                             and LOSS in (r.post_data_json or {}).get("keys", []),
                             timeout=5_000) as req:
        log_steps(demo_server, 10, 24)
    assert LIVE_RUN in req.value.post_data_json["runs"]
    # Within a few seconds: the last step in the table and the panel's x axis reach 24.
    expect(row.get_by_test_id("run-last-step")).to_have_text("24", timeout=5_000)
    page.wait_for_function(
        "(s) => { const t = window.__ssTest.xTicks(s);"
        " return t !== null && t.some(v => Number(v) >= 20); }", arg=sel, timeout=5_000)
    assert hook(page)["queries"] > queries


def test_unknown_project_shows_an_error(page: Any, demo_server: DemoServer) -> None:
    response = page.goto(f"{demo_server.url}/p/no-such-project")
    assert response is not None and response.status == 200
    page.wait_for_function("() => window.__stepscope && window.__stepscope.ready === true")
    status = page.get_by_test_id("workspace-status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("not found")
    expect(status).to_contain_text("no-such-project")
    expect(page.get_by_test_id("project-name")).to_have_text("no-such-project")
    expect(page.get_by_test_id("panel")).to_have_count(0)
    page.reload()
    expect(status).to_contain_text("not found")
    assert urlparse(page.url).path == "/p/no-such-project"
    # Still navigable: the home link leads to the project list with the demo projects.
    page.get_by_test_id("home-link").click()
    for project in (SEED, RL):
        expect(page.locator(f'[data-testid="project-link"][data-project="{project}"]')
               ).to_have_count(1)


def test_unknown_path_and_unknown_panel_are_not_blank(page: Any, demo_server: DemoServer) -> None:
    page.goto(f"{demo_server.url}/not/a/dashboard/route")
    page.wait_for_function("() => window.__stepscope && window.__stepscope.ready === true")
    assert hook(page)["view"] == "notfound"
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_test_id("not-found").get_by_role("link")).to_have_attribute("href", "/")

    # A panel key nobody logged: the overlay says there is no data; the grid is intact.
    open_workspace(page, demo_server.url, SEED, "?panel=no%2Fsuch%2Fkey")
    overlay = page.get_by_test_id("expanded-panel")
    expect(overlay).to_have_attribute("data-key", "no/such/key")
    expect(overlay.get_by_test_id("panel-status")).to_have_text(re.compile(r"\S"))
    page.keyboard.press("Escape")
    expect(overlay).to_have_count(0)
    expect(page.get_by_test_id("panel")).to_have_count(3)

    # A malformed panel search is not an error either.
    page.get_by_test_id("panel-search").fill("/[unclosed/")
    expect(page.get_by_test_id("workspace")).to_be_visible()
