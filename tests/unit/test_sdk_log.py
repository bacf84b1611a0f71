"""log(): wandb's step semantics, accepted values, and bad input that records nothing."""

from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

import stepscope
from stepscope.sdk.run import StepWarning


@pytest.fixture
def run(data_dir: Path):  # type: ignore[no-untyped-def]
    run = stepscope.init(project="unit", name="r", dir=data_dir, config={"lr": 0.1})
    yield run
    run.finish(quiet=True)


def _history(data_dir: Path, run: stepscope.Run) -> dict[str, list[tuple[int, float]]]:
    run.finish(quiet=True)
    api_run = stepscope.Api(data_dir).run(f"unit/{run.id}")
    out = {}
    for key in api_run.metric_keys():
        steps, values, _ = api_run.series(key)
        out[key] = list(zip(steps.tolist(), values.tolist(), strict=True))
    return out


def test_steps_follow_wandb(run: stepscope.Run, data_dir: Path) -> None:
    run.log({"a": 1})                      # step 0, then 1
    run.log({"b": 2}, commit=False)        # step 1, stays
    run.log({"c": 3})                      # step 1, then 2
    run.log({"d": 4}, step=10)             # step 10, stays (commit defaults to False)
    run.log({"e": 5})                      # step 10, then 11
    run.log({"f": 6}, step=20, commit=True)  # step 20, then 21
    assert run.step == 21
    assert _history(data_dir, run) == {
        "a": [(0, 1.0)], "b": [(1, 2.0)], "c": [(1, 3.0)], "d": [(10, 4.0)],
        "e": [(10, 5.0)], "f": [(20, 6.0)]}


def test_step_going_backwards_warns_and_drops(run: stepscope.Run, data_dir: Path) -> None:
    run.log({"x": 1.0}, step=5)
    with pytest.warns(StepWarning, match="step 3 is below the run's current step 5"):
        run.log({"x": 2.0}, step=3)
    assert _history(data_dir, run) == {"x": [(5, 1.0)]}


class _TorchLike:
    """Quacks like a 0-d torch tensor: ``.item()`` gives a number."""

    ndim = 0

    def item(self) -> float:
        return 0.25


def test_accepts_every_kind_of_scalar(run: stepscope.Run, data_dir: Path) -> None:
    run.log({"int": 3, "float": 1.5, "bool": True, "np64": np.float64(2.5),
             "np32": np.float32(0.5), "npint": np.int64(7), "zero_d": np.array(4.0),
             "tensor": _TorchLike(), "nan": float("nan"), "inf": float("inf"),
             "ninf": -math.inf, "nested": {"deep": {"er": 9}}})
    history = _history(data_dir, run)
    assert history["int"] == [(0, 3.0)] and history["bool"] == [(0, 1.0)]
    assert history["np32"] == [(0, 0.5)] and history["zero_d"] == [(0, 4.0)]
    assert history["tensor"] == [(0, 0.25)] and history["nested/deep/er"] == [(0, 9.0)]
    assert math.isnan(history["nan"][0][1])
    assert history["inf"] == [(0, math.inf)] and history["ninf"] == [(0, -math.inf)]


@pytest.mark.parametrize(("value", "type_name"), [
    ("high", "str"), (None, "NoneType"), ([1.0], "list"), (np.array([1.0, 2.0]), "ndarray"),
    (1 + 2j, "complex"), (object(), "object")])
def test_non_numeric_value_raises_and_records_nothing(run: stepscope.Run, data_dir: Path,
                                                      value: object, type_name: str) -> None:
    run.log({"ok": 1.0})
    with pytest.raises(TypeError, match=f"value of 'bad' is {type_name}, not a number"):
        run.log({"ok": 2.0, "bad": value})
    # The same key set on the fast path, with a bad value, fails the same way.
    run.log({"ok": 3.0, "bad": 1.0})
    with pytest.raises(TypeError, match="value of 'bad'"):
        run.log({"ok": 4.0, "bad": value})
    assert _history(data_dir, run) == {"ok": [(0, 1.0), (1, 3.0)], "bad": [(1, 1.0)]}


@pytest.mark.parametrize("key", ["", "/lead", "trail/", "a//b", "a/../b", "..", ".",
                                 "x" * 257, "tab\there", " padded"])
def test_invalid_keys_raise_value_error_naming_the_key(run: stepscope.Run, key: str) -> None:
    with pytest.raises(ValueError, match="metric key"):
        run.log({"fine": 1.0, key: 1.0})
    assert run.step == 0


def test_odd_but_valid_keys(run: stepscope.Run, data_dir: Path) -> None:
    keys = ["eval/accuracy (top 1)", "损失/总", "a.b/c-d_e", "x" * 256]
    run.log({k: 1.0 for k in keys})
    assert sorted(_history(data_dir, run)) == sorted(keys)


def test_non_string_keys_and_non_dicts_are_type_errors(run: stepscope.Run) -> None:
    with pytest.raises(TypeError, match="key 3 must be a string"):
        run.log({3: 1.0})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="takes a dict"):
        run.log([("a", 1.0)])  # type: ignore[arg-type]


@pytest.mark.parametrize(("step", "error"), [(-1, ValueError), (1.5, TypeError),
                                             ("3", TypeError), (True, TypeError)])
def test_bad_steps(run: stepscope.Run, step: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="step"):
        run.log({"a": 1.0}, step=step)  # type: ignore[arg-type]


def test_huge_int_is_a_clear_error(run: stepscope.Run) -> None:
    with pytest.raises(ValueError, match="too large"):
        run.log({"big": 10**400})


def test_log_after_finish_is_an_error(run: stepscope.Run) -> None:
    run.log({"a": 1.0})
    run.finish(quiet=True)
    with pytest.raises(stepscope.StepscopeError, match="finished"):
        run.log({"a": 1.0})


def test_module_level_functions_forward_to_the_current_run(data_dir: Path) -> None:
    run = stepscope.init(project="unit", dir=data_dir)
    assert stepscope.run is run and stepscope.config is run.config
    stepscope.log({"a": 1.0})
    stepscope.define_metric("a", summary="max", goal="maximize")
    stepscope.log({"a": 0.5})
    stepscope.finish()
    record = stepscope.Api(data_dir).run(f"unit/{run.id}")
    assert record.summary == {"a": 1.0}
    assert record.record.metrics == {"a": {"summary": "max", "goal": "maximize"}}


def test_log_without_a_run_says_to_call_init() -> None:
    stepscope.finish()
    with pytest.raises(RuntimeError, match="stepscope.init"):
        stepscope.log({"a": 1.0})


@dataclasses.dataclass
class _Hyper:
    lr: float = 0.01
    layers: int = 4


def test_config_is_dict_like_and_persisted(data_dir: Path) -> None:
    run = stepscope.init(project="cfg", dir=data_dir, config=_Hyper())
    run.config.batch = 32
    run.config["warmup"] = 10
    run.config.update(argparse.Namespace(seed=7))
    run.config.update({"lr": 0.02})
    assert run.config.lr == 0.02 and run.config["layers"] == 4
    with pytest.raises(AttributeError):
        _ = run.config.missing
    run.summary["best"] = 0.9
    run.finish(quiet=True)
    stored = stepscope.Api(data_dir).run(f"cfg/{run.id}")
    assert stored.config == {"lr": 0.02, "layers": 4, "batch": 32, "warmup": 10, "seed": 7}
    assert stored.summary == {"best": 0.9}


def test_define_metric_globs_and_bad_arguments(run: stepscope.Run, data_dir: Path) -> None:
    run.define_metric("eval/*", summary="mean", goal="maximize")
    run.log({"eval/acc": 0.2, "train/loss": 3.0})
    run.log({"eval/acc": 0.4, "train/loss": 1.0})
    with pytest.raises(ValueError, match="summary must be one of"):
        run.define_metric("x", summary="median")
    with pytest.raises(ValueError, match="goal must be"):
        run.define_metric("x", goal="up")
    run.finish(quiet=True)
    stored = stepscope.Api(data_dir).run(f"unit/{run.id}")
    assert stored.summary["eval/acc"] == pytest.approx(0.3)
    assert stored.summary["train/loss"] == 1.0


def test_resume_continues_the_same_run(data_dir: Path) -> None:
    first = stepscope.init(project="res", id="run-1", dir=data_dir)
    first.log({"a": 1.0})
    first.log({"a": 2.0})
    first.finish(quiet=True)
    with pytest.raises(stepscope.Conflict, match="already exists"):
        stepscope.init(project="res", id="run-1", dir=data_dir)
    with pytest.raises(stepscope.NotFound, match="does not exist"):
        stepscope.init(project="res", id="run-2", dir=data_dir, resume="must")
    again = stepscope.init(project="res", id="run-1", dir=data_dir, resume="allow")
    assert again.step == 2
    again.log({"a": 3.0})
    again.finish(quiet=True)
    steps, values, _ = stepscope.Api(data_dir).run("res/run-1").series("a")
    assert steps.tolist() == [0, 1, 2] and values.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"project": "bad name"}, "project name"), ({"project": ".hidden"}, "project name"),
    ({"id": "has/slash"}, "run id"), ({"id": "x" * 65}, "run id"),
    ({"resume": "sometimes"}, "resume must be"), ({"mode": "loud"}, "mode must be"),
    ({"config": 42}, "config must be")])
def test_init_rejects_bad_arguments(data_dir: Path, kwargs: dict[str, object],
                                    match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        stepscope.init(dir=data_dir, **kwargs)  # type: ignore[arg-type]


def test_disabled_mode_is_a_no_op(data_dir: Path) -> None:
    run = stepscope.init(project="off", dir=data_dir, mode="disabled", config={"a": 1})
    run.log({"a": "anything goes"})
    run.define_metric("a", summary="max")
    assert run.config.a == 1
    run.finish()
    assert not data_dir.exists()


def test_context_manager_marks_failure(data_dir: Path) -> None:
    with pytest.raises(KeyError), stepscope.init(project="ctx", dir=data_dir) as run:
        run.log({"a": 1.0})
        raise KeyError("boom")
    assert stepscope.Api(data_dir).run(f"ctx/{run.id}").status == "failed"
