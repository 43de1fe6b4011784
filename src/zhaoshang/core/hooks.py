"""Extension points between capabilities, registered in each app's ``AppConfig.ready()``.

The registry does not know the apps built on it; they register here what must happen after a firm import
(e.g. tasks for newly registered local firms, chain classification) and the sections a firm profile shows
(e.g. its chain positions, its appeals). A missing registration is visible in tests, unlike a dotted string
that silently resolves to nothing. Plain Python: no Django import.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

AfterImport = Callable[..., Any]  # (batch, *, actor) -> None


@dataclass(frozen=True)
class ProfileSection:
    """A section of the firm profile: ``template`` rendered with ``{name: build(firm, user)}``."""

    name: str
    template: str
    build: Callable[[Any, Any], Any]
    order: int = 100


_after_import: list[AfterImport] = []
_profile_sections: list[ProfileSection] = []
#: (actor, ids, progress) -> None; see on_firms_changed
FirmsChanged = Callable[[Any, Sequence[int], Callable[[int, int], None] | None], Any]
_firms_changed: list[FirmsChanged] = []


def on_firm_import(hook: AfterImport) -> AfterImport:
    """Register ``hook(batch, actor=...)`` to run after every firm import has committed (decorator)."""
    if hook not in _after_import:
        _after_import.append(hook)
    return hook


def run_after_import(batch: Any, actor: Any) -> None:
    for hook in list(_after_import):
        try:
            hook(batch, actor=actor)
        except Exception:  # a follow-up must never undo or fail a finished import
            log.exception(
                "post-import hook %s failed for batch %s", getattr(hook, "__qualname__", hook), batch.pk
            )


def on_firms_changed(hook: FirmsChanged) -> FirmsChanged:
    """Register ``hook(actor, ids, progress)`` to run when firms are created or changed — by a file import (CLI, web,
    API; inside the import's transaction, so the work is done when the import reports done and a dry run or a
    refused import leaves nothing) or by hand. ``progress(done, total)`` or None. Errors propagate: a firm that
    could not be placed must not look placed."""
    if hook not in _firms_changed:
        _firms_changed.append(hook)
    return hook


def run_firms_changed(
    actor: Any, ids: Sequence[int], progress: Callable[[int, int], None] | None = None
) -> None:
    if not ids:
        return
    for hook in list(_firms_changed):
        hook(actor, ids, progress)


def add_profile_section(section: ProfileSection) -> None:
    if all(s.name != section.name for s in _profile_sections):
        _profile_sections.append(section)
        _profile_sections.sort(key=lambda s: s.order)


def profile_sections() -> list[ProfileSection]:
    return list(_profile_sections)


# Extra rows for the meeting pack's open-items list (e.g. overdue government promises, approvals app):
# ``provider(project_ids, end)`` returns dicts with the fields of ``pipeline.core.meeting.CoordinationItem``.
MeetingItems = Callable[[Any, Any], list]
_meeting_items: list[MeetingItems] = []


def add_meeting_items(provider: MeetingItems) -> MeetingItems:
    if provider not in _meeting_items:
        _meeting_items.append(provider)
    return provider


def meeting_items(project_ids: Any, end: Any) -> list[dict]:
    rows: list[dict] = []
    for provider in list(_meeting_items):
        rows.extend(provider(project_ids, end))
    return rows


# Firms whose project landed in a period (the service desk plans a first-month visit of each): ``provider(start,
# end)`` returns dicts ``{"project_id", "enterprise_id", "organisation_id", "on", "label"}`` (``on``: the day the
# project landed). Registered by the pipeline; the service desk asks without importing it.
LandedFirms = Callable[[Any, Any], list]
_landed_firms: list[LandedFirms] = []


def add_landed_firms(provider: LandedFirms) -> LandedFirms:
    if provider not in _landed_firms:
        _landed_firms.append(provider)
    return provider


def landed_firms(start: Any, end: Any) -> list[dict]:
    rows: list[dict] = []
    for provider in list(_landed_firms):
        rows.extend(provider(start, end))
    return rows
