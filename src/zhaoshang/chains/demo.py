"""Demo: the three chains, and every demo firm placed on their nodes.

The registry's demo imports ~300 firms for 株洲 (430200) and elsewhere. When it has not run (no demo firm
exists yet), a small fallback set of fictional firms ("示例") is created here, so the rail-transit chain still
shows strong, weak and missing nodes in 株洲 and real targets elsewhere. Idempotent and deterministic.
"""

from __future__ import annotations

import logging

from django.conf import settings

from zhaoshang.chains import services
from zhaoshang.core import audit

log = logging.getLogger(__name__)

# (name, region code, org code, scope, capital 万元, employees, listed)
FALLBACK_FIRMS = [
    # 株洲: strong IGBT, traction converter, traction motor, locomotive
    (
        "株洲湘芯功率半导体有限公司（示例）",
        "430211",
        "zz-hitech",
        "IGBT芯片、IGBT模块研发与制造",
        50000,
        1200,
        True,
    ),
    (
        "株洲天元电力电子器件有限公司（示例）",
        "430211",
        "zz-hitech",
        "高压IGBT功率模块封装测试",
        8000,
        300,
        False,
    ),
    (
        "株洲芦淞功率器件有限公司（示例）",
        "430203",
        "zz-city",
        "绝缘栅双极型晶体管（IGBT）器件销售与研发",
        1200,
        60,
        None,
    ),
    (
        "株洲变流技术有限公司（示例）",
        "430211",
        "zz-hitech",
        "牵引变流器、辅助变流器的研发制造",
        30000,
        900,
        False,
    ),
    (
        "株洲石峰牵引装备有限公司（示例）",
        "430204",
        "zz-econ",
        "牵引变流装置及牵引逆变器生产",
        6000,
        260,
        False,
    ),
    (
        "株洲荷塘电气传动有限公司（示例）",
        "430202",
        "zz-econ",
        "牵引变流器维修配件、牵引逆变器组装",
        800,
        45,
        None,
    ),
    (
        "株洲电机示例有限公司（示例）",
        "430211",
        "zz-hitech",
        "牵引电机、永磁同步牵引电机制造",
        20000,
        700,
        False,
    ),
    ("株洲渌口电机配套有限公司（示例）", "430212", "zz-city", "牵引电动机零部件加工", 500, 40, None),
    ("醴陵牵引电机维修有限公司（示例）", "430281", "zz-liling", "牵引电机及零部件制造", 300, 25, None),
    (
        "株洲电力机车示例有限公司（示例）",
        "430203",
        "zz-econ",
        "电力机车、城轨车辆、动车组的设计制造",
        300000,
        8000,
        True,
    ),
    # 株洲: weak nodes (1–2 firms)
    ("株洲走行部装备有限公司（示例）", "430211", "zz-hitech", "转向架构架焊接与组装", 2000, 120, False),
    ("株洲粉末冶金制动材料有限公司（示例）", "430202", "zz-econ", "粉末冶金闸片生产销售", 1500, 90, False),
    (
        "株洲列车网络技术有限公司（示例）",
        "430211",
        "zz-hitech",
        "列车网络控制系统（TCMS）软件与设备",
        3000,
        150,
        False,
    ),
    (
        "株洲橡塑减振有限公司（示例）",
        "430211",
        "zz-hitech",
        "轨道交通橡胶减振制品、空气弹簧",
        10000,
        400,
        True,
    ),
    # elsewhere: targets on missing and weak nodes
    (
        "洛阳示例轴承有限公司（示例）",
        "410305",
        "zz-invest",
        "铁路轴承、轴箱轴承的研发制造",
        40000,
        2000,
        True,
    ),
    (
        "瓦房店铁路轴承示例有限公司（示例）",
        "210281",
        "zz-invest",
        "铁路货车轴承、轴箱轴承制造",
        12000,
        600,
        False,
    ),
    (
        "北京示例轨道信号有限公司（示例）",
        "110108",
        "zz-invest",
        "CBTC信号系统、全自动运行系统集成",
        60000,
        1500,
        True,
    ),
    (
        "成都示例列控技术有限公司（示例）",
        "510107",
        "zz-invest",
        "基于通信的列车控制（CBTC）设备",
        5000,
        200,
        None,
    ),
    (
        "长沙示例制动科技有限公司（示例）",
        "430104",
        "zz-invest",
        "制动控制单元、微机控制制动系统",
        8000,
        350,
        False,
    ),
    (
        "常州示例轨道制动有限公司（示例）",
        "320411",
        "zz-invest",
        "空气制动控制装置、制动控制单元",
        3000,
        None,
        None,
    ),
    (
        "深圳示例碳化硅半导体有限公司（示例）",
        "440305",
        "zz-invest",
        "碳化硅MOSFET、碳化硅功率器件设计",
        15000,
        300,
        False,
    ),
    ("青岛示例转向架有限公司（示例）", "370214", "zz-invest", "转向架、摇枕及侧架制造", 25000, 1100, False),
    (
        "昆山示例轨道车门有限公司（示例）",
        "320583",
        "zz-invest",
        "轨道交通门系统、塞拉门制造",
        4000,
        260,
        False,
    ),
    ("南京示例站台门有限公司（示例）", "320115", "zz-invest", "站台门、屏蔽门系统集成", 6000, 300, False),
    (
        "宝鸡示例接触网器材有限公司（示例）",
        "610302",
        "zz-invest",
        "接触网零部件、承力索与接触线",
        9000,
        500,
        True,
    ),
    (
        "长沙示例齿轮传动有限公司（示例）",
        "430104",
        "zz-invest",
        "牵引齿轮箱、机车齿轮箱制造",
        None,
        None,
        None,
    ),
    (
        "长沙示例轨道线缆有限公司（示例）",
        "430121",
        "zz-invest",
        "轨道交通电缆、机车车辆电缆",
        2000,
        110,
        False,
    ),
    (
        "昆山示例轨道空调有限公司（示例）",
        "320583",
        "zz-invest",
        "列车空调、轨道交通空调机组",
        5000,
        240,
        False,
    ),
    ("昆山示例轨道线缆有限公司（示例）", "320583", "zz-invest", "轨道车辆电缆、车辆连接器", 3000, 150, False),
]


# Always present: a 株洲 maker of a part in the MNT Reform keyboard BOM (Kailh switches), so the BOM
# decomposition finds a local part maker in the demo.
LOCAL_BOM_MAKER = (
    "株洲凯华电子有限公司（示例）",
    "430211",
    "zz-hitech",
    "键盘轴体、微动开关的生产与销售",
    1000,
    80,
    False,
)


def _ensure_firms(ctx) -> int:
    from zhaoshang.registry.models import Enterprise

    wanted = [LOCAL_BOM_MAKER]
    if not Enterprise.objects.filter(organisation__is_demo=True).exclude(name=LOCAL_BOM_MAKER[0]).exists():
        wanted += FALLBACK_FIRMS
    created = 0
    for name, region, org, scope, capital, employees, listed in wanted:
        if Enterprise.objects.filter(name=name).exists():
            continue
        audit.create(
            ctx.actor,
            Enterprise,
            name=name,
            name_key=name.removesuffix("（示例）"),
            region_code=region,
            scope=scope,
            organisation=ctx.organisations[org],
            capital_wan=capital,
            currency="CNY" if capital else "",
            employees=employees,
            listed=listed,
            source="chains demo",
        )
        created += 1
    return created


def build(ctx) -> None:
    chains = services.load_builtin_chains(ctx.actor)
    created = _ensure_firms(ctx)
    counts = services.classify_enterprises(ctx.actor)
    ctx.progress(f"产业链：{len(chains)} 条；示例企业 {created} 家；分类 {counts.as_dict()}")
    rail = next((c for c in chains if c.slug == "rail-transit-equipment"), None)
    if rail is not None:
        home = getattr(settings, "HOME_REGION", "430200")
        _demo_supply_link(ctx, rail, home)
        report = services.gap_for_region(rail, home)
        statuses = {n.status for n in report.result.nodes}
        targets = services.targets_for(rail, home, report=report)
        ctx.extra["chains"] = {
            "completeness": report.completeness,
            "statuses": sorted(statuses),
            "targets": len(targets),
        }
        if statuses != {"strong", "weak", "missing"} or not len(targets):
            log.warning(
                "demo rail chain lacks strong/weak/missing nodes or targets: %s, %d targets",
                statuses,
                len(targets),
            )


def _demo_supply_link(ctx, rail, home: str) -> None:
    """One known supply relation: a bearing maker elsewhere already sells to a local bogie maker, so its target row
    names the local buyer (and no other row does: nothing else is known)."""
    from zhaoshang.chains.models import NodeAssignment, SupplyLink

    if SupplyLink.objects.filter(node__chain=rail).exists():
        return
    prefix = home[:4] if home.endswith("00") else home

    def first(key: str, local: bool):
        qs = NodeAssignment.objects.filter(
            node__chain=rail, node__key=key, evidence=NodeAssignment.Evidence.PRODUCT
        ).select_related("enterprise", "node")
        qs = (
            qs.filter(enterprise__region_code__startswith=prefix)
            if local
            else qs.exclude(enterprise__region_code__startswith=prefix)
        )
        return qs.order_by("enterprise__name").first()

    supplier, customer = first("rail-bearing", local=False), first("bogie", local=True)
    if supplier is not None and customer is not None:
        services.record_supply_link(
            ctx.actor, supplier.enterprise, customer.enterprise, supplier.node, note="示例：已供货"
        )
