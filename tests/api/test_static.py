"""The dashboard's files at /, index.html for its routes, and the page shown when the
dashboard was not built."""

from __future__ import annotations

from pathlib import Path

import httpx
from tests.api.conftest import running_server

from stepscope.server.runner import open_store


def make_build(root: Path) -> None:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>stepscope</title>")
    (root / "assets" / "app-1234.js").write_text("console.log(1)")
    (root / "favicon.svg").write_text("<svg/>")


def test_dashboard_files_and_routes(tmp_path: Path) -> None:
    build = tmp_path / "static"
    make_build(build)
    (tmp_path / "secret.txt").write_text("no")
    store = open_store(tmp_path / "d")
    try:
        with running_server(store, tmp_path / "d", static_dir=build) as live:
            index = httpx.get(f"{live.url}/")
            assert index.status_code == 200 and "<title>stepscope" in index.text
            assert index.headers["cache-control"] == "no-cache"
            route = httpx.get(f"{live.url}/p/seed-replica?panel=actor%2Fkl_loss")
            assert route.status_code == 200 and route.text == index.text
            asset = httpx.get(f"{live.url}/assets/app-1234.js")
            assert asset.text == "console.log(1)"
            assert "immutable" in asset.headers["cache-control"]
            assert httpx.get(f"{live.url}/favicon.svg").text == "<svg/>"
            assert httpx.head(f"{live.url}/p/x").status_code == 200
            missing = httpx.get(f"{live.url}/assets/gone.js")
            assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
            escape = httpx.get(f"{live.url}/..%2Fsecret.txt")
            assert escape.status_code == 404
            assert httpx.get(f"{live.url}/%2E%2E/secret.txt").text != "no"
            api = httpx.get(f"{live.url}/api/v1/projects")
            assert api.json() == {"projects": []}
    finally:
        store.close()


def test_not_built_page(tmp_path: Path) -> None:
    store = open_store(tmp_path / "d")
    try:
        for static_dir in (None, tmp_path / "empty"):
            with running_server(store, tmp_path / "d", static_dir=static_dir) as live:
                for path in ("/", "/p/seed-replica"):
                    page = httpx.get(f"{live.url}{path}")
                    assert page.status_code == 200
                    assert page.headers["content-type"].startswith("text/html")
                    assert "not built" in page.text and "npm run build" in page.text
    finally:
        store.close()
