"""The exception tree. Each public error knows the HTTP status it maps to, and its
message is safe to show to a user (it names what was wrong, never internals)."""

from __future__ import annotations


class StepscopeError(Exception):
    """Base of every error stepscope raises on purpose."""

    status: int = 500
    code: str = "internal"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.status, "code": self.code,
                                   "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return {"error": body}


class InvalidInput(StepscopeError, ValueError):
    """A caller passed something malformed: a bad key, name, step or field."""

    status = 422
    code = "invalid_field"


class NotFound(StepscopeError, LookupError):
    status = 404
    code = "not_found"


class Conflict(StepscopeError):
    """The request contradicts stored state (a run id taken, a stale version, a gap)."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, field: str | None = None,
                 cursor: int | None = None) -> None:
        super().__init__(message, field=field)
        self.cursor = cursor

    def to_dict(self) -> dict[str, object]:
        body = super().to_dict()
        if self.cursor is not None:
            body["cursor"] = self.cursor
        return body


class Unauthorized(StepscopeError):
    status = 401
    code = "unauthorized"


class Forbidden(StepscopeError):
    status = 403
    code = "forbidden"


class RateLimited(StepscopeError):
    """Too many requests with one API key; retry after ``retry_after`` seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(StepscopeError):
    status = 413
    code = "payload_too_large"


class StoreUnavailable(StepscopeError):
    """The data directory or database cannot be opened or written (permissions, full disk)."""

    status = 503
    code = "store_unavailable"
