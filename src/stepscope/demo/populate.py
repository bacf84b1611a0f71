"""Filling a data directory with the demo projects of ``stepscope demo``.

- ``seed-replica``: the reference dashboard's runs ``red`` then ``blue`` (created in
  that order, so the dashboard's palette colours them red and blue), the three metrics
  of `stepscope.demo.seed_replica` over steps 0-30, written straight into the store.
- ``rl-example``: the two runs of `stepscope.demo.rl_math` (``steady``,
  ``aggressive``), trained for real and logged through the SDK, as a user's script
  would. `start_live` trains them in child processes instead, slowed down so their
  curves visibly grow in an open dashboard.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import stepscope
from stepscope.demo import rl_math, seed_replica
from stepscope.store.base import PointBatch, RunFilter, RunPatch, RunSpec, Store
from stepscope.types import RunStatus

SEED_PROJECT = "seed-replica"
RL_PROJECT = "rl-example"
SEED_NOTES = ("A replica of the reference dashboard (seeds/000_1897f5b2935d57e6.txt), "
              "rebuilt from its description: values read from the picture at a few steps, "
              "smoothly interpolated, with light bounded noise. Not a real training run.")
GOALS = {"eval/math-eval/accuracy/mean": "maximize", "actor/entropy_loss": "minimize",
         "actor/kl_loss": "minimize"}
STEP_SECONDS = 60.0
"""Wall time between two replica steps (the picture shows none; one a minute reads well)."""


def has_runs(store: Store, project: str) -> bool:
    return any(p.name == project and p.run_count for p in store.list_projects())


SEED_WORKSPACE = {"pins": list(seed_replica.SEED_METRICS)}
"""The replica's saved dashboard state: its three panels pinned in the reference's order,
so the first screen shows them in one row, as the reference picture does."""


def fill_seed_replica(store: Store, seed: int = 0) -> list[str]:
    """Write the replica's runs (red first, then blue) and its workspace (a fresh one
    only); return the run ids."""
    series = seed_replica.replica_series(seed)
    start = time.time() - (seed_replica.LAST_STEP + 1) * STEP_SECONDS
    ids = []
    for name in seed_replica.RUN_NAMES:  # creation order sets the colours
        record, _ = store.create_run(SEED_PROJECT, RunSpec(
            name=name, tags=["replica"], notes=SEED_NOTES, resume="never",
            config={"replica_of": "seeds/000_1897f5b2935d57e6.txt", "line_color": name}))
        keys = list(seed_replica.SEED_METRICS)
        steps = np.concatenate([series[name][k][0] for k in keys])
        values = np.concatenate([series[name][k][1] for k in keys])
        key_index = np.repeat(np.arange(len(keys)), [series[name][k][0].size for k in keys])
        store.update_run(SEED_PROJECT, record.id, RunPatch(metrics={
            k: {"goal": goal, "summary": "last"} for k, goal in GOALS.items()}))
        store.append_batch(SEED_PROJECT, record.id, PointBatch(
            keys, key_index.astype(np.int64), steps.astype(np.int64), values,
            start + steps * STEP_SECONDS))
        store.update_run(SEED_PROJECT, record.id, RunPatch(status=RunStatus.FINISHED))
        ids.append(record.id)
    state, version = store.get_workspace(SEED_PROJECT)
    if version == 0:
        store.put_workspace(SEED_PROJECT, SEED_WORKSPACE, version)
    return ids


def train_rl_run(directory: Path, config_name: str, steps_per_second: float | None = None,
                 steps: int | None = None) -> str:
    """Train one configuration of the RL example, logging through ``stepscope.init``;
    ``steps_per_second`` slows it down for a live demo. Returns the run id."""
    config = rl_math.CONFIGS[config_name]
    if steps is not None:
        config = dataclasses.replace(config, steps=steps)
    run = stepscope.init(project=RL_PROJECT, name=config_name, dir=directory,
                         config=dataclasses.asdict(config), tags=["rl-math", config_name])
    for key, goal in GOALS.items():
        run.define_metric(key, goal=goal)
    pause = 1.0 / steps_per_second if steps_per_second else 0.0

    def log(metrics: dict[str, float], step: int) -> None:
        run.log(metrics, step=step)
        if pause:
            time.sleep(pause)

    rl_math.train(config, log)
    run.finish(quiet=True)
    return run.id


def fill_rl_example(directory: Path) -> None:
    for name in rl_math.CONFIGS:
        train_rl_run(directory, name)


def start_live(directory: Path, steps_per_second: float) -> list[subprocess.Popen[bytes]]:
    """Train every RL configuration in its own child process, at the given pace."""
    return [subprocess.Popen([sys.executable, "-m", "stepscope.demo.populate", "--dir",
                              str(directory), "--train", name, "--rate",
                              str(steps_per_second)], env=_quiet_env())
            for name in rl_math.CONFIGS]


def stop_live(children: list[subprocess.Popen[bytes]], timeout: float = 5.0) -> None:
    """Interrupt the training children (their runs end as failed), killing stragglers."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _quiet_env() -> dict[str, str]:
    return {**os.environ, "STEPSCOPE_QUIET": "1"}


def rl_run_names(store: Store) -> list[str]:
    if not has_runs(store, RL_PROJECT):
        return []
    return [r.name for r in store.list_runs(RL_PROJECT, RunFilter(limit=1000))[0]]


def main(argv: Sequence[str] | None = None) -> None:
    """Train one RL configuration into a data directory (what `start_live` runs)."""
    parser = argparse.ArgumentParser(description="Train one demo RL run.")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--train", choices=sorted(rl_math.CONFIGS), required=True)
    parser.add_argument("--rate", type=float, default=5.0, help="steps per second")
    args = parser.parse_args(argv)
    try:
        train_rl_run(Path(args.dir), args.train, args.rate)
    except KeyboardInterrupt:  # the demo is stopping before training ended
        stepscope.finish(exit_code=1, quiet=True)


if __name__ == "__main__":
    main()
