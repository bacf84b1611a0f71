"""The one table of settings, read by the SDK, the server, the CLI and the docs.

Each setting has a name, a default, the environment variable that overrides it and a
line of help. `docs/settings.md` is generated from this table and a test keeps it true.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    env: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting("dir", "./stepscope", "STEPSCOPE_DIR",
            "Data directory of the embedded store (SQLite database and write-ahead logs)."),
    Setting("mode", "online", "STEPSCOPE_MODE",
            "'online' logs normally; 'disabled' makes every SDK call a no-op."),
    Setting("server", "", "STEPSCOPE_SERVER",
            "URL of a stepscope server to log to instead of the local store."),
    Setting("api_key", "", "STEPSCOPE_API_KEY", "API key sent to a server that requires one."),
    Setting("finish_timeout", "60", "STEPSCOPE_FINISH_TIMEOUT",
            "Seconds finish() keeps retrying while the server is unreachable before it leaves "
            "the rest in the write-ahead log for recovery."),
    Setting("flush_interval", "0.5", "STEPSCOPE_FLUSH_INTERVAL",
            "Seconds between two folds of the write-ahead log into the store."),
    Setting("wal_segment_mib", "32", "STEPSCOPE_WAL_SEGMENT_MIB",
            "Size of one write-ahead log segment file, in MiB."),
    Setting("wal_max_segments", "8", "STEPSCOPE_WAL_MAX_SEGMENTS",
            "Unfolded segments allowed before log() blocks (with a warning) for the writer."),
    Setting("alert_webhook", "", "STEPSCOPE_ALERT_WEBHOOK",
            "URL that receives every alert of a run as a JSON POST."),
    Setting("heartbeat_timeout", "60", "STEPSCOPE_HEARTBEAT_TIMEOUT",
            "Seconds without a heartbeat or a stored batch after which `stepscope serve` "
            "marks a running run crashed (0: never). The SDK sends one every flush."),
    Setting("host", "127.0.0.1", "STEPSCOPE_HOST", "Address `stepscope serve` listens on."),
    Setting("ingest_rate", "100", "STEPSCOPE_INGEST_RATE",
            "Batches a second each API key may post to `stepscope serve --auth` (bursts of "
            "twice as many; 0: no limit). The SDK posts about two a second per run."),
    Setting("port", "5473", "STEPSCOPE_PORT", "Port `stepscope serve` listens on."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The current value of a setting: its environment variable, else its default."""
    return _BY_NAME[name].value()
