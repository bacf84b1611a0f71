"""Build hook: the wheel ships the built dashboard, so `pip install` users never need
Node. When `src/stepscope/server/static/index.html` is missing, building a wheel runs the
dashboard's npm build first, and says what to install if Node is not there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class DashboardBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "dashboard"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        if (root / "src/stepscope/server/static/index.html").exists():
            return
        web = root / "web"
        if not (web / "package.json").exists():
            raise RuntimeError("the dashboard is not built and its source (web/) is missing")
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("building the stepscope wheel needs the dashboard built: install "
                               "Node.js (>= 18) and npm, or run `cd web && npm ci && npm run "
                               "build` on a machine that has them")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=web, check=True)
        subprocess.run([npm, "run", "build"], cwd=web, check=True)
