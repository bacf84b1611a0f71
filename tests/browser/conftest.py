"""Fixtures of the browser tests: one real stepscope server over the demo projects and one
headless Chromium (Debian's, driven by Playwright) for the whole session; a fresh browser
context, page and workspace state for every test.

The group skips only when Chromium or the built dashboard is missing; ``make test``
provides both.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.conftest import running_server

from stepscope.demo import populate
from stepscope.server.runner import open_store
from stepscope.server.static import STATIC_DIR
from stepscope.store.base import RunFilter, Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
PROJECTS = (populate.SEED_PROJECT, populate.RL_PROJECT)

INSTRUMENT_JS = (Path(__file__).parent / "instrument.js").read_text()
"""Init script: records the text uPlot draws on each canvas, adds pixel/text helpers."""


def missing_prerequisite() -> str | None:
    if not CHROMIUM.exists():
        return (f"browser tests need Debian's Chromium at {CHROMIUM} "
                "(scripts/ensure-chromium installs it)")
    if not (STATIC_DIR / "index.html").exists():
        return (f"browser tests need the built dashboard ({STATIC_DIR / 'index.html'} is "
                "missing): cd web && npm ci && npm run build")
    return None


@pytest.fixture(scope="session", autouse=True)
def _prerequisites() -> None:
    reason = missing_prerequisite()
    if reason:
        pytest.skip(reason)


@dataclass
class DemoServer:
    url: str
    """Base URL, e.g. ``http://127.0.0.1:43123``."""
    data_dir: Path
    store: Store
    client: httpx.Client
    """A client whose base URL is ``<url>/api/v1``."""
    run_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    """``{project: {run name: run id}}`` of the demo projects."""

    def page_url(self, path: str) -> str:
        return self.url + path

    def workspace(self, project: str) -> dict[str, Any]:
        response = self.client.get(f"/projects/{project}/workspace")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_state(self, project: str, check: Any, timeout: float = 5.0) -> dict[str, Any]:
        """Poll the stored workspace until ``check(state)`` holds; return the state."""
        deadline = time.monotonic() + timeout
        while True:
            state: dict[str, Any] = self.workspace(project)["state"]
            if check(state):
                return state
            assert time.monotonic() < deadline, f"workspace never matched; last: {state}"
            time.sleep(0.1)

    def reset_workspace(self, project: str) -> None:
        for _ in range(5):
            version = self.workspace(project)["version"]
            response = self.client.put(f"/projects/{project}/workspace",
                                       json={"state": {}, "version": version})
            if response.status_code == 200:
                return
        raise AssertionError(f"could not reset the workspace of {project}: {response.text}")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """``stepscope demo``'s data (seed-replica, rl-example) served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser")
    data_dir = root / "data"
    # A private copy of the built dashboard, so a rebuild during the session (npm run build
    # empties the folder first) cannot pull files from under the page.
    static = root / "static"
    shutil.copytree(STATIC_DIR, static)
    store = open_store(data_dir)
    try:
        populate.fill_seed_replica(store)
        populate.fill_rl_example(data_dir)
        ids = {project: {r.name: r.id for r in store.list_runs(project, RunFilter(limit=100))[0]}
               for project in PROJECTS}
        with running_server(store, data_dir, static_dir=static, poll_seconds=0.1,
                            keepalive_seconds=1.0) as live:
            yield DemoServer(live.url, data_dir, store, live.client, ids)
    finally:
        store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # executable_path: Debian's Chromium; Playwright never downloads a browser here.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, demo_server: DemoServer) -> Iterator[Any]:
    """A fresh page (own context: no storage shared with other tests) over clean
    workspaces. Fails the test on any uncaught error in the page."""
    for project in PROJECTS:
        demo_server.reset_workspace(project)
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.add_init_script(INSTRUMENT_JS)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
