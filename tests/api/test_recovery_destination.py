"""A dead writer's log is recovered into where it was going: a run that logged to a
server is never folded into the local store, and the next process that logs to that
server delivers it."""

from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
from tests.conftest import run_child

import stepscope
from stepscope.query.engine import read_points
from stepscope.sdk.folding import recover_dead_writers
from stepscope.sdk.sinks.local import LocalSink
from stepscope.store.sqlite import SqliteStore
from stepscope.types import RunStatus

from .conftest import LiveServer


def test_a_remote_runs_log_goes_to_its_server_not_the_local_store(server: LiveServer,
                                                                   tmp_path: Path) -> None:
    data_dir = tmp_path / "client"
    # The same project and run id also exist locally: only the log's recorded
    # destination keeps recovery from folding the remote points in here.
    with stepscope.init(project="remote", id="victim", dir=data_dir) as local_run:
        local_run.log({"x": -1.0})
    result = run_child(f"""
        import os, signal, stepscope
        run = stepscope.init(project="remote", name="victim", id="victim",
                             dir={str(data_dir)!r}, server={server.url!r})
        for i in range(3000):
            run.log({{"x": float(i)}})
        os.kill(os.getpid(), signal.SIGKILL)
    """, env={"STEPSCOPE_FLUSH_INTERVAL": "60"})  # nothing reaches the server before death
    assert result.returncode == -signal.SIGKILL
    assert list((data_dir / "wal").glob("remote/victim/*.wal"))

    local = SqliteStore(data_dir)
    try:
        assert recover_dead_writers(data_dir, LocalSink(local)) == []
        (ref,) = local.resolve_series("remote", ["victim"], ["x"])
        assert read_points(local, ref)[1].tolist() == [-1.0]
    finally:
        local.close()
    assert list((data_dir / "wal").glob("remote/victim/*.wal")), "the local open took it"

    other = stepscope.init(project="remote", name="next", dir=data_dir, server=server.url)
    other.finish(quiet=True)
    assert not list((data_dir / "wal").glob("remote/victim/*.wal"))
    record = server.store.get_run("remote", "victim")
    assert record.status == RunStatus.CRASHED
    (ref,) = server.store.resolve_series("remote", ["victim"], ["x"])
    steps, values, _ = read_points(server.store, ref)
    np.testing.assert_array_equal(steps, np.arange(3000))
    np.testing.assert_array_equal(values, np.arange(3000.0))
