"""A server started with --auth: the dashboard asks for an API key on a 401, keeps it
for the session, and sends it on every call, live events included."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.api.conftest import LiveServer, running_server

from stepscope.server.auth import AccessPolicy
from stepscope.server.runner import open_store
from stepscope.server.static import STATIC_DIR
from stepscope.store.base import RunSpec

from .conftest import VIEWPORT

pytestmark = pytest.mark.browser


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[LiveServer, str, str]]:
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static)
    store = open_store(tmp_path / "data")
    try:
        _, read_a = store.create_api_key("alpha", "read")
        _, write_all = store.create_api_key("*", "write")
        for project in ("alpha", "beta"):
            store.create_run(project, RunSpec(id="r1", name=f"{project}-run"))
        with running_server(store, tmp_path / "data", static_dir=static,
                            access=AccessPolicy(auth=True), keepalive_seconds=0.5) as live:
            yield live, read_a, write_all
    finally:
        store.close()


def test_the_dashboard_asks_for_a_key_and_keeps_it(browser: Any,
                                                    secured: tuple[LiveServer, str, str]) -> None:
    server, read_a, _ = secured
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(server.url + "/")
        prompt = page.get_by_test_id("key-prompt")
        expect(prompt).to_be_visible()
        page.get_by_test_id("key-input").fill("ssk_00000000_" + "x" * 43)
        page.get_by_test_id("key-save").click()
        # A refused key is dropped and asked for again, saying so.
        expect(page.get_by_test_id("key-prompt")).to_contain_text("refused")
        page.get_by_test_id("key-input").fill(read_a)
        page.get_by_test_id("key-save").click()
        links = page.get_by_test_id("project-link")
        expect(links).to_have_count(1)  # the key sees its own project only
        expect(links.first).to_have_attribute("data-project", "alpha")
        assert page.evaluate("sessionStorage.getItem('stepscope.token')") == read_a
        assert page.evaluate("localStorage.getItem('stepscope.token')") is None
        # Kept for the session: a new page of the same tab session needs no prompt.
        page.goto(server.url + "/p/alpha")
        expect(page.get_by_text("alpha-run").first).to_be_visible()
        expect(page.get_by_test_id("key-prompt")).to_have_count(0)
        page.wait_for_function("() => true")
        events = [url for url in requested if url.endswith("/events") or "/events?" in url]
        assert events and all(f"token={read_a}" in url for url in events), events
    finally:
        context.close()
