"""Keys and the series query over HTTP."""

from __future__ import annotations

import numpy as np
from tests.api.conftest import LiveServer

from stepscope.query.engine import SeriesQuery, query_series


def test_keys_with_sections_in_order_of_first_appearance(server: LiveServer) -> None:
    a = server.create_run("p", id="a")["id"]
    b = server.create_run("p", id="b")["id"]
    server.post_points("p", a, {"eval/acc": [0.1, 0.2], "actor/kl": [0.0], "actor/entropy": [1.0]})
    server.post_points("p", b, {"actor/kl": [0.5, 0.6, 0.7], "loss": [1.0]})
    body = server.client.get("/projects/p/keys").json()
    assert body["sections"] == ["eval", "actor", "loss"]
    assert [k["key"] for k in body["keys"]] == ["eval/acc", "actor/entropy", "actor/kl", "loss"]
    kl = next(k for k in body["keys"] if k["key"] == "actor/kl")
    assert kl == {"key": "actor/kl", "section": "actor", "runs": 2, "last_step": 2}
    only_b = server.client.get("/projects/p/keys", params={"run": "b"}).json()
    assert [k["key"] for k in only_b["keys"]] == ["actor/kl", "loss"]
    assert server.client.get("/projects/nope/keys").status_code == 404
    bad = server.client.get("/projects/p/keys", params={"run": "a b"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "run"


def test_batch_query_matches_the_engine(server: LiveServer) -> None:
    server.create_run("p", id="a")
    server.create_run("p", id="b")
    values = np.sin(np.arange(3000) / 50.0)
    values[1234] = 40.0  # a spike that must survive downsampling
    server.post_points("p", "a", {"y": values.tolist()})
    server.post_points("p", "b", {"y": [1.0, None, 3.0]})  # type: ignore[list-item]
    query = {"runs": ["b", "a", "missing"], "keys": ["y", "nokey"], "x": "step",
             "x_range": None, "buckets": 100}
    response = server.client.post("/projects/p/series/query", json=query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["x"] == "step" and body["buckets"] == 100
    assert [(s["run"], s["key"]) for s in body["series"]] == [("b", "y"), ("a", "y")]
    expected = query_series(server.store, "p", SeriesQuery(["b", "a", "missing"], ["y", "nokey"],
                                                           buckets=100))
    assert body["series"] == [e.to_dict() for e in expected]
    b, a = body["series"]
    assert b["raw"] is True and b["x"] == [0, 1, 2] and b["last"] == [1.0, None, 3.0]
    assert b["nonfinite"] == [0, 1, 0]
    assert a["raw"] is False and len(a["x"]) <= 100 and max(a["max"]) == 40.0


def test_zoom_and_one_off_get(server: LiveServer) -> None:
    server.create_run("p", id="a")
    server.post_points("p", "a", {"y": [float(i) for i in range(500)]})
    zoom = server.client.post("/projects/p/series/query", json={
        "runs": ["a"], "keys": ["y"], "x_range": [100.5, 110], "buckets": 1000}).json()
    (env,) = zoom["series"]
    assert env["raw"] is True and env["x"] == list(range(101, 111))
    one_off = server.client.get("/projects/p/series", params={
        "run": "a", "key": "y", "x_min": "100.5", "x_max": "110", "buckets": "1000"}).json()
    assert one_off["series"] == zoom["series"]
    open_ended = server.client.get("/projects/p/series", params={
        "run": "a", "key": "y", "x_min": "495"}).json()
    assert open_ended["series"][0]["x"] == [495, 496, 497, 498, 499]
    huge = server.client.post("/projects/p/series/query", json={
        "runs": ["a"], "keys": ["y"], "x_range": [-1e300, 1e300]})
    assert huge.status_code == 200 and len(huge.json()["series"][0]["x"]) == 500


def test_other_axes(server: LiveServer) -> None:
    server.create_run("p", id="a")
    server.post_points("p", "a", {"y": [1.0, 2.0, 3.0], "tokens": [10.0, 20.0, 30.0]})
    wall = server.client.post("/projects/p/series/query", json={
        "runs": ["a"], "keys": ["y"], "x": "wall"}).json()["series"][0]
    assert wall["x"] == [1_700_000_000, 1_700_000_001, 1_700_000_002]
    metric = server.client.post("/projects/p/series/query", json={
        "runs": ["a"], "keys": ["y"], "x": "metric:tokens"}).json()
    assert metric["x"] == "metric:tokens" and metric["series"][0]["x"] == [10, 20, 30]


def test_query_refuses_bad_input(server: LiveServer) -> None:
    server.create_run("p", id="a")
    for body, field in [({"runs": "a", "keys": ["y"]}, "runs"), ({"keys": "y"}, "keys"),
                        ({"keys": ["y"], "buckets": 0}, "buckets"),
                        ({"keys": ["y"], "buckets": 10001}, "buckets"),
                        ({"keys": ["y"], "buckets": 1.5}, "buckets"),
                        ({"keys": ["y"], "x": "time"}, "x"),
                        ({"keys": ["y"], "x_range": [5, 1]}, "x_range"),
                        ({"keys": ["y"], "x_range": [1]}, "x_range"),
                        ({"keys": ["y"], "x_range": ["a", "b"]}, "x_range"),
                        ({"keys": ["/y"]}, "key"), ({"runs": ["a b"], "keys": ["y"]}, "runs"),
                        ({"keys": ["y"], "bucket": 3}, "bucket")]:
        response = server.client.post("/projects/p/series/query", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field, body
    assert server.client.post("/projects/nope/series/query",
                              json={"keys": ["y"]}).status_code == 404
    bad = server.client.get("/projects/p/series", params={"key": "y", "x_min": "abc"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "x_min"
    bad = server.client.get("/projects/p/series", params={"key": "y", "x_max": "nan"})
    assert bad.status_code == 422
