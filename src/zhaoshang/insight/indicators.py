"""Region × indicator × year tables (统计年鉴 extracts): reading, units, similar cities (plain Python, no Django).

Two layouts are read, with Chinese headers (aliases in :data:`HEADERS`):

- long: one row per region, indicator and year — 地区 / 指标 / 年份 / 数值 / 单位 / 来源 (and optionally 地区代码, 示例);
- wide: one row per region and indicator with the years as columns (``2019``, ``2020年``, ...), the unit in a 单位
  column, in the indicator's name (``地区生产总值（亿元）``) or in a title line above the header (``单位：亿元``);
- one row per region and year with one column per indicator, each header carrying its unit
  (``地区生产总值（亿元）``);
- a two-row header as yearbooks print it: the indicators (merged cells) above, the years below them.

Every value is converted to the canonical unit of its kind (:data:`UNITS`: money in 亿元, US dollars in 亿美元,
people in 万人, ...). A unit the table does not know, or one of another kind than the indicator's, is a row error
naming the row, the column and the reason; so are a year or a value that cannot be read and a cell given twice.
Empty cells and the statisticians' "no data" marks (``-``, ``—``, ``…``) are skipped with a warning.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from zhaoshang.insight.errors import InputFileError
from zhaoshang.tabular import RowIssue, UnreadableFileError, cell_text
from zhaoshang.tabular.readers import iter_rows


@dataclass(frozen=True)
class Unit:
    family: str  # units of one family convert into each other
    factor: float  # how many of the family's base unit one of this unit is
    canonical: str  # the family's canonical unit (what values are stored in)


def _family(canonical: str, family: str, units: Mapping[str, float]) -> dict[str, Unit]:
    return {name: Unit(family, factor, canonical) for name, factor in units.items()}


#: Unit text (normalised: no spaces, brackets or "人民币") → its family, factor and canonical unit.
UNITS: Final[dict[str, Unit]] = {
    **_family(
        "亿元",
        "cny",
        {
            "元": 1,
            "千元": 1e3,
            "万元": 1e4,
            "十万元": 1e5,
            "百万元": 1e6,
            "千万元": 1e7,
            "亿元": 1e8,
            "万亿元": 1e12,
        },
    ),
    **_family(
        "亿美元",
        "usd",
        {"美元": 1, "千美元": 1e3, "万美元": 1e4, "百万美元": 1e6, "千万美元": 1e7, "亿美元": 1e8},
    ),
    **_family("万人", "persons", {"人": 1, "千人": 1e3, "万人": 1e4, "百万人": 1e6, "亿人": 1e8}),
    **_family("万人次", "person_times", {"人次": 1, "万人次": 1e4, "亿人次": 1e8}),
    **_family("%", "percent", {"%": 1, "％": 1, "百分比": 1, "‰": 0.1}),
    **_family("元/人", "cny_per_person", {"元/人": 1, "万元/人": 1e4}),
    **_family("万吨", "tonnes", {"吨": 1, "千吨": 1e3, "万吨": 1e4, "亿吨": 1e8}),
    **_family("亿千瓦时", "kwh", {"千瓦时": 1, "度": 1, "万千瓦时": 1e4, "亿千瓦时": 1e8}),
    **_family("平方公里", "km2", {"平方公里": 1, "平方千米": 1, "km2": 1}),
    **_family("万平方米", "m2", {"平方米": 1, "万平方米": 1e4}),
    **_family("人/平方公里", "density", {"人/平方公里": 1, "人/平方千米": 1}),
    **_family("公里", "km", {"公里": 1, "千米": 1, "km": 1, "米": 1e-3}),
    **_family("万辆", "vehicles", {"辆": 1, "万辆": 1e4}),
    **_family("万标箱", "teu", {"标箱": 1, "万标箱": 1e4, "TEU": 1, "万TEU": 1e4}),
    **_family("万千瓦", "kw", {"千瓦": 1, "万千瓦": 1e4}),
    **_family("公顷", "hectares", {"公顷": 1, "千公顷": 1e3, "亩": 1 / 15, "万亩": 1e4 / 15}),
    **_family("家", "firms", {"家": 1, "万家": 1e4}),
    **_family("个", "items", {"个": 1, "万个": 1e4}),
    **_family("户", "households", {"户": 1, "万户": 1e4}),
    **_family("件", "pieces", {"件": 1, "万件": 1e4}),
    **_family("项", "projects", {"项": 1}),
}
UNIT_ALIASES: Final = {
    "元人民币": "元",
    "人民币元": "元",
    "万元人民币": "万元",
    "人民币万元": "万元",
    "亿元人民币": "亿元",
    "人民币亿元": "亿元",
    "万美金": "万美元",
    "亿美金": "亿美元",
    "美金": "美元",
    "percent": "%",
    "元/每人": "元/人",
    "元每人": "元/人",
    "平方公里km2": "平方公里",
}

#: canonical field → accepted headers (compared without spaces and brackets, lower case)
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "region": (
        "地区",
        "地区名称",
        "城市",
        "城市名称",
        "地市",
        "区域",
        "行政区划",
        "行政区",
        "行政区划名称",
        "市",
        "区县",
        "region",
        "city",
    ),
    "region_code": ("地区代码", "行政区划代码", "区划代码", "城市代码", "代码", "regioncode", "code"),
    "indicator": ("指标", "指标名称", "统计指标", "项目", "indicator"),
    "year": ("年份", "年度", "年", "时间", "统计年度", "year"),
    "value": ("数值", "值", "数据", "指标值", "数量", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "source": ("来源", "数据来源", "资料来源", "source"),
    "example": ("示例", "是否示例", "示例数据", "example"),
    "note": ("备注", "说明", "note"),
}
LABELS: Final = {key: names[0] for key, names in HEADERS.items()}
MISSING_MARKS: Final = frozenset(
    {"", "-", "--", "—", "——", "…", "……", "...", "/", "nan", "NaN", "NA", "N/A", "无"}
)
YEAR_HEADER: Final = re.compile(r"^((?:19|20)\d\d)(?:年|年度)?(?:\.0)?$")
UNIT_IN_NAME: Final = re.compile(r"^(.*?)[（(]([^（）()]+)[)）]\s*$")
UNIT_LINE: Final = re.compile(r"单位\s*[:：]\s*([^\s,，;；)）]+)")
TRUE_TEXT: Final = frozenset({"是", "y", "yes", "true", "1", "示例", "√", "x"})
HEADER_SEARCH_ROWS: Final = 10


def _norm_header(text: str) -> str:
    return re.sub(r"[\s（）()【】\[\]*：:_]", "", str(text)).lower()


_LOOKUP: Final = {_norm_header(alias): key for key, aliases in HEADERS.items() for alias in aliases}


def normalise_unit(text: str) -> str:
    t = re.sub(r"[\s（）()]", "", str(text)).replace("／", "/")
    t = UNIT_ALIASES.get(t, t)
    return UNIT_ALIASES.get(t.lower(), t)


def unit_for(text: str) -> Unit | None:
    """The unit of a cell's text, or None when the table does not know it."""
    return UNITS.get(normalise_unit(text))


def known_units() -> list[str]:
    return sorted(UNITS, key=lambda u: (UNITS[u].family, UNITS[u].factor))


def convert(value: float, unit: str, to: str) -> float:
    """``value`` in ``unit`` expressed in ``to`` (both known units of one family)."""
    a, b = unit_for(unit), unit_for(to)
    if a is None or b is None or a.family != b.family:
        raise ValueError(f"{unit} → {to}")
    return value * a.factor / b.factor


@dataclass(frozen=True)
class IndicatorRecord:
    """One value read from a file, converted to its canonical unit."""

    row: int
    region: str
    region_code: str
    indicator: str
    year: int
    value: float
    unit: str  # canonical
    raw_value: str
    raw_unit: str
    source: str
    example: bool


@dataclass
class IndicatorFile:
    """What a file holds: the records and the problems found (errors reject the file)."""

    layout: str  # long | wide_years | wide_indicators | wide_grouped
    records: list[IndicatorRecord] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity == "error"]


# ---------------------------------------------------------------------------------------------- regions

_REGION_SUFFIXES: Final = ("市", "县", "区", "省")


@functools.cache
def _region_index() -> dict[str, tuple[str, str]]:
    from zhaoshang.core.reference.regions import default_regions

    table = default_regions()
    rank = {"city": 0, "province": 1, "county": 2}
    index: dict[str, tuple[int, str, str]] = {}
    for code in table:
        region = table[code]
        if region.is_grouping:
            continue
        names = {region.name}
        for suffix in _REGION_SUFFIXES:
            if region.name.endswith(suffix) and len(region.name) > len(suffix) + 1:
                names.add(region.name[: -len(suffix)])
        for name in names:
            entry = (rank[region.level], code, region.name)
            if name not in index or entry < index[name]:
                index[name] = entry
    return {name: (code, full) for name, (_, code, full) in index.items()}


@functools.lru_cache(maxsize=4096)
def resolve_region(name: str, code: str = "") -> tuple[str, str]:
    """``(region name, GB/T 2260 code)`` for what a file writes: 株洲 → (株洲市, 430200); unknown names stay as
    written with an empty code (a region outside the table, such as 全国 or 长三角)."""
    name, code = name.strip(), code.strip()
    try:
        index = _region_index()
        from zhaoshang.core.reference.regions import default_regions

        table = default_regions()
    except Exception:  # the region table is not installed: keep what the file says
        return name, code
    if code:
        try:
            return (name or table[code].name), code
        except Exception:  # not a known code
            if not name:
                return "", code
    if name in index:
        found_code, full = index[name]
        return full, code or found_code
    return name, code


def region_key(name: str) -> str:
    """The name regions are matched by (株洲 and 株洲市 are one city)."""
    return resolve_region(name)[0]


# ---------------------------------------------------------------------------------------------- reading


def _text(cell: object) -> str:
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, date):
        return cell.isoformat()
    return cell_text(cell).strip()


_DATE_TEXT: Final = re.compile(r"^((?:19|20)\d\d)-\d\d-\d\d")


def parse_year(text: str) -> int | None:
    """``2021``, ``2021年``, ``2021年度``, ``2021.0`` or a date cell (``2021-01-01``) → 2021."""
    m = _DATE_TEXT.match(text.strip())
    if m:
        return int(m.group(1))
    t = text.strip().replace("年度", "").replace("年", "")
    if t.endswith(".0"):
        t = t[:-2]
    if not t.isdigit():
        return None
    year = int(t)
    return year if 1900 <= year <= 2100 else None


def parse_value(text: str) -> float | None:
    t = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = float(t)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def split_unit(name: str) -> tuple[str, str]:
    """``地区生产总值（亿元）`` → (地区生产总值, 亿元); a name without a bracketed known unit comes back whole."""
    m = UNIT_IN_NAME.match(name.strip())
    if m and unit_for(m.group(2)) is not None:
        return m.group(1).strip(), m.group(2).strip()
    return name.strip(), ""


def read_indicator_file(
    path: str | Path,
    *,
    indicator: str = "",
    unit: str = "",
    source: str = "",
    example: bool = False,
    indicator_units: Mapping[str, str] | None = None,
) -> IndicatorFile:
    """Read a file (see the module documentation) into records and row-numbered issues.

    ``indicator`` / ``unit`` / ``source`` stand in for columns the file does not have; ``indicator_units`` are
    the canonical units already known for indicators (a value in a unit of another kind is a row error).
    Raises :class:`InputFileError` when the file cannot be read or has no region column.
    """
    path = Path(path)
    try:
        rows = iter_rows(path)
        head: list[tuple[int, list[str]]] = []
        header_at = None
        for row_number, cells in rows:
            texts = [_text(c) for c in cells]
            head.append((row_number, texts))
            if any(_LOOKUP.get(_norm_header(t)) in ("region", "region_code") for t in texts):
                header_at = len(head) - 1
                break
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except UnreadableFileError as exc:
        raise InputFileError.unreadable(path, exc) from None
    except FileNotFoundError:
        raise InputFileError(path, "文件不存在", code="insight_file_not_found") from None
    if header_at is None:
        if not head:
            raise InputFileError(path, "文件是空的，没有表头", code="indicator_file_empty")
        shown = "、".join(t for t in head[0][1] if t) or "（空）"
        raise InputFileError(
            path,
            f"找不到“地区”列（表头有：{shown}；可用列名：{'、'.join(HEADERS['region'][:6])}）",
            row=head[0][0],
            code="indicator_region_column_missing",
            header=", ".join(t for t in head[0][1] if t),
            names=", ".join(HEADERS["region"][:6]),
        )
    header_row, header = head[header_at]
    for _, texts in head[:header_at]:  # a title line above the header: "单位：亿元"
        for t in texts:
            m = UNIT_LINE.search(t)
            if m and not unit and unit_for(m.group(1)) is not None:
                unit = m.group(1)
    reader = _Reader(path, indicator, unit, source, example, dict(indicator_units or {}))
    columns: dict[str, int] = {}
    year_columns: list[tuple[int, int]] = []
    indicator_columns: list[tuple[int, str, str]] = []
    grouped: list[tuple[int, str, int]] = []  # (column, indicator header above, year)
    unknown: list[tuple[int, str]] = []
    for i, h in enumerate(header):
        if not h:
            continue
        key = _LOOKUP.get(_norm_header(h))
        m = YEAR_HEADER.match(h)
        if key and key not in columns:
            columns[key] = i
        elif m:
            year_columns.append((i, int(m.group(1))))
        else:
            unknown.append((i, h))
    if "value" in columns and "year" in columns:
        layout = "long"
    elif year_columns:
        layout = "wide_years"
    elif "year" in columns:
        layout = "wide_indicators"
        for i, h in unknown:
            name, found_unit = split_unit(h)
            if found_unit:
                indicator_columns.append((i, name, found_unit))
        unknown = [(i, h) for i, h in unknown if not split_unit(h)[1]]
        if not indicator_columns:
            raise InputFileError(
                path,
                "有“年份”列但没有“数值”列，也没有带单位的指标列（如“地区生产总值（亿元）”）",
                row=header_row,
                code="indicator_value_column_missing",
            )
    else:  # a two-row header: indicators (merged cells) above, the years below them
        try:
            second = next(rows, None)
        except UnreadableFileError as exc:
            raise InputFileError.unreadable(path, exc) from None
        if second is not None:
            sub = [_text(c) for c in second[1]]
            keyed = set(columns.values())
            current = ""
            for i, text in enumerate(sub):
                above = header[i] if i < len(header) else ""
                if above and i not in keyed:
                    current = above
                m = YEAR_HEADER.match(text)
                if m and current:
                    grouped.append((i, current, int(m.group(1))))
        if not grouped:
            raise InputFileError(
                path,
                "既没有“年份”和“数值”列（长表），也没有以年份为表头的列（宽表，如“2020”或“2020年”）",
                row=header_row,
                code="indicator_layout_unknown",
            )
        layout = "wide_grouped"
        groups = {g for _, g, _ in grouped}
        unknown = [(i, h) for i, h in unknown if h not in groups]
    if layout in ("long", "wide_years") and "indicator" not in columns and not indicator:
        raise InputFileError(
            path, "缺少“指标”列（或在导入时指定指标名称）", row=header_row, code="indicator_column_missing"
        )
    ignored = [h for _, h in unknown] + ([header[columns["note"]]] if "note" in columns else [])
    result = IndicatorFile(layout=layout, ignored_columns=ignored)
    label = {key: header[i] for key, i in columns.items()}
    reader.labels = label
    try:
        for row_number, cells in rows:
            texts = [_text(c) for c in cells]
            if not any(texts):
                continue

            def get(key: str, texts: list[str] = texts) -> str:
                i = columns.get(key)
                return texts[i] if i is not None and i < len(texts) else ""

            base = reader.row_base(row_number, get, result)
            if base is None:
                continue
            if layout == "long":
                reader.cell(
                    result, row_number, base, get("year"), label["year"], get("value"), label["value"]
                )
            elif layout == "wide_years":
                for i, year in year_columns:
                    raw = texts[i] if i < len(texts) else ""
                    reader.cell(result, row_number, base, str(year), header[i], raw, header[i])
            elif layout == "wide_grouped":
                for i, group, year in grouped:
                    name, col_unit = split_unit(group)
                    raw = texts[i] if i < len(texts) else ""
                    where = f"{group} {year}"
                    cell_base = {
                        **base,
                        "indicator": name,
                        "unit": col_unit or base["unit"],
                        "unit_column": group,
                    }
                    reader.cell(result, row_number, cell_base, str(year), where, raw, where)
            else:
                for i, name, col_unit in indicator_columns:
                    raw = texts[i] if i < len(texts) else ""
                    cell_base = {**base, "indicator": name, "unit": col_unit, "unit_column": header[i]}
                    reader.cell(result, row_number, cell_base, get("year"), label["year"], raw, header[i])
    except UnreadableFileError as exc:
        raise InputFileError.unreadable(path, exc) from None
    return result


class _Reader:
    def __init__(self, path, indicator, unit, source, example, indicator_units) -> None:
        self.path = path
        self.indicator = indicator.strip()
        self.unit = unit.strip()
        self.source = source.strip()
        self.example = example
        self.units: dict[str, str] = indicator_units  # indicator → canonical unit
        self.unit_rows: dict[str, int] = {}
        self.seen: dict[tuple[str, str, int], int] = {}
        self.labels: dict[str, str] = {}

    def _label(self, key: str) -> str:
        return self.labels.get(key, LABELS[key])

    def row_base(self, row: int, get, result: IndicatorFile) -> dict | None:
        errors = []
        name, code = get("region"), get("region_code")
        if code.endswith(".0"):
            code = code[:-2]
        if not name and not code:
            errors.append(RowIssue(row, self._label("region"), "", "required", "地区为空", "error"))
        indicator = get("indicator") or self.indicator
        unit = get("unit") or self.unit
        if "indicator" in self.labels and not get("indicator") and not self.indicator:
            errors.append(RowIssue(row, self._label("indicator"), "", "required", "指标为空", "error"))
        elif indicator and not get("unit"):
            bare, in_name = split_unit(indicator)
            if in_name:
                indicator, unit = bare, in_name
        if errors:
            result.issues.extend(errors)
            return None
        region, region_code = resolve_region(name, code)
        if not region:
            result.issues.append(
                RowIssue(
                    row,
                    self._label("region_code"),
                    code,
                    "unknown_region",
                    f"地区代码“{code}”不是已知的行政区划代码，且没有填写地区名称",
                    "error",
                )
            )
            return None
        flag = get("example").lower()
        example = self.example or flag in TRUE_TEXT
        source = get("source") or self.source
        if "示例" in source:
            example = True
        return {
            "region": region,
            "region_code": region_code,
            "indicator": indicator,
            "unit": unit,
            "unit_column": self._label("unit") if get("unit") else (self._label("indicator")),
            "source": source,
            "example": example,
        }

    def cell(self, result, row, base, year_text, year_label, raw, value_label) -> None:
        if raw.strip() in MISSING_MARKS:
            result.issues.append(
                RowIssue(row, value_label, raw, "missing_value", "没有数值（空或“-”“…”），已跳过", "warning")
            )
            return
        year = parse_year(year_text)
        if year is None:
            result.issues.append(
                RowIssue(
                    row, year_label, year_text, "bad_year", f"“{year_text}”不是年份（1900–2100）", "error"
                )
            )
            return
        unit_text = base["unit"]
        text = raw.strip()
        if text.endswith(("%", "％")):  # 6.5% in the value cell: the unit is %
            text = text[:-1]
            unit_text = unit_text or "%"
        value = parse_value(text)
        if value is None:
            result.issues.append(RowIssue(row, value_label, raw, "not_a_number", f"“{raw}”不是数值", "error"))
            return
        indicator = base["indicator"]
        if not unit_text:
            result.issues.append(
                RowIssue(
                    row,
                    LABELS["unit"],
                    "",
                    "unit_missing",
                    f"指标“{indicator}”没有声明单位（加“单位”列，或写成“{indicator}（亿元）”）",
                    "error",
                    {"indicator": indicator},
                )
            )
            return
        unit = unit_for(unit_text)
        if unit is None:
            result.issues.append(
                RowIssue(
                    row,
                    base["unit_column"],
                    unit_text,
                    "unknown_unit",
                    f"未知的单位“{unit_text}”（可用：{'、'.join(known_units()[:24])}…）",
                    "error",
                )
            )
            return
        known = self.units.get(indicator)
        if known is not None and unit_for(known) is not None and unit_for(known).family != unit.family:  # type: ignore[union-attr]
            where = f"第{self.unit_rows[indicator]}行" if indicator in self.unit_rows else "已导入的数据"
            result.issues.append(
                RowIssue(
                    row,
                    base["unit_column"],
                    unit_text,
                    "unit_mismatch",
                    f"单位“{unit_text}”不能换算为指标“{indicator}”的单位“{known}”（见{where}）",
                    "error",
                    {"indicator": indicator, "unit": known},
                )
            )
            return
        if known is None:
            self.units[indicator] = unit.canonical
            self.unit_rows[indicator] = row
        canonical = self.units[indicator]
        key = (base["region"], indicator, year)
        if key in self.seen:
            result.issues.append(
                RowIssue(
                    row,
                    value_label,
                    raw,
                    "duplicate",
                    f"{base['region']} {indicator} {year}年 与第{self.seen[key]}行重复",
                    "error",
                    {"region": base["region"], "indicator": indicator, "year": year, "first": self.seen[key]},
                )
            )
            return
        self.seen[key] = row
        result.records.append(
            IndicatorRecord(
                row=row,
                region=base["region"],
                region_code=base["region_code"],
                indicator=indicator,
                year=year,
                value=convert(value, unit_text, canonical),
                unit=canonical,
                raw_value=raw,
                raw_unit=unit_text,
                source=base["source"],
                example=base["example"],
            )
        )


# ---------------------------------------------------------------------------------------------- similar cities

Series = Mapping[str, Mapping[str, Mapping[int, float]]]  # region → indicator → year → value


@dataclass(frozen=True)
class Similarity:
    """Regions ranked by their distance to ``home`` over z-scored indicators in one year."""

    home: str
    year: int | None
    indicators: tuple[str, ...]  # the ones used (an indicator with no spread is left out)
    dropped: tuple[str, ...]
    ranking: tuple[tuple[str, float], ...]  # (region, distance), nearest first


def similar_regions(
    data: Series, home: str, indicators: Sequence[str], *, year: int | None = None, limit: int = 10
) -> Similarity:
    """Euclidean distance to ``home`` over the z-scores (population standard deviation, across the regions that
    have every chosen indicator in that year) of ``indicators``, in ``year`` or the latest year in which the home
    region and at least two others have them all."""
    chosen = tuple(dict.fromkeys(indicators))
    if not chosen:
        return Similarity(home, None, (), (), ())

    def complete(region: str, y: int) -> bool:
        values = data.get(region, {})
        return all(y in values.get(ind, {}) for ind in chosen)

    if year is None:
        years = sorted({y for ind in chosen for y in data.get(home, {}).get(ind, {})}, reverse=True)
        for y in years:
            if complete(home, y) and sum(1 for r in data if r != home and complete(r, y)) >= 2:
                year = y
                break
        if year is None:
            return Similarity(home, None, chosen, (), ())
    regions = [r for r in data if complete(r, year)]
    if home not in regions:
        return Similarity(home, year, chosen, (), ())
    used, dropped, columns = [], [], []
    for ind in chosen:
        xs = [float(data[r][ind][year]) for r in regions]
        mean = sum(xs) / len(xs)
        std = math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs))
        if std == 0:
            dropped.append(ind)
            continue
        used.append(ind)
        columns.append([(x - mean) / std for x in xs])
    at = regions.index(home)
    ranking = []
    for k, region in enumerate(regions):
        if region == home:
            continue
        distance = math.sqrt(sum((col[k] - col[at]) ** 2 for col in columns))
        ranking.append((region, distance))
    ranking.sort(key=lambda item: (item[1], item[0]))
    return Similarity(home, year, tuple(used), tuple(dropped), tuple(ranking[:limit]))


def series_from_rows(rows: Iterable[tuple[str, str, int, float]]) -> dict[str, dict[str, dict[int, float]]]:
    out: dict[str, dict[str, dict[int, float]]] = {}
    for region, indicator, year, value in rows:
        out.setdefault(region, {}).setdefault(indicator, {})[int(year)] = float(value)
    return out
