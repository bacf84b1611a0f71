"""Numbered schema migrations with a recorded schema version.

Each engine keeps its migrations as ``NNN_name.sql`` files in its own package folder;
`pending` returns those above the recorded version, in order.
"""

from __future__ import annotations

import re
from importlib import resources


def migration_scripts(package: str) -> list[tuple[int, str]]:
    """All ``(version, sql)`` pairs shipped in ``package``'s ``migrations`` folder."""
    folder = resources.files(package).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{3})_\w+\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def pending(package: str, current: int) -> list[tuple[int, str]]:
    return [(v, sql) for v, sql in migration_scripts(package) if v > current]


def latest_version(package: str) -> int:
    scripts = migration_scripts(package)
    return scripts[-1][0] if scripts else 0
