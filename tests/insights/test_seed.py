"""The reference dashboard (seed 000): the engine must find what its analysis says.

Uses the seed replica from ``stepscope.demo.seed_replica`` (anchors read off the seed's
"Key Data Points", monotone-cubic interpolation, bounded seeded noise) and checks the
seed's claims one by one, for several noise seeds.
"""

from __future__ import annotations

import pytest

from stepscope.demo.seed_replica import replica_series
from stepscope.insights import MetricSeries, Report, analyze, render_markdown, render_text

ACC = "eval/math-eval/accuracy/mean"
ENTROPY = "actor/entropy_loss"
KL = "actor/kl_loss"
SEEDS = [0, 1, 2, 3, 7]


def seed_report(seed: int) -> Report:
    data = replica_series(seed)
    return analyze([MetricSeries(run, m, *sv) for run, ms in data.items() for m, sv in ms.items()])


@pytest.fixture(params=SEEDS, scope="module")
def report(request: pytest.FixtureRequest) -> Report:
    return seed_report(request.param)


def _one(report: Report, kind: str, metric: str, run: str | None = None):  # type: ignore[no-untyped-def]
    found = [
        f
        for f in report.of_type(kind)  # type: ignore[arg-type]
        if f.metric == metric and (run is None or f.runs[0] == run)
    ]
    assert len(found) == 1, found
    return found[0]


def test_red_ends_with_higher_accuracy_though_blue_led_early(report: Report) -> None:
    f = _one(report, "final_comparison", ACC)
    assert f.leader == "red" and f.goal == "maximize"
    ends = f.detail["ends"]
    assert ends["red"] == pytest.approx(0.35, abs=0.01)
    assert ends["blue"] == pytest.approx(0.31, abs=0.01)
    assert f.margin == pytest.approx(0.04, abs=0.01)
    assert f.detail["early_leader"] == "blue"


def test_red_overtakes_blue_in_accuracy_around_step_15(report: Report) -> None:
    late = [f for f in report.of_type("crossover") if f.metric == ACC and f.runs == ("red", "blue")]
    assert len(late) == 1
    assert abs(late[0].step - 15) <= 3
    assert late[0].text.startswith("red overtakes blue")


def test_blue_ends_with_lower_entropy_loss(report: Report) -> None:
    f = _one(report, "final_comparison", ENTROPY)
    assert f.leader == "blue" and f.goal == "minimize"
    assert f.detail["ends"]["blue"] == pytest.approx(0.02, abs=0.006)
    assert f.detail["ends"]["red"] == pytest.approx(0.06, abs=0.01)


def test_blue_kl_humps_to_about_1_05_at_step_20_while_red_stays_in_band(report: Report) -> None:
    trend = _one(report, "trend", KL, "blue")
    assert trend.shape == "hump"
    peak = _one(report, "peak", KL, "blue")
    assert peak.value == pytest.approx(1.05, abs=0.06)
    assert abs(peak.step - 20) <= 2
    assert (
        peak.window is not None and abs(peak.window[0] - 15) <= 2 and abs(peak.window[1] - 25) <= 2
    )
    red = _one(report, "trend", KL, "red")
    assert red.shape == "rise-then-plateau"
    assert 0.35 <= red.detail["end_value"] <= 0.45
    assert red.detail["max_value"] <= 0.65
    assert 0.35 <= _one(report, "final_comparison", KL).detail["ends"]["red"] <= 0.45


def test_kl_hump_coincides_with_blue_accuracy_plateau(report: Report) -> None:
    (f,) = report.of_type("co_occurrence")
    assert f.runs == ("blue",) and f.metric == KL and ACC in f.metrics
    assert {"metric": ACC, "kind": "plateau", "step": None} in f.detail["relations"]
    assert f.window is not None and abs(f.window[0] - 15) <= 2 and abs(f.window[1] - 25) <= 2


def test_entropy_starts_off_chart_for_both_runs(report: Report) -> None:
    found = [f for f in report.of_type("off_scale") if f.metric == ENTROPY]
    assert sorted(f.runs[0] for f in found) == ["blue", "red"]
    for f in found:
        assert f.direction == "up" and f.detail["position"] == "start" and f.step == 0
        assert f.value is not None and f.value > 0.2
    assert not [f for f in report.of_type("off_scale") if f.metric != ENTROPY]


def test_trends_match_the_seed_wording(report: Report) -> None:
    shapes = {(f.metric, f.runs[0]): f.shape for f in report.of_type("trend")}
    assert shapes[(ACC, "red")] == "rise-then-plateau"
    assert shapes[(ENTROPY, "red")] == shapes[(ENTROPY, "blue")] == "falling"
    blue_acc_peak = _one(report, "peak", ACC, "blue")
    assert abs(blue_acc_peak.step - 12) <= 2 and blue_acc_peak.value == pytest.approx(
        0.35, abs=0.01
    )


def test_rendered_analysis_has_the_seed_sections_and_key_points() -> None:
    report = seed_report(0)
    md = render_markdown(report)
    for heading in (
        "### Overview",
        "### Detailed Analysis",
        "### Key Observations",
        "### Interpretation",
    ):
        assert heading in md
    assert md.index("#### Chart 1: " + ACC) < md.index("#### Chart 3: " + KL)
    assert "| step | red | blue |" in md and "| 20 |" in md
    text = render_text(report)
    assert "red overtakes blue" in text and "coincides with its " + ACC + " plateau" in text
    assert "proves" not in text.lower()
