"""Dashboard benchmark: a workspace of 30 panels (keys in 4 sections) x 20 runs x 100,000
steps, served by ``stepscope serve`` and loaded in headless Chromium.

Figures:
- first full render: navigation start -> ``window.__stepscope.ready`` (``renderDoneAt``),
  median of 3 fresh page loads (each in a new browser context, so no HTTP cache), after
  one uncounted warm-up load; measured in a viewport tall enough to show all 30 panels
  (target <= 1.5 s), and in a 1400x900 desktop viewport (the panels of the first screen);
- zoom round trip: mouse-up of a drag selection on a panel -> the panel redrawn with the
  server's full-resolution data of the range (its ``zoomed`` class set by the draw) ->
  the next animation frame, median over several panels (target <= 200 ms);
- the series queries themselves over HTTP (the overview batch and one zoom);
- gzip size of the dashboard's JavaScript.

    .venv/bin/python bench/dashboard_bench.py                  # writes results/dashboard.json
    .venv/bin/python bench/dashboard_bench.py --steps 10000    # a quick run (not recorded)
    .venv/bin/python bench/dashboard_bench.py --screenshot docs/demo-dashboard.png

``--screenshot`` only serves the demo projects and saves a picture of the seed-replica
workspace (the README's), measuring nothing.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from stepscope.server.runner import open_store
from stepscope.server.static import STATIC_DIR
from stepscope.store.base import PointBatch, RunPatch, RunSpec
from stepscope.types import RunStatus

sys.path.insert(0, str(Path(__file__).parent))
from _record import record  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PROJECT = "bench"
SECTIONS = {"train": 9, "eval": 8, "actor": 7, "system": 6}
"""Panels per section: 30 keys in all."""
CHUNK_STEPS = 10_000
DESKTOP = {"width": 1400, "height": 900}
TALL = {"width": 1400, "height": 4000}
"""Tall enough for the runs table and all 30 panels (10 rows of 3) in the first viewport."""
ZOOM_DRAGS = [(0.20, 0.60), (0.30, 0.50), (0.10, 0.40), (0.55, 0.90), (0.40, 0.75),
              (0.05, 0.25), (0.65, 0.95)]
"""Fractions of the plot width dragged over, one zoom per panel."""

READY_JS = "() => window.__stepscope && window.__stepscope.ready === true"

# Resolves window.__ssZoom = {up, drawn, frame} (performance.now() values) for the next
# zoom of the panel `key`: the mouse-up ending the drag, the draw that set the panel's
# `zoomed` class (it is set right after the zoomed data is drawn), the frame after it.
WATCH_ZOOM_JS = """(key) => {
  window.__ssZoom = null;
  const el = document.querySelector(`[data-testid="panel"][data-key="${key}"]`);
  let up = null;
  window.addEventListener("mouseup", () => { up = performance.now(); },
                          { capture: true, once: true });
  const mo = new MutationObserver(() => {
    if (up === null || !el.classList.contains("zoomed")) return;
    mo.disconnect();
    const drawn = performance.now();
    requestAnimationFrame(() => { window.__ssZoom = { up, drawn, frame: performance.now() }; });
  });
  mo.observe(el, { attributes: true, attributeFilter: ["class"] });
}"""

LAST_QUERY_END_JS = """() => Math.max(...performance.getEntriesByType("resource")
  .filter((e) => e.name.endsWith("/series/query")).map((e) => e.responseEnd))"""


def metric_keys() -> list[str]:
    names = ["loss", "reward", "kl", "entropy", "grad_norm", "lr", "accuracy", "tokens",
             "clip_frac"]
    return [f"{section}/{names[i]}" for section, count in SECTIONS.items()
            for i in range(count)]


def curves(rng: np.random.Generator, n_keys: int, steps: np.ndarray) -> np.ndarray:
    """(n_keys, len(steps)) training-like curves: a decay or rise, a random walk, noise,
    and a few isolated spikes."""
    t = steps / max(1, steps[-1])
    out = np.empty((n_keys, steps.size))
    for k in range(n_keys):
        scale = rng.uniform(0.1, 10.0)
        trend = scale * (np.exp(-t * rng.uniform(1, 8)) if k % 2 else 1 - np.exp(-t * 4))
        walk = np.cumsum(rng.normal(0, scale * 0.002, steps.size))
        noise = rng.normal(0, scale * 0.02, steps.size)
        out[k] = trend + walk + noise
        spikes = rng.integers(0, steps.size, 5)
        out[k, spikes] += scale * rng.uniform(2, 5, spikes.size)
    return out


def fill(directory: Path, runs: int, steps: int) -> int:
    """Write the benchmark project with the store's ``append_batch``; returns points."""
    keys = metric_keys()
    store = open_store(directory)
    rng = np.random.default_rng(7)
    total = 0
    try:
        for r in range(runs):
            record_, _ = store.create_run(PROJECT, RunSpec(
                name=f"run-{r:02d}", tags=["bench"], resume="never",
                config={"lr": float(10 ** rng.uniform(-6, -3)), "seed": r}))
            all_steps = np.arange(steps, dtype=np.int64)
            values = curves(rng, len(keys), all_steps)
            for start in range(0, steps, CHUNK_STEPS):
                block = all_steps[start:start + CHUNK_STEPS]
                n = block.size
                store.append_batch(PROJECT, record_.id, PointBatch(
                    keys, np.tile(np.arange(len(keys), dtype=np.int64), n),
                    np.repeat(block, len(keys)),
                    values[:, start:start + n].T.ravel().copy(),
                    np.repeat(1.7e9 + block * 0.5, len(keys))))
                total += n * len(keys)
            store.update_run(PROJECT, record_.id, RunPatch(status=RunStatus.FINISHED))
    finally:
        store.close()
    return total


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """``stepscope serve`` on 127.0.0.1 (a free port) in a child process."""
    env = {**os.environ, "STEPSCOPE_QUIET": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "stepscope.cli.main", "serve", "--dir",
                             str(directory), "--host", "127.0.0.1", "--port", "0"],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "http://" not in line:
            raise RuntimeError(f"stepscope serve did not start: {line!r}")
        url = line.split(" at ")[1].split()[0].rstrip("/")
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("stepscope serve did not answer")
            time.sleep(0.05)
        yield url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            yield browser
        finally:
            browser.close()


def load_once(browser: Any, url: str, viewport: dict[str, int]) -> dict[str, Any]:
    """One fresh page load; the test hook's state once ready."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(f"{url}/p/{PROJECT}")
        page.wait_for_function(READY_JS, timeout=60_000)
        state: dict[str, Any] = page.evaluate("() => ({...window.__stepscope})")
        return state
    finally:
        context.close()


def first_render(browser: Any, url: str, viewport: dict[str, int],
                 loads: int = 3) -> tuple[list[float], dict[str, Any]]:
    load_once(browser, url, viewport)  # warm-up: OS file cache, server, Chromium
    times, last = [], {}
    for _ in range(loads):
        last = load_once(browser, url, viewport)
        times.append(float(last["renderDoneAt"]))
    return times, last


def zoom_round_trips(browser: Any, url: str, keys: list[str]) -> tuple[list[float], list[float]]:
    """Zoom one panel after another by a mouse drag; (round trips ms, query ms)."""
    context = browser.new_context(viewport=TALL)
    trips, queries = [], []
    try:
        page = context.new_page()
        page.goto(f"{url}/p/{PROJECT}")
        page.wait_for_function(READY_JS, timeout=60_000)
        for key, (a, b) in zip(keys, ZOOM_DRAGS, strict=False):
            over = page.locator(f'[data-testid="panel"][data-key="{key}"] .u-over')
            box = over.bounding_box()
            assert box is not None, key
            y = box["y"] + box["height"] / 2
            x0, x1 = box["x"] + box["width"] * a, box["x"] + box["width"] * b
            before = page.evaluate("() => window.__stepscope.queries")
            page.evaluate(WATCH_ZOOM_JS, key)
            page.mouse.move(x0, y)
            page.mouse.down()
            page.mouse.move((x0 + x1) / 2, y, steps=3)
            page.mouse.move(x1, y, steps=3)
            page.mouse.up()
            page.wait_for_function("() => window.__ssZoom !== null", timeout=30_000)
            times = page.evaluate("() => window.__ssZoom")
            state = page.evaluate("() => ({...window.__stepscope})")
            assert state["queries"] > before, "the zoom sent no series query"
            # The draw being timed is the one of the zoom's answer, not an earlier one.
            answered = page.evaluate(LAST_QUERY_END_JS)
            assert times["up"] < answered <= times["drawn"], (times, answered)
            trips.append(times["frame"] - times["up"])
            queries.append(float(state["lastQueryMs"]))
    finally:
        context.close()
    return trips, queries


def http_query_ms(url: str, keys: list[str], repeats: int = 7) -> tuple[float, float]:
    """Median ms of the overview batch (all runs x all keys, 400 buckets) and of one
    zoom query (all runs x one key, 40% of the steps, 600 buckets) over HTTP."""
    with httpx.Client(base_url=f"{url}/api/v1/projects/{PROJECT}", timeout=60) as client:
        runs = [r["id"] for r in client.get("/runs", params={"limit": 1000}).json()["runs"]]
        last = max(k["last_step"] for k in client.get("/keys").json()["keys"])

        def timed(body: dict[str, Any]) -> float:
            samples = []
            for _ in range(repeats):
                t = time.perf_counter()
                response = client.post("/series/query", json=body)
                response.json()
                samples.append((time.perf_counter() - t) * 1000)
                response.raise_for_status()
            return statistics.median(samples)

        overview = timed({"runs": runs, "keys": keys, "x": "step", "buckets": 400})
        zoom = timed({"runs": runs, "keys": keys[:1], "x": "step",
                      "x_range": [int(last * 0.2), int(last * 0.6)], "buckets": 600})
    return overview, zoom


def bundle_sizes() -> tuple[int, int]:
    scripts = sorted((STATIC_DIR / "assets").glob("*.js"))
    if not scripts:
        raise SystemExit(f"no built dashboard in {STATIC_DIR}: cd web && npm run build")
    raw = sum(p.stat().st_size for p in scripts)
    gz = sum(len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in scripts)
    return raw, gz


def screenshot(path: Path) -> None:
    """Serve the demo projects and save the seed-replica workspace as the user sees it."""
    from stepscope.demo import populate

    with tempfile.TemporaryDirectory(prefix="stepscope-shot-") as tmp:
        directory = Path(tmp)
        store = open_store(directory)
        try:
            populate.fill_seed_replica(store)
        finally:
            store.close()
        with serving(directory) as url, chromium() as browser:
            context = browser.new_context(viewport=DESKTOP)
            try:
                page = context.new_page()
                page.goto(f"{url}/p/{populate.SEED_PROJECT}")
                page.wait_for_function(READY_JS, timeout=30_000)
                page.wait_for_timeout(300)  # the live dot and fonts settle
                page.screenshot(path=str(path))
            finally:
                context.close()
    print(f"saved {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--dir", help="data directory to fill (or reuse, if it holds the "
                                      "bench project already) and keep")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="only save a screenshot of the demo's seed-replica workspace")
    args = parser.parse_args()
    if args.screenshot:
        screenshot(Path(args.screenshot))
        return
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM} (scripts/ensure-chromium)")
    raw, gz = bundle_sizes()
    keys = metric_keys()
    temporary = args.dir is None
    directory = Path(tempfile.mkdtemp(prefix="stepscope-dash-") if temporary else args.dir)
    try:
        t = time.perf_counter()
        reused = (directory / "stepscope.db").exists()
        points = 0 if reused else fill(directory, args.runs, args.steps)
        fill_s = time.perf_counter() - t
        if not reused:
            print(f"filled {points:,} points in {fill_s:.1f} s", flush=True)
        with serving(directory) as url, chromium() as browser:
            tall, tall_state = first_render(browser, url, TALL)
            if tall_state["drawn"] != len(keys):
                raise SystemExit(f"expected {len(keys)} panels drawn at ready, "
                                 f"got {tall_state}")
            desktop, desktop_state = first_render(browser, url, DESKTOP)
            trips, zoom_queries = zoom_round_trips(browser, url, keys)
            overview_ms, zoom_ms = http_query_ms(url, keys)
        figures: dict[str, Any] = {
            "workspace": f"{len(keys)} panels in {len(SECTIONS)} sections x {args.runs} runs "
                         f"x {args.steps:,} steps",
            "first full render, all 30 panels in view, ms (median of 3)":
                statistics.median(tall),
            "first full render, all 30 panels in view, ms (max of 3)": max(tall),
            "first render, 1400x900 viewport, ms (median of 3)": statistics.median(desktop),
            "panels drawn at ready, 1400x900 viewport": int(desktop_state["drawn"]),
            "series queries for the first render (all panels)": int(tall_state["queries"]),
            f"zoom round trip ms (median of {len(trips)})": statistics.median(trips),
            f"zoom round trip ms (max of {len(trips)})": max(trips),
            "zoom query in the page ms (median, request + parse)":
                statistics.median(zoom_queries),
            "HTTP overview batch query ms (600 series, 400 buckets; median of 7)": overview_ms,
            "HTTP zoom query ms (20 series, 40% of steps, 600 buckets; median of 7)": zoom_ms,
            "JS bundle bytes": raw,
            "JS bundle gzip bytes": gz,
        }
        if args.steps == 100_000 and args.runs == 20:
            record("dashboard", figures)
        else:
            for key, value in figures.items():
                print(f"  {key}: {value}")
    finally:
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
