"""The remote sink: a run's batches go to a stepscope server over HTTP.

The write-ahead log stays the spool. `send` either gets the server's word that a batch
is stored or raises, leaving the batch in the log for the folder to resend:

- connection errors, timeouts, 5xx answers and 429 (the server's rate limit) raise
  `StoreUnavailable` (retried next fold, and for up to ``finish_timeout`` seconds when
  the run finishes);
- a 409 gap raises `Conflict` carrying the server's cursor; the folder resumes from it;
- other 4xx answers raise the matching `StepscopeError` with the server's message.

Batches travel in the binary form (``application/x-stepscope-wal``): WAL records, about
12 bytes a point for a typical dict of metrics, parsed by the server without a JSON pass.
"""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from stepscope import settings
from stepscope.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    StepscopeError,
    StoreUnavailable,
    Unauthorized,
)
from stepscope.sdk.wal import encode_records
from stepscope.store.base import BatchId, PointBatch, RunPatch, RunRecord, RunSpec
from stepscope.types import RunStatus

WAL_MEDIA_TYPE = "application/x-stepscope-wal"
MAX_BATCH_POINTS = 1 << 18
"""Points per request: keeps a request body far below the server's 32 MiB limit."""
_ERRORS: dict[int, type[StepscopeError]] = {
    401: Unauthorized, 403: Forbidden, 404: NotFound, 413: PayloadTooLarge,
}


class HttpSink:
    """`Sink` over one keep-alive HTTP connection pool to ``server`` (its base URL)."""

    max_batch_points = MAX_BATCH_POINTS

    def __init__(self, server: str, api_key: str | None = None,
                 finish_timeout: float | None = None, timeout: float = 30.0) -> None:
        self.server = server.rstrip("/")
        self._destination: str | None = None
        if not self.server.startswith(("http://", "https://")):
            raise InvalidInput(f"server {server!r} must be an http:// or https:// URL",
                               field="server")
        key = api_key if api_key is not None else settings.get("api_key")
        self.finish_timeout = (float(settings.get("finish_timeout")) if finish_timeout is None
                               else finish_timeout)
        """How long finishing a run keeps retrying while the server is unreachable."""
        headers = {"User-Agent": f"stepscope-sdk (pid {os.getpid()})"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(base_url=f"{self.server}/api/v1", headers=headers,
                                    timeout=httpx.Timeout(timeout, connect=5.0))
        # A finished Run does not close its sink: close the connections when the sink
        # is dropped, rather than leaving sockets for the garbage collector to find.
        weakref.finalize(self, self._client.close)

    # -- the Sink protocol -------------------------------------------------------------

    @property
    def destination(self) -> str:
        if self._destination is None:
            health = self._request("GET", "/health")
            store = health.get("store") if isinstance(health, dict) else None
            if not isinstance(store, str) or not store:
                raise StoreUnavailable(f"the server at {self.server} does not say which store "
                                       "it serves (an older stepscope?)")
            self._destination = store
        return self._destination

    def open_run(self, project: str, spec: RunSpec) -> RunRecord:
        body = {"id": spec.id, "name": spec.name, "group": spec.group, "tags": spec.tags,
                "notes": spec.notes, "config": spec.config, "metadata": spec.metadata,
                "resume": spec.resume}
        return run_from_dict(self._request("POST", f"/projects/{_q(project)}/runs",
                                           json_body=body))

    def send(self, project: str, run_id: str, batch: PointBatch, batch_id: BatchId | None,
             patch: RunPatch | None) -> None:
        path = f"/projects/{_q(project)}/runs/{_q(run_id)}"
        if patch is not None and patch.status is not None and patch.status != RunStatus.RUNNING:
            # The run's last word (finish() sends it after the folder is done): worth
            # waiting for a restarting server rather than failing finish().
            self._retrying(lambda: self._request("PATCH", path, json_body=patch_to_dict(patch)))
        elif patch is not None:
            self._request("PATCH", path, json_body=patch_to_dict(patch))
        if len(batch) or batch_id is not None:
            params = ({"stream": batch_id.stream, "start": batch_id.start, "end": batch_id.end}
                      if batch_id is not None else None)
            self._request("POST", f"{path}/batches", content=encode_records(batch),
                          params=params, media_type=WAL_MEDIA_TYPE)

    def get_run(self, project: str, run_id: str) -> RunRecord:
        return run_from_dict(self._request("GET", f"/projects/{_q(project)}/runs/{_q(run_id)}"))

    def cursor(self, project: str, run_id: str, stream: str) -> int:
        answer = self._request(
            "GET", f"/projects/{_q(project)}/runs/{_q(run_id)}/streams/{_q(stream)}")
        return int(answer["cursor"])

    def close(self) -> None:
        self._client.close()

    # -- transport ---------------------------------------------------------------------

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """``call()``, retried while the server is unreachable, for ``finish_timeout``."""
        deadline = time.monotonic() + self.finish_timeout
        delay = 0.2
        while True:
            try:
                return call()
            except StoreUnavailable:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _request(self, method: str, path: str, *, json_body: Any = None,
                 content: bytes | None = None, params: dict[str, Any] | None = None,
                 media_type: str = "application/json") -> Any:
        if json_body is not None:
            content = orjson.dumps(json_body, option=orjson.OPT_SERIALIZE_NUMPY)
        headers = {"Content-Type": media_type} if content is not None else None
        try:
            response = self._client.request(method, path, content=content, params=params,
                                            headers=headers)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"cannot reach the stepscope server at {self.server}: "
                                   f"{exc or type(exc).__name__}") from exc
        if response.status_code < 400:
            return orjson.loads(response.content)
        raise _error(response, self.server)


def _q(part: str) -> str:
    return quote(part, safe="")


def _error(response: httpx.Response, server: str) -> StepscopeError:
    status = response.status_code
    try:
        body = orjson.loads(response.content)
        detail = body["error"]
        message, field = str(detail["message"]), detail.get("field")
    except (orjson.JSONDecodeError, KeyError, TypeError):
        body, message, field = {}, response.text[:200] or response.reason_phrase, None
    message = f"server {server}: {message}"
    if status >= 500 or status == 429:  # 429: rate limited; the data waits in the WAL
        return StoreUnavailable(message)
    if status == 409:
        cursor = body.get("cursor") if isinstance(body, dict) else None
        return Conflict(message, field=field, cursor=cursor if isinstance(cursor, int) else None)
    if status in _ERRORS:
        return _ERRORS[status](message, field=field)
    return InvalidInput(message, field=field)


def patch_to_dict(patch: RunPatch) -> dict[str, Any]:
    body: dict[str, Any] = {
        name: value for name, value in (
            ("name", patch.name), ("group", patch.group), ("tags", patch.tags),
            ("notes", patch.notes), ("color", patch.color), ("config", patch.config),
            ("summary", patch.summary), ("metrics", patch.metrics),
            ("heartbeat_at", patch.heartbeat_at), ("alerts", patch.alerts))
        if value is not None}
    if patch.clear_color:
        body["color"] = None
    if patch.status is not None:
        body["status"] = RunStatus(patch.status).value
    return body


def run_from_dict(data: dict[str, Any]) -> RunRecord:
    return RunRecord(
        project=data["project"], id=data["id"], name=data["name"], group=data["group"],
        tags=list(data["tags"]), notes=data["notes"], config=data["config"],
        summary=data["summary"], status=RunStatus(data["status"]),
        created_at=data["created_at"], updated_at=data["updated_at"],
        heartbeat_at=data.get("heartbeat_at"), last_step=data["last_step"],
        color=data.get("color"), metadata=data.get("metadata") or {},
        metrics=data.get("metrics") or {})
