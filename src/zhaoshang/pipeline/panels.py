"""Workbench panels: my follow-ups due and overdue with my open tasks; projects going cold (mine, my reports')."""

from __future__ import annotations

from django.utils import timezone

from zhaoshang.accounts.scoping import can
from zhaoshang.pipeline import services
from zhaoshang.web.workbench import register_panel

LIMIT = 20


@register_panel(20)
def followups_panel(request):
    user = request.user
    if not can(user, "followup", "view"):
        return None
    today = timezone.localdate()
    due = list(services.due_followups(user, today)[: LIMIT * 2])
    tasks = list(services.open_tasks(user, today)[:LIMIT])
    return {
        "template": "pipeline/panel_followups.html",
        "today": [f for f in due if f.next_due == today][:LIMIT],
        "overdue": [f for f in due if f.next_due < today][:LIMIT],
        "tasks": tasks,
        "date": today,
    }


@register_panel(30)
def cold_panel(request):
    user = request.user
    if not can(user, "project", "view"):
        return None
    projects = list(services.cold_projects_for(user)[: LIMIT + 1])
    if not projects:
        return None
    return {
        "template": "pipeline/panel_cold.html",
        "projects": projects[:LIMIT],
        "more": len(projects) > LIMIT,
    }
