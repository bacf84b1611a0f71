"""`stepscope compare` reads runs through the query layer and writes the analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import stepscope
from stepscope.cli.main import main
from stepscope.demo.seed_replica import replica_series


@pytest.fixture
def seed_dir(data_dir: Path) -> Path:
    for name, metrics in replica_series().items():
        with stepscope.init(project="seed", name=name, dir=data_dir) as run:
            keys = list(metrics)
            for i, step in enumerate(metrics[keys[0]][0].tolist()):
                run.log({k: float(metrics[k][1][i]) for k in keys}, step=step)
    return data_dir


def test_compare_json_finds_what_the_seed_says(seed_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "red", "blue", "--project", "seed", "--format", "json",
                 "--dir", str(seed_dir)]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    final = {f["metric"]: f for f in findings if f["type"] == "final_comparison"}
    assert final["eval/math-eval/accuracy/mean"]["text"].startswith("red ends with the higher")
    assert final["actor/entropy_loss"]["text"].startswith("blue ends with the lower")
    overtakes = [f for f in findings if f["type"] == "crossover"
                 and f["metric"] == "eval/math-eval/accuracy/mean"
                 and f["text"].startswith("red overtakes blue")]
    assert overtakes and 12 <= overtakes[0]["step"] <= 18
    kl_peaks = [f for f in findings if f["type"] == "peak" and f["metric"] == "actor/kl_loss"
                and f["runs"] == ["blue"]]
    assert kl_peaks and 18 <= kl_peaks[0]["step"] <= 22 and kl_peaks[0]["value"] > 1.0


def test_compare_markdown_has_the_seed_sections(seed_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "seed/" + stepscope.Api(seed_dir).runs("seed")[0].id,
                 "--metrics", "actor/kl_loss", "--format", "markdown",
                 "--dir", str(seed_dir)]) == 0
    out = capsys.readouterr().out
    for heading in ("Overview", "Detailed Analysis", "Key Observations", "Interpretation"):
        assert heading in out
    assert "proves" not in out


def test_compare_bad_input(seed_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "nobody", "--project", "seed", "--dir", str(seed_dir)]) == 2
    assert "no run 'nobody'" in capsys.readouterr().err
    assert main(["compare", "red", "--project", "seed", "--metrics", "not/a-key",
                 "--dir", str(seed_dir)]) == 2
    assert "no data for the metrics asked" in capsys.readouterr().err
