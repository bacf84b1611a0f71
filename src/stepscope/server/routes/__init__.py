"""The routes of ``/api/v1``, one module per resource. A route only parses, calls the
store or the query engine on a worker thread, and serializes."""

from __future__ import annotations

from starlette.routing import BaseRoute

from stepscope.server.routes import (
    api_keys,
    events,
    ingest,
    insights,
    keys,
    projects,
    runs,
    series,
    workspace,
)


def api_routes() -> list[BaseRoute]:
    return [*projects.routes, *runs.routes, *ingest.routes, *keys.routes, *series.routes,
            *workspace.routes, *events.routes, *insights.routes, *api_keys.routes]
