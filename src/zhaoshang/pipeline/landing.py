"""Projects that landed in a period, for the service desk's first-month visit (registered in ``core.hooks``).

A project *lands* when it first reaches 注册 (registered: the company exists here) or, if it skipped that stage,
投产 (in production); the firm visited is the registered company when the registry knows its credit code, else
the investor.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min

from zhaoshang.pipeline.models import Project, StageEvent
from zhaoshang.registry.models import Enterprise

LANDING_STAGES = ("registered", "production")


def landed_firms(start: dt.date, end: dt.date) -> list[dict]:
    first = {
        row["project"]: row["on"]
        for row in StageEvent.objects.filter(to_stage__in=LANDING_STAGES)
        .values("project")
        .annotate(on=Min("date"))
        .filter(on__gte=start, on__lte=end)
    }
    if not first:
        return []
    projects = list(
        Project.objects.filter(pk__in=first)
        .exclude(stage__in=("dropped", "on_hold"))
        .values("pk", "name", "investor_id", "organisation_id", "registered_uscc")
    )
    codes = {p["registered_uscc"] for p in projects if p["registered_uscc"]}
    by_code = dict(
        Enterprise.objects.filter(uscc__in=codes, merged_into__isnull=True).values_list("uscc", "pk")
    )
    return [
        {
            "project_id": p["pk"],
            "enterprise_id": by_code.get(p["registered_uscc"]) or p["investor_id"],
            "organisation_id": p["organisation_id"],
            "on": first[p["pk"]],
            "label": p["name"],
        }
        for p in projects
    ]
