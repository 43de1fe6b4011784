"""The service desk's reminder source: each escalation step of an appeal, told once to the people it names.

Registered with ``notifications.registry`` from ``ServiceConfig.ready``; the step is recorded as it is handed to the
notification job, so tomorrow's run does not repeat it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from zhaoshang.accounts.models import User
from zhaoshang.notifications.messages import Notice
from zhaoshang.notifications.registry import Reminder, register_source
from zhaoshang.service.models import Appeal
from zhaoshang.service.services import plan_automatic_visits, record_escalations


@register_source("service.escalations")
def escalations(today: dt.date) -> Iterator[Reminder]:
    steps = record_escalations(today)
    appeals = Appeal.objects.in_bulk([s.appeal_id for s in steps])
    users = User.objects.in_bulk({pk for s in steps for pk in s.recipients})
    for step in steps:
        appeal = appeals.get(step.appeal_id)
        if appeal is None:
            continue
        # the sentences: service.messages.NOTICES ("appeal_due_soon", "appeal_overdue", "appeal_overdue_again")
        text = Notice(f"appeal_{step.level}", {"due": step.due.isoformat(), "appeal": str(appeal)})
        url = reverse("service:detail", args=[appeal.pk])
        for pk in step.recipients:
            if pk in users:
                yield Reminder(users[pk], f"appeal_{step.level}", appeal, text, url)


@register_source("service.visit_plans")
def visit_plans(today: dt.date) -> Iterator[Reminder]:
    """The standing visit plans (every 规上 firm each quarter, every newly landed project in its first month), made
    idempotently by the hourly job; each officer given new visits is told once."""
    counts = plan_automatic_visits(today)
    users = User.objects.in_bulk(list(counts["by_officer"]))
    url = reverse("service:visits")
    for pk, n in counts["by_officer"].items():
        if pk in users:
            yield Reminder(users[pk], "visits_planned", None, Notice("visits_planned", {"n": n}), url)
