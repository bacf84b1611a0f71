"""The dashboard workspace: one JSON document per project with optimistic versions."""

from __future__ import annotations

import pytest

from stepscope.errors import Conflict, InvalidInput, NotFound
from stepscope.store.base import Store

from .helpers import new_run


def test_versions_advance_and_stale_writes_conflict(store: Store) -> None:
    new_run(store)
    assert store.get_workspace("proj") == ({}, 0)
    assert store.put_workspace("proj", {"pinned": ["a/b"], "smoothing": 0.6}, 0) == 1
    with pytest.raises(Conflict) as info:
        store.put_workspace("proj", {"pinned": []}, 0)
    assert info.value.status == 409 and info.value.field == "version"
    assert store.put_workspace("proj", {"pinned": [], "nested": {"x": [1, None]}}, 1) == 2
    with pytest.raises(Conflict):
        store.put_workspace("proj", {}, 5)
    assert store.get_workspace("proj") == ({"pinned": [], "nested": {"x": [1, None]}}, 2)


def test_workspaces_are_per_project(store: Store) -> None:
    new_run(store, project="one")
    new_run(store, project="two")
    store.put_workspace("one", {"n": 1}, 0)
    assert store.get_workspace("two") == ({}, 0)
    assert store.put_workspace("two", {"n": 2}, 0) == 1
    assert store.get_workspace("one") == ({"n": 1}, 1)


def test_unknown_project_and_bad_state(store: Store) -> None:
    assert store.get_workspace("nope") == ({}, 0)
    with pytest.raises(NotFound):
        store.put_workspace("nope", {}, 0)
    new_run(store)
    with pytest.raises(InvalidInput):
        store.put_workspace("proj", ["not", "an", "object"], 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        store.put_workspace("proj", {"x": object()}, 0)
    assert store.get_workspace("proj") == ({}, 0)


def test_non_finite_numbers_in_state_become_null(store: Store) -> None:
    new_run(store)
    store.put_workspace("proj", {"y_max": float("inf")}, 0)
    assert store.get_workspace("proj") == ({"y_max": None}, 1)
