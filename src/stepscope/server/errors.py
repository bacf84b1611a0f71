"""The one JSON error shape of the HTTP API, and the errors only the server raises.

Every error response is ``{"error": {"status", "code", "message", "field"?}}`` (plus a
top-level ``cursor`` on an ingest gap), whatever raised it: a `StepscopeError` from the
store or the query engine, a routing miss, or — never on purpose — an unexpected bug.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from stepscope.errors import StepscopeError
from stepscope.server.responses import json_response

log = logging.getLogger("stepscope.server")


class MalformedBody(StepscopeError):
    """The body is not parseable at all (not JSON, truncated binary)."""

    status = 400
    code = "invalid_body"


class UnsupportedMediaType(StepscopeError):
    status = 415
    code = "unsupported_media_type"


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
               413: "payload_too_large", 415: "unsupported_media_type"}


def error_response(exc: StepscopeError) -> Response:
    return json_response(exc.to_dict(), status=exc.status)


async def handle_stepscope_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StepscopeError)
    return error_response(exc)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 else (
        f"no such endpoint: {request.method} {request.url.path}")
    body = {"error": {"status": exc.status_code,
                      "code": _HTTP_CODES.get(exc.status_code, "http_error"),
                      "message": str(message)}}
    return json_response(body, status=exc.status_code, headers=exc.headers)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    # A bug: log it with its traceback, answer in the one error shape without internals.
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    body = {"error": {"status": 500, "code": "internal",
                      "message": "internal server error (see the server log)"}}
    return json_response(body, status=500)
