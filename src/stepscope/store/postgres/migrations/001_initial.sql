-- stepscope shared store on PostgreSQL, schema version 1. Mirrors the SQLite schema
-- (stepscope/store/sqlite/migrations/001_initial.sql) column for column, so that the
-- engine-neutral queries in stepscope/store/sql.py run unchanged on both.
CREATE TABLE projects (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  DOUBLE PRECISION NOT NULL,
    updated_at  DOUBLE PRECISION NOT NULL
);

CREATE TABLE runs (
    pk            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects(id),
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
    created_at    DOUBLE PRECISION NOT NULL,
    updated_at    DOUBLE PRECISION NOT NULL,
    heartbeat_at  DOUBLE PRECISION,
    last_step     BIGINT,
    color         TEXT,
    UNIQUE (project_id, run_id)
);

CREATE TABLE series (
    id          BIGSERIAL PRIMARY KEY,
    run_pk      BIGINT NOT NULL REFERENCES runs(pk),
    key         TEXT NOT NULL,
    count       BIGINT NOT NULL,
    first_step  BIGINT NOT NULL,
    last_step   BIGINT NOT NULL,
    vmin        DOUBLE PRECISION,
    vmax        DOUBLE PRECISION,
    vsum        DOUBLE PRECISION NOT NULL,
    nonfinite   BIGINT NOT NULL,
    last_value  DOUBLE PRECISION,
    next_seq    BIGINT NOT NULL,
    open_seq    BIGINT,                         -- the unsealed tail chunk, if any
    UNIQUE (run_pk, key)
);

-- The statistics columns stay in the main heap row (the block statistics of a full
-- chunk are ~1.8 kB), while payloads of sealed chunks (~33 kB) go to TOAST. Reading an
-- index of chunks therefore never touches the payloads. Payloads are mostly raw float64
-- noise, so TOAST compression would spend CPU for nothing: EXTERNAL stores them as is.
CREATE TABLE chunks (
    series_id   BIGINT NOT NULL REFERENCES series(id),
    seq         BIGINT NOT NULL,
    first_step  BIGINT NOT NULL,
    last_step   BIGINT NOT NULL,
    count       INTEGER NOT NULL,
    blocks      BYTEA NOT NULL,
    payload     BYTEA NOT NULL,
    PRIMARY KEY (series_id, seq)
);
ALTER TABLE chunks ALTER COLUMN payload SET STORAGE EXTERNAL;

CREATE TABLE ingest_cursors (
    run_pk  BIGINT NOT NULL REFERENCES runs(pk),
    stream  TEXT NOT NULL,
    cursor  BIGINT NOT NULL,
    PRIMARY KEY (run_pk, stream)
);

CREATE TABLE workspaces (
    project_id  BIGINT PRIMARY KEY REFERENCES projects(id),
    state       TEXT NOT NULL,
    version     BIGINT NOT NULL
);
