"""Workbench panels: each capability registers a function that returns its panel for a user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = dict[str, Any]
_PANELS: list[tuple[int, Callable[[Any], Panel | None]]] = []


def register_panel(order: int):
    def wrap(fn: Callable[[Any], Panel | None]):
        _PANELS.append((order, fn))
        _PANELS.sort(key=lambda item: item[0])
        return fn

    return wrap


def panels_for(request) -> list[Panel]:
    found = []
    for _, fn in _PANELS:
        panel = fn(request)
        if panel:
            found.append(panel)
    return found
