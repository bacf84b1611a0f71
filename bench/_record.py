"""Shared by the benchmarks: print figures and record them in bench/results/."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def record(name: str, figures: dict[str, Any]) -> None:
    """Print ``figures`` and write them, with the machine they were measured on, to
    ``bench/results/<name>.json``."""
    RESULTS.mkdir(exist_ok=True)
    doc = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "platform": platform.platform()}, "figures": figures}
    (RESULTS / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
    width = max(len(k) for k in figures)
    print(f"== {name}")
    for key, value in figures.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}" if isinstance(
            value, int) else str(value)
        print(f"  {key:<{width}}  {shown}")
