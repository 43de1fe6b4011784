"""Workbench panels: my follow-ups due and overdue with my open tasks; projects going cold (mine, my reports')."""

from __future__ import annotations

from django.utils import timezone

from zhaoshang.accounts.scoping import can
from zhaoshang.pipeline import services
from zhaoshang.web.links import link_maker
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
    project_url, followup_done, task_done = (
        link_maker("pipeline:detail"),
        link_maker("pipeline:followup_done"),
        link_maker("pipeline:task_done"),
    )
    for followup in due:
        followup.project_url, followup.done_url = project_url(followup.project_id), followup_done(followup.pk)
    for task in tasks:
        task.project_url = project_url(task.project_id) if task.project_id else ""
        task.done_url = task_done(task.pk)
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
    project_url = link_maker("pipeline:detail")
    for project in projects:
        project.url = project_url(project.pk)
    return {
        "template": "pipeline/panel_cold.html",
        "projects": projects[:LIMIT],
        "more": len(projects) > LIMIT,
    }
