"""GET /api/v1/projects/{project}/insights over real HTTP, on the demo's seed replica."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.demo import populate
from stepscope.insights import analyze
from stepscope.server.routes import insights as insights_route

from .conftest import LiveServer

SEED = populate.SEED_PROJECT


@pytest.fixture
def seeded(server: LiveServer) -> tuple[LiveServer, list[str]]:
    return server, populate.fill_seed_replica(server.store)


def test_json_findings_say_what_the_seed_says(seeded: tuple[LiveServer, list[str]]) -> None:
    server, _ = seeded
    response = server.client.get(f"/projects/{SEED}/insights")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    findings = response.json()["findings"]
    final = {f["metric"]: f for f in findings if f["type"] == "final_comparison"}
    assert final["eval/math-eval/accuracy/mean"]["leader"] == "red"
    assert final["actor/entropy_loss"]["leader"] == "blue"
    assert any(f["type"] == "peak" and f["metric"] == "actor/kl_loss" and f["runs"] == ["blue"]
               and 18 <= f["step"] <= 22 for f in findings)


def test_markdown_and_text_for_chosen_runs_and_keys(
        seeded: tuple[LiveServer, list[str]]) -> None:
    server, (red, blue) = seeded
    response = server.client.get(f"/projects/{SEED}/insights", params={
        "format": "markdown", "run": [blue], "key": ["actor/kl_loss"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert "actor/kl_loss" in response.text and "entropy" not in response.text
    assert "Analysis of run blue on 1 metric(s)" in response.text
    assert "**red:**" not in response.text and "**blue:**" in response.text
    text = server.client.get(f"/projects/{SEED}/insights",
                             params={"format": "text", "run": [red, blue]})
    assert text.headers["content-type"].startswith("text/plain")
    assert "Key Observations" in text.text


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"format": "pdf"}, 422, "format"), ({"run": "bad/id"}, 422, "run"),
    ({"key": "a//b"}, 422, "key"), ({"run": "nosuchrun"}, 404, None)])
def test_bad_requests(seeded: tuple[LiveServer, list[str]], params: dict[str, str],
                      status: int, field: str | None) -> None:
    server, _ = seeded
    response = server.client.get(f"/projects/{SEED}/insights", params=params)
    assert response.status_code == status, response.text
    assert response.json()["error"].get("field") == field


def test_unknown_project_is_404(server: LiveServer) -> None:
    response = server.client.get("/projects/nope/insights")
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["message"]


def test_a_report_is_reused_until_the_data_changes(
        seeded: tuple[LiveServer, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    server, (red, blue) = seeded
    params = {"key": "eval/math-eval/accuracy/mean"}
    analyses: list[int] = []

    def counted(series: Any) -> Any:
        analyses.append(len(series))
        return analyze(series)

    monkeypatch.setattr(insights_route, "analyze", counted)

    def leader() -> str:
        findings = server.client.get(f"/projects/{SEED}/insights", params=params).json()
        (final,) = [f for f in findings["findings"] if f["type"] == "final_comparison"]
        return str(final["leader"])

    assert leader() == "red"
    assert leader() == "red"
    assert analyses == [2], "the same data was analysed twice"
    # Runs are compared where both have data, so both go on: blue ends far higher.
    for run_id, value in ((blue, 0.9), (red, 0.3)):
        response = server.post_points(SEED, run_id,
                                      {"eval/math-eval/accuracy/mean": [value] * 30},
                                      first_step=31)
        assert response.status_code == 200, response.text
    assert leader() == "blue"
    assert analyses == [2, 2]
