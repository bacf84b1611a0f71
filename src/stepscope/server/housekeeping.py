"""What a running server does on its own, besides answering requests:

- runs still ``running`` whose client went silent (no heartbeat and no stored batch for
  ``heartbeat_timeout`` seconds; the SDK sends a heartbeat every flush) are marked
  ``crashed``, through one conditional UPDATE, so that several replicas doing it at once
  mark, and announce, each run once;
- for a data directory, the write-ahead logs of local writers that died while the
  server runs are stored (their runs show ``crashed``), as opening the directory does.

Each change is announced as a `run` event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stepscope.errors import StepscopeError
from stepscope.server.watcher import Watcher
from stepscope.store.base import RunRecord

log = logging.getLogger("stepscope.server")

RECOVER_SECONDS = 5.0
MAX_CHECK_SECONDS = 5.0

Recover = Callable[[], list[tuple[str, str]]]
"""Stores what dead local writers left; returns the (project, run id) pairs recovered."""


@dataclass
class Housekeeping:
    watcher: Watcher
    heartbeat_timeout: float
    """Seconds of silence after which a running run is crashed; 0 or less: never."""
    recover: Recover | None = None
    recover_seconds: float = RECOVER_SECONDS

    @property
    def check_seconds(self) -> float:
        """How often to look for silent runs: a quarter of the timeout, at most 5 s."""
        return min(MAX_CHECK_SECONDS, max(0.05, self.heartbeat_timeout / 4))

    def crash_silent_runs(self) -> list[RunRecord]:
        """Mark and announce the runs silent for longer than the timeout (blocking)."""
        if self.heartbeat_timeout <= 0:
            return []
        store = self.watcher.store
        records = store.crash_stale_runs(time.time() - self.heartbeat_timeout)
        for record in records:
            self.watcher.run_changed(record)
        return records

    def recover_dead_writers(self) -> list[tuple[str, str]]:
        """Store what local writers that died left behind, announcing their runs
        (blocking)."""
        if self.recover is None:
            return []
        recovered = self.recover()
        for project, run_id in recovered:
            self.watcher.run_changed(self.watcher.store.get_run(project, run_id))
        return recovered


async def housekeep_forever(work: Housekeeping, to_thread: Callable[..., Any]) -> None:
    """The housekeeping loop of a running server."""
    tick = min(work.check_seconds, work.recover_seconds)
    next_check = next_recover = time.monotonic()
    warned = False
    while True:
        await asyncio.sleep(tick)
        now = time.monotonic()
        try:
            if work.heartbeat_timeout > 0 and now >= next_check:
                next_check = now + work.check_seconds
                await to_thread(work.crash_silent_runs)
            if work.recover is not None and now >= next_recover:
                next_recover = now + work.recover_seconds
                await to_thread(work.recover_dead_writers)
        except (StepscopeError, OSError) as exc:
            # The store is busy or gone for a moment: try again next round.
            if not warned:
                log.warning("housekeeping failed, will retry: %s", exc)
                warned = True
