"""Projects and runs over HTTP: create/resume, read, change, list with filters."""

from __future__ import annotations

from tests.api.conftest import LiveServer


def test_projects_lists_run_counts(server: LiveServer) -> None:
    assert server.client.get("/projects").json() == {"projects": []}
    server.create_run("alpha", name="a")
    server.create_run("alpha", name="b")
    server.create_run("beta", name="c")
    projects = {p["name"]: p for p in server.client.get("/projects").json()["projects"]}
    assert projects["alpha"]["run_count"] == 2
    assert projects["beta"]["run_count"] == 1
    assert isinstance(projects["beta"]["updated_at"], float)


def test_create_resume_and_never(server: LiveServer) -> None:
    created = server.client.post("/projects/p/runs", json={
        "id": "run-1", "name": "first", "tags": ["a", "b"], "config": {"lr": 1e-6},
        "notes": "hello", "group": "g", "metadata": {"host": "h"}})
    assert created.status_code == 201
    run = created.json()
    assert (run["id"], run["name"], run["tags"], run["config"], run["status"]) == (
        "run-1", "first", ["a", "b"], {"lr": 1e-6}, "running")
    assert run["project"] == "p" and run["group"] == "g" and run["notes"] == "hello"
    assert run["last_step"] is None and run["color"] is None
    resumed = server.client.post("/projects/p/runs", json={"id": "run-1"})
    assert resumed.status_code == 200 and resumed.json()["name"] == "first"
    never = server.client.post("/projects/p/runs", json={"id": "run-1", "resume": "never"})
    assert never.status_code == 409
    must = server.client.post("/projects/p/runs", json={"id": "nope", "resume": "must"})
    assert must.status_code == 404
    generated = server.client.post("/projects/p/runs", json={})
    assert generated.status_code == 201 and generated.json()["id"]


def test_get_run_and_unknowns(server: LiveServer) -> None:
    run = server.create_run("p", name="x")
    assert server.client.get(f"/projects/p/runs/{run['id']}").json() == run
    assert server.client.get("/projects/p/runs/missing").status_code == 404
    assert server.client.get(f"/projects/other/runs/{run['id']}").status_code == 404
    assert server.client.get("/projects/nope/runs").status_code == 404
    bad = server.client.get("/projects/p/runs/bad%20id")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "run_id"
    bad = server.client.get("/projects/.hidden/runs")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "project"


def test_patch_fields(server: LiveServer) -> None:
    run = server.create_run("p", name="x")
    path = f"/projects/p/runs/{run['id']}"
    changed = server.client.patch(path, json={
        "name": "renamed", "tags": ["t"], "notes": "n", "group": "g", "color": "#FF0000",
        "config": {"a": 1}, "summary": {"best": 0.5}, "status": "finished",
        "metrics": {"loss": {"goal": "minimize", "summary": "min"}}, "heartbeat_at": 12.5})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["name"], body["tags"], body["notes"], body["group"], body["color"]) == (
        "renamed", ["t"], "n", "g", "#ff0000")
    assert body["config"] == {"a": 1} and body["summary"]["best"] == 0.5
    assert body["status"] == "finished"
    assert body["heartbeat_at"] > 1e9  # the server's clock, not the value sent
    assert body["metrics"]["loss"]["goal"] == "minimize"
    cleared = server.client.patch(path, json={"color": None}).json()
    assert cleared["color"] is None and cleared["name"] == "renamed"
    assert server.client.patch(path, json={}).status_code == 200


def test_patch_refuses_bad_fields(server: LiveServer) -> None:
    run = server.create_run("p", name="x")
    path = f"/projects/p/runs/{run['id']}"
    for body, field in [({"status": "done"}, "status"), ({"color": "red"}, "color"),
                        ({"tags": "a"}, "tags"), ({"tags": [1]}, "tags"),
                        ({"name": 3}, "name"), ({"name": ""}, "name"),
                        ({"config": [1]}, "config"), ({"metrics": {"k": 1}}, "metrics"),
                        ({"metrics": {"k": {"goal": "up"}}}, "metrics"),
                        ({"heartbeat_at": "now"}, "heartbeat_at"), ({"colour": "#000000"},
                                                                    "colour")]:
        response = server.client.patch(path, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field, body
    assert server.client.get(path).json() == run  # nothing changed
    assert server.client.patch("/projects/p/runs/missing", json={}).status_code == 404


def test_list_filters_sort_and_pages(server: LiveServer) -> None:
    a = server.create_run("p", name="alpha", tags=["x", "y"], group="g1", config={"lr": 0.001})
    b = server.create_run("p", name="beta", tags=["x"], group="g2", config={"lr": 0.01,
                                                                            "opt": "adam"})
    c = server.create_run("p", name="gamma", config={"lr": 0.001})
    server.client.patch(f"/projects/p/runs/{c['id']}", json={"status": "failed"})

    def ids(**params: object) -> list[str]:
        response = server.client.get("/projects/p/runs", params=params)  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["runs"]]

    assert ids() == [c["id"], b["id"], a["id"]]  # newest first by default
    assert ids(sort="created_at") == [a["id"], b["id"], c["id"]]
    assert ids(sort="-name") == [c["id"], b["id"], a["id"]]
    assert ids(status="failed") == [c["id"]]
    assert ids(status=["failed", "running"], sort="name") == [a["id"], b["id"], c["id"]]
    assert ids(tag=["x", "y"]) == [a["id"]]
    assert ids(group="g2") == [b["id"]]
    assert ids(q="AMM") == [c["id"]]
    assert sorted(ids(**{"config.lr": "0.001"})) == sorted([a["id"], c["id"]])
    assert ids(**{"config.lr": "1e-3"}, sort="name") == [a["id"], c["id"]]
    assert ids(**{"config.opt": "adam"}) == [b["id"]]
    page = server.client.get("/projects/p/runs", params={"limit": 2, "offset": 1,
                                                         "sort": "name"}).json()
    assert [r["id"] for r in page["runs"]] == [b["id"], c["id"]] and page["total"] == 3


def test_list_refuses_bad_parameters(server: LiveServer) -> None:
    server.create_run("p")
    for params, field in [({"sort": "size"}, "sort"), ({"limit": "0"}, "limit"),
                          ({"limit": "1001"}, "limit"), ({"limit": "x"}, "limit"),
                          ({"offset": "-1"}, "offset"), ({"status": "done"}, "status")]:
        response = server.client.get("/projects/p/runs", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"]["field"] == field


def test_create_refuses_bad_bodies(server: LiveServer) -> None:
    for body, field in [({"id": "bad id"}, "id"), ({"resume": "maybe"}, "resume"),
                        ({"tags": "x"}, "tags"), ({"config": 3}, "config"),
                        ({"extra": 1}, "extra"), ({"name": ["x"]}, "name")]:
        response = server.client.post("/projects/p/runs", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["field"] == field
    malformed = server.client.post("/projects/p/runs", content=b"{not json",
                                   headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400
    not_object = server.client.post("/projects/p/runs", json=[1, 2])
    assert not_object.status_code == 422
    bad_project = server.client.post("/projects/-x%20y/runs", json={})
    assert bad_project.status_code == 422
    assert server.client.get("/projects").json() == {"projects": []}  # nothing created
