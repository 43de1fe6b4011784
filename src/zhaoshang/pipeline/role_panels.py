"""Workbench panels by role, each answering "what needs me today" (registered from `PipelineConfig.ready`).

- city leader: this year's signed / started / in production against the city's targets (``PIPELINE_TARGETS``),
  key projects stalled (going cold, planned investment ≥ ``PIPELINE_KEY_PROJECT_WAN``), overdue coordination items
  by department, the team ranking with its reasons;
- department handler: the department's open items by deadline, red (overdue) / amber (due within 3 days), with
  one tap to reply or mark done;
- park administrator: the park's carriers (vacant / reserved / let) and projects by stage.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.scoping import visible
from zhaoshang.pipeline import config, services
from zhaoshang.pipeline.models import Carrier, CoordinationItem, Project
from zhaoshang.web.workbench import register_panel

AMBER_DAYS = 3
DEFAULT_TARGETS = {"signed": 40, "construction": 30, "production": 20}


def targets() -> dict[str, int]:
    return dict(getattr(settings, "PIPELINE_TARGETS", None) or DEFAULT_TARGETS)


def key_project_wan() -> int:
    return int(getattr(settings, "PIPELINE_KEY_PROJECT_WAN", 10000))


def ranking_reasons(row) -> list[str]:
    """A team's score in a few words per stage and rule: "签约 ×2 +20", "退回 签约 −10" (codes → names here)."""
    from django.utils.translation import gettext as _

    totals: dict[tuple[str, str], list[int]] = defaultdict(list)
    for line in row.lines:
        totals[(line.rule, line.stage)].append(line.points)
    words = {
        "reached": _("reached"),
        "reverted": _("reverted"),
        "same_day": _("same day, not counted"),
        "no_evidence": _("no evidence, not counted"),
    }
    out = []
    for (rule, stage), points in sorted(totals.items(), key=lambda kv: (-abs(sum(kv[1])), kv[0])):
        out.append(f"{config.stage_name(stage)} {words.get(rule, rule)} ×{len(points)} {sum(points):+d}")
    return out


@register_panel(10)
def leader_panel(request):
    user = request.user
    if user.role != Role.CITY_LEADER and not user.is_superuser:
        return None
    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    projects = visible(user, Project.objects.all())
    done = projects.aggregate(
        signed=Count("id", filter=Q(signed_date__gte=year_start, signed_date__lte=today)),
        construction=Count(
            "id", filter=Q(construction_start_date__gte=year_start, construction_start_date__lte=today)
        ),
        production=Count(
            "id", filter=Q(production_start_date__gte=year_start, production_start_date__lte=today)
        ),
    )
    goal = targets()
    figures = [
        {"code": code, "name": config.stage_name(code), "done": done.get(code, 0), "target": goal.get(code)}
        for code in ("signed", "construction", "production")
    ]
    stalled = list(
        projects.filter(services.cold_filter(today), planned_investment_wan__gte=key_project_wan())
        .select_related("organisation", "owner")
        .order_by("quiet_since")[:10]
    )
    for p in stalled:
        p.stage_name = config.stage_name(p.stage)
    items = visible(user, CoordinationItem.objects.all())
    overdue = (
        services.overdue_items(items, today)
        .values("department__name")
        .annotate(n=Count("id"))
        .order_by("-n", "department__name")
    )
    pack = services.meeting_pack(None, year_start, today)
    ranking = [{"row": r, "reasons": ranking_reasons(r)} for r in pack.ranking.rows[:8]]
    return {
        "template": "pipeline/panel_leader.html",
        "figures": figures,
        "stalled": stalled,
        "overdue": list(overdue),
        "ranking": ranking,
        "year": today.year,
    }


@register_panel(11)
def handler_panel(request):
    user = request.user
    if user.role != Role.DEPARTMENT_HANDLER or not user.organisation_id:
        return None
    today = timezone.localdate()
    items = list(
        visible(user, CoordinationItem.objects.filter(department__path__startswith=user.organisation.path))
        .exclude(status=CoordinationItem.Status.DONE)
        .select_related("project")
        .order_by("due", "id")[:50]
    )
    for item in items:
        item.urgency = (
            "red"
            if item.due < today
            else ("amber" if item.due <= today + dt.timedelta(days=AMBER_DAYS) else "")
        )
        item.days_overdue = max(0, (today - item.due).days)
    return {"template": "pipeline/panel_handler.html", "items": items, "today": today}


@register_panel(12)
def park_panel(request):
    user = request.user
    if user.role != Role.PARK_ADMIN or not user.organisation_id:
        return None
    carriers = Counter(
        dict(
            visible(user, Carrier.objects.filter(organisation__path__startswith=user.organisation.path))
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    stages = (
        visible(user, Project.objects.filter(organisation__path__startswith=user.organisation.path))
        .values("stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_stage = sorted(
        (
            {
                "name": config.stage_name(r["stage"]),
                "count": r["n"],
                "order": config.stage_model().get(r["stage"]).order
                if r["stage"] in config.stage_model()
                else 999,
            }
            for r in stages
        ),
        key=lambda r: r["order"],
    )
    from zhaoshang.registry.parks import firms_in

    return {
        "template": "pipeline/panel_park.html",
        "park": user.organisation,
        "firms": firms_in(user.organisation).count(),
        "carriers": [
            {"status": label, "count": carriers.get(code, 0)} for code, label in Carrier.Status.choices
        ],
        "stages": by_stage,
    }
