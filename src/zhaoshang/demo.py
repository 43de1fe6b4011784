"""The deterministic demo city: 株洲市 (430200), its parks, organisations and users.

Each capability adds its demo records by listing a `build(ctx)` in DEMO_STEPS; the steps
are idempotent (get-or-update by natural keys), so `zhaoshang demo` can be re-run safely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.db import transaction

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.services import ensure_organisation, ensure_user

log = logging.getLogger(__name__)

DEMO_PASSWORD = "zhaoshang-demo"

# (code, name, kind, parent code, region code)
ORGANISATIONS = [
    ("zz-city", "株洲市人民政府（示例）", "city", None, "430200"),
    ("zz-invest", "株洲市商务局（招商局）", "bureau", "zz-city", "430200"),
    ("zz-invest-1", "招商一处", "team", "zz-invest", "430200"),
    ("zz-invest-2", "招商二处", "team", "zz-invest", "430200"),
    ("zz-hitech", "株洲高新技术产业开发区", "park", "zz-city", "430211"),
    ("zz-econ", "株洲经济开发区", "park", "zz-city", "430202"),
    ("zz-liling", "醴陵经济开发区", "park", "zz-city", "430281"),
    ("zz-chain-rail", "轨道交通装备产业链链长办", "chain_office", "zz-city", "430200"),
    ("zz-service", "株洲市企业服务中心", "service_centre", "zz-city", "430200"),
    ("zz-nr", "株洲市自然资源和规划局", "department", "zz-city", "430200"),
    ("zz-samr", "株洲市市场监督管理局", "department", "zz-city", "430200"),
]

# (username, last name, first name, role, organisation code, title)
USERS = [
    ("admin", "管", "理员", Role.SYSTEM_ADMIN, "zz-city", "系统管理员"),
    ("leader", "李", "市长", Role.CITY_LEADER, "zz-city", "副市长"),
    ("zhaoshang1", "王", "招商", Role.INVESTMENT_OFFICER, "zz-invest-1", "招商专员"),
    ("zhaoshang2", "赵", "招商", Role.INVESTMENT_OFFICER, "zz-invest-2", "招商专员"),
    ("chain", "陈", "链长办", Role.CHAIN_OFFICE, "zz-chain-rail", "链长办主任"),
    ("park", "刘", "园区", Role.PARK_ADMIN, "zz-hitech", "园区招商科长"),
    ("park2", "周", "园区", Role.PARK_ADMIN, "zz-econ", "园区招商科长"),
    ("service", "孙", "服务", Role.SERVICE_OFFICER, "zz-service", "企业服务专员"),
    ("dept", "吴", "办理", Role.DEPARTMENT_HANDLER, "zz-nr", "办理人"),
]

# Capabilities append their demo builders here, in dependency order.
# (label shown while building, "module:function")
DEMO_STEPS = (
    ("参考数据 reference data", "zhaoshang.core.reference_services:load_builtin_reference"),
    ("企业名录 enterprise registry", "zhaoshang.registry.demo:build"),
    ("产业链 industrial chains", "zhaoshang.chains.demo:build"),
    ("招商项目 investment pipeline", "zhaoshang.pipeline.demo:build"),
    ("园区配套 places", "zhaoshang.places.demo:build"),
    ("对标指标 benchmark indicators", "zhaoshang.insight.demo:build"),
    ("全程代办 approval agency", "zhaoshang.approvals.demo:build"),
    ("惠企政策 policies", "zhaoshang.policies.demo:build"),
    ("企业服务 service desk", "zhaoshang.service.demo:build"),
    ("园区归属 parks", "zhaoshang.registry.park_demo:build"),
    ("提醒 reminders", "zhaoshang.notifications.demo:build"),
)


@dataclass
class DemoContext:
    actor: User | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    progress: Callable[[str], None] = lambda message: None
    extra: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def build_base(ctx: DemoContext) -> None:
    for code, name, kind, parent, region in ORGANISATIONS:
        ctx.organisations[code] = ensure_organisation(
            ctx.actor,
            code=code,
            name=name,
            kind=kind,
            parent=ctx.organisations.get(parent),
            region_code=region,
            is_demo=True,
        )
    for username, last, first, role, org, title in USERS:
        user = ensure_user(
            ctx.actor,
            username=username,
            password=DEMO_PASSWORD,
            organisation=ctx.organisations[org],
            role=role,
            last_name=last,
            first_name=first,
            title=title,
        )
        ctx.users[username] = user
    admin = ctx.users["admin"]
    if not (admin.is_superuser and admin.is_staff):
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    ctx.actor = admin


def _resolve(dotted: str) -> Callable[[DemoContext], None] | None:
    module_name, _, attr = dotted.partition(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, attr, None)


def build_demo(progress: Callable[[str], None] = lambda message: None) -> DemoContext:
    ctx = DemoContext(progress=progress)
    progress("组织与用户 organisations and users")
    build_base(ctx)
    for label, step in DEMO_STEPS:
        fn = _resolve(step)
        if fn is None:
            continue
        progress(label)
        fn(ctx)
    return ctx
