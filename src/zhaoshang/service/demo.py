"""Demo appeals for the demo city: a year of 诉求 (示例) through several channels, categories and departments, a
Spring Festival season, some reopened after an unsatisfied call-back, and one clear recurring problem (street
lights out in 株洲高新区, told in many wordings). Rows go through the 12345 importer, like a user's export, so
re-running changes nothing; every appeal is marked ``is_demo`` and its ticket starts with 示例.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.services import ensure_organisation
from zhaoshang.service.core.headers import map_headers
from zhaoshang.service.importing import ImportResult, _Run
from zhaoshang.service.models import Appeal, AppealEvent, Category, Visit
from zhaoshang.service.services import ensure_categories

SEED = 20261204
START = date(2025, 12, 1)  # a year: 2025-12-01 … 2026-11-30 (春节 2026 and 国庆 2026 inside)
DAYS = 365

DEPARTMENTS = [  # code, name; the demo base already has 自然资源和规划局 and 市场监督管理局
    ("zz-hrss", "株洲市人力资源和社会保障局"),
    ("zz-urban", "株洲市城市管理和综合执法局"),
    ("zz-drc", "株洲市发展和改革委员会"),
    ("zz-fin", "株洲市地方金融监督管理局"),
    ("zz-traffic", "株洲市交通运输局"),
    ("zz-police", "株洲市公安局"),
]
ROUTES = {  # category → department code
    "land": "zz-nr",
    "labour": "zz-hrss",
    "finance": "zz-fin",
    "approval": "zz-samr",
    "policy": "zz-drc",
    "utilities": "zz-urban",
    "transport": "zz-traffic",
    "amenities": "zz-urban",
    "security": "zz-police",
    "other": "zz-drc",
}
TEXTS = {
    "land": ["厂房扩建用地指标迟迟未批", "希望协调二期用地征收进度", "土地证办理遇到历史遗留问题"],
    "labour": ["招不到熟练焊工", "技术工人流失严重希望出台留人政策", "员工社保转移手续复杂"],
    "finance": ["贷款续贷需要重新抵押", "申请科技贷审批太慢", "希望对接产业基金"],
    "approval": ["施工许可证办理时间太长", "环评审批材料反复补正", "消防验收排队时间长"],
    "policy": ["电费补贴一直没到账", "研发费用补助申报后没有兑现", "稳岗补贴何时发放"],
    "utilities": ["天然气压力不足影响生产", "厂区频繁停电", "自来水管道老化漏水"],
    "transport": ["园区到高铁站没有公交", "货车进城限行影响物流", "园区门口道路拥堵"],
    "amenities": ["员工子女入学难", "园区周边没有食堂和超市", "人才公寓申请排队太久"],
    "security": ["厂区周边夜间有人偷盗电缆", "园区门口有人非法营运", "仓库被盗希望加强巡逻"],
    "other": ["希望组织产业链对接会", "咨询外贸出口退税流程", "商标被抢注希望帮助维权"],
}
LIGHTS = [
    "园区路灯不亮",
    "路灯坏了不亮，员工下班危险",
    "晚上路灯一直不亮",
    "厂区外面的路灯不亮好几天了",
    "路灯不亮已经一个多月",
    "珠江北路路灯晚上不亮",
]
HEADER = [
    "工单编号",
    "受理时间",
    "企业名称",
    "统一社会信用代码",
    "诉求类型",
    "诉求内容",
    "承办单位",
    "响应时间",
    "办结时间",
    "是否解决",
    "满意度",
]
CHANNELS = (
    [Appeal.Channel.HOTLINE] * 5
    + [Appeal.Channel.PUBLIC] * 2
    + [Appeal.Channel.PHONE, Appeal.Channel.CADRE, Appeal.Channel.VISIT]
)


def _rows(rng: random.Random, firms: list, names: dict[str, str]) -> tuple[list[list], dict[str, str]]:
    rows, channels = [], {}
    codes = list(TEXTS)
    today = timezone.localdate()
    for n in range(600):
        day = START + timedelta(days=rng.randrange(DAYS))
        firm = firms[rng.randrange(len(firms))]
        if 240 <= (day - START).days <= 330 and rng.random() < 0.25:  # the recurring problem, in the autumn
            category, text = "amenities", rng.choice(LIGHTS)
            hitech = [f for f in firms if f.organisation.code == "zz-hitech"] or firms
            firm = hitech[rng.randrange(len(hitech))]
        else:
            category = rng.choice(codes)
            text = rng.choice(TEXTS[category])
        received = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=rng.randint(8, 17), minutes=rng.randint(0, 59)
        )
        responded = received + timedelta(hours=rng.choice([2, 5, 20, 30, 50, 80]))
        closed = received + timedelta(days=rng.choice([1, 2, 3, 5, 7, 9, 12, 20]), hours=rng.randint(0, 6))
        is_open = closed.date() >= today or rng.random() < 0.04
        result = rng.choices(["是", "部分解决", "否"], weights=[80, 12, 8])[0]
        rating = rng.choices(["满意", "基本满意", "不满意", "未评价"], weights=[70, 15, 6, 9])[0]
        ticket = f"示例-{day:%Y%m%d}-{n:04d}"
        rows.append(
            [
                ticket,
                received,
                firm.name,
                firm.uscc or "",
                names[category],
                text,
                names[f"dept:{category}"],
                responded if responded.date() < today else None,
                None if is_open else closed,
                None if is_open else result,
                None if is_open else rating,
            ]
        )
        channels[ticket] = rng.choice(CHANNELS)
    return rows, channels


@transaction.atomic
def build(ctx) -> None:
    from zhaoshang.registry.models import Enterprise

    rng = random.Random(SEED)
    city = ctx.organisations["zz-city"]
    for code, name in DEPARTMENTS:
        ctx.organisations[code] = ensure_organisation(
            ctx.actor,
            code=code,
            name=name,
            kind="department",
            parent=city,
            region_code="430200",
            is_demo=True,
        )
    ensure_categories(ctx.actor)
    names = {}
    for cat in Category.objects.all():
        dept = ctx.organisations.get(ROUTES.get(cat.code, ""))
        if dept is not None and cat.department_id != dept.pk:
            Category.objects.filter(pk=cat.pk).update(department=dept)
        names[cat.code] = cat.name
        names[f"dept:{cat.code}"] = dept.name if dept else ""
    firms = list(
        Enterprise.objects.filter(region_code__startswith="4302", merged_into__isnull=True)
        .select_related("organisation")
        .order_by("name")[:120]
    )
    if not firms:
        return
    rows, channels = _rows(rng, firms, names)
    columns, _unknown = map_headers(HEADER)
    result = ImportResult(file_name="示例", dry_run=False)
    result.columns = {f: HEADER[i] for f, i in columns.items()}
    _Run(ctx.actor, result, columns, ctx.organisations["zz-service"], None).run(
        iter(enumerate(rows, start=2))
    )
    demo = Appeal.objects.filter(ticket__startswith="示例-")
    demo.filter(is_demo=False).update(is_demo=True)
    for channel in Appeal.Channel.values:
        tickets = [t for t, c in channels.items() if c == channel]
        demo.filter(ticket__in=tickets).exclude(channel=channel).update(channel=channel)
    # some reopened after an unsatisfied call-back, then closed again
    for appeal in demo.filter(
        satisfaction="unsatisfied", reopen_count=0, status=Appeal.Status.CLOSED
    ).order_by("ticket")[:12]:
        appeal.reopen_count = 1
        appeal.save(update_fields=["reopen_count"])
        AppealEvent.objects.create(
            appeal=appeal, kind=AppealEvent.Kind.REOPENED, text="回访不满意，重新办理（示例）"
        )
    _visits(ctx, firms, rng)


def _visits(ctx, firms, rng) -> None:
    from zhaoshang.registry.models import Enterprise

    # the visited firms are the demo's 规上 firms: the standing planner (plan_automatic_visits) then finds them
    # planned for 2026Q4 and adds nothing for that quarter
    Enterprise.objects.filter(pk__in=[f.pk for f in firms[:40]], above_scale__isnull=True).update(
        above_scale=True
    )
    officer = ctx.users.get("service")
    if officer is None or Visit.objects.filter(is_demo=True).exists():
        return
    quarter_start = date(2026, 10, 1)
    for i, firm in enumerate(firms[:40]):
        planned = quarter_start + timedelta(days=rng.randrange(80))
        done = planned if i % 3 else None
        Visit.objects.create(
            enterprise=firm,
            officer=officer,
            organisation=officer.organisation,
            planned_for=planned,
            plan="规上企业季度走访 2026Q4",
            plan_key="above_scale:2026Q4",
            done_on=done,
            findings="企业反映用工紧张" if done and i % 5 == 0 else ("生产经营正常" if done else ""),
            is_demo=True,
        )
