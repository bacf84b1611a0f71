"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Written by hand beside docs/http-api.md, and checked against the running server: the
API tests fuzz every operation from this document (schemathesis) and require each
answer's status, content type and body to match what it says here.
"""

from __future__ import annotations

from typing import Any

from stepscope.query.engine import MAX_BUCKETS

PROJECT_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"
RUN_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
STREAM_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
STATUSES = ["running", "finished", "failed", "crashed"]

_ERROR_TEXT = {
    400: "The body is not valid JSON (or not a valid binary batch).",
    404: "The project, run or endpoint does not exist.",
    409: "The request contradicts stored state (see the message).",
    413: "The body exceeds the server's limit.",
    415: "The body's content type is not accepted here.",
    422: "A field is invalid; `field` names it.",
    401: "With access control on: no API key, or an unknown or revoked one.",
    403: "The API key's project or scope does not allow this (docs/auth.md).",
    429: "The API key posts more batches than the server allows; see Retry-After.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses(ok: dict[int, tuple[str, str]], *errors: int) -> dict[str, Any]:
    out: dict[str, Any] = {str(code): _json(_ref(schema), text)
                           for code, (schema, text) in ok.items()}
    for code in errors:
        out[str(code)] = _json(_ref("Error"), _ERROR_TEXT[code])
    return out


def _param(name: str, where: str, schema: dict[str, Any], description: str,
           required: bool = False) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": where, "schema": schema,
                             "description": description}
    if required or where == "path":
        param["required"] = True
    return param


def _repeatable(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "style": "form",
            "explode": True, "schema": {"type": "array", "items": items}}


PROJECT = _param("project", "path", {"type": "string", "pattern": PROJECT_PATTERN},
                 "Project name.")
RUN_ID = _param("run_id", "path", {"type": "string", "pattern": RUN_ID_PATTERN}, "Run id.")
STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
OBJECT = {"type": "object"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {
            "error": {"type": "object", "required": ["status", "code", "message"],
                      "properties": {"status": {"type": "integer"}, "code": STRING,
                                     "message": STRING, "field": STRING}},
            "cursor": {"type": "integer", "description": "On an ingest gap: where to resend "
                                                         "from."},
        },
    },
    "Health": {"type": "object", "required": ["status", "version", "store"],
               "properties": {"status": {"const": "ok"}, "version": STRING,
                              "store": {"type": "string", "description":
                                        "The id of the store served (Store.store_id)."}}},
    "Project": {"type": "object", "required": ["name", "run_count", "updated_at"],
                "properties": {"name": STRING, "run_count": {"type": "integer"},
                               "updated_at": {"type": "number"}}},
    "ProjectList": {"type": "object", "required": ["projects"],
                    "properties": {"projects": {"type": "array", "items": _ref("Project")}}},
    "Run": {
        "type": "object",
        "required": ["id", "project", "name", "group", "tags", "notes", "config", "summary",
                     "status", "created_at", "updated_at", "heartbeat_at", "last_step",
                     "color", "metadata", "metrics"],
        "properties": {
            "id": STRING, "project": STRING, "name": STRING, "group": NULLABLE_STRING,
            "tags": {"type": "array", "items": STRING}, "notes": NULLABLE_STRING,
            "config": OBJECT, "summary": OBJECT, "status": {"enum": STATUSES},
            "created_at": {"type": "number"}, "updated_at": {"type": "number"},
            "heartbeat_at": {"type": ["number", "null"]},
            "last_step": {"type": ["integer", "null"]},
            "color": {"type": ["string", "null"], "pattern": "^#[0-9a-f]{6}$"},
            "metadata": OBJECT,
            "metrics": {"type": "object", "additionalProperties": OBJECT},
        },
    },
    "RunList": {"type": "object", "required": ["runs", "total"],
                "properties": {"runs": {"type": "array", "items": _ref("Run")},
                               "total": {"type": "integer"}}},
    "RunCreate": {
        "type": "object", "additionalProperties": False,
        "properties": {
            "id": {"type": ["string", "null"], "pattern": RUN_ID_PATTERN,
                   "description": "Run id to create or resume; a new one when absent."},
            "name": {"type": ["string", "null"], "maxLength": 256},
            "group": {"type": ["string", "null"], "maxLength": 256},
            "tags": {"type": ["array", "null"],
                     "items": {"type": "string", "minLength": 1, "maxLength": 128}},
            "notes": {"type": ["string", "null"], "maxLength": 65536},
            "config": {"type": ["object", "null"]},
            "metadata": {"type": ["object", "null"]},
            "resume": {"enum": ["allow", "must", "never", None],
                       "description": "allow (default): create or resume; must: resume "
                                      "only; never: create only."},
        },
    },
    "RunPatch": {
        "type": "object", "additionalProperties": False,
        "description": "Fields to change; absent or null leaves a field as it is, except "
                       "`color`, where null removes the override.",
        "properties": {
            "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 256},
            "group": {"type": ["string", "null"], "maxLength": 256},
            "tags": {"type": ["array", "null"],
                     "items": {"type": "string", "minLength": 1, "maxLength": 128}},
            "notes": {"type": ["string", "null"], "maxLength": 65536},
            "color": {"type": ["string", "null"], "pattern": "^#[0-9a-fA-F]{6}$"},
            "config": {"type": ["object", "null"]},
            "summary": {"type": ["object", "null"]},
            "metrics": {"type": ["object", "null"], "additionalProperties": {
                "type": "object", "properties": {
                    "goal": {"enum": ["minimize", "maximize", None]},
                    "summary": {"enum": ["min", "max", "mean", "last", "none"]},
                    "step_metric": NULLABLE_STRING}}},
            "status": {"enum": [*STATUSES, None]},
            "heartbeat_at": {"type": ["number", "null"],
                             "description": "A heartbeat: the server records the time it "
                                            "received it (any number may be sent)."},
            "alerts": {"type": ["array", "null"], "maxItems": 1000, "items": _ref("AlertIn"),
                       "description": "Alerts to append; an id already stored is skipped."},
        },
    },
    "AlertIn": {
        "type": "object", "required": ["id", "level", "title", "created_at"],
        "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 64},
                       "level": {"enum": ["INFO", "WARN", "ERROR"]},
                       "title": {"type": "string", "minLength": 1, "maxLength": 256},
                       "text": {"type": "string", "maxLength": 4096},
                       "step": {"type": ["integer", "null"], "minimum": 0},
                       "metric": NULLABLE_STRING, "source": {"enum": ["user", "auto"]},
                       "created_at": {"type": "number"}}},
    "Key": {"type": "object", "required": ["key", "section", "runs", "last_step"],
            "properties": {"key": STRING, "section": STRING, "runs": {"type": "integer"},
                           "last_step": {"type": ["integer", "null"]}}},
    "KeyList": {"type": "object", "required": ["keys", "sections"],
                "properties": {"keys": {"type": "array", "items": _ref("Key")},
                               "sections": {"type": "array", "items": STRING}}},
    "SeriesQuery": {
        "type": "object", "additionalProperties": False,
        "properties": {
            "runs": {"type": ["array", "null"],
                     "items": {"type": "string", "pattern": RUN_ID_PATTERN}},
            "keys": {"type": ["array", "null"],
                     "items": {"type": "string", "minLength": 1, "maxLength": 256}},
            "x": {"type": ["string", "null"],
                  "description": "step (default), wall, relative or metric:<key>."},
            "x_range": {"type": ["array", "null"], "items": {"type": "number"},
                        "minItems": 2, "maxItems": 2},
            "buckets": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_BUCKETS},
        },
    },
    "Envelope": {
        "type": "object",
        "required": ["run", "key", "raw", "x", "last", "mean", "min", "max", "count",
                     "nonfinite"],
        "properties": {
            "run": STRING, "key": STRING, "raw": {"type": "boolean"},
            "x": {"type": "array", "items": {"type": ["number", "null"]}},
            **{name: {"type": "array", "items": {"type": ["number", "null"]}}
               for name in ("last", "mean", "min", "max")},
            "count": {"type": "array", "items": {"type": "integer"}},
            "nonfinite": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "SeriesResponse": {"type": "object", "required": ["x", "buckets", "series"],
                       "properties": {"x": STRING, "buckets": {"type": "integer"},
                                      "series": {"type": "array",
                                                 "items": _ref("Envelope")}}},
    "Workspace": {"type": "object", "required": ["state", "version"],
                  "properties": {"state": OBJECT, "version": {"type": "integer"}}},
    "WorkspacePut": {"type": "object", "additionalProperties": False,
                     "required": ["state", "version"],
                     "properties": {"state": OBJECT,
                                    "version": {"type": "integer", "minimum": 0}}},
    "Batch": {
        "type": "object", "additionalProperties": False,
        "description": "Point i is keys[key[i]] at step[i] with value[i], logged at wall[i]. "
                       "stream/start/end name the batch (all three or none).",
        "properties": {
            "stream": {"type": "string", "pattern": STREAM_PATTERN},
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
            "keys": {"type": "array", "items": {"type": "string", "minLength": 1,
                                                "maxLength": 256}},
            "key": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "step": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "value": {"type": "array", "items": {"anyOf": [
                {"type": ["number", "null"]}, {"enum": ["NaN", "Infinity", "-Infinity"]}]}},
            "wall": {"type": ["array", "null"], "items": {"type": "number"}},
        },
    },
    "BatchResult": {"type": "object", "required": ["cursor", "duplicate"],
                    "properties": {"cursor": {"type": "integer"},
                                   "duplicate": {"type": "boolean"}}},
    "Stream": {"type": "object", "required": ["stream", "cursor"],
               "properties": {"stream": STRING, "cursor": {"type": "integer"}}},
    "ApiKey": {"type": "object",
               "required": ["id", "project", "scope", "name", "created_at", "revoked_at"],
               "properties": {"id": STRING, "project": STRING,
                              "scope": {"enum": ["read", "write", "admin"]},
                              "name": NULLABLE_STRING, "created_at": {"type": "number"},
                              "revoked_at": {"type": ["number", "null"]}}},
    "ApiKeyList": {"type": "object", "required": ["keys"],
                   "properties": {"keys": {"type": "array", "items": _ref("ApiKey")}}},
    "ApiKeyCreate": {"type": "object", "additionalProperties": False,
                     "properties": {"scope": {"enum": ["read", "write", "admin", None]},
                                    "name": {"type": ["string", "null"], "maxLength": 256}}},
    "ApiKeyCreated": {"type": "object", "required": ["key", "token"],
                      "properties": {"key": _ref("ApiKey"),
                                     "token": {"type": "string", "description":
                                               "The key itself, shown only this once."}}},
}

_RUN_QUERY = [
    _repeatable("status", {"enum": STATUSES}, "Keep runs with any of these statuses."),
    _repeatable("tag", STRING, "Keep runs that carry all of these tags."),
    _param("group", "query", STRING, "Keep runs of this group."),
    _param("q", "query", STRING, "Substring of the run's name or id."),
    _param("sort", "query", {"enum": ["created_at", "-created_at", "name", "-name",
                                      "last_step", "-last_step"]}, "Order (default "
                                                                   "-created_at)."),
    _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 1000},
           "Page size (default 200)."),
    _param("offset", "query", {"type": "integer", "minimum": 0, "maximum": 2**62},
           "Page start."),
]

PATHS: dict[str, Any] = {
    "/health": {"get": {
        "operationId": "health", "summary": "Server liveness and version.",
        "responses": _responses({200: ("Health", "The server is up.")})}},
    "/projects": {"get": {
        "operationId": "listProjects", "summary": "Projects, most recently changed first.",
        "responses": _responses({200: ("ProjectList", "The projects.")})}},
    "/projects/{project}/runs": {
        "parameters": [PROJECT],
        "get": {"operationId": "listRuns", "summary": "Runs of a project, filtered and sorted.",
                "description": "Also `config.<field>=<value>`: equality on a top-level "
                               "config field (a JSON number compares as a number).",
                "parameters": _RUN_QUERY,
                "responses": _responses({200: ("RunList", "A page of runs.")}, 404, 422)},
        "post": {"operationId": "createRun", "summary": "Create or resume a run.",
                 "requestBody": {"required": True,
                                 "content": {"application/json": {"schema": _ref("RunCreate")}}},
                 "responses": _responses({200: ("Run", "Resumed."), 201: ("Run", "Created.")},
                                         400, 404, 409, 413, 422)},
    },
    "/projects/{project}/runs/{run_id}": {
        "parameters": [PROJECT, RUN_ID],
        "get": {"operationId": "getRun", "summary": "One run.",
                "responses": _responses({200: ("Run", "The run.")}, 404, 422)},
        "patch": {"operationId": "patchRun", "summary": "Change a run's fields.",
                  "requestBody": {"required": True,
                                  "content": {"application/json": {"schema": _ref("RunPatch")}}},
                  "responses": _responses({200: ("Run", "The changed run.")},
                                          400, 404, 413, 422)},
    },
    "/projects/{project}/runs/{run_id}/batches": {
        "parameters": [PROJECT, RUN_ID],
        "post": {
            "operationId": "postBatch", "summary": "Store points, idempotent by batch identity.",
            "description": "A batch whose end is at or below the stream's cursor is a retry "
                           "(duplicate: true, nothing written); one whose start is not the "
                           "cursor is a gap (409 with `cursor`). The binary form carries "
                           "write-ahead log records and names the batch in the query.",
            "parameters": [
                _param("stream", "query", {"type": "string", "pattern": STREAM_PATTERN},
                       "Binary form: the write-ahead stream."),
                _param("start", "query", {"type": "integer", "minimum": 0},
                       "Binary form: first byte position."),
                _param("end", "query", {"type": "integer", "minimum": 0},
                       "Binary form: end byte position."),
            ],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("Batch")},
                "application/x-stepscope-wal": {"schema": {"type": "string",
                                                           "format": "binary"}}}},
            "responses": _responses({200: ("BatchResult", "Stored, or a duplicate.")},
                                    400, 404, 409, 413, 415, 422),
        },
    },
    "/projects/{project}/runs/{run_id}/streams/{stream}": {
        "parameters": [PROJECT, RUN_ID,
                       _param("stream", "path", {"type": "string", "pattern": STREAM_PATTERN},
                              "Write-ahead stream id.")],
        "get": {"operationId": "getStream", "summary": "Where a stream's stored data ends.",
                "responses": _responses({200: ("Stream", "The stream's cursor (0 if none).")},
                                        404, 422)},
    },
    "/projects/{project}/keys": {
        "parameters": [PROJECT],
        "get": {"operationId": "listKeys", "summary": "Metric keys and their sections.",
                "parameters": [_repeatable("run", {"type": "string", "pattern": RUN_ID_PATTERN},
                                           "Only keys of these runs.")],
                "responses": _responses({200: ("KeyList", "The keys.")}, 404, 422)},
    },
    "/projects/{project}/insights": {
        "parameters": [PROJECT],
        "get": {
            "operationId": "getInsights",
            "summary": "The written analysis of runs: trends, peaks, spikes, crossovers, "
                       "which run ends better (docs/insights.md).",
            "parameters": [
                _repeatable("run", {"type": "string", "pattern": RUN_ID_PATTERN},
                            "Runs to analyse (default: the 10 most recent; at most 50)."),
                _repeatable("key", STRING, "Metric keys (default: every key; at most 100)."),
                _param("format", "query", {"enum": ["json", "markdown", "text"]},
                       "json (default): {findings: [...]}; markdown or text: the report.")],
            "responses": {
                "200": {"description": "The analysis.", "content": {
                    "application/json": {"schema": {
                        "type": "object", "required": ["findings"],
                        "properties": {"findings": {"type": "array",
                                                    "items": {"type": "object"}}}}},
                    "text/markdown": {"schema": STRING},
                    "text/plain": {"schema": STRING}}},
                **_responses({}, 404, 422)}},
    },
    "/projects/{project}/series/query": {
        "parameters": [PROJECT],
        "post": {"operationId": "querySeries", "summary": "Envelopes of runs x keys.",
                 "requestBody": {"required": True, "content": {
                     "application/json": {"schema": _ref("SeriesQuery")}}},
                 "responses": _responses({200: ("SeriesResponse", "One entry per (run, key) "
                                                                  "with data.")},
                                         400, 404, 413, 422)},
    },
    "/projects/{project}/series": {
        "parameters": [PROJECT],
        "get": {"operationId": "getSeries", "summary": "The series query, one-off form.",
                "parameters": [
                    _repeatable("run", {"type": "string", "pattern": RUN_ID_PATTERN}, "Runs."),
                    _repeatable("key", STRING, "Keys."),
                    _param("x", "query", STRING, "x axis (default step)."),
                    _param("x_min", "query", {"type": "number"}, "Lowest x."),
                    _param("x_max", "query", {"type": "number"}, "Highest x."),
                    _param("buckets", "query", {"type": "integer", "minimum": 1,
                                                "maximum": MAX_BUCKETS},
                           "Bucket count (default 1000)."),
                ],
                "responses": _responses({200: ("SeriesResponse", "Envelopes.")}, 404, 422)},
    },
    "/projects/{project}/workspace": {
        "parameters": [PROJECT],
        "get": {"operationId": "getWorkspace", "summary": "The dashboard's saved state.",
                "responses": _responses({200: ("Workspace", "State and version.")}, 404, 422)},
        "put": {"operationId": "putWorkspace", "summary": "Save the state if `version` is "
                                                          "current.",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("WorkspacePut")}}},
                "responses": _responses({200: ("Workspace", "Saved, with the new version.")},
                                        400, 404, 409, 413, 422)},
    },
    "/projects/{project}/events": {
        "parameters": [PROJECT],
        "get": {
            "operationId": "projectEvents", "summary": "Server-sent events of a project.",
            "description": "Events `run` (data: Run), `points` (data: {run, keys, "
                           "last_step}) and `alert` (data: an alert with its project and "
                           "run), each with an increasing id. Send Last-Event-ID to "
                           "receive what the server still holds after it.",
            "parameters": [_param("Last-Event-ID", "header", STRING,
                                  "Id of the last event received."),
                           _param("token", "query", STRING,
                                  "The API key, for clients that cannot send headers "
                                  "(a browser's EventSource); only on this endpoint.")],
            "security": [{"bearer": []}, {"token": []}],
            "responses": {
                "200": {"description": "An endless event stream.",
                        "content": {"text/event-stream": {"schema": STRING}}},
                **_responses({}, 404, 422)},
        },
    },
    "/projects/{project}/api-keys": {
        "parameters": [PROJECT],
        "get": {"operationId": "listApiKeys", "summary": "The project's API keys (admin).",
                "responses": _responses({200: ("ApiKeyList", "Keys, never their secrets.")},
                                        404, 422)},
        "post": {"operationId": "createApiKey", "summary": "A new API key for the project "
                                                           "(admin).",
                 "requestBody": {"required": True, "content": {
                     "application/json": {"schema": _ref("ApiKeyCreate")}}},
                 "responses": _responses({201: ("ApiKeyCreated", "The key, shown once.")},
                                         400, 404, 413, 422)},
    },
    "/projects/{project}/api-keys/{key_id}": {
        "parameters": [PROJECT, _param("key_id", "path", STRING, "The key's id.")],
        "delete": {"operationId": "revokeApiKey", "summary": "Revoke one of the project's "
                                                             "API keys (admin).",
                   "responses": _responses({200: ("ApiKey", "The revoked key.")}, 404, 422)},
    },
}

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API key (`stepscope keys create`), required when the "
                              "server runs with --auth (docs/auth.md)."},
    "token": {"type": "apiKey", "in": "query", "name": "token",
              "description": "The same key as a query parameter: the event stream only."},
}
_PUBLIC = {("/health", "get")}


def _with_access_errors(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation but the public ones may answer 401 and 403; ingest also 429."""
    out: dict[str, Any] = {}
    for path, item in paths.items():
        out[path] = dict(item)
        for method, operation in item.items():
            if method == "parameters":
                continue
            operation = dict(operation)
            if (path, method) in _PUBLIC:
                operation["security"] = []
            else:
                codes = (401, 403, 429) if path.endswith("/batches") else (401, 403)
                operation["responses"] = {**operation["responses"], **_responses({}, *codes)}
            out[path][method] = operation
    return out


def openapi_spec(version: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "stepscope", "version": version,
                 "description": "The JSON API of a stepscope server (docs/http-api.md)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _with_access_errors(PATHS),
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
