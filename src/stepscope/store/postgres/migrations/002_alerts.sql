-- Schema version 2: alerts raised by runs (mirrors the SQLite migration 002).
CREATE TABLE alerts (
    id          BIGSERIAL PRIMARY KEY,
    run_pk      BIGINT NOT NULL REFERENCES runs(pk),
    alert_id    TEXT NOT NULL,
    level       TEXT NOT NULL,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    step        BIGINT,
    metric      TEXT,
    source      TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    UNIQUE (run_pk, alert_id)
);
