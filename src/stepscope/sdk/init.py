"""``stepscope.init`` and the module-level state (``stepscope.run``, ``log``, ...)."""

from __future__ import annotations

import atexit
import getpass
import os
import platform
import socket
import sys
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from stepscope import settings
from stepscope.errors import Conflict, StoreUnavailable
from stepscope.sdk import run as run_module
from stepscope.sdk.alerts import Watch
from stepscope.sdk.config import as_mapping
from stepscope.sdk.current import set_current
from stepscope.sdk.disabled import DisabledRun
from stepscope.sdk.folding import recover_dead_writers
from stepscope.sdk.run import Run
from stepscope.sdk.sinks.base import Sink
from stepscope.sdk.sinks.local import LocalSink
from stepscope.sdk.wal import try_lock
from stepscope.store.base import RunSpec, check_project
from stepscope.store.sqlite import SqliteStore

DEFAULT_PROJECT = "uncategorized"
_uncaught: list[BaseException] = []


def init(project: str | None = None, name: str | None = None, id: str | None = None,
         config: Any = None, tags: list[str] | tuple[str, ...] | None = None,
         group: str | None = None, notes: str | None = None, dir: str | Path | None = None,
         resume: bool | str | None = None, mode: str | None = None,
         server: str | None = None, alerts: bool | Watch = False,
         alert_webhook: str | None = None, **ignored: Any) -> Run | DisabledRun:
    """Start (or resume) a run and make it the current one (``stepscope.run``).

    ``resume``: ``"allow"`` (or True, ``"auto"``) continues run ``id`` if it exists,
    ``"must"`` requires it to, ``"never"`` (default) refuses an existing id.
    ``mode="disabled"`` returns a run whose every call is a no-op.
    ``server`` (or ``STEPSCOPE_SERVER``): a stepscope server's URL to log to; the data
    directory then holds only the write-ahead log (see docs/remote-logging.md).
    ``alerts=True`` (or a `Watch`) turns on automatic alerts (NaN loss, KL spike, stalled
    loss); ``alert_webhook`` (or ``STEPSCOPE_ALERT_WEBHOOK``) receives every alert as JSON.
    Raises `StoreUnavailable` when the data directory cannot be written.
    """
    mode = mode or settings.get("mode")
    if mode not in ("online", "offline", "disabled"):
        raise ValueError(f"init(): mode must be 'online' or 'disabled', not {mode!r}")
    for active in list(run_module._active):
        active.finish()
    if mode == "disabled":
        disabled = DisabledRun(project or DEFAULT_PROJECT, name, id, as_mapping(config))
        set_current(disabled)
        return disabled
    project = check_project(project or DEFAULT_PROJECT)
    policy = {None: "never", False: "never", True: "allow", "auto": "allow"}.get(
        resume, resume)  # type: ignore[call-overload]
    data_dir = Path(dir if dir is not None else settings.get("dir")).expanduser()
    server = server if server is not None else settings.get("server")
    sink: Sink = _http_sink(server) if server else LocalSink(SqliteStore(data_dir))
    recover_dead_writers(data_dir, sink)
    spec = RunSpec(id=id, name=name, group=group, tags=list(tags or []), notes=notes,
                   config=as_mapping(config), metadata=_metadata(), resume=str(policy))
    record = sink.open_run(project, spec)
    wal_dir = data_dir / "wal" / project / record.id
    try:
        wal_dir.mkdir(parents=True, exist_ok=True)
        lock_fd = try_lock(wal_dir / "lock")
    except OSError as exc:
        raise StoreUnavailable(f"cannot write the write-ahead log in {str(wal_dir)!r}: "
                               f"{exc.strerror or exc}") from exc
    if lock_fd is None:
        raise Conflict(f"run {record.id!r} is being logged by another live process")
    run = Run(record, sink, wal_dir, lock_fd, stream=uuid.uuid4().hex,
              segment_bytes=int(settings.get("wal_segment_mib")) << 20,
              max_segments=int(settings.get("wal_max_segments")),
              flush_interval=float(settings.get("flush_interval")),
              watch=Watch() if alerts is True else alerts or None,
              alert_webhook=alert_webhook or settings.get("alert_webhook"))
    run_module._active.append(run)
    set_current(run)
    return run


def _http_sink(server: str) -> Sink:
    from stepscope.sdk.sinks.http import HttpSink  # httpx loads only when used

    return HttpSink(server)


def _metadata() -> dict[str, Any]:
    return {"host": socket.gethostname(), "user": getpass.getuser(), "pid": os.getpid(),
            "python": platform.python_version(), "command": [sys.executable, *sys.argv],
            "cwd": os.getcwd()}


def _finish_all() -> None:
    exit_code = 1 if _uncaught else 0
    for run in list(run_module._active):
        run.finish(exit_code=exit_code)


def _excepthook(kind: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    _uncaught.append(exc)
    _previous_hook(kind, exc, tb)


_previous_hook = sys.excepthook
sys.excepthook = _excepthook
atexit.register(_finish_all)
