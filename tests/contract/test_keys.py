"""Listing metric keys: sections in order of first appearance, keys sorted within."""

from __future__ import annotations

from stepscope.store.base import Store

from .helpers import batch, new_run


def test_sections_in_order_of_first_appearance(store: Store) -> None:
    new_run(store, run_id="a")
    new_run(store, run_id="b")
    store.append_batch("proj", "a", batch({
        "eval/acc": ([0], [1.0]), "actor/loss": ([0], [1.0]), "lr": ([0], [1.0]),
        "eval/acc/mean": ([0], [1.0]), "actor/kl": ([0], [1.0])}))
    store.append_batch("proj", "b", batch({"zeta/x": ([3], [1.0]), "actor/kl": ([9], [1.0])}))
    keys = store.list_keys("proj")
    assert [(k.key, k.section, k.runs, k.last_step) for k in keys] == [
        ("eval/acc", "eval", 1, 0),
        ("eval/acc/mean", "eval", 1, 0),
        ("actor/kl", "actor", 2, 9),
        ("actor/loss", "actor", 1, 0),
        ("lr", "lr", 1, 0),
        ("zeta/x", "zeta", 1, 3),
    ]
    assert keys[0].to_dict() == {"key": "eval/acc", "section": "eval", "runs": 1,
                                 "last_step": 0}


def test_keys_of_chosen_runs(store: Store) -> None:
    new_run(store, run_id="a")
    new_run(store, run_id="b")
    store.append_batch("proj", "a", batch({"x/1": ([0], [1.0])}))
    store.append_batch("proj", "b", batch({"y/1": ([0], [1.0]), "x/1": ([4], [1.0])}))
    assert [(k.key, k.runs, k.last_step) for k in store.list_keys("proj", ["a"])] == [
        ("x/1", 1, 0)]
    assert [(k.key, k.runs) for k in store.list_keys("proj", ["b"])] == [("y/1", 1), ("x/1", 1)]
    assert [(k.key, k.runs) for k in store.list_keys("proj", ["a", "b"])] == [
        ("x/1", 2), ("y/1", 1)]
    assert store.list_keys("proj", ["missing"]) == []
    assert store.list_keys("other") == []
