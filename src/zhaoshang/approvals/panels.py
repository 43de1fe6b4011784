"""Workbench panels: the service officer's open items and overdue promises; the department handler's items
with their deadlines; the leader's overdue promises and which department holds which projects."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from zhaoshang.accounts.scoping import can, own_department, visible
from zhaoshang.approvals import services
from zhaoshang.approvals.models import ApprovalItem, Promise
from zhaoshang.web.workbench import register_panel

LIMIT = 12


@register_panel(40)
def items_panel(request):
    user = request.user
    if not can(user, "approval_item", "change") or user.role == "city_leader":
        return None
    items = visible(user, ApprovalItem.objects.filter(state=ApprovalItem.State.IN_PROGRESS), "change")
    items = own_department(user, items)
    items = list(
        items.select_related("case__project", "department").order_by("started_on", "id")[: LIMIT * 3]
    )
    if not items:
        return None
    cal = services.calendar()
    today = timezone.localdate()
    for item in items:
        start = item.started_on or today
        item.due = cal.add_working_days(start, item.limit_days)
        item.late = item.due < today
    items.sort(key=lambda i: (i.due, i.pk))
    return {"template": "approvals/panel_items.html", "items": items[:LIMIT], "date": today}


@register_panel(45)
def promises_panel(request):
    user = request.user
    if not can(user, "promise", "view"):
        return None
    today = timezone.localdate()
    overdue = list(
        services.overdue_promises(visible(user, Promise.objects.all()), today).select_related(
            "project", "department"
        )[:LIMIT]
    )
    if not overdue:
        return None
    for p in overdue:
        p.days_overdue = (today - p.deadline).days
    return {"template": "approvals/panel_promises.html", "promises": overdue}


@register_panel(46)
def held_panel(request):
    """Leaders: which department holds how many projects today (items in progress), the full list on 全市统计."""
    user = request.user
    if not (user.is_superuser or user.role == "city_leader") or not can(user, "approval_item", "view"):
        return None
    rows = (
        visible(user, ApprovalItem.objects.filter(state=ApprovalItem.State.IN_PROGRESS))
        .values("department__name", "department_name")
        .annotate(projects=Count("case", distinct=True))
        .order_by("-projects", "department_name")[:LIMIT]
    )
    held = [
        {"department": r["department__name"] or r["department_name"], "projects": r["projects"]} for r in rows
    ]
    if not held:
        return None
    return {"template": "approvals/panel_held.html", "held": held}


PROMISE_DUE_DAYS = (
    30  # the park administrator sees promises due within this many days (and every overdue one)
)


@register_panel(14)
def park_promises_panel(request):
    """Park administrators: the government promises still open for the park's projects (projects of the park's
    teams, or whose investor is a firm in the park), overdue first, then by deadline up to 30 days ahead."""
    from django.db.models import Q

    from zhaoshang.accounts.roles import Role
    from zhaoshang.registry.parks import firms_in

    user = request.user
    if user.role != Role.PARK_ADMIN or not user.organisation_id or not can(user, "promise", "view"):
        return None
    today = timezone.localdate()
    park = user.organisation
    open_states = [Promise.State.OPEN, Promise.State.IN_PROGRESS]
    promises = list(
        visible(user, Promise.objects.filter(state__in=open_states))
        .filter(
            Q(project__organisation__path__startswith=park.path) | Q(project__investor__in=firms_in(park)),
            deadline__lte=today + dt.timedelta(days=PROMISE_DUE_DAYS),
        )
        .select_related("project", "department")
        .order_by("deadline", "id")[: LIMIT + 1]
    )
    for p in promises:
        p.days_left = (p.deadline - today).days
        p.urgency = "red" if p.days_left < 0 else ("amber" if p.days_left <= 7 else "")
        p.days_overdue = -p.days_left
    return {
        "template": "approvals/panel_park_promises.html",
        "promises": promises[:LIMIT],
        "more": len(promises) > LIMIT,
        "days": PROMISE_DUE_DAYS,
    }
