"""Overdue government promises, told once per escalation level (department, team leader, city leaders).

Registered with ``notifications.registry`` from ``ApprovalsConfig.ready``; each level is marked told as it is handed
to the notification job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from zhaoshang.approvals.services import due_escalations, mark_told
from zhaoshang.notifications.messages import Notice
from zhaoshang.notifications.registry import Reminder, register_source


@register_source("approvals.promises")
def overdue_promises(today: dt.date) -> Iterator[Reminder]:
    steps = due_escalations(today)
    mark_told(steps, today)
    for step in steps:
        promise = step["promise"]
        text = Notice(
            "promise_overdue",
            {"days": step["days_overdue"], "promise": promise.title, "project": promise.project.name},
        )
        url = reverse("approvals:promise", args=[promise.pk])
        for user in step["users"]:
            yield Reminder(user, f"promise_{step['level']}", promise, text, url)
