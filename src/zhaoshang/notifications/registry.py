"""The registry of reminder sources: each capability says, for a day, whom to remind of what.

A source is a function ``(today) -> iterable of Reminder``; register it from the app's ``AppConfig.ready()``::

    from zhaoshang.notifications.registry import Reminder, register_source

    @register_source("pipeline.followup_due")
    def followups_due(today):
        for f in FollowUp.objects.filter(...):
            notice = Notice("followup_due", {"project": f.project.name, "action": f.next_action})
            yield Reminder(f.created_by, "followup_due", f, notice, url)

The notice's code has a sentence registered with ``notifications.messages.register_notices``: each reader sees it
in their language. (A plain text is stored and shown as it is.)

The periodic job (`notifications.services.run_reminders`) calls every source and turns each reminder into one
notification per user, kind and object a day (a second reminder of the same object that day is dropped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from zhaoshang.notifications.messages import Notice


@dataclass(frozen=True)
class Reminder:
    user: Any
    kind: str
    object: Any  # a model instance (or None for a reminder about nothing in particular)
    text: Notice | str
    url: str = ""


Source = Callable[[dt.date], Iterable[Reminder]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    def wrap(fn: Source) -> Source:
        _SOURCES[name] = fn
        return fn

    return wrap


def sources() -> dict[str, Source]:
    return dict(_SOURCES)
