"""Alerts on every engine: appended through run patches, stored once per id."""

from __future__ import annotations

import time
from typing import Any

import pytest
from tests.contract.helpers import new_run

from stepscope.errors import InvalidInput, NotFound
from stepscope.store.base import RunPatch, Store


def _alert(alert_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": alert_id, "level": "WARN", "title": f"alert {alert_id}", "text": "",
            "step": 3, "metric": "actor/kl_loss", "source": "auto",
            "created_at": time.time(), **fields}


def test_alerts_are_appended_once_and_listed_in_order(store: Store) -> None:
    new_run(store, run_id="r1")
    new_run(store, run_id="r2")
    store.update_run("proj", "r1", RunPatch(alerts=[_alert("a"), _alert("b")]))
    store.update_run("proj", "r2", RunPatch(alerts=[_alert("a", level="ERROR")]))
    store.update_run("proj", "r1", RunPatch(alerts=[_alert("a"), _alert("c")]))  # a retry
    listed = store.list_alerts("proj")
    assert [(a.run, a.id, a.level) for _, a in listed] == [
        ("r1", "a", "WARN"), ("r1", "b", "WARN"), ("r2", "a", "ERROR"), ("r1", "c", "WARN")]
    sequences = [seq for seq, _ in listed]
    assert sequences == sorted(sequences)
    after = store.list_alerts("proj", after_id=sequences[1])
    assert [a.id for _, a in after] == ["a", "c"]
    assert [a.id for _, a in store.list_alerts("proj", run_id="r2")] == ["a"]
    assert store.list_alerts("other") == []


@pytest.mark.parametrize(("fields", "field"), [
    ({"level": "LOUD"}, "alerts.level"), ({"title": ""}, "alerts.title"),
    ({"id": ""}, "alerts.id"), ({"step": -1}, "alerts.step"),
    ({"metric": "a//b"}, "key"), ({"source": "bot"}, "alerts.source"),
    ({"created_at": float("nan")}, "alerts.created_at")])
def test_a_bad_alert_writes_nothing(store: Store, fields: dict[str, Any], field: str) -> None:
    new_run(store)
    with pytest.raises(InvalidInput) as caught:
        store.update_run("proj", "r1", RunPatch(name="renamed",
                                                alerts=[_alert("ok"), _alert("x", **fields)]))
    assert caught.value.field == field
    assert store.list_alerts("proj") == []
    assert store.get_run("proj", "r1").name != "renamed"


def test_alerts_for_a_missing_run(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update_run("proj", "nope", RunPatch(alerts=[_alert("a")]))
