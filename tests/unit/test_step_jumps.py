"""The step-jump policy in the SDK: ``log(step=s)`` more than a billion steps past the
highest step logged raises at once, so nothing the store would refuse reaches the
write-ahead log (where it would block every later point)."""

from __future__ import annotations

from pathlib import Path

import pytest

import stepscope
from stepscope.store.batches import MAX_STEP, MAX_STEP_JUMP


def test_a_billion_step_leap_raises_and_records_nothing(data_dir: Path) -> None:
    run = stepscope.init(project="jumps", name="r", dir=data_dir)
    for step in range(100):
        run.log({"loss": 1.0 / (step + 1)})
    with pytest.raises(ValueError, match="leaps more than 1,000,000,000"):
        run.log({"loss": 0.0}, step=99 + MAX_STEP_JUMP + 1)
    with pytest.raises(ValueError, match="step must be in"):
        run.log({"loss": 0.0}, step=MAX_STEP + 1)
    run.log({"loss": 0.5}, step=99 + MAX_STEP_JUMP)  # exactly a billion: allowed
    run.log({"loss": 0.25}, step=99 + 2 * MAX_STEP_JUMP)  # and again from there
    # Moving the step without logging does not move what a leap is measured from.
    run.log({}, step=99 + 3 * MAX_STEP_JUMP)
    with pytest.raises(ValueError, match="leaps"):
        run.log({"loss": 0.1}, step=99 + 3 * MAX_STEP_JUMP + 1)
    run.finish(quiet=True)
    (stored,) = stepscope.Api(data_dir).runs("jumps")
    steps, values, _ = stored.series("loss")
    assert steps[-2:].tolist() == [99 + MAX_STEP_JUMP, 99 + 2 * MAX_STEP_JUMP]
    assert stored.status == "finished" and len(values) == 102  # nothing was left stuck


def test_a_resumed_run_measures_leaps_from_its_last_step(data_dir: Path) -> None:
    run = stepscope.init(project="jumps", id="res", dir=data_dir)
    run.log({"x": 1.0}, step=5 * 10**8)
    run.finish(quiet=True)
    again = stepscope.init(project="jumps", id="res", dir=data_dir, resume="must")
    again.log({"x": 2.0}, step=5 * 10**8 + MAX_STEP_JUMP)
    with pytest.raises(ValueError):
        again.log({"x": 3.0}, step=5 * 10**8 + 2 * MAX_STEP_JUMP + 1)
    again.finish(quiet=True)
