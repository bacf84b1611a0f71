"""Batches over HTTP: JSON and binary forms, idempotency, gaps, validation, limits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.api.conftest import LiveServer, running_server

from stepscope.query.engine import read_points
from stepscope.sdk.wal import encode_records
from stepscope.server.runner import open_store
from stepscope.store.base import PointBatch

WAL = {"Content-Type": "application/x-stepscope-wal"}


def stored(server: LiveServer, project: str, run_id: str, key: str) -> tuple[list[int],
                                                                              list[float]]:
    refs = server.store.resolve_series(project, [run_id], [key])
    if not refs:
        return [], []
    steps, values, _ = read_points(server.store, refs[0])
    return steps.tolist(), values.tolist()


def test_json_batch_stores_points_and_nonfinite_values(server: LiveServer) -> None:
    run = server.create_run("p", id="r")
    response = server.client.post("/projects/p/runs/r/batches", json={
        "stream": "s1", "start": 0, "end": 100, "keys": ["loss", "acc"],
        "key": [0, 1, 0, 0, 0], "step": [0, 0, 1, 2, 3],
        "value": [0.5, 0.1, None, "Infinity", "-Infinity"],
        "wall": [1.0, 1.0, 2.0, 3.0, 4.0]})
    assert response.status_code == 200, response.text
    assert response.json() == {"cursor": 100, "duplicate": False}
    steps, values = stored(server, "p", run["id"], "loss")
    assert steps == [0, 1, 2, 3]
    assert values[0] == 0.5 and np.isnan(values[1]) and values[2:] == [np.inf, -np.inf]
    got = server.client.get("/projects/p/runs/r").json()
    assert got["last_step"] == 3 and got["summary"]["acc"] == 0.1
    assert server.client.get("/projects/p/runs/r/streams/s1").json() == {"stream": "s1",
                                                                         "cursor": 100}
    assert server.client.get("/projects/p/runs/r/streams/other").json()["cursor"] == 0


def test_retry_is_a_duplicate_and_a_gap_is_409_with_the_cursor(server: LiveServer) -> None:
    server.create_run("p", id="r")
    first = server.post_points("p", "r", {"x": [1.0, 2.0]}, stream="s", start=0, end=10)
    assert first.json() == {"cursor": 10, "duplicate": False}
    again = server.post_points("p", "r", {"x": [1.0, 2.0]}, stream="s", start=0, end=10)
    assert again.status_code == 200 and again.json() == {"cursor": 10, "duplicate": True}
    gap = server.post_points("p", "r", {"x": [3.0]}, first_step=2, stream="s", start=20,
                             end=30)
    assert gap.status_code == 409
    assert gap.json()["cursor"] == 10 and gap.json()["error"]["code"] == "conflict"
    nxt = server.post_points("p", "r", {"x": [3.0]}, first_step=2, stream="s", start=10,
                             end=30)
    assert nxt.json() == {"cursor": 30, "duplicate": False}
    assert stored(server, "p", "r", "x") == ([0, 1, 2], [1.0, 2.0, 3.0])


def test_batches_without_identity_append(server: LiveServer) -> None:
    server.create_run("p", id="r")
    assert server.post_points("p", "r", {"x": [1.0]}).status_code == 200
    assert server.post_points("p", "r", {"x": [2.0]}, first_step=1).status_code == 200
    assert stored(server, "p", "r", "x") == ([0, 1], [1.0, 2.0])
    missing_wall = server.client.post("/projects/p/runs/r/batches", json={
        "keys": ["y"], "key": [0], "step": [5], "value": [1]})
    assert missing_wall.status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"keys": ["x"], "key": [0], "step": [-1], "value": [1.0]}, "step"),
    ({"keys": ["x"], "key": [0], "step": [1.5], "value": [1.0]}, "step"),
    ({"keys": ["x"], "key": [0], "step": [True], "value": [1.0]}, "step"),
    ({"keys": ["x"], "key": [0], "step": [2**70], "value": [1.0]}, "step"),
    ({"keys": ["x"], "key": [0], "step": [2**60], "value": [1.0]}, "step"),
    ({"keys": ["x"], "key": [0, 0], "step": [2, 1], "value": [1.0, 2.0]}, "step"),
    ({"keys": ["x"], "key": [1], "step": [0], "value": [1.0]}, "key"),
    ({"keys": ["x"], "key": ["0"], "step": [0], "value": [1.0]}, "key"),
    ({"keys": ["a//b"], "key": [0], "step": [0], "value": [1.0]}, "key"),
    ({"keys": [7], "key": [0], "step": [0], "value": [1.0]}, "keys"),
    ({"keys": ["x", "x"], "key": [0], "step": [0], "value": [1.0]}, "keys"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": ["1.0"]}, "value"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": [False]}, "value"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": [1.0, 2.0]}, "value"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": [1.0], "wall": [None]}, "wall"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": [1.0], "wall": [1.0, 2.0]}, "wall"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": [1.0], "stream": "s"}, "start"),
    ({"stream": "bad stream", "start": 0, "end": 1}, "stream"),
    ({"stream": "s", "start": 5, "end": 1}, "start"),
    ({"stream": "s", "start": -1, "end": 1}, "start"),
    ({"stream": "s", "start": 0, "end": 2**64}, "end"),
    ({"keys": ["x"], "key": [0], "step": [0], "value": [1.0], "extra": 1}, "extra"),
])
def test_invalid_batches_are_refused_naming_the_field(server: LiveServer, body: dict[str, object],
                                                      field: str) -> None:
    server.create_run("p", id="r")
    server.post_points("p", "r", {"x": [0.0]}, first_step=0)
    response = server.client.post("/projects/p/runs/r/batches", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert stored(server, "p", "r", "x") == ([0], [0.0])  # nothing written
    assert server.client.get("/projects/p/runs/r/streams/s").json()["cursor"] == 0


def test_step_before_the_stored_steps_is_refused(server: LiveServer) -> None:
    server.create_run("p", id="r")
    server.post_points("p", "r", {"x": [0.0, 1.0, 2.0]})
    response = server.post_points("p", "r", {"x": [9.0]}, first_step=1)
    assert response.status_code == 422 and response.json()["error"]["field"] == "step"
    assert stored(server, "p", "r", "x")[0] == [0, 1, 2]


def test_bad_requests(server: LiveServer) -> None:
    server.create_run("p", id="r")
    path = "/projects/p/runs/r/batches"
    assert server.client.post(path, content=b"{", headers={
        "Content-Type": "application/json"}).status_code == 400
    assert server.client.post(path, content=b"a=1", headers={
        "Content-Type": "text/plain"}).status_code == 415
    assert server.client.post("/projects/p/runs/missing/batches", json={}).status_code == 404
    assert server.client.post("/projects/q/runs/r/batches", json={}).status_code == 404


def test_binary_form_round_trips_and_is_idempotent(server: LiveServer) -> None:
    server.create_run("p", id="r")
    n = 5000
    batch = PointBatch(["a/x", "b"], np.tile([0, 1], n), np.repeat(np.arange(n), 2),
                       np.arange(2 * n, dtype=np.float64), np.repeat(np.arange(n) + 1e9, 2))
    body = encode_records(batch)
    params: dict[str, str | int] = {"stream": "w", "start": 0, "end": 9000}
    response = server.client.post("/projects/p/runs/r/batches", content=body, headers=WAL,
                                  params=params)
    assert response.json() == {"cursor": 9000, "duplicate": False}
    retry = server.client.post("/projects/p/runs/r/batches", content=body, headers=WAL,
                               params=params)
    assert retry.json()["duplicate"] is True
    steps, values = stored(server, "p", "r", "a/x")
    assert steps == list(range(n)) and values == [float(v) for v in range(0, 2 * n, 2)]


def test_binary_form_applies_meta_records_once(server: LiveServer) -> None:
    from stepscope.sdk.wal import _WORD, META, _padded

    server.create_run("p", id="r")

    def meta(config: dict[str, object]) -> bytes:
        payload = json.dumps({"config": config}).encode()
        word: bytes = _WORD.pack(len(payload) | META << 32)
        return word + payload + bytes(_padded(len(payload)) - len(payload))

    one = encode_records(PointBatch(["x"], np.array([0]), np.array([0]), np.array([1.0]),
                                    np.array([1.0]))) + meta({"v": 1})
    two = meta({"v": 2})
    post = server.client.post
    assert post("/projects/p/runs/r/batches", content=one, headers=WAL,
                params={"stream": "m", "start": 0, "end": 10}).status_code == 200
    assert post("/projects/p/runs/r/batches", content=two, headers=WAL,
                params={"stream": "m", "start": 10, "end": 20}).status_code == 200
    retry = post("/projects/p/runs/r/batches", content=one, headers=WAL,
                 params={"stream": "m", "start": 0, "end": 10})
    assert retry.json()["duplicate"] is True
    assert server.client.get("/projects/p/runs/r").json()["config"] == {"v": 2}


@pytest.mark.parametrize("body", [
    b"\x01", bytes(8), b"\x10\x00\x00\x00\x07\x00\x00\x00" + bytes(16),
    b"\x40\x00\x00\x00\x02\x00\x00\x00" + bytes(8)])
def test_malformed_binary_is_422(server: LiveServer, body: bytes) -> None:
    server.create_run("p", id="r")
    response = server.client.post("/projects/p/runs/r/batches", content=body, headers=WAL,
                                  params={"stream": "s", "start": 0, "end": 1})
    assert response.status_code == 422 and response.json()["error"]["field"] == "body"


def test_binary_with_unnamed_key_is_422(server: LiveServer) -> None:
    server.create_run("p", id="r")
    body = encode_records(PointBatch(["x"], np.array([0]), np.array([0]), np.array([1.0]),
                                     np.array([1.0])))
    body = body[16:]  # drop the KEY record (8-byte word + 8 bytes of payload)
    response = server.client.post("/projects/p/runs/r/batches", content=body, headers=WAL)
    assert response.status_code == 422 and "key id 0" in response.json()["error"]["message"]
    bad_param = server.client.post("/projects/p/runs/r/batches", content=b"", headers=WAL,
                                   params={"stream": "s", "start": "x", "end": 1})
    assert bad_param.status_code == 422 and bad_param.json()["error"]["field"] == "start"


def test_oversized_body_is_413_and_writes_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "d")
    try:
        with running_server(store, tmp_path / "d", max_body_bytes=1000) as live:
            live.create_run("p", id="r")
            big = live.post_points("p", "r", {"x": [0.5] * 500}, stream="s", start=0, end=1)
            assert big.status_code == 413
            assert big.json()["error"]["code"] == "payload_too_large"
            chunked = live.client.post(
                "/projects/p/runs/r/batches", headers={"Content-Type": "application/json"},
                content=iter([b'{"keys": [', b" " * 2000, b"]}"]))
            assert chunked.status_code == 413
            assert live.store.resolve_series("p", ["r"], ["x"]) == []
            assert live.post_points("p", "r", {"x": [0.5]}).status_code == 200
    finally:
        store.close()
