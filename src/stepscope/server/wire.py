"""Reading requests and writing responses: bounded bodies, JSON through orjson, and
typed access to fields that names the field at fault in every error.

Routes use only these helpers to parse; the store and the query engine validate what
they own (names, keys, steps) and raise `InvalidInput` naming the field themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import orjson
from starlette.requests import Request

from stepscope.errors import InvalidInput, PayloadTooLarge
from stepscope.server.errors import MalformedBody

MAX_INT = 2**63 - 1
DIGITS = re.compile(r"[0-9]{1,30}")
"""ASCII digits only: ``str.isdigit`` also accepts characters ``int()`` refuses."""


async def read_body(request: Request, limit: int) -> bytes:
    """The whole request body, or `PayloadTooLarge` as soon as it exceeds ``limit``."""
    declared = request.headers.get("content-length", "")
    if DIGITS.fullmatch(declared) and int(declared) > limit:
        raise PayloadTooLarge(f"request body of {int(declared)} bytes exceeds the limit of "
                              f"{limit} bytes")
    parts: list[bytes] = []
    size = 0
    async for part in request.stream():
        size += len(part)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds the limit of {limit} bytes")
        parts.append(part)
    return b"".join(parts)


async def read_json_object(request: Request, limit: int) -> dict[str, Any]:
    """The body parsed as a JSON object."""
    return parse_json_object(await read_body(request, limit))


def parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody(f"request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    return data


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Fields:
    """Typed reads of a JSON object's fields. Unknown fields are refused, so a typo in
    a client is an error rather than a silently ignored change."""

    def __init__(self, data: dict[str, Any], allowed: Sequence[str]) -> None:
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise InvalidInput(f"unknown field {unknown[0]!r} (allowed: {', '.join(allowed)})",
                               field=unknown[0])
        self.data = data

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def string(self, name: str, *, max_length: int = 4096) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > max_length:
            raise InvalidInput(f"{name} must be a string of at most {max_length} characters",
                               field=name)
        return value

    def choice(self, name: str, choices: Sequence[str], default: str | None) -> str | None:
        value = self.data.get(name, default)
        if value is None:
            return default
        if value not in choices:
            raise InvalidInput(f"{name} must be one of {', '.join(choices)}", field=name)
        assert isinstance(value, str)
        return value

    def integer(self, name: str, *, default: int | None = None, lo: int = 0,
                hi: int = MAX_INT) -> int | None:
        value = self.data.get(name)
        if value is None:
            return default
        if not is_int(value) or not lo <= value <= hi:
            raise InvalidInput(f"{name} must be an integer in {lo}..{hi}", field=name)
        assert isinstance(value, int)
        return value

    def number(self, name: str) -> float | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not is_number(value) or not math.isfinite(value):
            raise InvalidInput(f"{name} must be a finite number", field=name)
        return float(value)

    def strings(self, name: str, *, max_items: int = 10_000,
                max_length: int = 4096) -> list[str] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if (not isinstance(value, list) or len(value) > max_items
                or not all(isinstance(v, str) and len(v) <= max_length for v in value)):
            raise InvalidInput(f"{name} must be a list of at most {max_items} strings",
                               field=name)
        return value

    def obj(self, name: str) -> dict[str, Any] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise InvalidInput(f"{name} must be a JSON object", field=name)
        return value


def query_int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be an integer", field=name) from None
    if not lo <= value <= hi:
        raise InvalidInput(f"{name} must be in {lo}..{hi}", field=name)
    return value


def query_float(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number", field=name) from None
    if not math.isfinite(value):
        raise InvalidInput(f"{name} must be finite", field=name)
    return value
