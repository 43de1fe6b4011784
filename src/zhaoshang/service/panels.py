"""Workbench panels: the officer's and the handler's appeals by due date (red/amber clocks); the leader's rates."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.scoping import can, own_department, visible
from zhaoshang.web.workbench import register_panel


@register_panel(40)
def appeals_panel(request):
    user = request.user
    if user.role not in (Role.SERVICE_OFFICER, Role.DEPARTMENT_HANDLER) or not can(user, "appeal", "view"):
        return None
    from zhaoshang.service.models import Appeal
    from zhaoshang.service.views import with_clocks

    qs = visible(
        user, Appeal.objects.exclude(status=Appeal.Status.CLOSED).select_related("department", "category")
    )
    qs = own_department(user, qs)
    appeals = with_clocks(qs.order_by("handling_due", "id")[:15], user)
    to_rate = []
    if user.role == Role.SERVICE_OFFICER:
        to_rate = list(
            visible(user, Appeal.objects.filter(status=Appeal.Status.CLOSED, satisfaction=""))
            .exclude(handler=user)
            .order_by("closed_at")[:10]
        )
    return {
        "template": "service/panel.html",
        "appeals": appeals,
        "open_count": qs.count(),
        "to_rate": to_rate,
    }


@register_panel(41)
def rates_panel(request):
    user = request.user
    if user.role != Role.CITY_LEADER and not user.is_superuser:
        return None
    from zhaoshang.service import services as s

    today = timezone.localdate()
    qs = s.appeals_in_period(date(today.year, 1, 1), today, user=user)
    overall = s.compute_rates(qs, with_median=False).as_dict()
    by_department = [d for d in s.rates_by(qs, "department") if d["closed"] >= 3]
    worst = sorted(by_department, key=lambda d: d["on_time_rate"] if d["on_time_rate"] is not None else 1)[:3]
    return {
        "template": "service/panel_rates.html",
        "overall": overall,
        "definitions": s.RATE_DEFINITIONS[:4],
        "worst": worst,
    }


@register_panel(42)
def problems_panel(request):
    """Open structural problems with their deadlines, for the leaders, the service officers and administrators."""
    user = request.user
    if not (user.is_superuser or user.role in (Role.CITY_LEADER, Role.SERVICE_OFFICER, Role.SYSTEM_ADMIN)):
        return None
    if not can(user, "appeal", "view"):
        return None
    from zhaoshang.service import services as s

    problems = s.open_structural_problems(user, limit=8)
    if not problems:
        return None
    return {
        "template": "service/panel_problems.html",
        "problems": problems,
        "today": timezone.localdate(),
        "may_edit": can(user, "appeal", "change"),
    }
