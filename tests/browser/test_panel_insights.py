"""Per-panel insights: each chart's accessible description, "Describe" under the chart and
in the expanded overlay, and insight marks (peaks, spikes, crossovers) drawn on it."""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

import stepscope

from .conftest import DemoServer
from .helpers import SEED, SEED_KEYS, hook, open_workspace, panel_sel, wait_ready

pytestmark = pytest.mark.browser

KL = "actor/kl_loss"
ACC = SEED_KEYS[0]
BLUE_PEAK = re.compile(r"blue's actor/kl_loss peaks at [\d.]+ around step (\d+)")
INSIGHTS_JSON = re.compile(r"/api/v1/projects/[^/]+/insights\?(.*&)?format=json")
TWINS = "browser-twins"
LIVE = "browser-insights-live"
SIGNAL = "train/signal"


def description(page: Any, selector: str) -> str:
    """The text the chart of ``selector`` is described by (aria-describedby)."""
    text: str = page.evaluate(
        """(s) => {
            const body = document.querySelector(s + ' [data-testid="panel-chart"]');
            const id = body && body.getAttribute('aria-describedby');
            const el = id && document.getElementById(id);
            return el ? el.textContent : '';
        }""", selector)
    return text


def wait_description(page: Any, selector: str, pattern: str, timeout: float = 10_000) -> str:
    page.wait_for_function(
        """([s, p]) => {
            const body = document.querySelector(s + ' [data-testid="panel-chart"]');
            const id = body && body.getAttribute('aria-describedby');
            const el = id && document.getElementById(id);
            return !!el && new RegExp(p).test(el.textContent);
        }""", arg=[selector, pattern], timeout=timeout)
    return description(page, selector)


def wait_marks(page: Any, key: str, condition: str, timeout: float = 10_000) -> int:
    """Wait until ``condition`` (JS over ``n``, the marks drawn on ``key``'s panel) holds."""
    page.wait_for_function(
        f"(k) => {{ const m = window.__stepscope.marks || {{}}; const n = m[k];"
        f" return n !== undefined && ({condition}); }}", arg=key, timeout=timeout)
    count: int = hook(page)["marks"][key]
    return count


def canvas_texts(page: Any, selector: str) -> list[str]:
    """Text drawn on the panel's canvas in its latest frame (instrument.js records it)."""
    texts: list[str] | None = page.evaluate(
        "(s) => { const c = document.querySelector(s + ' canvas');"
        " return c && c.__ssTexts ? c.__ssTexts.map(t => t.text) : null; }", selector)
    assert texts is not None, f"no canvas drawn in {selector}"
    return texts


def open_menu(page: Any, selector: str) -> Any:
    page.locator(f'{selector} [data-testid="panel-menu"]').click()
    menu = page.get_by_test_id("panel-menu-popover")
    expect(menu).to_be_visible()
    return menu


def test_kl_panel_is_described_by_its_findings(page: Any, demo_server: DemoServer) -> None:
    ids = demo_server.run_ids[SEED]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if INSIGHTS_JSON.search(r.url) else None)
    open_workspace(page, demo_server.url, SEED)
    sel = panel_sel(KL)
    text = wait_description(page, sel, BLUE_PEAK.pattern)
    match = BLUE_PEAK.search(text)
    assert match is not None, text
    assert abs(int(match.group(1)) - 20) <= 2, text
    assert "red ends with the lower actor/kl_loss" in text
    assert len(re.findall(r"[.!?](\s|$)", text)) <= 4, text
    # The same text is what assistive technology reads for the chart.
    expect(page.locator(f'{sel} [data-testid="panel-chart"]')).to_have_accessible_description(
        re.compile(r"blue's actor/kl_loss peaks at"))
    # Every panel is described from one request for the visible runs, all keys at once.
    for key in SEED_KEYS:
        assert description(page, panel_sel(key)), key
    assert wait_description(page, panel_sel(ACC), "red ends with the higher")
    assert len(requests) == 1, requests
    query = parse_qs(urlparse(requests[0]).query)
    assert sorted(query["run"]) == sorted(ids.values()) and "key" not in query
    assert hook(page)["insightQueries"] == 1


def test_menu_describe_shows_the_text_under_the_chart(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    sel = panel_sel(KL)
    wait_description(page, sel, "peaks at")
    shown = page.locator(f'{sel} [data-testid="panel-describe"]')
    expect(shown).to_be_hidden()

    menu = open_menu(page, sel)
    expect(menu.get_by_test_id("menu-describe")).to_have_text("Describe")
    menu.get_by_test_id("menu-describe").click()
    expect(menu).to_have_count(0)
    expect(shown).to_be_visible()
    expect(shown).to_contain_text("blue's actor/kl_loss peaks at")
    expect(shown).to_contain_text("red overtakes blue on actor/kl_loss")
    # Below the chart, inside the panel.
    chart_box = page.locator(f'{sel} [data-testid="panel-chart"]').bounding_box()
    text_box = shown.bounding_box()
    assert chart_box is not None and text_box is not None
    assert text_box["y"] >= chart_box["y"] + chart_box["height"] - 1

    menu = open_menu(page, sel)
    expect(menu.get_by_test_id("menu-describe")).to_have_text("Hide description")
    menu.get_by_test_id("menu-describe").click()
    expect(shown).to_be_hidden()


def test_expanded_overlay_describes_below_the_chart(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED, f"?panel={KL}")
    overlay = page.get_by_test_id("expanded-panel")
    expect(overlay).to_have_attribute("data-key", KL)
    shown = overlay.get_by_test_id("panel-describe")
    expect(shown).to_be_visible()
    expect(shown).to_contain_text("blue's actor/kl_loss peaks at")
    # The other findings of the chart are listed too (the co-occurrence among them).
    expect(overlay.get_by_test_id("panel-describe-more")).to_contain_text("coincides with")
    chart_box = overlay.get_by_test_id("panel-chart").bounding_box()
    text_box = shown.bounding_box()
    overlay_box = overlay.get_by_test_id("expanded-chart").bounding_box()
    assert chart_box and text_box and overlay_box
    assert text_box["y"] >= chart_box["y"] + chart_box["height"] - 1
    assert text_box["y"] + text_box["height"] <= overlay_box["y"] + overlay_box["height"] + 1
    page.wait_for_function("() => window.__stepscope.expandedMarks >= 3")


def test_marks_are_drawn_and_turning_them_off_persists(page: Any,
                                                      demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    sel = panel_sel(KL)
    # Two peaks (red's, blue's) and the crossover at step 11.
    assert wait_marks(page, KL, "n >= 3") == 3
    assert "×" in canvas_texts(page, sel)
    wait_marks(page, ACC, "n >= 3")

    menu = open_menu(page, sel)
    toggle = menu.get_by_test_id("menu-marks")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    wait_marks(page, KL, "n === 0")
    assert "×" not in canvas_texts(page, sel)
    assert hook(page)["marks"][ACC] >= 3, "only this panel's marks are turned off"
    page.keyboard.press("Escape")
    state = demo_server.wait_state(SEED,
                              lambda s: s.get("panels", {}).get(KL, {}).get("marks") is False)
    assert state["panels"][KL] == {"marks": False}
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")

    page.reload()
    wait_ready(page)
    wait_description(page, sel, "peaks at")
    wait_marks(page, ACC, "n >= 3")
    assert wait_marks(page, KL, "n === 0") == 0
    assert "×" not in canvas_texts(page, sel)
    menu = open_menu(page, sel)
    expect(menu.get_by_test_id("menu-marks")).not_to_be_checked()
    menu.get_by_test_id("menu-marks").check()
    assert wait_marks(page, KL, "n >= 3") == 3


def test_hidden_run_leaves_the_description_and_the_marks(page: Any,
                                                        demo_server: DemoServer) -> None:
    ids = demo_server.run_ids[SEED]
    open_workspace(page, demo_server.url, SEED)
    sel = panel_sel(KL)
    wait_marks(page, KL, "n === 3")
    page.locator(f'[data-testid="run-row"][data-run-id="{ids["blue"]}"] '
                 '[data-testid="run-visibility"]').click()
    text = wait_description(page, sel, "^red's")
    assert "blue" not in text, text
    # Red's peak only: no other run to cross.
    wait_marks(page, KL, "n === 1")
    assert "×" not in canvas_texts(page, sel)


def test_without_an_insights_endpoint_panels_are_not_described(page: Any,
                                                                demo_server: DemoServer) -> None:
    def without_insights(route: Any) -> None:
        response = route.fetch()
        spec = response.json()
        spec["paths"] = {p: v for p, v in spec.get("paths", {}).items()
                         if not p.endswith("/insights")}
        route.fulfill(response=response, body=json.dumps(spec))

    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/insights" in r.url else None)
    page.route("**/api/v1/openapi.json", without_insights)
    open_workspace(page, demo_server.url, SEED)
    sel = panel_sel(KL)
    page.wait_for_timeout(500)
    assert requests == []
    assert page.locator(f'{sel} [data-testid="panel-chart"]').get_attribute(
        "aria-describedby") is None
    assert hook(page)["marks"].get(KL, 0) == 0
    menu = open_menu(page, sel)
    expect(menu.get_by_test_id("menu-describe")).to_have_count(0)
    expect(menu.get_by_test_id("menu-marks")).to_have_count(0)


def hump(step: int, center: float, width: float, height: float = 1.0) -> float:
    return height * math.exp(-(((step - center) / width) ** 2))


@pytest.fixture
def quiet_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPSCOPE_QUIET", "1")


@pytest.mark.usefixtures("quiet_sdk")
def test_runs_sharing_a_name_get_their_marks(page: Any, demo_server: DemoServer) -> None:
    """Two runs named "twin": findings call them "twin (<id>)"; both peaks are drawn."""
    for run_id, center, base in (("twin0001", 15, 0.0), ("twin0002", 40, 3.0)):
        run = stepscope.init(project=TWINS, name="twin", id=run_id, dir=demo_server.data_dir,
                             resume="allow")
        for step in range(61):
            run.log({SIGNAL: base + hump(step, center, 5.0)}, step=step)
        run.finish(quiet=True)
    demo_server.reset_workspace(TWINS)
    open_workspace(page, demo_server.url, TWINS)
    sel = panel_sel(SIGNAL)
    text = wait_description(page, sel, r"twin \(twin000[12]\)'s train/signal peaks")
    assert "twin (twin0001)" in text or "twin (twin0002)" in text, text
    # Both peaks resolve to their run (an unresolved run's peak would not be drawn).
    assert wait_marks(page, SIGNAL, "n >= 2") == 2


@pytest.mark.usefixtures("quiet_sdk")
def test_live_points_refresh_the_description(page: Any, demo_server: DemoServer) -> None:
    def log(first: int, last: int) -> None:
        run = stepscope.init(project=LIVE, name="grower", id="grow0001",
                             dir=demo_server.data_dir, resume="allow")
        for step in range(first, last + 1):
            run.log({SIGNAL: hump(step, 10, 4.0) + hump(step, 60, 6.0, 2.0)}, step=step)
        run.finish(quiet=True)

    log(0, 30)
    demo_server.reset_workspace(LIVE)
    open_workspace(page, demo_server.url, LIVE)
    sel = panel_sel(SIGNAL)
    first = wait_description(page, sel, r"peaks at [\d.]+ around step \d+")
    assert re.search(r"around step (9|10|11)\b", first), first
    expect(page.get_by_test_id("live-status")).to_have_class(re.compile(r"(^|\s)on(\s|$)"))

    log(31, 90)
    # Refreshed after the live points (at most every 5 s): the new, higher peak.
    text = wait_description(page, sel, r"peaks at [\d.]+ around step (5[89]|6[012])\b",
                            timeout=15_000)
    assert "grower's train/signal" in text
    assert hook(page)["insightQueries"] >= 2
