"""``/projects``: the projects of the store."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepscope.server.auth import api_key_of
from stepscope.server.responses import json_response
from stepscope.server.state import blocking, server_state


async def list_projects(request: Request) -> Response:
    infos = await blocking(server_state(request).store.list_projects)
    key = api_key_of(request)
    if key is not None:  # a key sees only the projects it may read
        infos = [p for p in infos if key.allows(p.name, "read")]
    return json_response({"projects": [p.to_dict() for p in infos]})


routes = [Route("/projects", list_projects, methods=["GET"])]
