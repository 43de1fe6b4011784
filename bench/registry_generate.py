"""Generate a realistic, seeded registry export for benchmarks of the import core.

    python bench/registry_generate.py --rows 1000000 --out /tmp/registry_1m.csv [--xlsx /tmp/registry.xlsx] [--seed 42]

Rows look like a 企查查/市场监管 export: 统一社会信用代码, 企业名称, 法定代表人, 成立日期, 注册资本, 登记状态,
企业类型, 住所, 经营范围 (~200 characters). Messiness, by design:

* ~2 % bad codes: ~1 % with a wrong check character, ~1 % mangled by Excel (``914403003196285000``,
  ``9.14403E+17``, ``9.14403003196285e+17``; in the XLSX they are real numeric cells with 15 significant digits);
* ~1 % duplicates: an exact repeat of an earlier row, the same firm re-spelled with full-width/half-width
  brackets, or the same code with a changed status;
* capitals and dates in the mixed formats real exports use;
* addresses in ~30 real counties (GB/T 2260 codes), and the credit code's region matching the address.

The CSV is UTF-8 with BOM (what Excel writes as "CSV UTF-8"); ``--encoding gb18030`` writes a GBK-style file.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Iterator, Sequence
from operator import mul
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "成立日期",
    "注册资本",
    "登记状态",
    "企业类型",
    "住所",
    "经营范围",
]

# (county code, county, city, province) — real GB/T 2260 codes.
REGIONS = [
    ("430211", "天元区", "株洲市", "湖南省"),
    ("430202", "荷塘区", "株洲市", "湖南省"),
    ("430104", "岳麓区", "长沙市", "湖南省"),
    ("430111", "雨花区", "长沙市", "湖南省"),
    ("320583", "昆山市", "苏州市", "江苏省"),
    ("320505", "虎丘区", "苏州市", "江苏省"),
    ("320506", "吴中区", "苏州市", "江苏省"),
    ("320214", "新吴区", "无锡市", "江苏省"),
    ("320105", "建邺区", "南京市", "江苏省"),
    ("440305", "南山区", "深圳市", "广东省"),
    ("440304", "福田区", "深圳市", "广东省"),
    ("440306", "宝安区", "深圳市", "广东省"),
    ("440307", "龙岗区", "深圳市", "广东省"),
    ("440106", "天河区", "广州市", "广东省"),
    ("440113", "番禺区", "广州市", "广东省"),
    ("440604", "禅城区", "佛山市", "广东省"),
    ("110108", "海淀区", "北京市", ""),
    ("110105", "朝阳区", "北京市", ""),
    ("310115", "浦东新区", "上海市", ""),
    ("310104", "徐汇区", "上海市", ""),
    ("330106", "西湖区", "杭州市", "浙江省"),
    ("330108", "滨江区", "杭州市", "浙江省"),
    ("330212", "鄞州区", "宁波市", "浙江省"),
    ("420111", "洪山区", "武汉市", "湖北省"),
    ("510107", "武侯区", "成都市", "四川省"),
    ("510116", "双流区", "成都市", "四川省"),
    ("500112", "渝北区", "重庆市", ""),
    ("610113", "雁塔区", "西安市", "陕西省"),
    ("370212", "崂山区", "青岛市", "山东省"),
    ("350203", "思明区", "厦门市", "福建省"),
    ("340104", "蜀山区", "合肥市", "安徽省"),
    ("410105", "金水区", "郑州市", "河南省"),
]

ZIHAO_CHARS = (
    "华兴盛达鑫源恒泰宏信嘉瑞博远创新智联天成德润中科金辉安康明志顺发景豪凯越永利佳和汇通正道海川尚品优易"
    "东方宇航星辰云图睿思锐捷启航卓越精诚合力聚能万象同心腾飞领先众邦国联立讯长盈丰禾绿洲蓝海晨光旭日"
    "弘毅致远厚德载物乐享悦动美家普惠友邻百川千帆航宇微纳芯光湘楚江淮吴越岭南巴蜀秦川齐鲁闽台徽商豫章"
)
INDUSTRY_WORDS = [
    "科技",
    "信息技术",
    "新材料",
    "电子",
    "机械制造",
    "生物医药",
    "贸易",
    "文化传播",
    "餐饮管理",
    "建筑工程",
    "物流",
    "环保科技",
    "软件",
    "智能装备",
    "汽车零部件",
    "轨道交通装备",
    "精密模具",
    "新能源",
    "光电科技",
    "半导体",
    "医疗器械",
    "供应链管理",
    "电子商务",
    "网络科技",
    "检测技术",
    "农业发展",
    "食品",
    "包装材料",
]
LEGAL_FORMS = ["有限公司"] * 8 + ["股份有限公司", "有限责任公司"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力国春晓东雪峰波斌宇浩凯鹏飞"
ROADS = [
    "科技园路",
    "高新大道",
    "创业路",
    "学府路",
    "工业园路",
    "人民路",
    "长江路",
    "黄河路",
    "新华路",
    "建设路",
    "解放路",
    "中山路",
    "滨江大道",
    "金融街",
    "软件园路",
    "信息路",
    "天元大道",
    "珠江路",
]
SCOPE_PHRASES = [
    "技术开发、技术咨询、技术服务、技术转让",
    "计算机软硬件及辅助设备零售",
    "软件开发",
    "信息系统集成服务",
    "数据处理和存储支持服务",
    "人工智能应用软件开发",
    "电子元器件制造",
    "电子元器件批发",
    "集成电路设计",
    "通用设备制造（不含特种设备制造）",
    "专用设备制造（不含许可类专业设备制造）",
    "机械零件、零部件加工",
    "金属材料销售",
    "新型建筑材料制造（不含危险化学品）",
    "塑料制品制造",
    "货物进出口",
    "技术进出口",
    "进出口代理",
    "国内贸易代理",
    "日用百货销售",
    "五金产品零售",
    "建筑材料销售",
    "化工产品销售（不含许可类化工产品）",
    "医疗器械经营（一类）",
    "第二类医疗器械销售",
    "食品经营（销售预包装食品）",
    "餐饮服务",
    "企业管理咨询",
    "市场营销策划",
    "会议及展览服务",
    "广告设计、代理",
    "广告制作",
    "广告发布",
    "文化艺术交流活动组织",
    "组织文化艺术交流活动",
    "物业管理",
    "住房租赁",
    "非居住房地产租赁",
    "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
    "国内货物运输代理",
    "道路货物运输（不含危险货物）",
    "新能源汽车整车销售",
    "汽车零部件及配件制造",
    "轨道交通专用设备、关键系统及部件销售",
    "光伏设备及元器件制造",
    "储能技术服务",
    "环境保护专用设备制造",
    "污水处理及其再生利用",
    "节能管理服务",
    "工程和技术研究和试验发展",
    "检验检测服务",
    "人力资源服务（不含职业中介活动、劳务派遣服务）",
    "教育咨询服务（不含涉许可审批的教育培训活动）",
    "网络技术服务",
    "互联网销售（除销售需要许可的商品）",
    "农产品的生产、销售、加工、运输、贮藏及其他相关服务",
    "礼仪服务",
    "家用电器销售",
    "仪器仪表制造",
    "模具制造",
    "智能机器人的研发",
    "工业自动控制系统装置制造",
    "第一类医疗器械生产",
]
SCOPE_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
STATUSES = ["存续"] * 12 + ["在业"] * 5 + ["注销", "吊销"]
COMPANY_TYPES = [
    "有限责任公司（自然人投资或控股）",
    "有限责任公司（自然人独资）",
    "其他有限责任公司",
    "股份有限公司（非上市、自然人投资或控股）",
    "有限责任公司（外商投资企业法人独资）",
]


_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}.__getitem__
_ORG_VALUE = {ch: int(ch, 36) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}.__getitem__


def uscc_check(first17: str) -> str:
    total = sum(map(mul, map(_VALUE, first17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_check(first8: str) -> str:
    total = sum(map(mul, map(_ORG_VALUE, first8), ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.codes: set[str] = set()
        self.scopes = [self._scope() for _ in range(5000)]
        self.recent: list[list[str]] = []
        self.bracket_rows: list[list[str]] = []

    def pick(self, seq: Sequence[T]) -> T:
        """``random.choice`` without its overhead (seeded all the same)."""
        return seq[int(self.rnd() * len(seq))]

    def _scope(self) -> str:
        rng = self.rng
        parts: list[str] = []
        length = 0
        target = rng.randint(120, 170)
        for p in rng.sample(SCOPE_PHRASES, len(SCOPE_PHRASES)):
            if length >= target:
                break
            parts.append(p)
            length += len(p) + 1
        return "一般项目：" + "；".join(parts) + "。" + SCOPE_TAIL

    def code(self, region: str, *, digits_only: bool = False) -> str:
        rnd = self.rnd
        while True:
            if digits_only or rnd() < 0.35:
                body = f"{int(rnd() * 1e8):08d}"
            else:
                body = "MA" + "".join([ALPHABET[int(rnd() * 31)] for _ in range(6)])
            oc = org_check(body)
            first17 = "91" + region + body + oc
            full = first17 + uscc_check(first17)
            if (not digits_only or full.isdigit()) and full not in self.codes:  # one code, one firm
                self.codes.add(full)
                return full

    def name(self, city: str) -> str:
        zihao = "".join([self.pick(ZIHAO_CHARS) for _ in range(2 if self.rnd() < 0.34 else 3)])
        industry = self.pick(INDUSTRY_WORDS)
        form = self.pick(LEGAL_FORMS)
        short_city = city.removesuffix("市")
        r = self.rnd()
        if r < 0.15:
            return f"{zihao}{industry}({short_city}){form}"
        if r < 0.55:
            return f"{city}{zihao}{industry}{form}"
        if r < 0.85:
            return f"{short_city}{zihao}{industry}{form}"
        return f"{zihao}{industry}{form}"

    def capital(self) -> str:
        rng = self.rng
        amount = self.pick((10, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 30000))
        if self.rnd() < 0.2:
            amount = round(rng.uniform(1, 20000), self.pick((0, 2, 4)))
        r = self.rnd()
        if r < 0.04:
            return f"{amount}万美元"
        if r < 0.06:
            return f"{amount}万港元"
        if r < 0.45:
            return f"{amount}万元人民币"
        if r < 0.60:
            return f"{amount}万人民币"
        if r < 0.70:
            return f"{amount} 万元"
        if r < 0.78:
            return f"人民币{float(amount):.4f}万元"
        if r < 0.84:
            return f"(人民币){amount}万元"
        if r < 0.92 and amount < 1000:
            return f"{int(amount * 10000)}元"
        if amount >= 10000:
            return f"{amount / 10000:g}亿元"
        return f"{amount}万元"

    def founded(self) -> str:
        y, m, d = 1992 + int(self.rnd() * 33), 1 + int(self.rnd() * 12), 1 + int(self.rnd() * 28)
        r = self.rnd()
        if r < 0.55:
            return f"{y}-{m:02d}-{d:02d}"
        if r < 0.70:
            return f"{y}/{m}/{d}"
        if r < 0.80:
            return f"{y}年{m}月{d}日"
        if r < 0.88:
            return f"{y}{m:02d}{d:02d}"
        if r < 0.95:
            return f"{y}-{m:02d}-{d:02d} 00:00:00"
        return f"{y}.{m:02d}.{d:02d}"

    def address(self, region: tuple[str, str, str, str]) -> str:
        _, county, city, province = region
        prefix = f"{province}{city}{county}" if self.rnd() < 0.3 else f"{city}{county}"
        if county == city or county.endswith("市"):
            prefix = f"{province}{city}{county}" if self.rnd() < 0.5 else county
        return f"{prefix}{self.pick(ROADS)}{1 + int(self.rnd() * 999)}号{1 + int(self.rnd() * 30)}栋{101 + int(self.rnd() * 2899)}室"

    def rows(self, n: int) -> Iterator[tuple[list[str], float | None]]:
        """Rows, and for an Excel-mangled code the number Excel stored (15 significant digits) for the XLSX."""
        rng = self.rng
        for _ in range(n):
            r = self.rnd()
            if r < 0.01 and self.recent:
                yield self._duplicate(), None
                continue
            region = self.pick(REGIONS)
            mangled = r < 0.02
            code = self.code(region[0], digits_only=mangled)
            stored: float | None = None
            while mangled and uscc_check(code[:15] + "00") == "0":  # 1 in 31 truncated codes would look valid
                code = self.code(region[0], digits_only=True)
            if mangled:
                stored = float(code[:15] + "000")
                k = self.rnd()
                if k < 0.7:
                    code = code[:15] + "000"
                elif k < 0.85:
                    code = f"{float(code):.5E}"  # a narrow column in General format: 9.14403E+17
                else:
                    code = repr(float(code[:15] + "000"))
            elif r < 0.03:
                wrong = self.pick([c for c in ALPHABET if c != code[-1]])
                code = code[:-1] + wrong
            row = [
                code,
                self.name(region[2]),
                self.pick(SURNAMES)
                + "".join([self.pick(GIVEN) for _ in range(1 if self.rnd() < 0.5 else 2)]),
                self.founded(),
                self.capital(),
                self.pick(STATUSES),
                self.pick(COMPANY_TYPES),
                self.address(region),
                self.pick(self.scopes),
            ]
            if len(self.recent) < 2000:
                self.recent.append(row)
            else:
                self.recent[rng.randrange(2000)] = row
            if "(" in row[1] and not mangled and r >= 0.03:
                if len(self.bracket_rows) < 500:
                    self.bracket_rows.append(row)
                else:
                    self.bracket_rows[rng.randrange(500)] = row
            yield row, stored

    def _duplicate(self) -> list[str]:
        k = self.rnd()
        if k < 0.4 or not self.bracket_rows:
            return list(self.pick(self.recent))
        if k < 0.7:
            row = list(self.pick(self.bracket_rows))
            row[1] = row[1].replace("(", "（").replace(")", "）")
            return row
        row = list(self.pick(self.recent))
        row[5] = "注销" if row[5] != "注销" else "存续"
        return row


def write(rows: int, out: Path, xlsx: Path | None, seed: int, encoding: str) -> None:
    gen = Generator(seed)
    workbook = sheet = None
    if xlsx is not None:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True})
        sheet = workbook.add_worksheet("企业名录")
        sheet.write_row(0, 0, HEADER)
    with out.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, (row, stored) in enumerate(gen.rows(rows), start=1):
            writer.writerow(row)
            if sheet is not None:
                for j, value in enumerate(row):
                    if j == 0 and stored is not None:
                        sheet.write_number(i, 0, stored)  # what Excel does to a code typed as a number
                    else:
                        sheet.write_string(i, j, value)
    if workbook is not None:
        workbook.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成用于基准测试的企业名录（CSV，可选XLSX）")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True, help="CSV output path")
    parser.add_argument("--xlsx", type=Path, default=None, help="also write this XLSX file")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--encoding", default="utf-8-sig", help="CSV encoding (utf-8-sig, utf-8, gb18030)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write(args.rows, args.out, args.xlsx, args.seed, args.encoding)
    print(f"{args.rows} rows → {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
