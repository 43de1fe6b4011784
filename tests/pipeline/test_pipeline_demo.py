from __future__ import annotations

import pytest
from django.utils import timezone

from zhaoshang.pipeline import services
from zhaoshang.pipeline.config import stage_model
from zhaoshang.pipeline.models import Carrier, CoordinationItem, FollowUp, Project, Task

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_projects_in_every_stage_due_and_cold_work_and_is_idempotent():
    from zhaoshang.demo import build_demo

    ctx = build_demo()
    counts = (
        Project.objects.count(),
        FollowUp.objects.count(),
        CoordinationItem.objects.count(),
        Carrier.objects.count(),
    )
    assert {s.code for s in stage_model().stages} == set(Project.objects.values_list("stage", flat=True))
    assert Project.objects.filter(services.cold_filter()).count() >= 3
    assert services.due_followups(ctx.users["zhaoshang1"]).exists()
    today = timezone.localdate()
    overdue = FollowUp.objects.filter(done=False, next_due__lt=today)
    assert overdue.exists() and FollowUp.objects.filter(done=False, next_due=today).exists()
    assert services.cold_projects_for(ctx.users["leader"]).count() >= 3  # the cadres report to the leader
    assert Task.objects.filter(kind=Task.Kind.CALLBACK).exists()
    assert {c.kind for c in Carrier.objects.all()} == {"land", "factory", "office"}
    assert services.overdue_items(CoordinationItem.objects.all()).count() >= 3
    shared = Project.objects.get(name="IGBT模块封装测试项目")
    assert [w["team"] for w in services.duplicate_investor_warning(shared)] == ["株洲高新技术产业开发区"]
    build_demo()
    assert (
        Project.objects.count(),
        FollowUp.objects.count(),
        CoordinationItem.objects.count(),
        Carrier.objects.count(),
    ) == counts
