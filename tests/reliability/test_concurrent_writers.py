"""Eight processes logging into one data directory at once (DDP ranks, a sweep)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import stepscope

_RANK = """
    import sys, stepscope
    rank = int(sys.argv[1])
    run = stepscope.init(project="ddp", name=f"rank{rank}", group="job", dir=sys.argv[2])
    for i in range(25_000):
        run.log({"loss": rank + i * 1e-6, "acc": 0.5, "lr": 1e-3, "rank": rank})
    run.finish()
"""


def test_eight_processes_lose_nothing_and_never_see_locked(data_dir: Path) -> None:
    env = {**os.environ, "STEPSCOPE_QUIET": "1", "STEPSCOPE_FLUSH_INTERVAL": "0.2"}
    children = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(_RANK), str(rank),
                                  str(data_dir)], env=env, stderr=subprocess.PIPE, text=True)
                for rank in range(8)]
    errors = [child.communicate(timeout=240)[1] for child in children]
    assert [c.returncode for c in children] == [0] * 8, errors
    assert not any("locked" in e for e in errors), errors
    runs = stepscope.Api(data_dir).runs("ddp")
    assert sorted(r.name for r in runs) == [f"rank{i}" for i in range(8)]
    for run in runs:
        rank = int(run.name[4:])
        assert run.status == "finished"
        history = run.history(pandas=False)
        assert sum(len(history[k]) for k in ("loss", "acc", "lr", "rank")) == 100_000
        np.testing.assert_allclose(history["loss"], rank + np.arange(25_000) * 1e-6)
        assert (history["rank"] == rank).all()
