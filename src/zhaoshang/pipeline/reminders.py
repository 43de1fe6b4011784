"""The pipeline's reminder sources (registered with `notifications.registry` from `PipelineConfig.ready`).

For a day: follow-ups due and overdue (to the project's owner, else to the person who recorded them), callbacks and first contacts with newly
registered local firms (to the assignee, else to the team's officers), coordination items due within
``ITEM_SOON_DAYS`` or overdue (to the department's handlers and to the item's creator), projects going cold (to the
owner). Each says a notice (code and values; the sentences: ``pipeline.messages.NOTICES``), shown to each reader in
their language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from zhaoshang.accounts.models import User
from zhaoshang.accounts.roles import Role
from zhaoshang.notifications.messages import Notice
from zhaoshang.notifications.registry import Reminder, register_source
from zhaoshang.pipeline.models import CoordinationItem, FollowUp, Project, Task

ITEM_SOON_DAYS = 3
TEAM_ROLES = (Role.INVESTMENT_OFFICER, Role.PARK_ADMIN)


def _team_members(organisation_id: int, roles=TEAM_ROLES) -> list[User]:
    return list(User.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True))


@register_source("pipeline.followups")
def followups(today: dt.date) -> Iterator[Reminder]:
    rows = FollowUp.objects.filter(done=False, next_due__lte=today, created_by__isnull=False).select_related(
        "project", "project__owner", "created_by"
    )
    for f in rows.iterator(chunk_size=2000):
        url = reverse("pipeline:detail", args=[f.project_id])
        if f.next_due == today:
            text = Notice("followup_due", {"project": f.project.name, "action": f.next_action})
            yield Reminder(f.project.owner or f.created_by, "followup_due", f, text, url)
        else:
            text = Notice(
                "followup_overdue",
                {"due": f.next_due.isoformat(), "project": f.project.name, "action": f.next_action},
            )
            yield Reminder(f.project.owner or f.created_by, "followup_overdue", f, text, url)


@register_source("pipeline.tasks")
def tasks(today: dt.date) -> Iterator[Reminder]:
    rows = (
        Task.objects.filter(done_at__isnull=True)
        .filter(Q(kind=Task.Kind.CALLBACK, due__lte=today) | Q(kind=Task.Kind.NEW_REGISTRATION))
        .select_related("assignee", "project", "enterprise")
    )
    members: dict[int, list[User]] = {}
    for task in rows.iterator(chunk_size=2000):
        kind = "callback_due" if task.kind == Task.Kind.CALLBACK else "new_registration"
        text = Notice(kind, {"due": task.due.isoformat(), "title": task.title})
        url = (
            reverse("pipeline:detail", args=[task.project_id])
            if task.project_id
            else reverse("web:workbench")
        )
        if task.enterprise_id and not task.project_id:
            url = reverse("registry:detail", args=[task.enterprise_id])
        if task.assignee_id:
            people = [task.assignee]
        else:
            people = members.setdefault(task.organisation_id, _team_members(task.organisation_id))
        for person in people:
            yield Reminder(person, kind, task, text, url)


@register_source("pipeline.coordination_items")
def coordination_items(today: dt.date) -> Iterator[Reminder]:
    soon = today + dt.timedelta(days=ITEM_SOON_DAYS)
    rows = (
        CoordinationItem.objects.exclude(status=CoordinationItem.Status.DONE)
        .filter(due__lte=soon)
        .select_related("project", "created_by")
    )
    handlers: dict[int, list[User]] = {}
    for item in rows.iterator(chunk_size=2000):
        url = reverse("pipeline:item", args=[item.pk])
        kind = "item_overdue" if item.due < today else "item_due"
        text = Notice(kind, {"due": item.due.isoformat(), "title": item.title, "project": item.project.name})
        people = list(
            handlers.setdefault(
                item.department_id, _team_members(item.department_id, (Role.DEPARTMENT_HANDLER,))
            )
        )
        if item.created_by_id and item.created_by not in people:
            people.append(item.created_by)
        for person in people:
            yield Reminder(person, kind, item, text, url)


@register_source("pipeline.cold_projects")
def cold_projects(today: dt.date) -> Iterator[Reminder]:
    from zhaoshang.pipeline.services import cold_filter

    rows = Project.objects.filter(owner__isnull=False).filter(cold_filter(today)).select_related("owner")
    for project in rows.iterator(chunk_size=2000):
        text = Notice("project_cold", {"since": project.quiet_since.isoformat(), "project": project.name})
        yield Reminder(
            project.owner, "project_cold", project, text, reverse("pipeline:detail", args=[project.pk])
        )
