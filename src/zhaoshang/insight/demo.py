"""Demo indicators for 株洲 and the cities it measures itself against — every figure is invented (示例).

The figures only have the rough size of the real ones, so that the benchmark page, the lag-years table and the
similar-cities list show something plausible; each is marked 示例 and its source says it is invented. They are
written as a wide 统计年鉴-style table (the years as columns, units mixed: 万美元, 万元) and loaded through the
real import, which converts the units. Idempotent: a re-run changes nothing and records nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from zhaoshang.insight import benchmark

SOURCE = "示例数据（虚构，仅供演示）"
YEARS = tuple(range(2004, 2024))
BASE_YEAR = 2012  # the figures in CITIES are for this year
# city: (GDP 2012 亿元, yearly growth, industry share, FDI 2012 万美元, R&D share of GDP, population 万人)
CITIES = {
    "株洲市": (1760.0, 0.065, 0.42, 62000, 0.025, 385.0),
    "湘潭市": (1280.0, 0.062, 0.43, 48000, 0.024, 276.0),
    "衡阳市": (2000.0, 0.058, 0.33, 52000, 0.018, 664.0),
    "岳阳市": (2200.0, 0.064, 0.38, 40000, 0.016, 506.0),
    "长沙市": (6400.0, 0.072, 0.36, 380000, 0.027, 730.0),
    "昆山市": (2720.0, 0.060, 0.50, 220000, 0.034, 165.0),
    "苏州市": (12000.0, 0.061, 0.44, 910000, 0.036, 1055.0),
    "深圳市": (13000.0, 0.080, 0.37, 520000, 0.050, 1055.0),
}
INDICATORS = (
    ("地区生产总值", "亿元"),
    ("规上工业增加值", "亿元"),
    ("实际使用外资", "万美元"),
    ("研究与试验发展经费支出", "万元"),
    ("常住人口", "万人"),
)


def demo_table() -> str:
    """The wide CSV: 地区, 指标, 单位, 来源, 2004 … 2023."""
    lines = ["地区,指标,单位,来源," + ",".join(str(y) for y in YEARS)]
    for city, (gdp0, growth, share, fdi0, rd, pop0) in CITIES.items():
        steps = [y - BASE_YEAR for y in YEARS]
        gdp = [gdp0 * (1 + growth) ** k for k in steps]
        series = {
            "地区生产总值": gdp,
            "规上工业增加值": [g * share * (1 - 0.004 * k) for k, g in zip(steps, gdp, strict=True)],
            "实际使用外资": [fdi0 * (1 + growth * 0.8) ** k for k in steps],
            "研究与试验发展经费支出": [
                g * (rd + 0.0006 * k) * 10000 for k, g in zip(steps, gdp, strict=True)
            ],
            "常住人口": [pop0 * (1.012 if city in ("长沙市", "深圳市") else 1.003) ** k for k in steps],
        }
        for name, unit in INDICATORS:
            values = ",".join(f"{v:.1f}" for v in series[name])
            lines.append(f"{city},{name},{unit},{SOURCE},{values}")
    return "\n".join(lines) + "\n"


def build(ctx) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "示例对标指标.csv"
        path.write_text(demo_table(), encoding="utf-8")
        result = benchmark.import_indicators(None, path, example=True)
    if not result.ok:  # pragma: no cover - the table above is fixed
        raise RuntimeError("; ".join(i.message_zh for i in result.errors))
    ctx.progress(f"对标指标（示例）：{result.rows} 个数值，{len(result.regions)} 个城市")
