"""The seed-replica workspace in a real browser: what is drawn, pins, the expanded
overlay, CSV download, zoom, hiding a run and what survives a reload."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

import stepscope

from .conftest import DemoServer
from .helpers import (
    BLUE,
    EXPANDED_SEL,
    RED,
    SEED,
    SEED_KEYS,
    colors,
    hook,
    is_series_query,
    open_workspace,
    panel_sel,
    wait_colors,
    wait_ready,
    wait_x_ticks,
    x_ticks,
    y_ticks,
)

pytestmark = pytest.mark.browser

KL = "actor/kl_loss"
ZOOMED = re.compile(r"(^|\s)zoomed(\s|$)")
HIDDEN_ROW = re.compile(r"(^|\s)ss-hidden-run(\s|$)")


def test_seed_workspace_looks_like_the_reference(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    state = hook(page)
    assert state["view"] == "workspace"
    assert state["panels"] == 3 and state["drawn"] == 3
    assert state["renderDoneAt"] > 0 and state["queries"] >= 1

    titles = page.get_by_test_id("panel-title").all_inner_texts()
    assert titles == SEED_KEYS
    assert [el.get_attribute("data-key") for el in page.get_by_test_id("panel").all()] == SEED_KEYS

    # Runs table: red then blue, swatches in the palette's red and blue.
    rows = page.get_by_test_id("run-row")
    expect(rows).to_have_count(2)
    assert rows.get_by_test_id("run-name").all_inner_texts() == ["red", "blue"]
    assert [c.input_value() for c in rows.get_by_test_id("run-color").all()] == [RED, BLUE]
    assert rows.get_by_test_id("run-last-step").all_inner_texts() == ["30", "30"]

    for key in SEED_KEYS:
        sel = panel_sel(key)
        # x axis 0..30 every 5, as in the picture.
        assert x_ticks(page, sel) == ["0", "5", "10", "15", "20", "25", "30"], key
        # Two lines, one red and one blue (opaque pixels of those hues on the canvas).
        counts = colors(page, sel)
        assert counts["red"] > 100 and counts["blue"] > 100, (key, counts)

    # The picture's y axes: accuracy around 0.25-0.35, entropy 0-0.2 with its early
    # transient off-chart, KL 0 to just above 1.
    acc = y_ticks(page, panel_sel(SEED_KEYS[0]))
    assert 0.2 <= min(acc) <= 0.26 and 0.34 <= max(acc) <= 0.4, acc
    entropy = y_ticks(page, panel_sel(SEED_KEYS[1]))
    assert 0.15 <= max(entropy) <= 0.25, entropy
    kl = y_ticks(page, panel_sel(KL))
    assert min(kl) == 0 and 1.0 <= max(kl) <= 1.25, kl


def test_pin_moves_panel_to_pinned_and_persists(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    actor = page.locator('[data-testid="section"][data-section="actor"]')
    pinned = page.locator('[data-testid="section"][data-section="Pinned"]')
    expect(pinned).to_have_count(0)
    pin = page.locator(f'{panel_sel(KL)} [data-testid="panel-pin"]')
    expect(pin).to_have_attribute("aria-pressed", "false")

    pin.click()
    expect(pinned.locator(panel_sel(KL))).to_have_count(1)
    expect(actor.locator(panel_sel(KL))).to_have_count(0)
    expect(page.locator(panel_sel(KL))).to_have_count(1)
    expect(pin).to_have_attribute("aria-pressed", "true")
    assert page.get_by_test_id("section").first.get_attribute("data-section") == "Pinned"
    demo_server.wait_state(SEED, lambda s: s.get("pins") == [KL])

    page.reload()
    wait_ready(page)
    expect(pinned.locator(panel_sel(KL))).to_have_count(1)
    expect(actor.locator(panel_sel(KL))).to_have_count(0)
    wait_colors(page, panel_sel(KL), "c.red > 100 && c.blue > 100")

    # Unpinning puts it back in its section, here and on the server.
    page.locator(f'{panel_sel(KL)} [data-testid="panel-pin"]').click()
    expect(actor.locator(panel_sel(KL))).to_have_count(1)
    expect(pinned).to_have_count(0)
    demo_server.wait_state(SEED, lambda s: s.get("pins") == [])


def test_expand_opens_overlay_and_esc_or_close_closes(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    overlay = page.get_by_test_id("expanded-panel")
    expect(overlay).to_have_count(0)

    page.locator(f'{panel_sel(KL)} [data-testid="panel-expand"]').click()
    expect(overlay).to_be_visible()
    expect(overlay).to_have_attribute("data-key", KL)
    assert parse_qs(urlparse(page.url).query) == {"panel": [KL]}
    expect(overlay.get_by_test_id("panel-title")).to_have_text(KL)
    # The overlay draws its own chart, with a legend naming both runs.
    wait_colors(page, EXPANDED_SEL, "c.red > 100 && c.blue > 100")
    ids = demo_server.run_ids[SEED]
    legend = overlay.locator('[data-testid="panel-legend"] [data-run-id]')
    expect(legend).to_have_count(2)
    assert [e.get_attribute("data-run-id") for e in legend.all()] == [ids["red"], ids["blue"]]
    overlay_box = overlay.get_by_test_id("expanded-chart").bounding_box()
    grid_box = page.locator(panel_sel(KL)).bounding_box()
    assert overlay_box["width"] > grid_box["width"] * 1.5

    page.keyboard.press("Escape")
    expect(overlay).to_have_count(0)
    assert urlparse(page.url).path == f"/p/{SEED}" and urlparse(page.url).query == ""

    page.locator(f'{panel_sel(SEED_KEYS[0])} [data-testid="panel-expand"]').click()
    expect(overlay).to_have_attribute("data-key", SEED_KEYS[0])
    page.get_by_test_id("expanded-close").click()
    expect(overlay).to_have_count(0)
    assert urlparse(page.url).query == ""


def test_download_csv_matches_stored_data(page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    page.locator(f'{panel_sel(KL)} [data-testid="panel-menu"]').click()
    menu = page.get_by_test_id("panel-menu-popover")
    expect(menu).to_be_visible()
    with page.expect_download() as info:
        menu.get_by_test_id("menu-download-csv").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text())))
    assert rows[0] == ["step", "red", "blue"]

    api = stepscope.Api(demo_server.data_dir)
    try:
        stored = {}
        for run in api.runs(SEED):
            steps, values, _ = run.series(KL)
            stored[run.name] = dict(zip(steps.tolist(), values.tolist(), strict=True))
    finally:
        api.close()
    assert sorted(stored) == ["blue", "red"] and len(stored["red"]) == 31
    body = rows[1:]
    assert [int(r[0]) for r in body] == sorted(stored["red"]), "one row per stored step"
    for step_text, red, blue in body:
        step = int(step_text)
        # Exact: the CSV carries the shortest round-trip text of each stored double.
        assert float(red) == stored["red"][step], (step, red)
        assert float(blue) == stored["blue"][step], (step, blue)


def test_drag_zooms_with_a_range_query_and_double_click_resets(
        page: Any, demo_server: DemoServer) -> None:
    open_workspace(page, demo_server.url, SEED)
    sel = panel_sel(KL)
    panel = page.locator(sel)
    over = panel.locator(".u-over")
    box = over.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    x0 = box["x"] + box["width"] * 0.25
    x1 = box["x"] + box["width"] * 0.60

    with page.expect_request(lambda r: is_series_query(r, SEED)
                             and (r.post_data_json or {}).get("x_range") is not None) as req:
        page.mouse.move(x0, y)
        page.mouse.down()
        page.mouse.move((x0 + x1) / 2, y, steps=4)
        page.mouse.move(x1, y, steps=4)
        page.mouse.up()
    body = req.value.post_data_json
    assert body["keys"] == [KL]
    lo, hi = body["x_range"]
    # The drag covered 25%-60% of the 0..30 axis: up to step ~18 (the left end may reach
    # further back: smoothing fetches a warm-up).
    assert abs(hi - 18) <= 1.0, body["x_range"]
    assert 0 <= lo < 7.5 + 1.0 and hi - lo < 30, body["x_range"]
    response = req.value.response()
    assert response is not None and response.status == 200

    expect(panel).to_have_class(ZOOMED)
    # Redrawn at the zoomed range: ticks inside ~7.5..18, the overview's 0 and 30 gone.
    wait_x_ticks(page, sel, "t.length > 1 && !t.includes('0') && !t.includes('30') && "
                            "t.every(v => Number(v) >= 7 && Number(v) <= 19)")
    # Other panels are not zoomed.
    assert x_ticks(page, panel_sel(SEED_KEYS[1]))[-1] == "30"

    over.dblclick(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(panel).not_to_have_class(ZOOMED)
    wait_x_ticks(page, sel, "t.join(',') === '0,5,10,15,20,25,30'")
    wait_colors(page, sel, "c.red > 100 && c.blue > 100")


def test_hidden_run_leaves_every_panel(page: Any, demo_server: DemoServer) -> None:
    ids = demo_server.run_ids[SEED]
    open_workspace(page, demo_server.url, SEED)
    row = page.locator(f'[data-testid="run-row"][data-run-id="{ids["blue"]}"]')
    eye = row.get_by_test_id("run-visibility")
    expect(eye).to_have_attribute("aria-pressed", "true")

    eye.click()
    expect(eye).to_have_attribute("aria-pressed", "false")
    expect(row).to_have_class(HIDDEN_ROW)
    for key in SEED_KEYS:
        wait_colors(page, panel_sel(key), "c.blue === 0 && c.red > 100")
    demo_server.wait_state(SEED, lambda s: s.get("hidden") == [ids["blue"]])

    # After a reload the first query does not even ask for the hidden run.
    with page.expect_request(lambda r: is_series_query(r, SEED)) as req:
        page.reload()
    assert req.value.post_data_json["runs"] == [ids["red"]]
    wait_ready(page)
    expect(row).to_have_class(HIDDEN_ROW)
    for key in SEED_KEYS:
        counts = colors(page, panel_sel(key))
        assert counts["blue"] == 0 and counts["red"] > 100, (key, counts)

    # Showing it again fetches and draws it everywhere.
    with page.expect_request(lambda r: is_series_query(r, SEED)
                             and ids["blue"] in r.post_data_json["runs"]):
        row.get_by_test_id("run-visibility").click()
    for key in SEED_KEYS:
        wait_colors(page, panel_sel(key), "c.blue > 100 && c.red > 100")
    demo_server.wait_state(SEED, lambda s: s.get("hidden") == [])


def test_reload_keeps_state(page: Any, demo_server: DemoServer) -> None:
    ids = demo_server.run_ids[SEED]
    open_workspace(page, demo_server.url, SEED)
    acc = SEED_KEYS[0]
    page.locator(f'{panel_sel(acc)} [data-testid="panel-pin"]').click()
    page.locator(f'[data-testid="run-row"][data-run-id="{ids["red"]}"] '
                 '[data-testid="run-visibility"]').click()
    page.locator(f'{panel_sel(KL)} [data-testid="panel-menu"]').click()
    page.get_by_test_id("menu-smoothing-kind").select_option("none")
    page.keyboard.press("Escape")
    page.locator(f'{panel_sel(KL)} [data-testid="panel-expand"]').click()
    expect(page.get_by_test_id("expanded-panel")).to_have_attribute("data-key", KL)
    demo_server.wait_state(SEED, lambda s: s.get("pins") == [acc]
                      and s.get("hidden") == [ids["red"]]
                      and s.get("panels", {}).get(KL, {}).get("smoothing", {}).get("kind")
                      == "none")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")

    page.reload()
    wait_ready(page)
    overlay = page.get_by_test_id("expanded-panel")
    expect(overlay).to_have_attribute("data-key", KL)
    wait_colors(page, EXPANDED_SEL, "c.blue > 100 && c.red === 0")
    page.get_by_test_id("expanded-close").click()
    expect(overlay).to_have_count(0)
    pinned = page.locator('[data-testid="section"][data-section="Pinned"]')
    expect(pinned.locator(panel_sel(acc))).to_have_count(1)
    expect(page.locator(f'[data-testid="run-row"][data-run-id="{ids["red"]}"]')
           ).to_have_class(HIDDEN_ROW)
    page.locator(f'{panel_sel(KL)} [data-testid="panel-menu"]').click()
    expect(page.get_by_test_id("menu-smoothing-kind")).to_have_value("none")
