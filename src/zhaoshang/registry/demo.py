"""Demo firms for the demo city 株洲 (430200) and for the regions it competes and trades with.

About 300 deterministic, fictional firms (``source`` says 示例) across the three demo chains — rail transit
equipment (株洲's own cluster, with suppliers elsewhere), notebook computers (昆山, 深圳, 上海) and integrated
circuits (上海, 无锡, 苏州, 深圳) — with a business scope (经营范围) that names the chain's products, so the chains
app can place them on nodes. A few real, publicly listed component makers are included by name only (no code,
no figures), e.g. 广东风华高新科技股份有限公司. The rows are written to ``var/demo/registry_demo_<organisation>.xlsx`` (the
firms of a 株洲 district belong to its park) and imported through :func:`~zhaoshang.registry.services.import_enterprises`, like any user's file; re-running changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from operator import mul
from pathlib import Path
from typing import Any

from django.conf import settings

SEED = 20260101
SOURCE = "示例数据（虚构，仅供演示）"

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# region code → (address prefix, the park that owns the district's firms, if any)
ZHUZHOU = {
    "430211": ("湖南省株洲市天元区", "zz-hitech"),
    "430202": ("湖南省株洲市荷塘区", "zz-econ"),
    "430203": ("湖南省株洲市芦淞区", ""),
    "430204": ("湖南省株洲市石峰区", "zz-econ"),
    "430212": ("湖南省株洲市渌口区", ""),
    "430281": ("湖南省醴陵市", "zz-liling"),
    "430223": ("湖南省株洲市攸县", ""),
}
ELSEWHERE = {
    "430104": "湖南省长沙市岳麓区",
    "430111": "湖南省长沙市雨花区",
    "430121": "湖南省长沙市长沙县",
    "320583": "江苏省昆山市",
    "440305": "广东省深圳市南山区",
    "440306": "广东省深圳市宝安区",
    "440307": "广东省深圳市龙岗区",
    "320505": "江苏省苏州市虎丘区",
    "320506": "江苏省苏州市吴中区",
    "310115": "上海市浦东新区",
    "310112": "上海市闵行区",
    "320214": "江苏省无锡市新吴区",
    "320213": "江苏省无锡市梁溪区",
    "410305": "河南省洛阳市涧西区",
    "210281": "辽宁省瓦房店市",
    "110108": "北京市海淀区",
    "510107": "四川省成都市武侯区",
    "130302": "河北省秦皇岛市海港区",
    "510402": "四川省攀枝花市东区",
    "420106": "湖北省武汉市武昌区",
}
CITY_WORD = {
    "4302": "株洲",
    "4301": "长沙",
    "3205": "苏州",
    "4403": "深圳",
    "3101": "上海",
    "3202": "无锡",
    "4103": "洛阳",
    "2102": "大连",
    "1101": "北京",
    "5101": "成都",
    "1303": "秦皇岛",
    "5104": "攀枝花",
    "4201": "武汉",
}

# (product words for the scope, name word, industry code, chain)
RAIL = [
    (["IGBT模块", "IGBT芯片", "功率半导体器件"], "功率半导体", "3972", "rail"),
    (["碳化硅功率器件", "碳化硅MOSFET"], "碳化硅半导体", "3972", "rail"),
    (["牵引变流器", "辅助变流器", "变流装置"], "变流技术", "3715", "rail"),
    (["牵引电机", "永磁同步牵引电机"], "电机", "3812", "rail"),
    (["牵引变压器", "车载变压器"], "变压器", "3821", "rail"),
    (["转向架", "转向架构架", "轮对"], "走行部装备", "3716", "rail"),
    (["齿轮箱", "联轴节"], "传动装备", "3453", "rail"),
    (["制动系统", "制动控制单元", "闸片"], "制动科技", "3716", "rail"),
    (["列车网络控制系统", "车载电子设备"], "列车电子", "3716", "rail"),
    (["受电弓", "受流器"], "受流装备", "3716", "rail"),
    (["车钩缓冲装置", "风挡"], "车端连接", "3716", "rail"),
    (["轨道交通橡胶减振制品", "空气弹簧", "密封件"], "橡塑减振", "2913", "rail"),
    (["轨道车辆铝合金型材", "车体型材"], "轻合金", "3252", "rail"),
    (["列车空调机组", "通风系统"], "轨道空调", "3716", "rail"),
    (["车门系统", "塞拉门"], "车门系统", "3716", "rail"),
    (["电力机车", "城轨车辆", "动车组"], "轨道车辆", "3711", "rail"),
    (["车辆检修", "转向架检修"], "轨道检修", "4340", "rail"),
    (["车载传感器", "速度传感器"], "传感技术", "4021", "rail"),
]
NOTEBOOK = [
    (["笔记本电脑整机", "笔记本电脑代工", "电子制造服务"], "电脑", "3911", "notebook"),
    (["多层陶瓷电容器", "片式电容器"], "电子元件", "3981", "notebook"),
    (["连接器", "线缆组件"], "连接器", "3982", "notebook"),
    (["锂离子电池", "电池包"], "电池", "3841", "notebook"),
    (["电源适配器", "开关电源"], "电源", "3824", "notebook"),
    (["笔记本电脑转轴", "精密转轴"], "精密转轴", "3484", "notebook"),
    (["散热模组", "散热风扇", "热管"], "散热科技", "3462", "notebook"),
    (["笔记本电脑键盘", "触控板"], "键盘科技", "3919", "notebook"),
    (["笔记本电脑金属外壳", "镁铝合金结构件"], "精密结构件", "3399", "notebook"),
    (["柔性电路板", "刚性多层板"], "电路板", "3982", "notebook"),
    (["液晶显示模组", "背光模组"], "显示技术", "3974", "notebook"),
    (["摄像头模组"], "光电", "3979", "notebook"),
]
CHIPS = [
    (["晶圆代工", "集成电路制造"], "集成电路制造", "3973", "ic"),
    (["光刻胶", "光刻胶原材料"], "电子材料", "3985", "ic"),
    (["湿电子化学品", "电子特气"], "电子化学", "2664", "ic"),
    (["刻蚀设备", "薄膜沉积设备"], "半导体设备", "3562", "ic"),
    (["集成电路封装测试", "先进封装"], "封测", "3973", "ic"),
    (["集成电路设计", "MCU", "电源管理芯片"], "微电子", "6520", "ic"),
    (["封装基板", "引线框架"], "封装材料", "3985", "ic"),
    (["硅片", "外延片"], "硅材料", "3985", "ic"),
    (["IGBT模块", "MOSFET", "功率器件"], "功率器件", "3972", "ic"),
]
# What 株洲 lacks, made elsewhere (these products have no local maker in the demo): the gap analysis finds the
# nodes missing and these firms as their targets. (products, name word, industry code, chain, regions)
RAIL_GAPS = [
    (["铁路轴承", "轴箱轴承"], "轴承", "3451", "rail", ["410305", "210281"]),
    (["CBTC信号系统", "全自动运行系统"], "轨道信号", "3891", "rail", ["110108", "510107"]),
    (["列车运行控制系统", "列控车载设备"], "列控技术", "3891", "rail", ["110108", "510107"]),
    (["风源装置", "列车空压机"], "风源装备", "3441", "rail", ["420106"]),
    (["钢轨", "高速铁路用钢轨"], "钢轨", "3130", "rail", ["510402"]),
    (["道岔", "高速道岔"], "道岔", "3716", "rail", ["130302"]),
]
# Local firms whose registration says only their trade (industry code 3716 铁路专用设备及器材、配件制造): no
# product word, so they are candidates to verify on the nodes of that code, not coverage.
GENERIC_LOCAL = (["轨道交通装备配件", "机械零部件加工"], "轨道装备", "3716", "rail")

# the demo city's own component makers (a local supplier for the BOM lookups)
LOCAL_COMPONENTS = [
    (["铝电解电容器", "薄膜电容器", "电容器"], "电容器", "3981", "notebook"),
    (["连接器", "轨道车辆连接器", "线束"], "连接器", "3982", "rail"),
]

BRANDS = (
    "恒通 华宇 湘江 天元 神农 炎帝 南方 中联 远景 创新 凯达 金岭 新阳 同力 星辰 博远 宏图 鼎盛 瑞泰 锦程 "
    "永安 卓越 德润 海纳 启航 联众 晨光 汇智 精诚 华联 长青 卓能 巨力 鸿运 安达 格林 睿思 致远 合力 "
    "信达 嘉华 东方 诚信 中科 盛世 正泰 福瑞 天成 宏昌 银河 明德 弘毅 铭远 拓普 磐石"
).split()
SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司")
PEOPLE = "王 李 张 刘 陈 杨 黄 赵 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗".split()
GIVEN = "伟 芳 娜 敏 静 强 磊 军 洋 勇 艳 杰 涛 明 超 秀 霞 平 刚 桂 华 建 国 志".split()
STATUSES = ("存续",) * 12 + ("在业",) * 4 + ("注销", "吊销")
TYPES = (
    "有限责任公司（自然人投资或控股）",
    "有限责任公司（法人独资）",
    "股份有限公司（上市、国有控股）",
    "有限责任公司（外商投资企业法人独资）",
)

# Real, publicly listed component makers: name, region and scope only (no code, no figures).
REAL_FIRMS = [
    (
        "广东风华高新科技股份有限公司",
        "风华高科",
        "441202",
        "广东省肇庆市端州区",
        "多层陶瓷电容器、片式电阻器、电感器等新型电子元器件的研发、生产和销售；电子材料",
    ),
    (
        "深圳顺络电子股份有限公司",
        "顺络电子",
        "440306",
        "广东省深圳市宝安区",
        "片式电感器、片式压敏电阻器、电子变压器等电子元器件的研发、生产和销售",
    ),
    (
        "潮州三环（集团）股份有限公司",
        "三环集团",
        "445102",
        "广东省潮州市湘桥区",
        "多层陶瓷电容器、陶瓷封装基座、光纤陶瓷插芯等电子陶瓷元件的研发、生产和销售",
    ),
]

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "企业简称",
    "法定代表人",
    "成立日期",
    "注册资本",
    "登记状态",
    "企业类型",
    "住所",
    "行政区划代码",
    "行业代码",
    "经营范围",
    "从业人数",
    "营业收入(万元)",
    "是否上市",
    "标签",
]


def _uscc(rng: random.Random, region: str) -> str:
    body = "91" + region + "".join(rng.choice(_ALPHABET) for _ in range(9))
    total = sum(map(mul, (_ALPHABET.index(c) for c in body), _WEIGHTS))
    return body + _ALPHABET[(31 - total % 31) % 31]


def _scope(rng: random.Random, words: list[str]) -> str:
    chosen = rng.sample(words, k=min(len(words), rng.randint(1, len(words))))
    items = [f"{w}的研发、制造与销售" for w in chosen]
    items += rng.sample(
        ["技术服务、技术开发、技术咨询", "货物进出口", "软件开发", "机械设备租赁", "普通机械设备安装服务"],
        k=2,
    )
    return "一般项目：" + "；".join(items) + "。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"


def demo_rows(seed: int = SEED) -> list[list[Any]]:
    """The demo firms as rows under :data:`HEADER` (deterministic for a seed)."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    used: set[str] = set()

    def firm(region: str, address: str, products: tuple, *, local: bool) -> None:
        words, noun, industry, chain = products
        city = CITY_WORD.get(region[:4], "")
        for _ in range(50):
            brand = rng.choice(BRANDS)
            name = f"{city}{brand}{noun}{rng.choice(SUFFIXES)}"
            if name not in used:
                break
        used.add(name)
        big = rng.random() < 0.15
        capital = rng.choice([500, 1000, 2000, 3000, 5000, 8000, 10000, 20000]) * (10 if big else 1)
        foreign = not local and rng.random() < 0.12
        capital_text = f"{capital // 7}万美元" if foreign else f"{capital}万元人民币"
        founded = date(1995, 1, 1) + timedelta(days=rng.randint(0, 365 * 30))
        employees = rng.randint(30, 3000) * (5 if big else 1) if rng.random() < 0.6 else None
        revenue = employees * rng.randint(40, 120) if employees and rng.random() < 0.7 else None
        listed = "是" if big and rng.random() < 0.5 else ("否" if rng.random() < 0.5 else "")
        tags = "、".join(
            t
            for t in (
                "链主" if big and chain == "rail" and local else "",
                "专精特新" if rng.random() < 0.15 else "",
            )
            if t
        )
        rows.append(
            [
                _uscc(rng, region),
                name,
                f"{city}{noun}" if rng.random() < 0.3 else "",
                rng.choice(PEOPLE) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
                founded.isoformat(),
                capital_text,
                rng.choice(STATUSES),
                TYPES[3] if foreign else rng.choice(TYPES[:3]),
                f"{address}{rng.choice(['工业园', '高新园', '科技园', '产业园'])}{rng.randint(1, 200)}号",
                region,
                industry,
                _scope(rng, words),
                employees if employees is not None else "",
                revenue if revenue is not None else "",
                listed,
                tags,
            ]
        )

    zz_regions = list(ZHUZHOU)
    # 株洲: a strong rail cluster; some nodes deliberately thin or missing (no signalling, no bearings)
    for products in RAIL:
        for _ in range(rng.randint(3, 8)):
            region = rng.choice(zz_regions)
            firm(region, ZHUZHOU[region][0], products, local=True)
    for products in LOCAL_COMPONENTS:
        region = "430211"
        firm(region, ZHUZHOU[region][0], products, local=True)
    for products in rng.sample(NOTEBOOK, 3) + rng.sample(CHIPS, 2):
        region = rng.choice(zz_regions)
        firm(region, ZHUZHOU[region][0], products, local=True)
    # rail suppliers elsewhere (長沙 and beyond), notebook makers in 昆山/深圳/上海, chip firms in 上海/无锡/苏州/深圳
    for products in RAIL:
        for _ in range(rng.randint(2, 4)):
            region = rng.choice(["430104", "430111", "430121", "320583", "310112", "320214", "440307"])
            firm(region, ELSEWHERE[region], products, local=False)
    for products in NOTEBOOK:
        for _ in range(rng.randint(5, 9)):
            region = rng.choice(["320583"] * 3 + ["440306", "440307", "310115", "320505"])
            firm(region, ELSEWHERE[region], products, local=False)
    for products in CHIPS:
        for _ in range(rng.randint(5, 9)):
            region = rng.choice(["310115", "310112", "320214", "320213", "320505", "320506", "440305"])
            firm(region, ELSEWHERE[region], products, local=False)
    # a second generator, so that the rows above stay as they were
    extra = random.Random(seed + 1)
    rng_main, rng = rng, extra
    for words, noun, industry, chain, regions in RAIL_GAPS:
        for region in regions:
            firm(region, ELSEWHERE[region], (words, noun, industry, chain), local=False)
    for _ in range(4):
        region = extra.choice(zz_regions)
        firm(region, ZHUZHOU[region][0], GENERIC_LOCAL, local=True)
    rng = rng_main
    for name, short, region, address, scope in REAL_FIRMS:
        rows.append(
            [
                "",
                name,
                short,
                "",
                "",
                "",
                "存续",
                "股份有限公司（上市）",
                address,
                region,
                "3981",
                scope,
                "",
                "",
                "是",
                "元器件",
            ]
        )
    return rows


_RAIL_INDUSTRIES = frozenset(p[2] for p in RAIL) - frozenset(p[2] for p in NOTEBOOK + CHIPS)


def owner_of(region: str, industry: str) -> str:
    """Demo organisation that owns a firm: the park of its 株洲 district; else the bureau's team working its
    chain (招商一处 rail transit, 招商二处 electronics), so each demo user sees a list of their own."""
    owner = ZHUZHOU.get(region, ("", ""))[1]
    if owner:
        return owner
    return "zz-invest-1" if industry in _RAIL_INDUSTRIES else "zz-invest-2"


def write_demo_file(path: Path, rows: list[list[Any]]) -> Path:
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("企业名录")
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value), text if c == 0 else None)
    workbook.close()
    return path


def demo_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "demo"


def build(ctx: Any) -> None:
    """Demo step: one XLSX per owning organisation in var/demo/, each imported like a user's file."""
    from zhaoshang.registry import services

    groups: dict[str, list[list[Any]]] = {}
    for row in demo_rows():
        groups.setdefault(owner_of(row[9], row[10]), []).append(row)
    totals: dict[str, int] = {}
    for org_code, rows in sorted(groups.items()):
        organisation = ctx.organisations.get(org_code) or ctx.organisations.get("zz-city")
        path = write_demo_file(demo_dir() / f"registry_demo_{org_code}.xlsx", rows)
        result = services.import_enterprises(None, path, organisation, source=SOURCE)
        for key, value in result.counts.items():
            totals[key] = totals.get(key, 0) + value
    services.detect_duplicates(None)
    ctx.extra["registry"] = totals
    ctx.progress(f"企业名录：{totals}")
