"""The step-jump policy in every engine: a batch whose steps leap more than
`MAX_STEP_JUMP` past every step the run reached before is refused whole."""

from __future__ import annotations

import pytest

from stepscope.errors import InvalidInput
from stepscope.store.base import Store
from stepscope.store.batches import MAX_STEP_JUMP

from .helpers import batch, new_run, points

J = MAX_STEP_JUMP


def test_a_leap_from_the_last_stored_step_is_refused(store: Store) -> None:
    run = new_run(store)
    store.append_batch("proj", run, batch({"loss": ([0, 1, 2], [1.0, 2.0, 3.0])}))
    with pytest.raises(InvalidInput) as info:
        store.append_batch("proj", run, batch({"loss": ([3, 4 + J], [4.0, 5.0])}))
    assert info.value.field == "step" and "jumps more than" in info.value.message
    # Nothing of the refused batch was written, not even its small first step.
    steps, _, _ = points(store, "proj", run, "loss")
    assert steps.tolist() == [0, 1, 2]
    assert store.get_run("proj", run).last_step == 2
    store.append_batch("proj", run, batch({"loss": ([2 + J], [5.0])}))  # exactly J: fine


def test_leaps_are_measured_across_keys_and_within_a_batch(store: Store) -> None:
    run = new_run(store)
    # A new run starts from 0; steps of other keys in the batch are stepping stones.
    store.append_batch("proj", run, batch({"a": ([0, J], [1.0, 2.0]), "b": ([2 * J], [3.0])}))
    # A key logged rarely may come back far beyond its own last step: the run moved on.
    store.append_batch("proj", run, batch({"b": ([2 * J + 5], [4.0]), "a": ([3 * J], [5.0])}))
    assert store.get_run("proj", run).last_step == 3 * J
    with pytest.raises(InvalidInput):
        store.append_batch("proj", run, batch({"a": ([3 * J + 1], [1.0]),
                                            "b": ([4 * J + 2], [2.0])}))
    fresh = new_run(store, run_id="r2")
    with pytest.raises(InvalidInput):
        store.append_batch("proj", fresh, batch({"x": ([J + 1], [1.0])}))
    assert store.resolve_series("p", [fresh], ["x"]) == []
