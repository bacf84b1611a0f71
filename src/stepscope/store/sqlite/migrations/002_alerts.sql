-- Schema version 2: alerts raised by runs (stepscope.alert and automatic watchers).
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    run_pk      INTEGER NOT NULL REFERENCES runs(pk),
    alert_id    TEXT NOT NULL,
    level       TEXT NOT NULL,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    step        INTEGER,
    metric      TEXT,
    source      TEXT NOT NULL,
    created_at  REAL NOT NULL,
    UNIQUE (run_pk, alert_id)
);
