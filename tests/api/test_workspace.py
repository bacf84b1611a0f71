"""The dashboard's saved state: versions and optimistic concurrency."""

from __future__ import annotations

from tests.api.conftest import LiveServer


def test_workspace_versions(server: LiveServer) -> None:
    server.create_run("p")
    assert server.client.get("/projects/p/workspace").json() == {"state": {}, "version": 0}
    first = server.client.put("/projects/p/workspace", json={"state": {"pinned": ["a"]},
                                                             "version": 0})
    assert first.status_code == 200 and first.json() == {"state": {"pinned": ["a"]},
                                                         "version": 1}
    stale = server.client.put("/projects/p/workspace", json={"state": {"x": 1}, "version": 0})
    assert stale.status_code == 409 and stale.json()["error"]["field"] == "version"
    assert server.client.get("/projects/p/workspace").json() == {"state": {"pinned": ["a"]},
                                                                 "version": 1}
    second = server.client.put("/projects/p/workspace", json={"state": {}, "version": 1})
    assert second.json()["version"] == 2


def test_workspace_errors(server: LiveServer) -> None:
    server.create_run("p")
    assert server.client.get("/projects/nope/workspace").status_code == 404
    assert server.client.put("/projects/nope/workspace",
                             json={"state": {}, "version": 0}).status_code == 404
    for body, field in [({"version": 0}, "state"), ({"state": {}}, "version"),
                        ({"state": [], "version": 0}, "state"),
                        ({"state": {}, "version": "0"}, "version"),
                        ({"state": {}, "version": -1}, "version"),
                        ({"state": {}, "version": 0, "x": 1}, "x")]:
        response = server.client.put("/projects/p/workspace", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["field"] == field
