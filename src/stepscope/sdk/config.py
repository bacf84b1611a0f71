"""``run.config`` and ``run.summary``: dict-like, attribute access, persisted on change."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any


def as_mapping(source: Any) -> dict[str, Any]:
    """A dict from a mapping, an ``argparse.Namespace`` or a dataclass instance."""
    if source is None:
        return {}
    if isinstance(source, argparse.Namespace):
        return dict(vars(source))
    if dataclasses.is_dataclass(source) and not isinstance(source, type):
        return dataclasses.asdict(source)
    if isinstance(source, Mapping):
        return dict(source)
    raise TypeError(f"config must be a dict, argparse.Namespace or dataclass, "
                    f"not {type(source).__name__}")


class _PersistedDict(MutableMapping[str, Any]):
    """A dict that calls ``on_change(snapshot)`` after every change."""

    def __init__(self, initial: Mapping[str, Any] | None = None,
                 on_change: Callable[[dict[str, Any]], None] | None = None) -> None:
        object.__setattr__(self, "_data", dict(initial or {}))
        object.__setattr__(self, "_on_change", on_change)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(dict(self._data))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value
        self._changed()

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._changed()

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def update(self, other: Any = (), /, **kwargs: Any) -> None:  # type: ignore[override]
        self._data.update(as_mapping(other) if other != () else {}, **kwargs)
        self._changed()

    def as_dict(self) -> dict[str, Any]:
        return dict(self._data)


class Config(_PersistedDict):
    """Hyperparameters of a run: ``run.config.lr``, ``run.config["lr"]``,
    ``run.config.update(args)`` (dict, argparse.Namespace or dataclass)."""


class Summary(_PersistedDict):
    """Values you set explicitly (``run.summary["best_acc"] = 0.9``). The store adds the
    last (or, per ``define_metric``, min/max/mean) value of every logged key."""
