"""Validation and shaping of point batches before any engine writes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepscope.errors import InvalidInput
from stepscope.store.base import PointBatch
from stepscope.store.keys import check_key
from stepscope.types import FloatArray, IntArray

MAX_STEP = 2**53 - 1
"""Steps must fit a JavaScript number exactly, since the dashboard plots them."""

MAX_STEP_JUMP = 10**9
"""How far a run's steps may leap at once. A step more than this beyond every step the
run reached before (its last stored step, or 0 for a new run) is refused: it is almost
surely a bug (a timestamp or a token count passed as ``step``) that would strand every
later point past an empty billion-step axis. Plot against such counters with
``define_metric(step_metric=...)`` instead."""


@dataclass
class KeyPoints:
    key: str
    steps: IntArray
    values: FloatArray
    walls: FloatArray


def split_by_key(batch: PointBatch) -> list[KeyPoints]:
    """Check a batch and return its points grouped by key, each group in append order.

    Raises `InvalidInput` naming the field at fault; nothing is written by a caller that
    gets an error, because this runs before any transaction starts.
    """
    n = len(batch)
    for name in ("key_index", "values", "walls"):
        column = getattr(batch, name)
        if column.ndim != 1 or column.shape[0] != n:
            raise InvalidInput(f"{name} has {column.shape[0]} entries, steps has {n}",
                               field=name)
    if n == 0:
        return []
    for key in batch.keys:
        check_key(key)
    if len(set(batch.keys)) != len(batch.keys):
        raise InvalidInput("keys holds the same key twice", field="keys")
    if int(batch.key_index.min()) < 0 or int(batch.key_index.max()) >= len(batch.keys):
        raise InvalidInput("key index out of range of keys", field="key")
    if int(batch.steps.min()) < 0 or int(batch.steps.max()) > MAX_STEP:
        raise InvalidInput(f"steps must be integers in [0, {MAX_STEP}]", field="step")
    if not np.isfinite(batch.walls).all():
        raise InvalidInput("wall times must be finite", field="wall")
    order = np.argsort(batch.key_index, kind="stable")
    key_index = batch.key_index[order]
    bounds = np.flatnonzero(np.diff(key_index)) + 1
    groups: list[KeyPoints] = []
    for idx in np.split(order, bounds):
        steps = batch.steps[idx]
        key = batch.keys[int(batch.key_index[idx[0]])]
        if steps.shape[0] > 1 and bool((np.diff(steps) < 0).any()):
            raise InvalidInput(f"steps of {key!r} go backwards within the batch", field="step")
        groups.append(KeyPoints(key, steps, batch.values[idx], batch.walls[idx]))
    return groups


def check_step_jump(groups: list[KeyPoints], base: int | None) -> None:
    """`InvalidInput` unless every step of the batch lies within `MAX_STEP_JUMP` of a
    step reached before it: the run's last stored step ``base`` (None: 0), or a
    smaller step of the same batch."""
    if not groups:
        return
    start = 0 if base is None else base
    top = max(int(g.steps[-1]) for g in groups)
    if top <= start + MAX_STEP_JUMP:
        return  # the usual case, without sorting anything
    steps = np.unique(np.concatenate([g.steps for g in groups]))
    chain = np.concatenate(([start], steps[steps > start]))
    gaps = np.diff(chain)
    if bool((gaps > MAX_STEP_JUMP).any()):
        at = int(np.argmax(gaps > MAX_STEP_JUMP))
        raise InvalidInput(
            f"step {int(chain[at + 1])} jumps more than {MAX_STEP_JUMP:,} steps past step "
            f"{int(chain[at])}; steps must not leap that far (plot a counter such as "
            "tokens with define_metric(step_metric=...))", field="step")
