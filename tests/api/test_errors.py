"""Every error answer, whatever the endpoint and whatever went wrong, has one shape:
``{"error": {"status", "code", "message", "field"?}}`` (plus ``cursor`` on a gap)."""

from __future__ import annotations

from typing import Any

import httpx
from tests.api.conftest import LiveServer

JSON = {"Content-Type": "application/json"}


def assert_error_shape(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code >= 400, response.text
    assert response.headers["content-type"] == "application/json", response.headers
    body = response.json()
    assert set(body) <= {"error", "cursor"}, body
    error = body["error"]
    assert set(error) <= {"status", "code", "message", "field"}, body
    assert error["status"] == response.status_code
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error.get("field", ""), str)
    if "cursor" in body:
        assert isinstance(body["cursor"], int)
    error_body: dict[str, Any] = body
    return error_body


def test_every_error_has_the_single_shape(server: LiveServer) -> None:
    server.create_run("p", id="r")
    server.post_points("p", "r", {"x": [1.0]}, stream="s", start=0, end=10)
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/nope", {}),
        ("DELETE", "/projects", {}),
        ("GET", "/projects/nope/runs", {}),
        ("GET", "/projects/p/runs?limit=0", {}),
        ("GET", "/projects/p/runs?sort=x", {}),
        ("GET", "/projects/.bad/runs", {}),
        ("POST", "/projects/p/runs", {"content": b"nope", "headers": JSON}),
        ("POST", "/projects/p/runs", {"json": {"id": "r", "resume": "never"}}),
        ("POST", "/projects/p/runs", {"json": {"id": "zz", "resume": "must"}}),
        ("POST", "/projects/p/runs", {"json": {"tags": 1}}),
        ("GET", "/projects/p/runs/zz", {}),
        ("GET", "/projects/p/runs/b%20d", {}),
        ("PATCH", "/projects/p/runs/r", {"json": {"status": 1}}),
        ("PATCH", "/projects/p/runs/zz", {"json": {}}),
        ("PATCH", "/projects/p/runs/r", {"content": b"[", "headers": JSON}),
        ("POST", "/projects/p/runs/r/batches", {"json": {"stream": "s", "start": 20,
                                                         "end": 30}}),
        ("POST", "/projects/p/runs/r/batches", {"json": {"keys": ["x"], "key": [0],
                                                         "step": [-1], "value": [1]}}),
        ("POST", "/projects/p/runs/r/batches", {"content": b"x", "headers": {
            "Content-Type": "application/x-stepscope-wal"}}),
        ("POST", "/projects/p/runs/r/batches", {"content": b"x", "headers": {
            "Content-Type": "image/png"}}),
        ("POST", "/projects/p/runs/zz/batches", {"json": {}}),
        ("GET", "/projects/p/runs/zz/streams/s", {}),
        ("GET", "/projects/p/runs/r/streams/b%20d", {}),
        ("GET", "/projects/nope/keys", {}),
        ("GET", "/projects/p/keys?run=b%20d", {}),
        ("POST", "/projects/p/series/query", {"json": {"keys": ["x"], "buckets": 0}}),
        ("POST", "/projects/nope/series/query", {"json": {"keys": ["x"]}}),
        ("GET", "/projects/p/series?key=x&x=bad", {}),
        ("GET", "/projects/nope/workspace", {}),
        ("PUT", "/projects/p/workspace", {"json": {"state": {}, "version": 7}}),
        ("PUT", "/projects/p/workspace", {"json": {"state": 1, "version": 0}}),
        ("GET", "/projects/nope/events", {}),
    ]
    statuses = set()
    for method, path, options in requests:
        response = server.client.request(method, path, **options)
        assert_error_shape(response)
        statuses.add(response.status_code)
    assert statuses == {400, 404, 405, 409, 415, 422}
    gap = server.client.post("/projects/p/runs/r/batches",
                             json={"stream": "s", "start": 20, "end": 30})
    assert assert_error_shape(gap)["cursor"] == 10


def test_unknown_api_paths_outside_v1_are_json_404(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/api/v2/projects")
    assert_error_shape(response)
    assert response.status_code == 404
