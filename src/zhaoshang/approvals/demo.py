"""Demo approval cases for 株洲 (示例): one fast like Kunshan's (licensed about three weeks after signing, every
parallel item on a promise), one slow (trips and stamps piling up, late items); promises at signing, one
overdue. Dates follow the projects' own signing dates; idempotent (a project's case and a promise's title
are natural keys)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhaoshang.approvals import services
from zhaoshang.approvals.core.templates import topological_order
from zhaoshang.approvals.models import ApprovalCase, ApprovalItem, Promise
from zhaoshang.pipeline.models import Project

DEPARTMENTS = [
    ("zz-drc", "株洲市发展和改革委员会"),
    ("zz-housing", "株洲市住房和城乡建设局"),
    ("zz-ee", "株洲市生态环境局"),
    ("zz-safety", "株洲市应急管理局"),
    ("zz-finance", "株洲市财政局"),
]

FAST = "功率半导体器件产线"
SLOW = "航空发动机精密零件项目"

# item code → (working days actually taken, trips, stamps); fast: the agent runs it, the firm rarely goes
FAST_ITEMS = {
    "filing": (1, 0, 1),
    "site": (3, 1, 1),
    "land_contract": (3, 0, 1),
    "land_planning": (1, 0, 1),
    "property": (1, 0, 1),
    "eia": (8, 0, 1),
    "energy": (4, 0, 1),
    "safety": (4, 0, 1),
    "construction_planning": (2, 0, 1),
    "drawings": (3, 0, 1),
    "fire_design": (2, 0, 1),
    "construction_permit": (1, 1, 1),
}
SLOW_ITEMS = {"filing": (12, 4, 7), "energy": (16, 3, 5), "safety": (14, 3, 6)}
SLOW_OPEN = {"site": (5, 9), "eia": (3, 4)}  # in progress: trips, stamps so far

PROMISES = [
    # project, title, kind, department, deadline relative to signing, state, evidence
    (FAST, "交付净地80亩（已完成拆迁和场平）", "land", "zz-nr", 20, "fulfilled", "土地交付确认书（示例）"),
    (
        FAST,
        "厂区七通一平（水、电、路、气、通信、排水、排污）",
        "utilities",
        "zz-hitech",
        90,
        "in_progress",
        "",
    ),
    (FAST, "设备投资补助首期2000万元", "subsidy", "zz-finance", 180, "open", ""),
    (SLOW, "交付项目用地60亩", "land", "zz-nr", 21, "open", ""),
    (SLOW, "人才公寓30套（三年免租）", "housing", "zz-econ", 120, "open", ""),
]


def _ensure_departments(ctx) -> None:
    from zhaoshang.accounts.services import ensure_organisation

    city = ctx.organisations.get("zz-city")
    if city is None:
        return
    for code, name in DEPARTMENTS:
        ctx.organisations[code] = ensure_organisation(
            None, code=code, name=name, kind="department", parent=city, region_code="430200", is_demo=True
        )


@transaction.atomic
def build(ctx) -> None:
    _ensure_departments(ctx)
    today = timezone.localdate()
    cal = services.calendar()
    agent = ctx.users.get("service")
    actor = ctx.actor
    for name, plan, open_items in ((FAST, FAST_ITEMS, {}), (SLOW, SLOW_ITEMS, SLOW_OPEN)):
        project = Project.objects.filter(name=name, signed_date__isnull=False).first()
        if project is None or ApprovalCase.objects.filter(project=project).exists():
            continue
        case = services.open_case(actor, project, agent=agent, is_demo=True)
        items = {i.code: i for i in case.items.all()}
        done: dict[str, dt.date] = {}
        for code in topological_order({c: i.prerequisites for c, i in items.items()}):
            item = items[code]
            if any(p not in done and not items[p].promise for p in item.prerequisites):
                continue
            start = max([case.start, *(done[p] for p in item.prerequisites if p in done)])
            promise = name == FAST and item.promise_allowed
            if code in plan:
                taken, trips, stamps = plan[code]
                finish = cal.add_working_days(start, taken)
                if finish > today:
                    continue
                services.update_item(actor, item, state="in_progress", started_on=start, promise=promise)
                services.update_item(
                    actor, item, state="done", done_on=finish, add_trips=trips, add_stamps=stamps
                )
                done[code] = finish
            elif code in open_items and start <= today:
                trips, stamps = open_items[code]
                services.update_item(
                    actor, item, state="in_progress", started_on=start, add_trips=trips, add_stamps=stamps
                )
    for project_name, title, kind, dept, days, state, evidence in PROMISES:
        project = Project.objects.filter(name=project_name, signed_date__isnull=False).first()
        department = ctx.organisations.get(dept)
        if (
            project is None
            or department is None
            or Promise.objects.filter(project=project, title=title).exists()
        ):
            continue
        promise = services.create_promise(
            actor,
            project,
            title=title,
            kind=kind,
            department=department,
            deadline=project.signed_date + dt.timedelta(days=days),
            is_demo=True,
        )
        if state != "open":
            fulfilled = min(today, project.signed_date + dt.timedelta(days=days - 3))
            services.update_promise(
                actor,
                promise,
                state=state,
                evidence=evidence,
                fulfilled_on=fulfilled if state == "fulfilled" else None,
            )
        services.tracking_code(actor, project)
    _ = ApprovalItem  # the items are created by open_case
