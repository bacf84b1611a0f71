"""Access control (docs/auth.md): API keys with a project and a scope, revocation, the
ingest rate limit, the Host check of a loopback server, and CORS."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import LiveServer, ServerProcess, running_server

import stepscope
from stepscope.errors import Forbidden, Unauthorized
from stepscope.server.auth import AccessPolicy, need_of
from stepscope.server.hosts import LOOPBACK_NAMES, host_name, is_loopback
from stepscope.server.ratelimit import TokenBuckets
from stepscope.server.runner import open_store
from stepscope.store.base import Store

BATCH = {"keys": ["loss"], "key": [0], "step": [0], "value": [1.0]}


@dataclass
class Keys:
    admin_a: str
    write_a: str
    read_a: str
    write_b: str
    everything: str


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[LiveServer, Keys]]:
    store = open_store(tmp_path / "data")
    try:
        keys = Keys(*(store.create_api_key(project, scope)[1] for project, scope in (
            ("a", "admin"), ("a", "write"), ("a", "read"), ("b", "write"), ("*", "admin"))))
        policy = AccessPolicy(auth=True, ingest_rate=5, ingest_burst=5)
        with running_server(store, tmp_path / "data", access=policy,
                            keepalive_seconds=0.5) as live:
            for project in ("a", "b"):
                created = live.client.post(f"/projects/{project}/runs", json={"id": "r"},
                                           headers=_bearer(keys.everything))
                assert created.status_code == 201, created.text
            yield live, keys
    finally:
        store.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    code: str = response.json()["error"]["code"]
    return code


def test_every_api_call_but_health_needs_a_valid_key(
        secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    client = server.client
    assert client.get("/health").status_code == 200
    for method, path in [("GET", "/projects"), ("GET", "/openapi.json"),
                         ("GET", "/projects/a/runs"), ("POST", "/projects/a/runs"),
                         ("GET", "/projects/a/events"), ("GET", "/projects/a/api-keys"),
                         ("GET", "/no/such/endpoint")]:
        missing = client.request(method, path)
        assert _error(missing, 401) == "unauthorized"
        assert missing.headers["WWW-Authenticate"].startswith("Bearer")
        for wrong in ("nonsense", keys.read_a[:-2] + "xx", "Basic abc"):
            assert client.request(method, path, headers=_bearer(wrong)).status_code == 401
    assert client.get("/projects/a/runs", headers={"Authorization": keys.read_a}).status_code \
        == 401  # the scheme is required
    assert client.get("/projects/a/runs", headers=_bearer(keys.read_a)).status_code == 200
    # The dashboard's files hold no data: no key needed.
    assert client.get(f"{server.url}/").status_code == 200


def test_a_key_sees_only_its_project(secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    client = server.client
    names = [p["name"] for p in client.get("/projects", headers=_bearer(keys.read_a))
             .json()["projects"]]
    assert names == ["a"]
    everything = client.get("/projects", headers=_bearer(keys.everything)).json()
    assert sorted(p["name"] for p in everything["projects"]) == ["a", "b"]
    for path in ("/projects/b/runs", "/projects/b/runs/r", "/projects/b/keys",
                 "/projects/b/workspace", "/projects/b/series?run=r&key=loss",
                 "/projects/b/insights", "/projects/b/events"):
        assert _error(client.get(path, headers=_bearer(keys.write_a)), 403) == "forbidden"
    assert client.post("/projects/b/runs/r/batches", json=BATCH,
                       headers=_bearer(keys.write_a)).status_code == 403
    # A new project is another project too.
    assert client.post("/projects/c/runs", json={}, headers=_bearer(keys.write_a)) \
        .status_code == 403


def test_a_read_key_cannot_write(secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    client, read = server.client, _bearer(keys.read_a)
    assert client.post("/projects/a/series/query", json={"runs": ["r"], "keys": ["loss"]},
                       headers=read).status_code == 200  # a query is a read
    for method, path, body in [
            ("POST", "/projects/a/runs", {"id": "new"}),
            ("PATCH", "/projects/a/runs/r", {"name": "renamed"}),
            ("POST", "/projects/a/runs/r/batches", BATCH),
            ("PUT", "/projects/a/workspace", {"state": {}, "version": 0})]:
        assert _error(client.request(method, path, json=body, headers=read), 403) == \
            "forbidden"
    run = client.get("/projects/a/runs/r", headers=read).json()
    assert run["name"] == "r" and run["last_step"] is None  # nothing was written
    stored = client.post("/projects/a/runs/r/batches", json=BATCH,
                         headers=_bearer(keys.write_a))
    assert stored.status_code == 200, stored.text


def test_keys_are_managed_by_an_admin_of_the_project(secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    client = server.client
    assert client.get("/projects/a/api-keys", headers=_bearer(keys.write_a)) \
        .status_code == 403
    assert client.get("/projects/b/api-keys", headers=_bearer(keys.admin_a)) \
        .status_code == 403
    listed = client.get("/projects/a/api-keys", headers=_bearer(keys.admin_a)).json()
    assert [k["scope"] for k in listed["keys"]] == ["admin", "write", "read"]
    assert all(keys.admin_a not in str(k) for k in listed["keys"])
    created = client.post("/projects/a/api-keys", json={"scope": "read", "name": "viewer"},
                          headers=_bearer(keys.admin_a))
    assert created.status_code == 201, created.text
    token, key_id = created.json()["token"], created.json()["key"]["id"]
    assert client.get("/projects/a/runs", headers=_bearer(token)).status_code == 200
    revoked = client.delete(f"/projects/a/api-keys/{key_id}", headers=_bearer(keys.admin_a))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    # Revocation takes effect at once.
    assert _error(client.get("/projects/a/runs", headers=_bearer(token)), 401) == \
        "unauthorized"
    # Another project's key cannot be revoked through this one.
    b_key = server.store.list_api_keys("b")[0].id
    assert client.delete(f"/projects/a/api-keys/{b_key}",
                         headers=_bearer(keys.admin_a)).status_code == 404
    assert server.store.list_api_keys("b")[0].revoked_at is None


def test_a_revoked_key_is_refused(secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    (write_a,) = [k for k in server.store.list_api_keys("a") if k.scope == "write"]
    server.store.revoke_api_key(write_a.id)
    response = server.client.get("/projects/a/runs", headers=_bearer(keys.write_a))
    assert _error(response, 401) == "unauthorized"


def test_the_event_stream_takes_the_key_as_a_query_parameter(
        secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    with server.client.stream("GET", f"/projects/a/events?token={keys.read_a}") as stream:
        assert stream.status_code == 200
        assert next(stream.iter_lines()).startswith("retry:")
    with server.client.stream("GET", f"/projects/b/events?token={keys.read_a}") as stream:
        assert stream.status_code == 403
    # Only there: elsewhere a key in the URL would end up in logs and histories.
    assert server.client.get(f"/projects/a/runs?token={keys.read_a}").status_code == 401


def test_ingest_is_rate_limited_per_key(secured: tuple[LiveServer, Keys]) -> None:
    server, keys = secured
    statuses = []
    for step in range(12):
        body = {**BATCH, "step": [step]}
        response = server.client.post("/projects/a/runs/r/batches", json=body,
                                      headers=_bearer(keys.write_a))
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert _error(response, 429) == "rate_limited"
            assert int(response.headers["Retry-After"]) >= 1
    assert statuses[:5] == [200] * 5 and 429 in statuses  # a burst of 5, then 5 a second
    # Refused batches wrote nothing; another key has a bucket of its own.
    (loss,) = server.client.get("/projects/a/series", params={"run": "r", "key": "loss"},
                                headers=_bearer(keys.read_a)).json()["series"]
    assert loss["x"] == [step for step, status in enumerate(statuses) if status == 200]
    other = server.client.post("/projects/b/runs/r/batches", json=BATCH,
                               headers=_bearer(keys.write_b))
    assert other.status_code == 200
    # Reads are not limited.
    for _ in range(20):
        assert server.client.get("/projects/a/runs", headers=_bearer(keys.write_a)) \
            .status_code == 200


def test_the_sdk_sends_stepscope_api_key(secured: tuple[LiveServer, Keys], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server, keys = secured
    monkeypatch.setenv("STEPSCOPE_API_KEY", keys.read_a)
    with pytest.raises(Forbidden):
        stepscope.init(project="a", dir=tmp_path / "c1", server=server.url)
    monkeypatch.setenv("STEPSCOPE_API_KEY", "ssk_00000000_" + "x" * 43)
    with pytest.raises(Unauthorized):
        stepscope.init(project="a", dir=tmp_path / "c2", server=server.url)
    monkeypatch.setenv("STEPSCOPE_API_KEY", keys.write_a)
    run = stepscope.init(project="a", id="sdk", dir=tmp_path / "c3", server=server.url)
    for step in range(1000):
        run.log({"x": float(step)})
    run.finish(quiet=True)
    record = server.store.get_run("a", "sdk")
    assert record.status.value == "finished" and record.last_step == 999


def test_without_auth_keys_cannot_be_managed_over_http(server: LiveServer) -> None:
    server.create_run("p", id="r")
    assert _error(server.client.get("/projects/p/api-keys"), 403) == "forbidden"
    assert server.client.post("/projects/p/api-keys", json={"scope": "admin"}) \
        .status_code == 403
    assert server.store.list_api_keys() == []


def test_what_each_call_needs() -> None:
    assert need_of("GET", "/api/v1/health") is None
    assert need_of("GET", "/assets/index.js") is None
    assert need_of("GET", "/api/v1/projects") == need_of("GET", "/api/v1/openapi.json")
    read = need_of("POST", "/api/v1/projects/a/series/query")
    assert read is not None and (read.project, read.scope) == ("a", "read")
    ingest = need_of("POST", "/api/v1/projects/a/runs/r/batches")
    assert ingest is not None and (ingest.scope, ingest.ingest) == ("write", True)
    admin = need_of("DELETE", "/api/v1/projects/a/api-keys/1234abcd")
    assert admin is not None and admin.scope == "admin"
    events = need_of("GET", "/api/v1/projects/a/events")
    assert events is not None and events.events


def test_serving_beyond_loopback_turns_keys_on() -> None:
    assert AccessPolicy.for_serving("0.0.0.0").auth
    assert AccessPolicy.for_serving("10.1.2.3").allowed_hosts is None
    assert not AccessPolicy.for_serving("127.0.0.1").auth
    assert AccessPolicy.for_serving("0.0.0.0", auth=False).auth is False
    assert AccessPolicy.for_serving("::1", auth=True).auth
    local = AccessPolicy.for_serving("localhost", extra_hosts=("box.lan",))
    assert local.allowed_hosts == (*LOOPBACK_NAMES, "box.lan")
    assert is_loopback("127.0.0.2") and is_loopback("[::1]") and not is_loopback("0.0.0.0")
    assert host_name("[::1]:5473") == "[::1]" and host_name("LocalHost:80") == "localhost"


def test_token_buckets_refill_at_their_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(2, 3, clock=lambda: now[0])
    assert [buckets.take("k") for _ in range(3)] == [0.0] * 3
    assert buckets.take("k") == pytest.approx(0.5)
    assert buckets.take("other") == 0.0
    now[0] = 0.5
    assert buckets.take("k") == 0.0 and buckets.take("k") > 0
    now[0] = 100.0
    assert [buckets.take("k") for _ in range(4)][-1] > 0  # never more than the burst


@pytest.fixture
def loopback_server(tmp_path: Path) -> Iterator[LiveServer]:
    store = open_store(tmp_path / "data")
    try:
        policy = AccessPolicy(allowed_hosts=LOOPBACK_NAMES,
                              cors_origins=("https://lab.example.com",))
        with running_server(store, tmp_path / "data", access=policy) as live:
            yield live
    finally:
        store.close()


def test_a_loopback_server_refuses_other_host_names(loopback_server: LiveServer) -> None:
    client, port = loopback_server.client, loopback_server.url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "[::1]", "LOCALHOST"):
        assert client.get("/projects", headers={"Host": host}).status_code == 200
    for host in ("evil.example.com", f"evil.example.com:{port}", "127.0.0.1.nip.io", ""):
        refused = client.get("/projects", headers={"Host": host})
        assert _error(refused, 400) == "invalid_host"
        assert client.get(f"{loopback_server.url}/", headers={"Host": host}) \
            .status_code == 400  # the dashboard too


def test_cors_is_only_for_the_origins_given(loopback_server: LiveServer,
                                            server: LiveServer) -> None:
    preflight = {"Origin": "https://lab.example.com", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    allowed = loopback_server.client.options("/projects/p/series/query", headers=preflight)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://lab.example.com"
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    other = loopback_server.client.options(
        "/projects/p/series/query", headers={**preflight, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    get = loopback_server.client.get("/projects", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in get.headers
    # By default no origin is allowed at all.
    default = server.client.get("/projects", headers={"Origin": "https://lab.example.com"})
    assert "Access-Control-Allow-Origin" not in default.headers
    assert "Access-Control-Allow-Origin" not in server.client.options(
        "/projects/p/series/query", headers=preflight).headers


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stepscope.cli.main", *args], text=True,
                          capture_output=True, timeout=60,
                          env={**os.environ, "STEPSCOPE_QUIET": "1"})


def test_keys_cli_with_a_served_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = _cli("keys", "create", "--dir", str(data), "--project", "team",
                   "--scope", "write", "--name", "ci")
    assert created.returncode == 0, created.stderr
    token = created.stdout.split()[-1]
    assert token.startswith("ssk_")
    listed = _cli("keys", "ls", "--dir", str(data))
    assert listed.returncode == 0 and "team" in listed.stdout and "write" in listed.stdout
    secret = token[len("ssk_12345678_"):]
    assert token not in listed.stdout and secret not in listed.stdout
    server = ServerProcess(data, args=("--auth",))
    try:
        url = server.start()
        api = f"{url}/api/v1/projects/team/runs"
        assert httpx.post(api, json={"id": "r"}).status_code == 401
        assert httpx.post(api, json={"id": "r"}, headers=_bearer(token)).status_code == 201
        key_id = token[4:12]
        revoked = _cli("keys", "revoke", "--dir", str(data), key_id)
        assert revoked.returncode == 0 and key_id in revoked.stdout
        assert httpx.get(api, headers=_bearer(token)).status_code == 401
        assert "revoked" in _cli("keys", "ls", "--dir", str(data)).stdout
        assert _cli("keys", "revoke", "--dir", str(data), "ffffffff").returncode == 2
    finally:
        server.stop()


def test_keys_cli_refuses_a_bad_scope_or_project(tmp_path: Path) -> None:
    bad = _cli("keys", "create", "--dir", str(tmp_path), "--project", "../x",
               "--scope", "read")
    assert bad.returncode == 2 and "invalid" in bad.stderr
    assert _cli("keys", "create", "--dir", str(tmp_path), "--project", "p",
                "--scope", "root").returncode == 2
    store: Store = open_store(tmp_path)
    try:
        assert store.list_api_keys() == []
    finally:
        store.close()
