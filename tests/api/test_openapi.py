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
from typing import Any

import hypothesis
import hypothesis.strategies as st
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.routing import Mount, Route
from tests.api.conftest import LiveServer

from stepscope.server.app import create_app
from stepscope.server.openapi import openapi_spec

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


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
def test_fuzz_from_the_openapi_document(fuzz_server: LiveServer,
                                        mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/api/v1/openapi.json")
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
             aim=mode == schemathesis.GenerationMode.POSITIVE)


def fuzz(strategy: st.SearchStrategy[schemathesis.Case[Any]], aim: bool) -> None:
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
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
