"""A process killed with SIGKILL loses no point whose log() call returned."""

from __future__ import annotations

import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import run_child

import stepscope


def test_sigkill_right_after_the_last_log_loses_nothing(data_dir: Path) -> None:
    result = run_child(f"""
        import os, signal, stepscope
        run = stepscope.init(project="kill", name="victim", dir={str(data_dir)!r})
        for i in range(5000):
            run.log({{"x": i * 0.5}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert result.returncode == -signal.SIGKILL
    api = stepscope.Api(data_dir)
    (run,) = api.runs("kill")
    assert run.status == "crashed"
    steps, values, _ = run.series("x")
    np.testing.assert_array_equal(steps, np.arange(5000))
    np.testing.assert_array_equal(values, np.arange(5000) * 0.5)
    assert not list((data_dir / "wal").glob("*/*/*.wal"))  # recovered logs are removed


def test_clean_exit_without_finish_loses_nothing(data_dir: Path) -> None:
    run_child(f"""
        import stepscope
        stepscope.init(project="exit", dir={str(data_dir)!r})
        for i in range(3000):
            stepscope.log({{"a": i, "b": {{"c": -i}}}})
    """, check=True)
    (run,) = stepscope.Api(data_dir).runs("exit")
    assert run.status == "finished"
    history = run.history(pandas=False)
    np.testing.assert_array_equal(history["a"], np.arange(3000))
    np.testing.assert_array_equal(history["b/c"], -np.arange(3000))


def test_uncaught_exception_marks_the_run_failed(data_dir: Path) -> None:
    result = run_child(f"""
        import stepscope
        stepscope.init(project="boom", dir={str(data_dir)!r})
        stepscope.log({{"loss": 1.0}})
        raise RuntimeError("diverged")
    """)
    assert result.returncode == 1
    (run,) = stepscope.Api(data_dir).runs("boom")
    assert run.status == "failed"
    assert run.series("loss")[1].tolist() == [1.0]


_KILL_CHILD = """
    import mmap, os, struct, sys, stepscope
    progress = open(sys.argv[1], "r+b")
    shared = mmap.mmap(progress.fileno(), 8)
    run = stepscope.init(project="chaos", name=sys.argv[2], dir=sys.argv[3])
    pack = struct.Struct("<q").pack_into
    for i in range(int(sys.argv[4])):
        run.log({"a": float(i), "b": float(-i), "c": 0.5})
        pack(shared, 0, i)  # only after log() returned
    run.finish()
"""


def _kill_at_random(data_dir: Path, tmp_path: Path, name: str, steps: int,
                    delay: float) -> int:
    progress = tmp_path / f"{name}.progress"
    progress.write_bytes(struct.pack("<q", -1))
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILL_CHILD), str(progress), name,
         str(data_dir), str(steps)], env={**os.environ, "STEPSCOPE_QUIET": "1",
                                          "STEPSCOPE_WAL_SEGMENT_MIB": "4"})
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    with open(progress, "rb") as f:
        return int(struct.unpack("<q", mmap.mmap(f.fileno(), 8, access=mmap.ACCESS_READ)[:8])[0])


def _check_prefix(run: stepscope.api.ApiRun, returned: int) -> None:
    for key, sign in (("a", 1.0), ("b", -1.0)):
        steps, values, _ = run.series(key)
        # every call that returned is there, exactly once; at most the one in flight more
        assert returned + 1 <= steps.shape[0] <= returned + 2
        np.testing.assert_array_equal(steps, np.arange(steps.shape[0]))
        np.testing.assert_array_equal(values, sign * np.arange(steps.shape[0]))


def test_sigkill_mid_run_keeps_every_returned_point(data_dir: Path, tmp_path: Path) -> None:
    returned = _kill_at_random(data_dir, tmp_path, "mid", 10_000_000, delay=1.5)
    assert returned > 1000, "the child did not get far enough to test anything"
    (run,) = stepscope.Api(data_dir).runs("chaos")
    assert run.status == "crashed"
    _check_prefix(run, returned)


@pytest.mark.slow
def test_sigkill_at_random_moments_of_a_million_point_run(data_dir: Path,
                                                           tmp_path: Path) -> None:
    rng = random.Random(7)
    for attempt in range(5):
        returned = _kill_at_random(data_dir, tmp_path, f"r{attempt}", 333_334,
                                   delay=rng.uniform(0.3, 2.5))
        api = stepscope.Api(data_dir)
        run = next(r for r in api.runs("chaos") if r.name == f"r{attempt}")
        assert run.status in ("crashed", "finished")  # a kill inside finish() is a crash
        _check_prefix(run, returned)
        api.close()
