"""JSON bodies: orjson, with numpy arrays written directly and NaN/infinity as null
(the wire's rule for non-finite floats)."""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.responses import Response

JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def dumps(body: object) -> bytes:
    return orjson.dumps(body, option=JSON_OPTIONS)


def json_response(body: object, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status, headers=headers,
                    media_type="application/json")
