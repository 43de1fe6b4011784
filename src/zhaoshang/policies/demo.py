"""Demo policies for 株洲 (示例): the ten policies of `demo_data`, qualifications and R&D figures for some local
firms (with dates and sources), and the 免申即享 list of the high-tech reward pushed, assigned and partly paid.
Idempotent: policies by document number, clauses by article, qualifications by (firm, tag, date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.core import audit
from zhaoshang.policies import services
from zhaoshang.policies.demo_data import POLICIES
from zhaoshang.policies.models import Clause, FirmQualification, FirmRD, Push
from zhaoshang.registry.models import Enterprise

QUALIFICATIONS = ["高新技术企业", "专精特新", "规上", "高新技术企业", "规上", "小巨人"]


@transaction.atomic
def build(ctx) -> None:
    actor = ctx.actor
    today = timezone.localdate()
    for raw in POLICIES:
        policy, _ = services.save_policy(
            actor,
            code=raw["code"],
            title=raw["title"],
            issuer=raw["issuer"],
            is_demo=True,
            note="示例数据",
            valid_from=dt.date.fromisoformat(raw["valid_from"]),
            valid_to=dt.date.fromisoformat(raw["valid_to"]),
        )
        for n, clause in enumerate(raw["clauses"]):
            services.save_clause(
                actor,
                policy,
                number=clause["number"],
                title=clause["title"],
                text=clause["text"],
                benefit=clause["benefit"],
                amount_wan=clause["amount_wan"],
                no_application=clause["no_application"],
                conditions=clause["conditions"],
                order=n,
                note="示例数据",
            )
    firms = list(
        Enterprise.objects.filter(region_code__startswith="4302", merged_into__isnull=True).order_by("id")[
            :24
        ]
    )
    for i, firm in enumerate(firms):
        tag = QUALIFICATIONS[i % len(QUALIFICATIONS)]
        obtained = dt.date(today.year - 1 - i % 3, 12, 1)
        if not FirmQualification.objects.filter(enterprise=firm, tag=tag, obtained=obtained).exists():
            audit.create(
                actor,
                FirmQualification,
                enterprise=firm,
                tag=tag,
                obtained=obtained,
                expires=obtained.replace(year=obtained.year + 3),
                source="湖南省认定名单（示例）",
            )
        if i % 2 == 0 and not FirmRD.objects.filter(enterprise=firm, year=today.year - 1).exists():
            audit.create(
                actor,
                FirmRD,
                enterprise=firm,
                year=today.year - 1,
                rd_ratio=Decimal(str(2 + (i * 7) % 6)),
                source="统计年报（示例）",
            )
    clause = (
        Clause.objects.filter(policy__code="ZZ-DEMO-2025-02", number="第四条")
        .select_related("policy")
        .first()
    )
    if clause is None or not clause.policy.in_force(today):
        return
    services.push_clause(
        actor, clause, today - dt.timedelta(days=40), is_demo=True
    ) if clause.policy.in_force(today - dt.timedelta(days=40)) else services.push_clause(
        actor, clause, today, is_demo=True
    )
    pushes = list(clause.pushes.order_by("id"))
    officer = ctx.users.get("service")
    if officer is not None:
        services.assign_pushes(actor, [p for p in pushes if p.assignee_id is None], officer)
    for n, push in enumerate(pushes[:3]):
        if push.state != Push.State.ELIGIBLE:
            continue
        services.record_push(
            actor, push, state=Push.State.NOTIFIED, on=push.eligible_on + dt.timedelta(days=3)
        )
        if n == 0:
            services.record_push(
                actor,
                push,
                state=Push.State.PAID,
                on=push.eligible_on + dt.timedelta(days=25),
                amount_wan=Decimal("20"),
            )
