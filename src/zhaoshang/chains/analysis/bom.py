"""Product BOM decomposition: read a bill of materials and turn it into chain nodes.

Kunshan took a laptop apart into 1,000+ parts, checked which local firms made each one and attracted the makers
of what was missing. This module is the first half of that method: it reads a product's BOM (CSV or XLSX), puts
every part into a category (电容, 电阻, 集成电路-电源管理, 连接器, ...) and builds a two-level chain from the
categories, which the chain app stores and later matches against local firms.

Layouts
    * **KiCad-style**: ``Reference, Quantity, Value, Footprint, Manufacturer, Manufacturer_No`` (+ ``DNP``,
      ``Datasheet``, ``Distributor``, ...). Headers may carry stray spaces (``" Quantity"``), references trailing
      spaces (``"C1 C2 "``).
    * **Generic**: ``part, category, quantity, parent, manufacturer, part_number`` or the Chinese headers
      零件/物料名称, 类别/分类, 数量/用量, 上级/父项, 制造商/厂商/品牌, 型号/料号 (see ``_HEADER_ALIASES``).
      With a ``parent`` column the BOM is multi-level (assembly → sub-assembly → part): a line whose part is
      named as another line's parent is an *assembly*; its quantity multiplies down to the parts below it.

Counting conventions (what :func:`summary` and the CLI's ``--json`` report)
    * ``lines``: part lines read — one per BOM row that describes a part — **excluding** do-not-populate (DNP)
      lines, the totals row and, in a multi-level BOM, assembly lines (those are made of the lines under them).
    * ``parts``: the sum of those lines' quantities; in a multi-level BOM each quantity is first multiplied by
      the quantities of its assemblies (``BomLine.extended_quantity``).
    * ``dnp``: ``{"lines", "parts"}`` of the DNP lines, reported separately and counted nowhere else.
    * For the MNT Reform motherboard the file holds 143 lines / 512 parts in all; 17 lines / 20 parts are DNP, so
      ``lines`` = 126 and ``parts`` = 492.

Traps handled
    * a totals row (reference/part empty, or 合计/总计/小计/Total/Sum) is recognised and not counted; when its
      figure disagrees with the sum of the lines a warning says so;
    * DNP lines: a non-empty DNP column ("DNP", "y", "yes", "x", ...; not "0"/"no"/"否"), a value such as
      "DNP"/"DNF"/"不贴", or a reference marked "(DNP)";
    * a quantity that disagrees with the number of designators in Reference → warning;
    * a quantity that is not a number, is negative or is missing → :class:`BomError` with the row number;
    * a designator used on two lines → warning.

Row numbers are those the user sees in Excel or a text editor: the first row of the file is row 1 (the header,
unless title rows sit above it).

Chain weights
    :func:`bom_to_chain` weighs each node by its **share of the BOM's part count** (DNP excluded): a level-1
    group's weight is its share of all parts, a level-2 category's weight its share of its group's parts, so
    siblings sum to 1. The part count is a proxy for how much of the product a category makes up, not its value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from zhaoshang.chains.analysis.errors import ChainAnalysisError
from zhaoshang.tabular.safety import WHOLE_SHEET_MAX_CELLS, FileRefused, check_spreadsheet, read_small_bytes

__all__ = [
    "CATEGORIES",
    "GROUPS",
    "WEIGHT_SOURCE",
    "Bom",
    "BomError",
    "BomIssue",
    "BomLine",
    "Category",
    "bom_to_chain",
    "categorise",
    "category_for",
    "read_bom",
    "summary",
]

Number = int | float


# --------------------------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class BomIssue:
    """One problem with a BOM file: where it is (file, row as the user sees it, column) and why, in Chinese."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}：{self.reason}"


class BomError(ChainAnalysisError):
    """The BOM cannot be read. ``issues`` lists every problem found, each with file, row, column and reason."""

    def __init__(self, issues: Sequence[BomIssue]) -> None:
        self.issues: list[BomIssue] = list(issues)
        super().__init__("；".join(str(issue) for issue in self.issues) or "BOM无法读取")


# --------------------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class BomLine:
    """One BOM row that describes a part (or, in a multi-level BOM, an assembly).

    ``quantity`` is the figure as written (per unit of the parent in a multi-level BOM); ``extended_quantity``
    is the number of this part in one product. ``category`` is a key of :data:`CATEGORIES` or, for a category
    written in the file that matches none of them, a ``custom_…`` key (see :func:`category_for`).
    """

    row: int
    references: tuple[str, ...]
    quantity: Number
    value: str = ""
    footprint: str = ""
    manufacturer: str = ""
    part_number: str = ""
    description: str = ""
    category: str = "other"
    dnp: bool = False
    name: str = ""
    parent: str = ""
    extended_quantity: Number = 0
    category_text: str = ""

    @property
    def label(self) -> str:
        """A short human label: the part name, value, part number or references, whichever exists first."""
        return self.name or self.value or self.part_number or " ".join(self.references)


@dataclass
class Bom:
    """A BOM read from a file. ``lines`` are the counted part lines (see the module docstring)."""

    name: str
    source: str
    layout: Literal["kicad", "generic"]
    lines: list[BomLine] = field(default_factory=list)
    dnp_lines: list[BomLine] = field(default_factory=list)
    assemblies: list[BomLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    totals_rows: list[int] = field(default_factory=list)
    custom_categories: dict[str, str] = field(default_factory=dict)

    @property
    def parts(self) -> Number:
        return _tidy(sum(line.extended_quantity for line in self.lines))

    @property
    def dnp_parts(self) -> Number:
        return _tidy(sum(line.extended_quantity for line in self.dnp_lines))


@dataclass(frozen=True)
class Category:
    """A chain node for a kind of part. ``key`` is stable ASCII; ``name`` is what the Chinese UI shows."""

    key: str
    name: str
    name_en: str
    group: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    hs_codes: tuple[str, ...] = ()
    key_node: bool = False


GROUPS: dict[str, tuple[str, str]] = {
    "passive": ("被动元件", "Passive components"),
    "semiconductor": ("半导体", "Semiconductors"),
    "electromechanical": ("机电元件", "Electromechanical components"),
    "other": ("其他", "Other"),
}

# Industry codes are GB/T 4754-2017 小类; HS codes are HS 2022 subheadings (6 digits) or headings (4 digits).
_CATEGORY_LIST: tuple[Category, ...] = (
    Category(
        "capacitor",
        "电容",
        "Capacitors",
        "passive",
        ("电容器", "capacitor", "MLCC"),
        ("电容", "电容器", "MLCC", "片式多层陶瓷电容", "铝电解电容", "钽电容"),
        ("3981",),
        ("8532",),
    ),
    Category(
        "resistor",
        "电阻",
        "Resistors",
        "passive",
        ("电阻器", "resistor"),
        ("电阻", "电阻器", "片式电阻", "贴片电阻", "电位器"),
        ("3981",),
        ("8533",),
    ),
    Category(
        "inductor",
        "电感/磁珠",
        "Inductors and ferrite beads",
        "passive",
        ("电感", "磁珠", "inductor", "ferrite bead"),
        ("电感", "电感器", "磁珠", "功率电感", "共模电感"),
        ("3981",),
        ("850450",),
    ),
    Category(
        "crystal",
        "晶振",
        "Crystals and oscillators",
        "passive",
        ("晶体", "振荡器", "crystal", "oscillator"),
        ("晶振", "石英晶体", "晶体谐振器", "振荡器", "频率元件"),
        ("3989",),
        ("854160",),
    ),
    Category(
        "transformer",
        "变压器",
        "Transformers",
        "passive",
        ("transformer", "网络变压器"),
        ("变压器", "电子变压器", "网络变压器"),
        ("3981",),
        ("850431",),
    ),
    Category(
        "fuse",
        "保险丝",
        "Fuses",
        "passive",
        ("熔断器", "fuse", "PTC"),
        ("保险丝", "熔断器", "自恢复保险丝", "电路保护"),
        ("3989",),
        ("853610",),
    ),
    Category(
        "diode",
        "二极管",
        "Diodes",
        "semiconductor",
        ("diode", "TVS", "肖特基", "稳压管"),
        ("二极管", "整流管", "肖特基二极管", "稳压二极管", "TVS", "ESD保护"),
        ("3972",),
        ("854110",),
    ),
    Category(
        "led",
        "发光二极管",
        "LEDs",
        "semiconductor",
        ("LED", "指示灯"),
        ("LED", "发光二极管", "LED芯片", "LED封装"),
        ("3975",),
        ("854141",),
    ),
    Category(
        "transistor",
        "晶体管",
        "Transistors",
        "semiconductor",
        ("三极管", "MOSFET", "MOS管", "transistor"),
        ("晶体管", "三极管", "场效应管", "MOSFET", "功率器件", "IGBT"),
        ("3972",),
        ("854121", "854129"),
    ),
    Category(
        "ic_power",
        "集成电路-电源管理",
        "ICs: power management",
        "semiconductor",
        ("电源管理", "PMIC", "稳压器", "LDO", "DC-DC"),
        ("电源管理芯片", "PMIC", "DC-DC", "LDO", "充电管理", "电源芯片", "模拟芯片"),
        ("3973",),
        ("854239",),
        True,
    ),
    Category(
        "ic_mcu",
        "集成电路-微控制器",
        "ICs: microcontrollers",
        "semiconductor",
        ("单片机", "MCU", "微控制器"),
        ("MCU", "单片机", "微控制器", "控制芯片"),
        ("3973",),
        ("854231",),
        True,
    ),
    Category(
        "soc_module",
        "处理器/核心板",
        "Processors, SoCs and SoMs",
        "semiconductor",
        ("SoC", "SoM", "CPU", "核心板", "处理器"),
        ("处理器", "SoC", "CPU", "核心板", "计算模组", "应用处理器"),
        ("3973",),
        ("854231",),
        True,
    ),
    Category(
        "ic_memory",
        "集成电路-存储",
        "ICs: memory",
        "semiconductor",
        ("存储", "存储器", "内存", "闪存", "memory", "DRAM", "NAND", "Flash", "EEPROM"),
        ("存储芯片", "存储器", "DRAM", "NAND", "NOR Flash", "闪存", "内存"),
        ("3973",),
        ("854232",),
        True,
    ),
    Category(
        "ic_interface",
        "集成电路-接口",
        "ICs: interface (USB, level shifting)",
        "semiconductor",
        ("接口芯片", "USB hub", "level shifter", "电平转换"),
        ("接口芯片", "USB", "电平转换", "桥接芯片", "串口芯片"),
        ("3973",),
        ("854239",),
        True,
    ),
    Category(
        "ic_ethernet",
        "集成电路-以太网",
        "ICs: Ethernet PHY",
        "semiconductor",
        ("以太网", "PHY", "Ethernet"),
        ("以太网芯片", "PHY", "网络芯片", "交换芯片"),
        ("3973",),
        ("854239",),
        True,
    ),
    Category(
        "ic_display",
        "集成电路-显示/视频",
        "ICs: display and video bridges",
        "semiconductor",
        ("显示驱动", "eDP", "MIPI桥接", "display bridge"),
        ("显示驱动芯片", "视频桥接", "eDP", "MIPI", "HDMI"),
        ("3973",),
        ("854239",),
        True,
    ),
    Category(
        "ic_audio",
        "集成电路-音频",
        "ICs: audio",
        "semiconductor",
        ("音频", "codec", "audio"),
        ("音频芯片", "音频编解码", "CODEC", "功放芯片"),
        ("3973",),
        ("854239",),
    ),
    Category(
        "ic_analog",
        "集成电路-模拟/数据转换",
        "ICs: analog, ADC/DAC",
        "semiconductor",
        ("ADC", "DAC", "运放", "比较器", "op-amp"),
        ("模拟芯片", "ADC", "DAC", "运算放大器", "数据转换"),
        ("3973",),
        ("854233", "854239"),
        True,
    ),
    Category(
        "ic_clock",
        "集成电路-时钟",
        "ICs: clock and RTC",
        "semiconductor",
        ("时钟", "RTC", "clock generator"),
        ("时钟芯片", "RTC", "实时时钟", "时钟发生器"),
        ("3973",),
        ("854239",),
    ),
    Category(
        "ic_protection",
        "集成电路-保护",
        "ICs: ESD/TVS protection",
        "semiconductor",
        ("ESD", "TVS阵列", "保护芯片"),
        ("ESD保护", "TVS", "静电保护", "保护器件"),
        ("3972", "3973"),
        ("854239",),
    ),
    Category(
        "ic_sensor",
        "集成电路-传感器",
        "ICs: sensors",
        "semiconductor",
        ("传感器", "sensor"),
        ("传感器", "MEMS", "温湿度传感器", "惯性传感器"),
        ("3983",),
        ("854239",),
    ),
    Category(
        "ic_logic",
        "集成电路-逻辑",
        "ICs: logic",
        "semiconductor",
        ("逻辑", "logic"),
        ("逻辑芯片", "逻辑器件"),
        ("3973",),
        ("854239",),
    ),
    Category(
        "wireless_module",
        "无线模块",
        "Wireless modules (Wi-Fi, Bluetooth, cellular)",
        "semiconductor",
        ("WiFi模块", "蓝牙模块", "Wi-Fi", "Bluetooth", "4G模组", "射频"),
        ("WiFi模块", "蓝牙模块", "无线模组", "通信模组", "射频芯片"),
        ("3922", "3973"),
        ("851762",),
        True,
    ),
    Category(
        "ic_other",
        "集成电路-其他",
        "ICs: other",
        "semiconductor",
        ("集成电路", "IC", "芯片"),
        ("集成电路", "芯片", "IC"),
        ("3973",),
        ("854239",),
        True,
    ),
    Category(
        "connector",
        "连接器",
        "Connectors",
        "electromechanical",
        ("接插件", "插座", "端子", "connector", "排针"),
        ("连接器", "接插件", "端子", "线束", "插座", "排针"),
        ("3989",),
        ("853669",),
    ),
    Category(
        "switch",
        "开关",
        "Switches and buttons",
        "electromechanical",
        ("按键", "轻触开关", "拨码开关", "switch", "button"),
        ("开关", "轻触开关", "按键", "拨码开关", "键盘轴"),
        ("3989",),
        ("853650",),
    ),
    Category(
        "relay", "继电器", "Relays", "electromechanical", ("relay",), ("继电器",), ("3829",), ("853641",)
    ),
    Category(
        "acoustic",
        "电声器件",
        "Buzzers, speakers and microphones",
        "electromechanical",
        ("蜂鸣器", "扬声器", "麦克风", "buzzer", "speaker"),
        ("电声器件", "蜂鸣器", "扬声器", "麦克风", "受话器"),
        ("3984",),
        ("8518",),
    ),
    Category(
        "battery",
        "电池/电池座",
        "Batteries and battery holders",
        "other",
        ("电池", "电池座", "battery", "battery holder"),
        ("电池", "锂电池", "纽扣电池", "电池座", "电芯"),
        ("3841", "3849"),
        ("8506", "8507"),
    ),
    Category(
        "display",
        "显示屏/模组",
        "Displays and display modules",
        "other",
        ("显示屏", "LCD", "OLED", "显示模组", "display"),
        ("显示屏", "显示模组", "LCD", "OLED", "面板", "触摸屏"),
        ("3974",),
        ("8524",),
        True,
    ),
    Category(
        "pcb",
        "印制电路板",
        "Printed circuit boards",
        "other",
        ("PCB", "电路板", "线路板", "FPC"),
        ("PCB", "印制电路板", "线路板", "FPC", "柔性电路板"),
        ("3982",),
        ("8534",),
    ),
    Category(
        "mechanical",
        "结构件",
        "Mechanical parts (enclosures, screws, standoffs)",
        "other",
        ("螺丝", "螺钉", "外壳", "支架", "铜柱", "mechanical", "screw", "enclosure"),
        ("结构件", "精密结构件", "外壳", "螺丝", "紧固件", "铜柱", "冲压件", "注塑件"),
        ("3399", "3989"),
        ("7318",),
    ),
    Category(
        "mounting_hole",
        "安装孔/紧固",
        "Mounting holes and standoffs",
        "other",
        ("mounting hole", "安装孔", "standoff"),
        ("安装孔", "SMT螺母", "铜柱"),
        (),
        (),
    ),
    Category("test_point", "测试点", "Test points", "other", ("test point", "TP"), ("测试点",), (), ()),
    Category(
        "marking",
        "丝印/标识",
        "Logos, labels and fiducials (no purchased part)",
        "other",
        ("logo", "label", "fiducial", "丝印", "基准点"),
        ("丝印", "标识"),
        (),
        (),
    ),
    Category("other", "其他", "Other parts", "other", ("其它", "other", "misc"), (), (), ()),
)

CATEGORIES: dict[str, Category] = {category.key: category for category in _CATEGORY_LIST}


# --------------------------------------------------------------------------------------------------------------
# Categorisation


def _rx(pattern: str) -> re.Pattern[str]:
    # ASCII: a Chinese character next to a Latin word is a word boundary (``\bpcb\b`` matches 主板PCB).
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


# Functions an IC's part number or value reveals. Checked in order, so specific families come before broad ones
# (op-amps LM358 before regulators LM*, Wi-Fi modules AP6xxx before power switches AP2xxx, ...).
_IC_FUNCTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "soc_module",
        _rx(
            r"^(nitrogen|.*\bsom\b|som[-_ ]|cm[345]\b|compute ?module|jetson|raspberry|i\.?mx ?[5-9]"
            r"|mcimx|rk3[0-9]{3}|rv11[0-9]{2}|allwinner|a64\b|h[356]1[0-9]\b|t113|am335|am62|bcm27|"
            r"bcm28|apq|msm|sdm|mt6[0-9]{3}|mt8[0-9]{3}|hi35|ls1[0-9]{3}|zynq|xc7z)"
        ),
    ),
    (
        "wireless_module",
        _rx(
            r"^(esp32-(wroom|wrover|mini|c3-mini|c3-wroom|s2-mini|s3-mini|s3-wroom)|esp-[0-9]|esp-?12"
            r"|esp8266|ap6[0-9]{3}|cyw43|bcm43|wl18|atwinc|nina-|lbee|bl60[0-9]|rtl87[0-9]{2}|"
            r"rm5[0-9]{2}|ec2[05]|sim7[0-9]{3}|sim8[0-9]{2}|bg9[56]|sx12[67]|rfm9|e73-|hc-0[56])"
        ),
    ),
    (
        "ic_protection",
        _rx(r"^(tpd[0-9]|sp0[0-9]{3}|sp3[0-9]{3}-|esd[0-9a-z]|usblc|pesd|rclamp|tvs|srv05|ip4220)"),
    ),
    (
        "ic_audio",
        _rx(
            r"^(wm8[0-9]|cs4[0-9]|cs42|cs43|cs53|tlv320|tas[0-9]|tpa[0-9]|pcm[0-9]|sgtl|es8[0-9]|alc[0-9]"
            r"|max98|nau8|ak4[0-9]|ssm2|codec)"
        ),
    ),
    (
        "ic_analog",
        _rx(
            r"^(ads[0-9]|adc[0-9]|dac[0-9]|ad7[0-9]|ad5[0-9]|ad8[0-9]|mcp3[0-9]|mcp4[0-9]|mcp6[0-9]"
            r"|ltc2[0-9]{3}|max11[0-9]|opa[0-9]|lmv[0-9]|tlv9[0-9]|tl07|tl08|ne5532|lm(358|324|393|339|2902"
            r"|2903|2904|833|4562|6[0-9]{3})|ina1[0-9]{2}|ina3[0-9]{2})"
        ),
    ),
    (
        "ic_power",
        _rx(
            r"^(pca9450|tps|tlv(6|7|1117)|lm(1117|317|337|78|79|2[0-9]|5[0-9]|r[0-9]|z[0-9]|36|34)|lmr|lmz"
            r"|lp(2985|5907|38|87)|ltc?(1|3|4|8|6803|6804|681)[0-9]*|ap(2|3|7|1|6[0-9]{2}[^0-9])|mp[0-9]|sy8"
            r"|rt[5-9][0-9]|ams1117|xc6|me6|sgm2|bq[0-9]|max(17|77|8[0-9]{3}|16|15)|ncp|mic(29|5|2)|adp[0-9]"
            r"|isl9|fan5|aoz|eta[0-9]|bd9|pmic|ina2[0-9]{2}|act88|rk8[0-9]{2}|axp[0-9]|sc8[0-9]|ip5[0-9]"
            r"|tp4056|cn30|mcp73|mcp1[67][0-9]|ucc|lt[0-9]{4}|ldo|dc-?dc|regulator|buck|boost)"
        ),
    ),
    (
        "ic_ethernet",
        _rx(
            r"^(ksz|rtl8[0-9]{3}|lan8[0-9]|lan9[0-9]|dp83|ar8[0-9]|yt8[0-9]|88e1|bcm54|w5500|enc28"
            r"|jl11|ip101)"
        ),
    ),
    (
        "ic_display",
        _rx(
            r"^(sn65dsi|ps8[0-9]|tc358|anx[0-9]|it66|ch7[0-9]|lt8[0-9]|lt9[0-9]|tfp[0-9]|adv75|ssd1[0-9]"
            r"|st77|ili9|ptn3|ds90|tdp[0-9]|edp)"
        ),
    ),
    (
        "ic_memory",
        _rx(
            r"^(mt4[0-9]|mt5[0-9]|mt2[0-9]|mt6[0-9]|mt29|k4|k9|klm|h5|h9|w25|w29|w9[0-9]|gd25|gd5f|mx25"
            r"|mx30|is4[0-9]|is6[0-9]|is25|at24|at25|24(lc|aa|c)[0-9]|25(lc|aa)|m24|cy7c1|cy62|s25fl|s29"
            r"|sst[0-9]|thgb|sdin|emmc|fm25|n25q|as4c|nt5|sdram|ddr|nand|eeprom|flash)"
        ),
    ),
    (
        "ic_clock",
        _rx(
            r"^(pcf85|pcf2[0-9]|ds13|ds32|rv-?[0-9]|m41t|rx8|isl12|5v4|idt5|cdce|si5[0-9]|lmk[0-9]|cy2[0-9]"
            r"|pi6c|sit[0-9]|rtc)"
        ),
    ),
    (
        "ic_interface",
        _rx(
            r"^(usb[0-9]|usb2|usb3|tusb|ch34|cp21|ft2[0-9]|ft4|ft6|gl8|gl3|vl8|vl1|max3[0-9]{3}|max232"
            r"|sp3232|sn65hvd|tca9|pca95|pca96|pca9306|txs|txb|sn74avc[0-9]*t|sn74lvc[0-9]*t|74lvc[0-9]*t"
            r"|74avc[0-9]*t|nlsx|lsf0|mcp2[0-9]|tja|xr2|hub)"
        ),
    ),
    (
        "ic_mcu",
        _rx(
            r"^(atmega|attiny|atsam|atxmega|at90|stm32|stm8|gd32|lpc[0-9]|mk[0-9]{2}|mkl|pic[0-9]|dspic"
            r"|msp430|nrf5|efm32|efr32|ch5[0-9]|ch32|hc32|mm32|n76|stc[0-9]|rp2040|samd|same|esp32|apm32"
            r"|at32)"
        ),
    ),
    (
        "ic_sensor",
        _rx(
            r"^(bme|bmp|bmi|bma|sht|hdc|lis[0-9]|lsm|mpu[0-9]|icm|tmp[0-9]|lm75|adxl|mma|aht|qmc|hmc|opt3"
            r"|apds|veml)"
        ),
    ),
    ("ic_logic", _rx(r"^(sn74|74[a-z]{1,4}[0-9]|cd40|nc7|nl[0-9])")),
)

# Designator prefixes (IEEE 315 / IPC habits) → category.
_PREFIXES: dict[str, str] = {
    "C": "capacitor",
    "CP": "capacitor",
    "CE": "capacitor",
    "EC": "capacitor",
    "TC": "capacitor",
    "R": "resistor",
    "RN": "resistor",
    "RP": "resistor",
    "RV": "resistor",
    "VR": "resistor",
    "RA": "resistor",
    "L": "inductor",
    "FB": "inductor",
    "FL": "inductor",
    "BEAD": "inductor",
    "D": "diode",
    "CR": "diode",
    "ZD": "diode",
    "TVS": "diode",
    "DZ": "diode",
    "LED": "led",
    "Q": "transistor",
    "QA": "transistor",
    "VT": "transistor",
    "U": "ic_other",
    "IC": "ic_other",
    "J": "connector",
    "P": "connector",
    "CN": "connector",
    "CON": "connector",
    "JP": "connector",
    "USB": "connector",
    "Y": "crystal",
    "X": "crystal",
    "XTAL": "crystal",
    "OSC": "crystal",
    "SW": "switch",
    "S": "switch",
    "BTN": "switch",
    "KEY": "switch",
    "K": "relay",
    "RL": "relay",
    "RLY": "relay",
    "F": "fuse",
    "FU": "fuse",
    "PTC": "fuse",
    "BT": "battery",
    "BAT": "battery",
    "T": "transformer",
    "TR": "transformer",
    "TP": "test_point",
    "TEST": "test_point",
    "H": "mounting_hole",
    "MH": "mounting_hole",
    "HOLE": "mounting_hole",
    "MK": "mounting_hole",
    "FID": "marking",
    "GFX": "marking",
    "LOGO": "marking",
    "LABEL": "marking",
    "LS": "acoustic",
    "BZ": "acoustic",
    "SPK": "acoustic",
    "MIC": "acoustic",
    "BUZ": "acoustic",
    "LCD": "display",
    "DS": "display",
    "DISP": "display",
}

# Footprint libraries (KiCad names) and words that settle the kind of part whatever the designator says.
_FOOTPRINT_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_rx(r"^mountinghole:|mountinghole_|mounting_hole"), "mounting_hole"),
    (_rx(r"^testpoint:|testpoint_"), "test_point"),
    (_rx(r"^(symbol|fiducial):|logo|silkscreen|oshw|badge"), "marking"),
    (_rx(r"oled|lcd|display"), "display"),
    (_rx(r"^battery:|batteryholder|battery_holder"), "battery"),
    (_rx(r"^crystal|crystal_|oscillator"), "crystal"),
    (_rx(r"^connector|_conn|connector_|usb_c_receptacle|pinheader|pinsocket"), "connector"),
    (_rx(r"^button_switch|^switch|sw_push|sw_dip"), "switch"),
    (_rx(r"^fuse|fuse_"), "fuse"),
    (_rx(r"^relay"), "relay"),
    (_rx(r"^led_"), "led"),
    (_rx(r"^capacitor"), "capacitor"),
    (_rx(r"^resistor"), "resistor"),
    (_rx(r"^inductor"), "inductor"),
    (_rx(r"^diode"), "diode"),
    (_rx(r"^transformer"), "transformer"),
    (_rx(r"^buzzer|^speaker"), "acoustic"),
)

# Words in a part's name, category, value or description (Chinese and English) → category. Order matters.
_WORD_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        _rx(
            r"连接器|接插件|插座|插头|端子|排针|排母|线束|座子|connector|header|socket|receptacle|\bjack\b|\bplug\b"
        ),
        "connector",
    ),
    (_rx(r"印制电路板|电路板|线路板|\bpcba?\b|\bfpc\b|柔性板"), "pcb"),
    (
        _rx(
            r"螺丝|螺钉|螺母|垫片|外壳|壳体|支架|铜柱|结构件|散热|导热|泡棉|胶|标签|铭牌|包装|screw|\bnut\b|enclosure"
            r"|housing|bracket|standoff|spacer|heatsink|chassis"
        ),
        "mechanical",
    ),
    (_rx(r"显示屏|屏幕|液晶|触摸屏|面板|\blcd\b|\boled\b|display|panel"), "display"),
    (_rx(r"电池座|电池|电芯|battery|\bcr[0-9]{4}\b|18650"), "battery"),
    (_rx(r"核心板|处理器|\bsoc\b|\bsom\b|\bcpu\b|\bapu\b|processor"), "soc_module"),
    (_rx(r"wi-?fi|蓝牙|bluetooth|无线模块|通信模组|4g模组|5g模组|lora|zigbee"), "wireless_module"),
    (_rx(r"单片机|微控制器|\bmcu\b|microcontroller"), "ic_mcu"),
    (
        _rx(r"存储|内存|闪存|\bdram\b|\bddr[0-9]?\b|\bnand\b|\bnor\b|flash|eeprom|memory|\bssd\b|\bemmc\b"),
        "ic_memory",
    ),
    (_rx(r"电源管理|稳压|\bldo\b|dc-?dc|\bpmic\b|充电管理|regulator|power management"), "ic_power"),
    (_rx(r"以太网|\bphy\b|ethernet"), "ic_ethernet"),
    (_rx(r"音频|codec|audio"), "ic_audio"),
    (_rx(r"传感器|sensor"), "ic_sensor"),
    (_rx(r"电平转换|接口芯片|usb ?hub|level shift"), "ic_interface"),
    (_rx(r"晶振|晶体|振荡器|crystal|oscillator|\bxtal\b|[0-9.]+ ?[mk]hz"), "crystal"),
    (_rx(r"发光二极管|\bled\b|指示灯"), "led"),
    (_rx(r"二极管|稳压管|整流|肖特基|\btvs\b|diode|zener|schottky|rectifier"), "diode"),
    (_rx(r"三极管|晶体管|场效应|\bmos\b|mosfet|\bigbt\b|transistor|\bbjt\b"), "transistor"),
    (_rx(r"集成电路|芯片|\bic\b|integrated circuit"), "ic_other"),
    (_rx(r"电容|capacitor|\bmlcc\b|[0-9.]+ ?[pnuμ]f\b"), "capacitor"),
    (_rx(r"磁珠|电感|inductor|ferrite|bead|[0-9.]+ ?[nuμ]h\b"), "inductor"),
    (_rx(r"变压器|transformer"), "transformer"),
    (_rx(r"电阻|电位器|resistor|potentiometer|[0-9.]+ ?[kmr]?Ω|[0-9.]+ ?ohm"), "resistor"),
    (_rx(r"继电器|relay"), "relay"),
    (_rx(r"保险丝|熔断|fuse|\bptc\b"), "fuse"),
    (_rx(r"开关|按键|按钮|switch|button|tact"), "switch"),
    (_rx(r"蜂鸣器|喇叭|扬声器|麦克风|buzzer|speaker|microphone"), "acoustic"),
    (_rx(r"测试点|test ?point"), "test_point"),
    (_rx(r"安装孔|mounting ?hole"), "mounting_hole"),
    (_rx(r"丝印|标识|logo|fiducial|基准点"), "marking"),
)

# Makers whose "U" parts are not ICs: a connector on a U designator is still a connector.
_CONNECTOR_MAKERS = _rx(r"^(molex|te|te connectivity|amphenol.*|hirose|jst|samtec|fci|jae|wurth|würth)$")
_BATTERY_HOLDER_MAKERS = _rx(r"^(keystone|memory protection devices|mpd)$")

_REF_PREFIX = re.compile(r"^([A-Za-z_#]+)")


def _ref_prefix(references: Sequence[str]) -> str:
    """The letters that open the line's designators, if they agree (``C`` for ``C1 C2``), else ``""``."""
    prefixes = {m.group(1).upper() for ref in references if (m := _REF_PREFIX.match(ref))}
    return prefixes.pop() if len(prefixes) == 1 else ""


def _ic_function(*texts: str) -> str | None:
    for text in texts:
        text = text.strip()
        if not text:
            continue
        for key, pattern in _IC_FUNCTIONS:
            if pattern.search(text):
                return key
    return None


def _word_hint(*texts: str) -> str | None:
    for text in texts:
        if not text:
            continue
        for pattern, key in _WORD_HINTS:
            if pattern.search(text):
                return key
    return None


def _footprint_hint(footprint: str, value: str) -> str | None:
    for pattern, key in _FOOTPRINT_HINTS:
        if pattern.search(footprint):
            return key
    if re.fullmatch(r"(mounting_?hole(_pad)?|mh[0-9]*)", value, re.IGNORECASE):
        return "mounting_hole"
    if re.fullmatch(r"(logo.*|label.*|badge|fiducial|weee|mnt)", value, re.IGNORECASE):
        return "marking"
    return None


def _match_category_text(text: str) -> str | None:
    """A category written in the file (类别 column) → our key, if it names one of ours."""
    norm = _norm_label(text)
    if not norm:
        return None
    for category in _CATEGORY_LIST:
        names = (category.key, category.name, category.name_en, *category.aliases)
        if any(norm == _norm_label(name) for name in names):
            return category.key
    return None


def categorise(line: BomLine) -> str:
    """The category key for one BOM line, from designators, footprint, value, part number and description.

    Order: a category written in the file that names one of ours; the footprint library (a mounting hole is a
    mounting hole whatever its designator); for ICs (U/IC designators, or no designator) the function the part
    number or value reveals; the designator prefix; then words in the name, value and description.
    """
    written = _match_category_text(line.category_text)
    if written and written != "ic_other":
        return written
    prefix = _ref_prefix(line.references)
    by_prefix = _PREFIXES.get(prefix)
    hinted = _footprint_hint(line.footprint, line.value)
    if hinted and not (hinted == "display" and by_prefix in {"connector"}):
        return hinted
    if by_prefix in (None, "ic_other") or written == "ic_other":
        function = _ic_function(line.part_number, line.value, line.name)
        if function:
            return function
    if by_prefix == "ic_other":
        if _CONNECTOR_MAKERS.match(line.manufacturer.strip()) or re.search(
            r"connector|conn", line.footprint, re.I
        ):
            return "connector"
        if _BATTERY_HOLDER_MAKERS.match(line.manufacturer.strip()):
            return "battery"
        described = _word_hint(line.description)
        if described and (
            CATEGORIES[described].group == "semiconductor" or described in {"connector", "display"}
        ):
            return described
        return "ic_other"
    if by_prefix == "diode" and (
        re.search(r"^led|led$|^wled", line.value, re.I) or "LED" in line.footprint.upper()
    ):
        return "led"
    if by_prefix == "mounting_hole":
        if re.search(r"logo|label|badge|oshw|weee|notouch", line.value, re.I):
            return "marking"
        return "mounting_hole"
    if by_prefix:
        return by_prefix
    if written:
        return written
    hinted = _word_hint(line.category_text, line.name, line.description, line.value, line.part_number)
    return hinted or "other"


def category_for(key: str, bom: Bom | None = None) -> Category:
    """The :class:`Category` for a key, including a BOM's custom categories (written categories we do not know)."""
    if key in CATEGORIES:
        return CATEGORIES[key]
    if bom is not None and key in bom.custom_categories:
        text = bom.custom_categories[key]
        return Category(key, text, text, "other", (text,), (text,))
    return CATEGORIES["other"]


def _custom_key(text: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "_", _norm_label(text)).strip("_")
    if ascii_part and ascii_part.isascii():
        return f"custom_{ascii_part}"[:48]
    return "custom_" + hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:8]


# --------------------------------------------------------------------------------------------------------------
# Reading


_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "references": (
        "reference",
        "references",
        "ref",
        "refs",
        "refdes",
        "designator",
        "designators",
        "位号",
        "元件位号",
        "器件位号",
        "标号",
        "位置号",
        "参考编号",
    ),
    "quantity": (
        "quantity",
        "qty",
        "qnty",
        "quantityperpcb",
        "count",
        "数量",
        "用量",
        "单机用量",
        "数目",
        "个数",
        "单位用量",
        "需求数量",
    ),
    "value": ("value", "val", "值", "标称值", "参数", "规格", "规格参数", "comment"),
    "footprint": ("footprint", "package", "封装", "封装形式", "pcbfootprint"),
    "manufacturer": (
        "manufacturer",
        "manufacturers",
        "mfr",
        "mfg",
        "manufacturername",
        "maker",
        "brand",
        "制造商",
        "厂商",
        "厂家",
        "生产厂家",
        "生产厂商",
        "品牌",
        "制造商名称",
    ),
    "part_number": (
        "manufacturerno",
        "manufacturerpartnumber",
        "manufacturerpart",
        "manufacturerpn",
        "mpn",
        "mfrpartnumber",
        "mfrpart",
        "mfrpn",
        "mfrno",
        "partnumber",
        "partno",
        "pn",
        "p/n",
        "型号",
        "料号",
        "规格型号",
        "厂家型号",
        "制造商型号",
        "物料型号",
        "器件型号",
    ),
    "name": (
        "part",
        "parts",
        "partname",
        "name",
        "item",
        "itemname",
        "component",
        "零件",
        "零件名称",
        "物料名称",
        "名称",
        "物料",
        "元件",
        "器件",
        "部件",
        "元件名称",
        "器件名称",
        "品名",
    ),
    "description": ("description", "desc", "描述", "说明", "物料描述", "零件描述"),
    "category": ("category", "class", "group", "类别", "分类", "类型", "物料类别", "物料分类", "器件类别"),
    "parent": (
        "parent",
        "parentpart",
        "assembly",
        "parentassembly",
        "上级",
        "父项",
        "上级物料",
        "父件",
        "父项物料",
        "所属组件",
        "上级零件",
    ),
    "dnp": (
        "dnp",
        "dnf",
        "dni",
        "donotpopulate",
        "donotplace",
        "nopop",
        "不贴",
        "不焊",
        "不贴片",
        "是否不贴",
    ),
}
_HEADER_LOOKUP: dict[str, str] = {}  # filled below, once _norm_label exists
_FIELD_LABELS = {
    "references": "位号(Reference)",
    "quantity": "数量(Quantity)",
    "name": "零件/物料名称(part)",
    "part_number": "型号/料号",
    "value": "值(Value)",
}

_TOTAL_WORDS = {
    "合计",
    "总计",
    "小计",
    "共计",
    "总数",
    "总数量",
    "合计数量",
    "total",
    "totals",
    "sum",
    "grandtotal",
    "subtotal",
    "totalqty",
    "totalquantity",
}
_NO_WORDS = {
    "",
    "0",
    "n",
    "no",
    "false",
    "f",
    "否",
    "无",
    "-",
    "—",
    "populate",
    "fit",
    "fitted",
    "贴",
    "贴片",
}
_DNP_VALUE = re.compile(
    r"(^|[^a-z])(dnp|dnf|dni|dnm|nopop|no ?pop|not fitted|no fit)([^a-z]|$)|不贴|不焊|空贴|不上件",
    re.IGNORECASE,
)
_DNP_REF_TOKEN = re.compile(r"^[(\[（]?(dnp|dnf|dni|nf|np|不贴)[)\]）]?$", re.IGNORECASE)
_QUANTITY = re.compile(
    r"^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)\s*(pcs|pc|ea|个|只|片|颗|件|套|台|根|条|块|粒|pcs\.)?$",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^([A-Za-z_]+)([0-9]+)\s*[-~–]\s*(?:\1)?([0-9]+)$")

_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


def _norm_label(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s_\-.:：·]+", "", text)


_HEADER_LOOKUP.update(
    (_norm_label(alias), field_name) for field_name, aliases in _HEADER_ALIASES.items() for alias in aliases
)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _tidy(number: float) -> Number:
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return round(number, 9) if isinstance(number, float) else number


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BomError([BomIssue(file, None, None, "文件编码无法识别（请另存为UTF-8或GBK编码的CSV）")])


def _read_rows(path: Path, file: str) -> list[list[str]]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise BomError([BomIssue(file, None, None, "文件不存在")])
    if suffix in _EXCEL_SUFFIXES:
        try:
            check_spreadsheet(path, max_cells=WHOLE_SHEET_MAX_CELLS)
        except FileRefused as exc:
            raise BomError([BomIssue(file, None, None, str(exc))]) from exc
        try:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
            sheets = [
                workbook.get_sheet_by_index(i).to_python(skip_empty_area=False)
                for i in range(len(workbook.sheet_names))
            ]
        except Exception as exc:  # calamine raises several unrelated types for a damaged file
            raise BomError(
                [
                    BomIssue(
                        file,
                        None,
                        None,
                        f"无法读取Excel文件（{type(exc).__name__}），文件可能已损坏或不是Excel格式",
                    )
                ]
            ) from exc
        rows: list[list[str]]
        for sheet in sheets:
            rows = [[_cell_text(cell) for cell in row] for row in sheet]
            if _find_header(rows) is not None:
                return rows
        return [[_cell_text(cell) for cell in row] for row in (sheets[0] if sheets else [])]
    if suffix not in _TEXT_SUFFIXES:
        raise BomError(
            [
                BomIssue(
                    file,
                    None,
                    None,
                    f"不支持的文件类型「{path.suffix or '无扩展名'}」，请上传CSV或XLSX格式的BOM",
                )
            ]
        )
    try:
        data = read_small_bytes(path, what="CSV")
    except FileRefused as exc:
        raise BomError([BomIssue(file, None, None, str(exc))]) from exc
    if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") or b"\x00" in data[:4096]:
        raise BomError(
            [BomIssue(file, None, None, "文件内容不是CSV文本（可能是Excel或其他二进制文件），请检查扩展名")]
        )
    text = _decode(data, file)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first_line.count)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit (128 KB)
        raise BomError(
            [
                BomIssue(
                    file,
                    reader.line_num,
                    None,
                    f"第{reader.line_num}行无法解析（单个单元格过长或引号不配对）",
                )
            ]
        ) from exc
    return rows


def _find_header(rows: Sequence[Sequence[str]]) -> tuple[int, dict[str, int]] | None:
    """The first row (within the first 20) that names a quantity column and a part or reference column."""
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:20]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            field_name = _HEADER_LOOKUP.get(_norm_label(cell))
            if field_name and field_name not in columns:
                columns[field_name] = col
        identity = {"references", "name", "part_number", "value"} & columns.keys()
        if "quantity" in columns and identity:
            return index, columns
        if best is None and len(identity) >= 1 and len(columns) >= 2:
            best = (index, columns)
    return best


def _parse_quantity(text: str) -> float | None:
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    match = _QUANTITY.match(cleaned)
    return float(match.group(1)) if match else None


def _split_references(text: str) -> tuple[tuple[str, ...], bool]:
    """Designators as a tuple (ranges such as ``R1-R4`` expanded) and whether the reference marks the line DNP."""
    tokens = [t for t in re.split(r"[\s,;，；、/]+", unicodedata.normalize("NFKC", text)) if t]
    references: list[str] = []
    marked = False
    for token in tokens:
        if _DNP_REF_TOKEN.match(token):
            marked = True
            continue
        stripped = re.sub(
            r"[(\[（](dnp|dnf|dni|nf|不贴)[)\]）]$|[_-](dnp|dnf)$", "", token, flags=re.IGNORECASE
        )
        if stripped != token:
            marked = True
            token = stripped
        match = _RANGE.match(token)
        if match and 0 <= int(match.group(3)) - int(match.group(2)) < 1000:
            prefix, start, end = match.group(1), int(match.group(2)), int(match.group(3))
            references.extend(f"{prefix}{n}" for n in range(start, end + 1))
        else:
            references.append(token)
    return tuple(references), marked


def _is_total_label(*texts: str) -> bool:
    return any(_norm_label(text).rstrip(":：") in _TOTAL_WORDS for text in texts if text)


def _fmt(number: float) -> str:
    return str(_tidy(number))


def read_bom(path: str | Path, *, name: str) -> Bom:
    """Read a BOM from CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX; see the module docstring for layouts and counts.

    Raises :class:`BomError` with every row-numbered problem found (missing quantity column, non-numeric or
    missing quantity, empty file, unsupported file type, unknown parent in a multi-level BOM).
    """
    path = Path(path)
    file = path.name
    rows = _read_rows(path, file)
    if not any(any(cell for cell in row) for row in rows):
        raise BomError([BomIssue(file, None, None, "文件为空，没有任何BOM数据")])
    found = _find_header(rows)
    if found is None:
        raise BomError(
            [
                BomIssue(
                    file,
                    1,
                    None,
                    "找不到表头：需要「数量/Quantity」列，以及「位号/Reference」或「零件/物料名称」列",
                )
            ]
        )
    header_index, columns = found
    header_row = header_index + 1
    header = rows[header_index]
    if "quantity" not in columns:
        raise BomError(
            [BomIssue(file, header_row, "数量", "缺少数量列（表头应包含「数量」「用量」或「Quantity」）")]
        )

    def col_name(field_name: str) -> str:
        return (
            header[columns[field_name]].strip()
            if field_name in columns
            else _FIELD_LABELS.get(field_name, field_name)
        )

    def get(row: Sequence[str], field_name: str) -> str:
        col = columns.get(field_name)
        return row[col].strip() if col is not None and col < len(row) else ""

    layout: Literal["kicad", "generic"] = (
        "kicad"
        if "references" in columns and "parent" not in columns and "category" not in columns
        else "generic"
    )
    bom = Bom(name=name, source=file, layout=layout)
    issues: list[BomIssue] = []
    raw: list[BomLine] = []
    totals: list[tuple[int, float | None]] = []

    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        row_number = index + 1
        if not any(cell for cell in row):
            continue
        reference_text = get(row, "references")
        name_text = get(row, "name")
        value = get(row, "value")
        part_number = get(row, "part_number")
        quantity_text = get(row, "quantity")
        first_cell = next((cell for cell in row if cell), "")
        identity = reference_text or name_text or value or part_number
        if _is_total_label(reference_text, name_text, value, part_number, first_cell) or (
            not identity and quantity_text
        ):
            totals.append((row_number, _parse_quantity(quantity_text)))
            if _parse_quantity(quantity_text) is None and quantity_text:
                bom.warnings.append(f"第{row_number}行：合计行的数量「{quantity_text}」不是数字，已忽略")
            continue
        if not identity:
            continue  # a row with text only in columns we do not read (a note, a signature)
        if not quantity_text:
            if totals:
                continue  # notes written under the totals row
            issues.append(BomIssue(file, row_number, col_name("quantity"), "数量为空"))
            continue
        quantity = _parse_quantity(quantity_text)
        if quantity is None:
            issues.append(
                BomIssue(file, row_number, col_name("quantity"), f"数量「{quantity_text}」不是数字")
            )
            continue
        if quantity < 0:
            issues.append(
                BomIssue(file, row_number, col_name("quantity"), f"数量「{quantity_text}」不能为负数")
            )
            continue
        references, ref_marked = _split_references(reference_text)
        dnp_text = get(row, "dnp")
        dnp = (
            ref_marked
            or _norm_label(dnp_text) not in _NO_WORDS
            or bool(_DNP_VALUE.search(value))
            or value.strip().upper() in {"NC", "NF", "N/C"}
        )
        category_text = get(row, "category")
        line = BomLine(
            row=row_number,
            references=references,
            quantity=_tidy(quantity),
            value=value,
            footprint=get(row, "footprint"),
            manufacturer=get(row, "manufacturer"),
            part_number=part_number,
            description=get(row, "description"),
            dnp=dnp,
            name=name_text,
            parent=get(row, "parent"),
            extended_quantity=_tidy(quantity),
            category_text=category_text,
        )
        category = categorise(line)
        if category == "other" and category_text and not _match_category_text(category_text):
            category = _custom_key(category_text)
            bom.custom_categories[category] = category_text.strip()
        line = replace(line, category=category)
        if references and len(references) != quantity:
            bom.warnings.append(
                f"第{row_number}行：数量为{_fmt(quantity)}，但位号有{len(references)}个（{reference_text.strip()}）"
            )
        if quantity == 0:
            bom.warnings.append(f"第{row_number}行：数量为0")
        raw.append(line)

    if issues:
        raise BomError(issues)
    if not raw:
        raise BomError([BomIssue(file, header_row + 1, None, "表头下没有任何物料行")])

    raw = _resolve_parents(raw, bom, issues, file, col_name("parent"))
    if issues:
        raise BomError(issues)

    seen: dict[str, int] = {}
    for line in raw:
        if line.dnp:
            continue
        for ref in line.references:
            if ref in seen and seen[ref] != line.row:
                bom.warnings.append(f"第{line.row}行：位号{ref}与第{seen[ref]}行重复")
            seen.setdefault(ref, line.row)

    assembly_rows = {line.row for line in bom.assemblies}
    for line in raw:
        if line.row in assembly_rows:
            continue
        (bom.dnp_lines if line.dnp else bom.lines).append(line)
    if bom.dnp_lines:
        rows_text = "、".join(str(line.row) for line in bom.dnp_lines)
        bom.warnings.append(
            f"第{rows_text}行：共{len(bom.dnp_lines)}行（{_fmt(float(bom.dnp_parts))}件）标为不贴（DNP），未计入"
        )

    _check_totals(bom, raw, totals)
    return bom


def _resolve_parents(
    raw: list[BomLine], bom: Bom, issues: list[BomIssue], file: str, parent_col: str
) -> list[BomLine]:
    """Multiply quantities down a multi-level BOM; move assembly lines to ``bom.assemblies``; DNP flows down."""
    if not any(line.parent for line in raw):
        return raw
    by_name: dict[str, list[BomLine]] = defaultdict(list)
    for line in raw:
        for key in {_norm_label(line.name), _norm_label(line.part_number)} - {""}:
            by_name[key].append(line)
    for line in raw:
        if line.parent and _norm_label(line.parent) not in by_name:
            issues.append(BomIssue(file, line.row, parent_col, f"上级「{line.parent}」在BOM中不存在"))
    if issues:
        return raw

    multiplier: dict[int, float] = {}
    dnp_from_above: dict[int, bool] = {}
    visiting: set[int] = set()

    def resolve(line: BomLine) -> tuple[float, bool]:
        """(number of this line's units per product, whether an assembly above it is DNP)."""
        if line.row in multiplier:
            return multiplier[line.row], dnp_from_above[line.row]
        if line.row in visiting:
            issues.append(
                BomIssue(file, line.row, parent_col, f"上级关系形成循环（{line.label} → {line.parent}）")
            )
            return 0.0, False
        visiting.add(line.row)
        if not line.parent:
            total, dnp_above = 1.0, False
        else:
            total, dnp_above = 0.0, False
            parents = [p for p in by_name[_norm_label(line.parent)] if p.row != line.row]
            for parent in parents:
                above, parent_dnp_above = resolve(parent)
                total += above * float(parent.quantity)
                dnp_above = dnp_above or parent.dnp or parent_dnp_above
        visiting.discard(line.row)
        multiplier[line.row], dnp_from_above[line.row] = total, dnp_above
        return total, dnp_above

    parent_keys = {_norm_label(line.parent) for line in raw if line.parent}
    resolved: list[BomLine] = []
    for line in raw:
        above, dnp_above = resolve(line)
        line = replace(line, extended_quantity=_tidy(above * float(line.quantity)), dnp=line.dnp or dnp_above)
        if {_norm_label(line.name), _norm_label(line.part_number)} & parent_keys - {""}:
            bom.assemblies.append(line)
        resolved.append(line)
    return resolved


def _check_totals(bom: Bom, raw: list[BomLine], totals: list[tuple[int, float | None]]) -> None:
    bom.totals_rows = [row for row, _ in totals]
    for row, figure in totals:
        if figure is None:
            continue
        assembly_rows = {line.row for line in bom.assemblies}
        before = [line for line in raw if line.row < row]
        leaves = [line for line in before if line.row not in assembly_rows]
        candidates = {
            sum(float(line.quantity) for line in before),
            sum(float(line.quantity) for line in before if not line.dnp),
            sum(float(line.extended_quantity) for line in leaves),
            sum(float(line.extended_quantity) for line in leaves if not line.dnp),
        }
        if not any(math.isclose(figure, c, abs_tol=1e-6) for c in candidates):
            counted = sum(float(line.extended_quantity) for line in leaves if not line.dnp)
            bom.warnings.append(
                f"第{row}行：合计行的数量为{_fmt(figure)}，与明细数量之和{_fmt(counted)}不一致（合计行未计入）"
            )


# --------------------------------------------------------------------------------------------------------------
# Outputs


def _category_totals(bom: Bom) -> list[tuple[Category, Number, int, list[str]]]:
    parts: defaultdict[str, float] = defaultdict(float)
    lines: Counter[str] = Counter()
    makers: dict[str, set[str]] = defaultdict(set)
    for line in bom.lines:
        parts[line.category] += line.extended_quantity
        lines[line.category] += 1
        if line.manufacturer.strip():
            makers[line.category].add(line.manufacturer.strip())
    result = [(category_for(key, bom), _tidy(parts[key]), lines[key], sorted(makers[key])) for key in lines]
    result.sort(key=lambda item: (-item[1], item[0].key))
    return result


def summary(bom: Bom) -> dict[str, Any]:
    """What ``zhaoshang bom --json`` prints: counts (DNP and totals row excluded), nodes, DNP and warnings.

    ``nodes`` lists one ``{name, parts, manufacturers}`` per category, largest first; their ``parts`` add up to
    ``parts``; ``manufacturers`` are the distinct names as written, sorted.
    """
    return {
        "lines": len(bom.lines),
        "parts": bom.parts,
        "nodes": [
            {"name": category.name, "parts": parts, "manufacturers": makers}
            for category, parts, _lines, makers in _category_totals(bom)
        ],
        "dnp": {"lines": len(bom.dnp_lines), "parts": bom.dnp_parts},
        "warnings": list(bom.warnings),
    }


def _shares(amounts: Sequence[float]) -> list[float]:
    """Shares that sum to 1 (rounded to 4 places; the largest absorbs the rounding)."""
    total = float(sum(amounts))
    if not amounts:
        return []
    if total <= 0:
        shares = [round(1 / len(amounts), 4) for _ in amounts]
    else:
        shares = [round(a / total, 4) for a in amounts]
    biggest = max(range(len(shares)), key=lambda i: shares[i])
    shares[biggest] = round(shares[biggest] + 1 - sum(shares), 4)
    return shares


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "bom-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


WEIGHT_SOURCE = "BOM件数占比"


def _node(
    key: str,
    name: str,
    name_en: str,
    weight: float,
    *,
    aliases: Iterable[str] = (),
    keywords: Iterable[str] = (),
    industry_codes: Iterable[str] = (),
    hs_codes: Iterable[str] = (),
    key_node: bool = False,
    card: dict[str, Any] | None = None,
    children: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "name_en": name_en,
        "weight": weight,
        "weight_source": WEIGHT_SOURCE,
        "weight_estimate": False,
        "key_node": key_node,
        "aliases": list(aliases),
        "keywords": list(keywords),
        "exclude": [],
        "industry_codes": list(industry_codes),
        "hs_codes": list(hs_codes),
        "card": card or {},
        "children": children or [],
    }


def bom_to_chain(bom: Bom, *, slug: str | None = None) -> dict[str, Any]:
    """A chain (the YAML chain schema as a dict) decomposing the product: groups at level 1, categories at level 2.

    Weights are shares of the BOM's part count (DNP excluded): a group's share of all parts, a category's share
    of its group's parts; siblings sum to 1 (rounded to 4 places). ``weight_source`` is :data:`WEIGHT_SOURCE`
    ("BOM件数占比") and ``weight_estimate`` is false: the share is counted, not estimated. ``key_node`` marks the
    categories that usually decide whether a city can make the product (ICs, processors, memory, displays).
    Each ``card`` says in ``what`` what the BOM holds for the node and keeps the figures in the extra fields
    ``bom_lines``, ``bom_parts`` and ``bom_manufacturers`` (names as written in the BOM).
    """
    totals = _category_totals(bom)
    source = f"BOM文件 {bom.source}：{len(bom.lines)}行、{_fmt(float(bom.parts))}件（不含{len(bom.dnp_lines)}行不贴件）"
    by_group: dict[str, list[tuple[Category, Number, int, list[str]]]] = defaultdict(list)
    for item in totals:
        by_group[item[0].group].append(item)
    groups = [g for g in GROUPS if g in by_group]
    group_parts = [float(sum(item[1] for item in by_group[g])) for g in groups]
    nodes: list[dict[str, Any]] = []
    for group, group_weight, parts_in_group in zip(groups, _shares(group_parts), group_parts, strict=True):
        items = by_group[group]
        children = []
        for (category, parts, lines, makers), weight in zip(
            items, _shares([float(i[1]) for i in items]), strict=True
        ):
            maker_text = "、".join(makers[:8]) + ("等" if len(makers) > 8 else "") if makers else "未注明"
            children.append(
                _node(
                    category.key,
                    category.name,
                    category.name_en,
                    weight,
                    aliases=category.aliases,
                    keywords=category.keywords,
                    industry_codes=category.industry_codes,
                    hs_codes=category.hs_codes,
                    key_node=category.key_node,
                    card={
                        "what": f"{bom.name}中共{lines}行、{_fmt(parts)}件{category.name}；制造商：{maker_text}。",
                        "source": source,
                        "estimate": False,
                        "bom_lines": lines,
                        "bom_parts": parts,
                        "bom_manufacturers": makers,
                    },
                )
            )
        group_name, group_name_en = GROUPS[group]
        nodes.append(
            _node(
                group,
                group_name,
                group_name_en,
                group_weight,
                card={
                    "what": f"{bom.name}中共{_fmt(parts_in_group)}件{group_name}，分{len(children)}类。",
                    "source": source,
                    "estimate": False,
                },
                children=children,
            )
        )
    return {
        "slug": slug or _slug(bom.name),
        "name": bom.name,
        "name_en": bom.name if bom.name.isascii() else "",
        "description": (
            "由产品BOM分解得到的产业链：一级节点为元件大类，二级节点为元件类别。节点权重为该节点零件数占上级节点零件数的比例"
            "（按BOM件数计，不贴/DNP件不计），同级权重之和为1；它反映件数构成，不代表价值占比。"
        ),
        "source": source,
        "nodes": nodes,
        "links": [],
    }
