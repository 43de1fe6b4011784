"""Demo pipeline for 株洲: projects in every stage, follow-ups (some due, some overdue, some gone quiet),
coordination items (some overdue) and carriers. Dates are relative to the day the demo is built, so the
workbench, dashboard and meeting pack show something real at first start. Idempotent: natural keys are
(park, carrier name) and (team, project name); an existing project is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.pipeline import config, services
from zhaoshang.pipeline.models import Project

CARRIERS = [
    # park, name, kind, location, area, unit, load, power, price, available in days, status
    (
        "zz-hitech",
        "高新区栗雨工业园A-3地块",
        "land",
        "天元区栗雨工业园",
        "80",
        "mu",
        None,
        None,
        "28",
        0,
        "available",
    ),
    (
        "zz-hitech",
        "高新区动力谷标准厂房5栋",
        "factory",
        "中国动力谷",
        "12000",
        "m2",
        "3",
        "1600",
        "18",
        30,
        "available",
    ),
    (
        "zz-hitech",
        "高新区总部大楼12层",
        "office",
        "天元区黄河南路",
        "1500",
        "m2",
        None,
        None,
        "45",
        0,
        "available",
    ),
    (
        "zz-econ",
        "经开区智能制造产业园B地块",
        "land",
        "云龙示范区",
        "120",
        "mu",
        None,
        None,
        "24",
        90,
        "available",
    ),
    (
        "zz-econ",
        "经开区标准厂房2栋",
        "factory",
        "智能制造产业园",
        "6000",
        "m2",
        "2",
        "800",
        "15",
        0,
        "reserved",
    ),
    ("zz-liling", "醴陵陶瓷产业园C地块", "land", "醴陵经开区", "50", "mu", None, None, "20", 0, "available"),
]

# team, owner, name, investor, source, target stage, planned 万元, quiet days, next action in days (None: none)
PROJECTS = [
    (
        "zz-invest-1",
        "zhaoshang1",
        "轨道交通制动系统研发生产基地",
        "克诺尔（中国）示例制动系统有限公司",
        "chain_leader",
        "production",
        "68000",
        10,
        5,
    ),
    (
        "zz-invest-1",
        "zhaoshang1",
        "IGBT模块封装测试项目",
        "深圳示例半导体科技有限公司",
        "target_list",
        "negotiation",
        "35000",
        3,
        0,
    ),
    (
        "zz-invest-1",
        "zhaoshang1",
        "动力电池正极材料项目",
        "湖南示例新能源材料股份有限公司",
        "via_firm",
        "visit",
        "52000",
        40,
        -4,
    ),
    (
        "zz-invest-1",
        "zhaoshang1",
        "轨道车辆内饰件项目",
        "江苏示例轨道内饰有限公司",
        "fair",
        "lead",
        "8000",
        45,
        None,
    ),
    (
        "zz-invest-1",
        "zhaoshang1",
        "工业软件区域总部",
        "北京示例工业软件有限公司",
        "walk_in",
        "contact",
        "5000",
        2,
        1,
    ),
    (
        "zz-invest-2",
        "zhaoshang2",
        "航空发动机精密零件项目",
        "成都示例航空零部件有限公司",
        "target_list",
        "signed",
        "26000",
        12,
        3,
    ),
    (
        "zz-invest-2",
        "zhaoshang2",
        "硬质合金刀具扩产项目",
        "株洲示例硬质合金工具有限公司",
        "via_firm",
        "registered",
        "15000",
        20,
        -2,
    ),
    (
        "zz-invest-2",
        "zhaoshang2",
        "氢燃料电池电堆项目",
        "上海示例氢能科技有限公司",
        "fair",
        "on_hold",
        "40000",
        25,
        None,
    ),
    (
        "zz-invest-2",
        "zhaoshang2",
        "跨境电商产业园",
        "杭州示例供应链管理有限公司",
        "agency",
        "dropped",
        "6000",
        60,
        None,
    ),
    (
        "zz-hitech",
        "park",
        "功率半导体器件产线",
        "深圳示例半导体科技有限公司",
        "chain_leader",
        "construction",
        "90000",
        15,
        0,
    ),
    (
        "zz-hitech",
        "park",
        "轨道交通牵引变流器配套项目",
        "湖南示例电气设备有限公司",
        "chain_leader",
        "visit",
        "12000",
        20,
        -6,
    ),
    ("zz-hitech", "park", "智能传感器研发中心", "苏州示例传感技术有限公司", "fair", "lead", "3000", 1, 2),
    (
        "zz-econ",
        "park2",
        "新能源汽车电驱系统项目",
        "浙江示例电驱动系统有限公司",
        "target_list",
        "negotiation",
        "45000",
        30,
        -1,
    ),
    (
        "zz-econ",
        "park2",
        "汽车轻量化铝合金部件项目",
        "广东示例铝业有限公司",
        "walk_in",
        "contact",
        "18000",
        5,
        4,
    ),
]

# project → the chain nodes it belongs to (chain slug, node key); projects of no demo chain have none
PROJECT_NODES = {
    "轨道交通制动系统研发生产基地": [("rail-transit-equipment", "brake-control")],
    "IGBT模块封装测试项目": [("rail-transit-equipment", "igbt-module")],
    "轨道车辆内饰件项目": [("rail-transit-equipment", "interior")],
    "功率半导体器件产线": [
        ("rail-transit-equipment", "igbt-module"),
        ("rail-transit-equipment", "sic-device"),
    ],
    "轨道交通牵引变流器配套项目": [("rail-transit-equipment", "traction-converter")],
    "智能传感器研发中心": [("rail-transit-equipment", "rail-sensor")],
}

# project name, problem, department, due in days, status
ITEMS = [
    ("功率半导体器件产线", "110kV变电站接入方案审批", "zz-nr", -12, "open"),
    ("航空发动机精密零件项目", "项目用地规划条件调整", "zz-nr", -3, "in_progress"),
    ("硬质合金刀具扩产项目", "新公司登记名称核准", "zz-samr", -5, "open"),
    ("轨道交通制动系统研发生产基地", "二期用地指标", "zz-nr", 20, "open"),
    ("硬质合金刀具扩产项目", "外资备案材料", "zz-samr", -30, "done"),
]

_CHAIN = {  # stage → data it needs, relative to the day the stage was reached
    "contact": lambda d: {"first_contact_date": d},
    "visit": lambda d: {"visit_date": d},
    "signed": lambda d: {"signed_date": d},
    "construction": lambda d: {"construction_start_date": d},
    "production": lambda d: {"production_start_date": d},
}
_ORDER = ["lead", "contact", "visit", "negotiation", "signed", "registered", "construction", "production"]


def _day(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


@transaction.atomic
def build(ctx) -> None:
    today = timezone.localdate()
    orgs, users, actor = ctx.organisations, ctx.users, ctx.actor
    carriers = {}
    for park, name, kind, location, area, unit, load, power, price, avail, status in CARRIERS:
        carriers[name] = services.save_carrier(
            actor,
            organisation=orgs[park],
            name=name,
            kind=kind,
            location=location,
            area=Decimal(area),
            area_unit=unit,
            floor_load_kn_m2=Decimal(load) if load else None,
            power_kva=Decimal(power) if power else None,
            price=Decimal(price),
            available_from=_day(today, avail),
            status=status,
        )
    _report_to_the_leader(users, actor)
    created = {}
    for i, (team, owner, name, investor, source, stage, planned, quiet, next_in) in enumerate(PROJECTS):
        org, user = orgs[team], users[owner]
        if Project.objects.filter(organisation=org, name=name).exists():
            continue
        target = _ORDER.index(stage) if stage in _ORDER else 3
        start = _day(today, -(quiet + 20 + 12 * target))
        project = services.create_project(
            user,
            name=name,
            organisation=org,
            owner=user,
            investor_name=investor,
            source=source,
            planned_investment_wan=Decimal(planned),
            expected_output_wan=Decimal(planned) * Decimal("1.5"),
            expected_tax_wan=Decimal(planned) * Decimal("0.06"),
            expected_jobs=int(Decimal(planned) / 100),
            created_on=start,
            nodes=_nodes_of(name),
            need_kind="land" if Decimal(planned) >= 20000 else "factory",
            need_area=Decimal("60") if Decimal(planned) >= 20000 else Decimal("5000"),
            need_area_unit="mu" if Decimal(planned) >= 20000 else "m2",
        )
        day = start
        services.record_followup(
            user, project, date=day, way="visit", content=f"首次拜访{investor}，介绍株洲产业基础和政策。"
        )
        for code in _ORDER[1 : target + 1]:
            day = _day(day, 12)
            fields = _CHAIN.get(code, lambda d: {})(day)
            if code == "signed":
                fields.update(
                    signed_amount_wan=Decimal(planned) * Decimal("0.9"),
                    carrier=_carrier_for(project, carriers),
                    location=org.name,
                )
            if code == "registered":
                fields = {"registered_uscc": _demo_uscc(i)}
            services.advance_project(user, project, code, on=day, **fields)
            services.record_followup(
                user,
                project,
                date=day,
                way="meeting",
                participants="双方项目组",
                content=f"推进至「{config.stage_name(code)}」阶段的工作会商。",
            )
        if stage == "on_hold":
            services.advance_project(
                user, project, "on_hold", on=_day(today, -quiet), hold_reason="投资方融资计划推迟至明年"
            )
        elif stage == "dropped":
            services.advance_project(
                user, project, "dropped", on=_day(today, -quiet), drop_reason="投资方选择外省落地"
            )
        last = _day(today, -quiet)
        if last > day:
            services.record_followup(
                user,
                project,
                date=last,
                way="call",
                content="电话跟进项目进展。",
                next_action="提供园区载体方案" if next_in is not None else "",
                next_due=max(last, _day(today, next_in)) if next_in is not None else None,
            )
        created[name] = project
    _classify([p.investor_id for p in created.values()], actor)
    for project_name, title, dept, due_in, status in ITEMS:
        project = created.get(project_name)
        if project is None:
            continue
        item = services.create_coordination_item(
            users["admin"], project, title=title, department=orgs[dept], due=_day(today, due_in)
        )
        if status != "open":
            services.update_coordination_item(
                users["admin"],
                item,
                status=status,
                note="部门已受理" if status == "in_progress" else "已办结",
            )


def _report_to_the_leader(users, actor) -> None:
    """The cadres report to the demo's city leader, whose workbench then shows their projects going cold."""
    from zhaoshang.core import audit

    leader = users.get("leader")
    for username in ("zhaoshang1", "zhaoshang2", "park", "park2"):
        user = users.get(username)
        if leader is not None and user is not None and user.leader_id is None:
            audit.update(actor, user, leader=leader)


def _classify(enterprise_ids: list[int], actor) -> None:
    """Place the demo's new investors on chain nodes like any other firm (so a re-run of the chains demo
    finds nothing new to do)."""
    if not enterprise_ids:
        return
    try:
        from zhaoshang.chains.services import classify_enterprises
    except ImportError:  # pragma: no cover - chains app without services
        return
    from zhaoshang.registry.models import Enterprise

    classify_enterprises(actor, Enterprise.objects.filter(pk__in=enterprise_ids))


def _nodes_of(project_name: str) -> list:
    """The chain nodes a demo project belongs to (none when its chain is not loaded)."""
    try:
        from zhaoshang.chains.models import ChainNode
    except ImportError:  # pragma: no cover
        return []
    out = []
    for slug, key in PROJECT_NODES.get(project_name, ()):
        node = ChainNode.objects.filter(chain__slug=slug, key=key).first()
        if node is not None:
            out.append(node)
    return out


def _carrier_for(project: Project, carriers: dict):
    for carrier in carriers.values():
        if carrier.organisation_id == project.organisation_id and carrier.kind == project.need_kind:
            return carrier
    return None


def _demo_uscc(i: int) -> str:
    from zhaoshang.registry.core.uscc import check_char

    first17 = f"91430200MA4T{i:05d}"
    return first17 + check_char(first17)
