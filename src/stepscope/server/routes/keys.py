"""``/projects/{project}/keys``: the metric keys of a project, grouped into sections."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.errors import InvalidInput
from stepscope.server.responses import json_response
from stepscope.server.state import blocking, project_param, require_project, server_state
from stepscope.store.base import KeyInfo, Store, check_run_id


def run_ids(values: list[str], field: str) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(check_run_id(value))
        except InvalidInput as exc:
            exc.field = field
            raise
    return out


def _keys(store: Store, project: str, runs: list[str]) -> list[KeyInfo]:
    require_project(store, project)
    return store.list_keys(project, runs or None)


async def list_keys(request: Request) -> Response:
    project = project_param(request)
    runs = run_ids(request.query_params.getlist("run"), "run")
    infos = await blocking(_keys, server_state(request).store, project, runs)
    # The store lists keys by section in order of first appearance.
    sections = list(dict.fromkeys(k.section for k in infos))
    return json_response({"keys": [k.to_dict() for k in infos], "sections": sections})


routes = [Route("/projects/{project}/keys", list_keys, methods=["GET"])]
