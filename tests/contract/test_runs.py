"""Projects and runs: create/resume policies, patches, listing, validation."""

from __future__ import annotations

import time

import pytest

from stepscope.errors import Conflict, InvalidInput, NotFound
from stepscope.store.base import RunFilter, RunPatch, RunSpec, Store
from stepscope.types import RunStatus

from .helpers import batch, new_run


def test_create_run_records_the_spec(store: Store) -> None:
    before = time.time()
    run, created = store.create_run("proj", RunSpec(
        id="abc", name="first", group="sweep-1", tags=["a", "b", "a"], notes="hello",
        config={"lr": 0.001, "nested": {"x": [1, 2]}}, metadata={"host": "gpu1"}))
    assert created
    assert (run.project, run.id, run.name, run.group, run.notes) == (
        "proj", "abc", "first", "sweep-1", "hello")
    assert run.tags == ["a", "b"]  # duplicates dropped, order kept
    assert run.config == {"lr": 0.001, "nested": {"x": [1, 2]}}
    assert run.metadata == {"host": "gpu1"}
    assert run.status is RunStatus.RUNNING
    assert before <= run.created_at <= run.updated_at <= time.time()
    assert run.last_step is None and run.color is None
    assert run.summary == {} and run.metrics == {}
    assert store.get_run("proj", "abc") == run


def test_create_run_generates_an_id_and_defaults_the_name(store: Store) -> None:
    run, created = store.create_run("proj", RunSpec())
    assert created and run.id and run.name == run.id
    other, _ = store.create_run("proj", RunSpec())
    assert other.id != run.id


def test_non_finite_config_values_become_null(store: Store) -> None:
    run, _ = store.create_run("proj", RunSpec(id="r", config={"a": float("nan"), "b": 1}))
    assert run.config == {"a": None, "b": 1}


@pytest.mark.parametrize("policy", ["allow", "must"])
def test_resume_existing_run(store: Store, policy: str) -> None:
    first, _ = store.create_run("proj", RunSpec(id="r", name="original"))
    store.update_run("proj", "r", RunPatch(status=RunStatus.CRASHED))
    again, created = store.create_run("proj", RunSpec(id="r", name="ignored", resume=policy))
    assert not created
    assert again.name == "original"  # resuming keeps what was stored
    assert again.status is RunStatus.RUNNING
    assert again.created_at == first.created_at


def test_resume_never_refuses_an_existing_run(store: Store) -> None:
    store.create_run("proj", RunSpec(id="r"))
    with pytest.raises(Conflict) as info:
        store.create_run("proj", RunSpec(id="r", resume="never"))
    assert info.value.status == 409 and info.value.field == "id"


def test_resume_must_requires_the_run(store: Store) -> None:
    with pytest.raises(NotFound):
        store.create_run("proj", RunSpec(id="missing", resume="must"))
    assert store.list_runs("proj", RunFilter())[1] == 0


def test_resume_allow_and_never_create_missing_runs(store: Store) -> None:
    assert store.create_run("proj", RunSpec(id="a", resume="allow"))[1]
    assert store.create_run("proj", RunSpec(id="b", resume="never"))[1]


def test_same_run_id_in_two_projects_are_two_runs(store: Store) -> None:
    store.create_run("one", RunSpec(id="r", name="in one"))
    store.create_run("two", RunSpec(id="r", name="in two"))
    assert store.get_run("one", "r").name == "in one"
    assert store.get_run("two", "r").name == "in two"


@pytest.mark.parametrize("spec", [
    RunSpec(id="has space"), RunSpec(id=""), RunSpec(id="x" * 65), RunSpec(id="a/b"),
    RunSpec(id="r", resume="sometimes"), RunSpec(id="r", tags="not-a-list"),  # type: ignore[arg-type]
    RunSpec(id="r", tags=[""]), RunSpec(id="r", config={"f": object()}),
])
def test_invalid_run_specs(store: Store, spec: RunSpec) -> None:
    with pytest.raises(InvalidInput):
        store.create_run("proj", spec)
    assert store.list_projects() == []  # validation happens before anything is written


@pytest.mark.parametrize("project", ["", ".hidden", "has space", "a/b", "x" * 129, "ü"])
def test_invalid_project_names(store: Store, project: str) -> None:
    with pytest.raises(InvalidInput) as info:
        store.create_run(project, RunSpec(id="r"))
    assert info.value.field == "project"
    assert store.list_projects() == []


def test_list_projects_counts_runs_newest_first(store: Store) -> None:
    assert store.list_projects() == []
    store.create_run("older", RunSpec(id="a"))
    store.create_run("newer", RunSpec(id="a"))
    store.create_run("newer", RunSpec(id="b"))
    found = store.list_projects()
    assert [(p.name, p.run_count) for p in found] == [("newer", 2), ("older", 1)]
    assert found[0].to_dict()["run_count"] == 2


def test_get_run_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get_run("proj", "nope")
    new_run(store)
    with pytest.raises(NotFound):
        store.get_run("other", "r1")


def test_update_run_patches_only_given_fields(store: Store) -> None:
    new_run(store, name="n0", group="g0", tags=["t0"], notes="x", config={"a": 1})
    run = store.update_run("proj", "r1", RunPatch(
        name="n1", group="g1", tags=["t1", "t2"], notes="y", color="#AABBCC",
        config={"a": 2}, summary={"best": 0.5}, status=RunStatus.FINISHED,
        heartbeat_at=123.5, metrics={"loss": {"summary": "min", "goal": "minimize"}}))
    assert (run.name, run.group, run.tags, run.notes, run.color) == (
        "n1", "g1", ["t1", "t2"], "y", "#aabbcc")
    assert run.config == {"a": 2} and run.summary == {"best": 0.5}
    assert run.status is RunStatus.FINISHED and run.heartbeat_at == 123.5
    assert run.metrics == {"loss": {"summary": "min", "goal": "minimize"}}
    same = store.update_run("proj", "r1", RunPatch())
    assert (same.name, same.group, same.tags, same.notes, same.color, same.config) == (
        "n1", "g1", ["t1", "t2"], "y", "#aabbcc", {"a": 2})
    assert same.updated_at >= run.updated_at
    cleared = store.update_run("proj", "r1", RunPatch(clear_color=True))
    assert cleared.color is None
    assert store.get_run("proj", "r1") == cleared


@pytest.mark.parametrize("patch", [
    RunPatch(name=""), RunPatch(name="   "), RunPatch(name="x" * 257),
    RunPatch(color="red"), RunPatch(tags=[1]),  # type: ignore[list-item]
    RunPatch(metrics={"loss": {"summary": "median"}}),
    RunPatch(metrics={"loss": {"goal": "up"}}),
    RunPatch(config={"x": {1, 2}}),
])
def test_update_run_rejects_invalid_patches(store: Store, patch: RunPatch) -> None:
    new_run(store, name="keep")
    with pytest.raises(InvalidInput):
        store.update_run("proj", "r1", patch)
    run = store.get_run("proj", "r1")
    assert run.name == "keep" and run.color is None and run.metrics == {}


def test_update_run_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update_run("proj", "nope", RunPatch(name="x"))


def _make_runs(store: Store) -> None:
    specs = [
        RunSpec(id="a1", name="Alpha", group="g1", tags=["base"],
                config={"lr": 0.1, "opt": "adam"}),
        RunSpec(id="b2", name="beta", group="g1", tags=["base", "long"], config={"lr": 0.01}),
        RunSpec(id="c3", name="Gamma", group="g2", tags=["long"], config={"lr": 0.1, "opt": "sgd"}),
        RunSpec(id="d4", name="delta-alpha", tags=[], config={}),
    ]
    for spec in specs:
        store.create_run("proj", spec)
        time.sleep(0.002)  # distinct creation times
    store.update_run("proj", "b2", RunPatch(status=RunStatus.FINISHED))
    store.update_run("proj", "c3", RunPatch(status=RunStatus.FAILED))
    store.append_batch("proj", "a1", batch({"loss": ([0, 5], [1.0, 0.5])}))
    store.append_batch("proj", "c3", batch({"loss": ([0, 50], [1.0, 0.5])}))
    store.append_batch("proj", "d4", batch({"loss": ([7], [1.0])}))


@pytest.mark.parametrize(("flt", "expected"), [
    (RunFilter(), ["d4", "c3", "b2", "a1"]),
    (RunFilter(sort="created_at"), ["a1", "b2", "c3", "d4"]),
    (RunFilter(sort="name"), ["a1", "c3", "b2", "d4"]),  # Python string order: A < G < b < d
    (RunFilter(sort="-name"), ["d4", "b2", "c3", "a1"]),
    (RunFilter(sort="last_step"), ["a1", "d4", "c3", "b2"]),  # runs without steps last
    (RunFilter(sort="-last_step"), ["b2", "c3", "d4", "a1"]),  # the exact reverse
    (RunFilter(status=[RunStatus.RUNNING]), ["d4", "a1"]),
    (RunFilter(status=[RunStatus.FINISHED, RunStatus.FAILED]), ["c3", "b2"]),
    (RunFilter(tags=["base"]), ["b2", "a1"]),
    (RunFilter(tags=["base", "long"]), ["b2"]),
    (RunFilter(group="g2"), ["c3"]),
    (RunFilter(query="ALPHA"), ["d4", "a1"]),
    (RunFilter(query="c3"), ["c3"]),
    (RunFilter(config_equals={"lr": 0.1}), ["c3", "a1"]),
    (RunFilter(config_equals={"lr": "0.1", "opt": "sgd"}), ["c3"]),
    (RunFilter(config_equals={"missing": 1}), []),
])
def test_list_runs_filters_and_sorts(store: Store, flt: RunFilter, expected: list[str]) -> None:
    _make_runs(store)
    runs, total = store.list_runs("proj", flt)
    assert [r.id for r in runs] == expected
    assert total == len(expected)


def test_list_runs_paginates_with_a_total(store: Store) -> None:
    for i in range(7):
        store.create_run("proj", RunSpec(id=f"r{i}"))
        time.sleep(0.002)
    page, total = store.list_runs("proj", RunFilter(sort="created_at", limit=3, offset=0))
    assert [r.id for r in page] == ["r0", "r1", "r2"] and total == 7
    page, total = store.list_runs("proj", RunFilter(sort="created_at", limit=3, offset=6))
    assert [r.id for r in page] == ["r6"] and total == 7
    page, total = store.list_runs("proj", RunFilter(limit=3, offset=10))
    assert page == [] and total == 7
    assert store.list_runs("other", RunFilter()) == ([], 0)


@pytest.mark.parametrize("flt", [
    RunFilter(sort="color"), RunFilter(limit=0), RunFilter(limit=1001), RunFilter(offset=-1),
])
def test_list_runs_rejects_bad_arguments(store: Store, flt: RunFilter) -> None:
    with pytest.raises(InvalidInput):
        store.list_runs("proj", flt)


def test_run_to_dict_is_json_ready(store: Store) -> None:
    run, _ = store.create_run("proj", RunSpec(id="r", tags=["x"]))
    body = run.to_dict()
    assert body["id"] == "r" and body["status"] == "running" and body["tags"] == ["x"]
