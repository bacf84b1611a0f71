"""``/projects/{project}/events``: server-sent events of a project (`run`, `points`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from stepscope.server.events import CLOSE
from stepscope.server.state import (
    ServerState,
    blocking,
    project_param,
    require_project,
    server_state,
)
from stepscope.server.wire import DIGITS

RETRY_MS = 1000
"""How soon a browser's EventSource reconnects after the stream drops."""


def _open(state: ServerState, project: str) -> None:
    require_project(state.store, project)
    # Record what the project holds now, so the first poll after this reports only
    # changes made after the client connected.
    state.watcher.poll(project)


def last_event_id(request: Request) -> int | None:
    raw = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    if raw is None or not DIGITS.fullmatch(raw.strip()):
        return None  # not one of our ids: start from now
    return int(raw.strip())


async def project_events(request: Request) -> Response:
    state = server_state(request)
    project = project_param(request)
    await blocking(_open, state, project)
    after = last_event_id(request)
    return StreamingResponse(_stream(state, project, after), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _stream(state: ServerState, project: str, after: int | None) -> AsyncIterator[bytes]:
    sub, backlog = state.hub.subscribe(project, after)
    try:
        yield b"retry: %d\n: stepscope events of %s\n\n" % (RETRY_MS, project.encode())
        sent = after or 0
        for event in backlog:
            yield event.encode()
            sent = event.id
        while sub.open:
            try:
                event = await asyncio.wait_for(sub.queue.get(), state.keepalive_seconds)
            except asyncio.TimeoutError:
                yield b": keepalive\n\n"
                continue
            if event is CLOSE:
                return
            if event.id > sent:
                yield event.encode()
                sent = event.id
    finally:
        state.hub.unsubscribe(sub)


routes = [Route("/projects/{project}/events", project_events, methods=["GET"])]
