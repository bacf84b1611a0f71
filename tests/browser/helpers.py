"""Small helpers shared by the browser tests (selectors, waiting for the dashboard,
reading what uPlot drew through the ``window.__ssTest`` helpers of instrument.js)."""

from __future__ import annotations

import json
from typing import Any

from stepscope.demo import populate

SEED = populate.SEED_PROJECT
RL = populate.RL_PROJECT
SEED_KEYS = ["eval/math-eval/accuracy/mean", "actor/entropy_loss", "actor/kl_loss"]
RED = "#e5484d"
BLUE = "#3e63dd"
READY_TIMEOUT_MS = 15_000


def panel_sel(key: str) -> str:
    """CSS selector of the grid panel of ``key``."""
    return f'[data-testid="panel"][data-key={json.dumps(key)}]'


EXPANDED_SEL = '[data-testid="expanded-chart"]'


def open_workspace(page: Any, base_url: str, project: str, query: str = "") -> None:
    page.goto(f"{base_url}/p/{project}{query}")
    wait_ready(page)


def wait_ready(page: Any) -> None:
    page.wait_for_function("() => window.__stepscope && window.__stepscope.ready === true",
                           timeout=READY_TIMEOUT_MS)


def hook(page: Any) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate("() => ({...window.__stepscope})")
    return state


def x_ticks(page: Any, selector: str) -> list[str]:
    ticks: list[str] | None = page.evaluate("(s) => window.__ssTest.xTicks(s)", selector)
    assert ticks is not None, f"no canvas drawn in {selector}"
    return ticks


def y_ticks(page: Any, selector: str) -> list[float]:
    ticks: list[str] | None = page.evaluate("(s) => window.__ssTest.yTicks(s)", selector)
    assert ticks is not None, f"no canvas drawn in {selector}"
    return [float(t) for t in ticks if t]


def colors(page: Any, selector: str) -> dict[str, int]:
    counts: dict[str, int] | None = page.evaluate("(s) => window.__ssTest.colors(s)", selector)
    assert counts is not None, f"no canvas drawn in {selector}"
    return counts


def wait_colors(page: Any, selector: str, condition: str, timeout: float = 10_000) -> None:
    """Wait until ``condition`` (JS over ``c`` = {red, blue, other} pixel counts) holds
    for the canvas of ``selector``."""
    page.wait_for_function(
        f"(s) => {{ const c = window.__ssTest.colors(s); return c !== null && ({condition}); }}",
        arg=selector, timeout=timeout)


def wait_x_ticks(page: Any, selector: str, condition: str, timeout: float = 10_000) -> None:
    """Wait until ``condition`` (JS over ``t``, the x tick labels) holds."""
    page.wait_for_function(
        f"(s) => {{ const t = window.__ssTest.xTicks(s); return t !== null && ({condition}); }}",
        arg=selector, timeout=timeout)


def is_series_query(request: Any, project: str) -> bool:
    return (request.method == "POST"
            and request.url.endswith(f"/api/v1/projects/{project}/series/query"))
