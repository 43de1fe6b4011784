"""What other capabilities do when firms arrive or change in the registry.

A capability registers a function in its ``AppConfig.ready()`` (``register_firms_changed(fn)``); the registry
calls every registered function with the ids of the firms an import (CLI, web, API) or a hand entry created or
changed, inside the writing transaction, so the work is done by the time the import reports done and a dry run
or a refused import leaves nothing behind. ``fn(actor, ids, progress)``: ``ids`` a list of firm ids;
``progress(done, total)`` or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

FirmsChanged = Callable[[Any, Sequence[int], Callable[[int, int], None] | None], None]

_firms_changed: list[FirmsChanged] = []


def register_firms_changed(fn: FirmsChanged) -> None:
    """Call ``fn`` whenever firms are created or changed (registered once, however often ``ready()`` runs)."""
    if fn not in _firms_changed:
        _firms_changed.append(fn)


def firms_changed(actor: Any, ids: Sequence[int], progress: Callable[[int, int], None] | None = None) -> None:
    if not ids:
        return
    for fn in list(_firms_changed):
        fn(actor, ids, progress)
