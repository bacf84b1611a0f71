-- stepscope embedded store, schema version 1.
CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);

CREATE TABLE runs (
    pk            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    run_id        TEXT NOT NULL,
    name          TEXT NOT NULL,
    run_group     TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    notes         TEXT,
    config        TEXT NOT NULL DEFAULT '{}',
    summary       TEXT NOT NULL DEFAULT '{}',   -- values set explicitly by the user
    auto_summary  TEXT NOT NULL DEFAULT '{}',   -- derived from the series at each append
    metrics       TEXT NOT NULL DEFAULT '{}',   -- define_metric() declarations
    metadata      TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    heartbeat_at  REAL,
    last_step     INTEGER,
    color         TEXT,
    UNIQUE (project_id, run_id)
);

CREATE TABLE series (
    id          INTEGER PRIMARY KEY,
    run_pk      INTEGER NOT NULL REFERENCES runs(pk),
    key         TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_step  INTEGER NOT NULL,
    last_step   INTEGER NOT NULL,
    vmin        REAL,
    vmax        REAL,
    vsum        REAL NOT NULL,
    nonfinite   INTEGER NOT NULL,
    last_value  REAL,
    next_seq    INTEGER NOT NULL,
    open_seq    INTEGER,                        -- the unsealed tail chunk, if any
    UNIQUE (run_pk, key)
);

-- Statistics columns come before the blobs so that reading an index of chunks never
-- follows the payloads' overflow pages.
CREATE TABLE chunks (
    series_id   INTEGER NOT NULL REFERENCES series(id),
    seq         INTEGER NOT NULL,
    first_step  INTEGER NOT NULL,
    last_step   INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    blocks      BLOB NOT NULL,
    payload     BLOB NOT NULL,
    UNIQUE (series_id, seq)
);

CREATE TABLE ingest_cursors (
    run_pk  INTEGER NOT NULL REFERENCES runs(pk),
    stream  TEXT NOT NULL,
    cursor  INTEGER NOT NULL,
    PRIMARY KEY (run_pk, stream)
);

CREATE TABLE workspaces (
    project_id  INTEGER PRIMARY KEY REFERENCES projects(id),
    state       TEXT NOT NULL,
    version     INTEGER NOT NULL
);
