"""An unwritable data directory or a full disk: a clear error, a readable store."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import run_child

import stepscope
from stepscope.errors import StoreUnavailable


def test_unwritable_data_directory_is_a_clear_error_from_init(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable, match="cannot open the data directory"):
        stepscope.init(project="p", dir=blocker / "data")
    assert stepscope.run is None


def test_full_disk_reports_the_failure_and_keeps_the_store_readable(data_dir: Path) -> None:
    # RLIMIT_FSIZE caps every file the child writes at 3 MiB: the SQLite database hits it
    # first, then the write-ahead log fills its two 1 MiB segments.
    result = run_child(f"""
        import resource, sys, stepscope
        from stepscope.errors import StoreUnavailable
        resource.setrlimit(resource.RLIMIT_FSIZE, (3 << 20, 3 << 20))
        run = stepscope.init(project="full", dir={str(data_dir)!r})
        logged = 0
        try:
            for i in range(1_000_000):
                run.log({{f"m{{k}}": i + k / 100 for k in range(50)}})
                logged = i + 1
        except StoreUnavailable as exc:
            print(logged)
            print(exc, file=sys.stderr)
            sys.exit(3)
    """, env={"STEPSCOPE_WAL_SEGMENT_MIB": "1", "STEPSCOPE_WAL_MAX_SEGMENTS": "2",
              "STEPSCOPE_FLUSH_INTERVAL": "0.05"})
    assert result.returncode == 3, result.stderr
    assert "write-ahead log is full and the store cannot be written" in result.stderr
    logged = int(result.stdout.strip())
    assert logged > 0
    # Opened again without the limit, the store is consistent and recovers every point
    # whose log() returned.
    (run,) = stepscope.Api(data_dir).runs("full")
    assert run.status == "crashed"
    steps, values, _ = run.series("m7")
    assert steps.tolist() == list(range(logged))
    assert values[-1] == logged - 1 + 0.07
