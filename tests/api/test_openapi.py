"""The OpenAPI document is true to the server: it lists exactly the routes the server
has, and fuzzing every operation from it (schemathesis) never gets a 5xx, and always
gets the statuses, content types and bodies it promises.

One check is left out: "schema-valid data must be accepted". Some rules cannot be said
in JSON Schema (a batch's columns have equal lengths, ``start <= end``, a step does not
go below the stored ones, ``3.0`` is not an integer here), and the server answers those
with a 422 naming the field, which is what it should do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import hypothesis.strategies as st
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.routing import Mount, Route
from tests.api.conftest import LiveServer, running_server

from stepscope.server.app import create_app
from stepscope.server.auth import AccessPolicy
from stepscope.server.openapi import openapi_spec
from stepscope.server.runner import open_store

FUZZ_PROJECT, FUZZ_RUN = "fuzz", "run-1"
MAX_EXAMPLES = 30


def test_spec_is_served_and_lists_every_route(server: LiveServer, tmp_path: object) -> None:
    spec = server.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1") and spec["servers"] == [{"url": "/api/v1"}]
    app = create_app(server.store, static_dir=None)
    (mount,) = [r for r in app.routes if isinstance(r, Mount)]
    served = {(path.path, method.lower()) for path in mount.routes
              if isinstance(path, Route) for method in path.methods or ()
              if method != "HEAD"}
    served.discard(("/openapi.json", "get"))
    documented = {(path, method) for path, item in spec["paths"].items()
                  for method in item if method != "parameters"}
    assert served == documented
    assert spec == openapi_spec(spec["info"]["version"])


def test_http_api_doc_mentions_every_path() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "http-api.md").read_text()
    for path in openapi_spec("0")["paths"]:
        pattern = re.escape("/api/v1" + path).replace(r"\{", "{").replace(r"\}", "}")
        assert re.search(pattern, doc), f"docs/http-api.md does not describe {path}"


@pytest.fixture
def fuzz_server(server: LiveServer) -> Iterator[LiveServer]:
    server.create_run(FUZZ_PROJECT, id=FUZZ_RUN)
    server.post_points(FUZZ_PROJECT, FUZZ_RUN, {"loss": [1.0, 0.5, 0.25], "acc": [0.1]})
    yield server


@pytest.fixture
def fuzz_auth_server(tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:
    """A fuzz server with access control on, and an admin key of every project."""
    store = open_store(tmp_path / "data")
    try:
        _, token = store.create_api_key("*", "admin")
        with running_server(store, tmp_path / "data",
                            access=AccessPolicy(auth=True)) as live:
            live.client.headers["Authorization"] = f"Bearer {token}"
            live.create_run(FUZZ_PROJECT, id=FUZZ_RUN)
            live.post_points(FUZZ_PROJECT, FUZZ_RUN, {"loss": [1.0, 0.5]})
            yield live, token
    finally:
        store.close()


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
def test_fuzz_with_access_control_on(fuzz_auth_server: tuple[LiveServer, str],
                                     mode: schemathesis.GenerationMode) -> None:
    """Every operation also holds its promises behind API keys, and schemathesis'
    ignored-auth check confirms each one refuses a request without a key or with a
    wrong one."""
    server, token = fuzz_auth_server
    test_fuzz_from_the_openapi_document(server, mode, token)


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
def test_fuzz_from_the_openapi_document(fuzz_server: LiveServer,
                                        mode: schemathesis.GenerationMode,
                                        token: str | None = None) -> None:
    url = f"{fuzz_server.url}/api/v1/openapi.json"
    raw = fuzz_server.client.get("/openapi.json").json()
    if token is None:
        # This server runs without access control: the document's security
        # requirements do not apply to it (a request without a key is fine).
        raw = _without_security(raw)
    schema = schemathesis.openapi.from_dict(raw)
    schema.location = url
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    # The event stream never ends: test_events.py covers it.
    operations = [op for op in operations if not op.path.endswith("/events")]
    paths = openapi_spec("0")["paths"]
    assert len(operations) == sum(len(set(item) - {"parameters"}) for item in paths.values()) - 1
    for operation in operations:
        item = paths[operation.path]
        takes_input = "parameters" in item or any(
            "parameters" in op or "requestBody" in op for op in item.values())
        if mode == schemathesis.GenerationMode.NEGATIVE and not takes_input:
            continue  # nothing to get wrong
        fuzz(operation.as_strategy(generation_mode=mode),
             aim=mode == schemathesis.GenerationMode.POSITIVE, token=token)


def _without_security(spec: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in spec.items() if k != "security"}
    spec["components"] = {k: v for k, v in spec["components"].items()
                          if k != "securitySchemes"}
    spec["paths"] = {path: {method: ({k: v for k, v in op.items() if k != "security"}
                                     if method != "parameters" else op)
                            for method, op in item.items()}
                     for path, item in spec["paths"].items()}
    return spec


def fuzz(strategy: st.SearchStrategy[schemathesis.Case[Any]], aim: bool,
         token: str | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else None

    @hypothesis.given(case=strategy)
    @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    def check(case: schemathesis.Case[Any]) -> None:
        # Valid cases aim half the time at a project and run that exist, so that their
        # bodies reach the store instead of stopping at a 404.
        params = case.path_parameters or {}
        if aim and "project" in params and len(str(params["project"])) % 2 == 0:
            params["project"] = FUZZ_PROJECT
            if "run_id" in params:
                params["run_id"] = FUZZ_RUN
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()
