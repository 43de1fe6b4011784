"""Demo: today's reminders under the bell (run again: nothing new the same day)."""

from __future__ import annotations

from typing import Any


def build(ctx: Any) -> None:
    from zhaoshang.notifications.services import run_reminders

    run_reminders()
