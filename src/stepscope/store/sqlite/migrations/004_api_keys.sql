-- Schema version 4: API keys of a shared server. Only a hash of each key is kept.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,          -- public id, shown by `stepscope keys ls`
    secret_hash  TEXT NOT NULL UNIQUE,      -- sha256 (hex) of the whole key
    project      TEXT NOT NULL,             -- a project name, or '*' for every project
    scope        TEXT NOT NULL,             -- read | write | admin
    name         TEXT,
    created_at   REAL NOT NULL,
    revoked_at   REAL
);
