"""API keys: what they look like, how they are kept, what each scope allows.

A key is ``ssk_<id>_<secret>``: ``id`` is public (8 hex digits, shown by
``stepscope keys ls`` and used to revoke), ``secret`` is 32 random bytes (256 bits) in
URL-safe base64. The store keeps only the SHA-256 of the whole key: with that much
entropy a plain hash cannot be reversed or guessed, and lookups stay one indexed query.

A key belongs to one project (or ``*``: every project) and has one scope. Scopes are
ordered, each allowing what the ones before it do: ``read`` (runs, series, events),
``write`` (create and change runs, store points), ``admin`` (manage the keys of its
project).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from stepscope.errors import Conflict, InvalidInput, NotFound
from stepscope.store.base import check_project
from stepscope.store.text import check_text

SCOPES = ("read", "write", "admin")
ALL_PROJECTS = "*"
TOKEN = re.compile(r"ssk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh ``(key id, key)``."""
    key_id = secrets.token_hex(4)
    return key_id, f"ssk_{key_id}_{secrets.token_urlsafe(32)}"


def check_scope(scope: object) -> str:
    if scope not in SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}",
                           field="scope")
    assert isinstance(scope, str)
    return scope


def scope_allows(held: str, needed: str) -> bool:
    return SCOPES.index(held) >= SCOPES.index(needed)


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    id: str
    project: str
    scope: str
    name: str | None
    created_at: float
    revoked_at: float | None

    def allows(self, project: str | None, scope: str) -> bool:
        """Whether this key may do what needs ``scope`` in ``project`` (None: outside
        any project, e.g. listing projects)."""
        if self.revoked_at is not None or not scope_allows(self.scope, scope):
            return False
        return project is None or self.project in (ALL_PROJECTS, project)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "project": self.project, "scope": self.scope,
                "name": self.name, "created_at": self.created_at,
                "revoked_at": self.revoked_at}


_COLUMNS = "id, project, scope, name, created_at, revoked_at"


class SqlApiKeys(ABC):
    """The key table over `stepscope.store.sql.SqlStore`'s connections."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]: ...

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Any]: ...

    def create_api_key(self, project: str, scope: str,
                       name: str | None = None) -> tuple[ApiKey, str]:
        if project != ALL_PROJECTS:
            check_project(project)
        check_scope(scope)
        if name is not None and len(name) > 256:
            raise InvalidInput("a key's name is at most 256 characters", field="name")
        check_text(name, "name")
        for _ in range(5):  # 8 hex digits of id: a collision is rare, never twice
            key_id, token = new_token()
            record = ApiKey(key_id, project, scope, name, time.time(), None)
            with self._transaction() as cur:
                cur.execute("SELECT 1 FROM api_keys WHERE id = ?", (key_id,))
                if cur.fetchone() is not None:
                    continue
                cur.execute("INSERT INTO api_keys (id, secret_hash, project, scope, name, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                            (key_id, hash_token(token), project, scope, name,
                             record.created_at))
            return record, token
        raise Conflict("could not choose a free key id; try again")

    def list_api_keys(self, project: str | None = None) -> list[ApiKey]:
        sql = f"SELECT {_COLUMNS} FROM api_keys"
        params: tuple[str, ...] = ()
        if project is not None:
            sql, params = sql + " WHERE project = ?", (project,)
        with self._reading() as cur:
            cur.execute(sql + " ORDER BY created_at, id", params)
            return [ApiKey(*row) for row in cur.fetchall()]

    def revoke_api_key(self, key_id: str) -> ApiKey:
        with self._transaction() as cur:
            cur.execute("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) "
                        "WHERE id = ?", (time.time(), key_id))
            cur.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?", (key_id,))
            row = cur.fetchone()
        if row is None:
            raise NotFound(f"no API key has the id {key_id!r}")
        return ApiKey(*row)

    def find_api_key(self, token: str) -> ApiKey | None:
        if not TOKEN.fullmatch(token):
            return None
        with self._reading() as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE secret_hash = ? "
                        "AND revoked_at IS NULL", (hash_token(token),))
            row = cur.fetchone()
        return ApiKey(*row) if row is not None else None
