-- Schema version 4: API keys of a shared server (mirrors the SQLite migration 004).
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL UNIQUE,
    project      TEXT NOT NULL,
    scope        TEXT NOT NULL,
    name         TEXT,
    created_at   DOUBLE PRECISION NOT NULL,
    revoked_at   DOUBLE PRECISION
);
