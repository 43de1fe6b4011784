"""POI files from Chinese map platforms (Amap 高德, Tianditu 天地图, Baidu, Tencent) — plain Python, no Django.

A CSV or XLSX with a header row: a name, a category or a platform type code, and the coordinates as
longitude + latitude columns or one ``location`` column ``"lon,lat"`` (Amap's layout). Coordinates are in
the file's ``crs`` (wgs84, gcj02 or bd09) and come out in WGS-84. The category is, in this order: one of
our category codes or Chinese labels in the category column, else the platform type code mapped by the
editable type-code table (longest matching prefix wins; Amap writes several codes as ``050500|060100``).
Rows whose type has no category are counted as skipped, not as errors: a platform export holds every kind
of place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhaoshang.core.errors import DomainError

from .categories import BY_CODE, CATEGORIES
from .coords import CRS_CHOICES, CoordinateError, to_wgs84

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "名称", "poi名称", "名字", "title"),
    "category": ("category", "类别", "分类", "我们的类别"),
    "type_code": ("typecode", "type_code", "type code", "类型编码", "类型代码", "分类编码", "type", "类型"),
    "lon": ("lon", "lng", "longitude", "经度", "x"),
    "lat": ("lat", "latitude", "纬度", "y"),
    "location": ("location", "坐标", "经纬度"),
}
LABELS = {
    "name": "名称",
    "category": "类别",
    "type_code": "类型编码",
    "lon": "经度",
    "lat": "纬度",
    "location": "坐标",
}

# Default platform type codes → our categories (Amap's POI classification; Tianditu and Tencent exports
# use the same six-digit scheme for these classes). Editable in the database (`PoiTypeCode`).
DEFAULT_TYPE_CODES: tuple[tuple[str, str, str], ...] = (
    ("050500", "coffee", "咖啡厅"),
    ("0501", "restaurant", "中餐厅"),
    ("0502", "restaurant", "外国餐厅"),
    ("0503", "restaurant", "快餐厅"),
    ("0504", "restaurant", "休闲餐饮场所"),
    ("050000", "restaurant", "餐饮服务"),
    ("080601", "cinema", "电影院"),
    ("080302", "ktv", "KTV"),
    ("0901", "hospital_clinic", "综合医院"),
    ("0902", "hospital_clinic", "专科医院"),
    ("0903", "hospital_clinic", "诊所"),
    ("141204", "kindergarten", "幼儿园"),
    ("141201", "school", "高等院校"),
    ("141202", "school", "中学"),
    ("141203", "school", "小学"),
    ("141206", "school", "职业技术学校"),
    ("1001", "hotel", "宾馆酒店"),
    ("1002", "hotel", "旅馆招待所"),
    ("060400", "supermarket", "超级市场"),
    ("060200", "supermarket", "便民商店/便利店"),
    ("090601", "pharmacy", "药房"),
    ("1601", "bank", "银行"),
    ("080111", "gym", "健身中心"),
    ("150700", "transit", "公交车站"),
    ("150500", "transit", "地铁站"),
    ("150200", "transit", "火车站"),
)

_LABEL_TO_CODE = {c.label_zh: c.code for c in CATEGORIES} | {c.code: c.code for c in CATEGORIES}


class PoiFileError(DomainError):
    def __init__(self, message: str, code: str = "bad_poi_file", **params: Any):
        super().__init__(message, code=code, **params)


@dataclass(frozen=True)
class PoiRow:
    row: int
    name: str
    category: str
    type_code: str
    lon: float  # WGS-84
    lat: float


@dataclass(frozen=True)
class RowIssue:
    row: int
    field: str  # Chinese column label
    value: str
    reason: str  # the Chinese sentence
    # which finding, and the values of its sentence, for the edge to say it in another language
    code: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Skipped:
    row: int
    type_code: str


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).lower()


def map_headers(header: list[str]) -> dict[str, int]:
    """Canonical field → column index; raises when the file has no name or no coordinates."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _norm(title)
        for field, names in HEADERS.items():
            if field not in found and key in {_norm(n) for n in names}:
                found[field] = index
                break
    missing = []  # (Chinese, the header names a file may use) of each missing column
    if "name" not in found:
        missing.append(("名称", "name"))
    if not ({"lon", "lat"} <= set(found) or "location" in found):
        missing.append(("经度/纬度（或 location 坐标）", "lon + lat (or location)"))
    if "category" not in found and "type_code" not in found:
        missing.append(("类别或类型编码", "category or typecode"))
    if missing:
        present = [h for h in header if h]
        raise PoiFileError(
            f"表头缺少：{'、'.join(zh for zh, _ in missing)}（现有表头：{'、'.join(present)}）",
            code="poi_header_missing",
            missing=", ".join(names for _, names in missing),
            header=", ".join(present),
        )
    return found


class TypeCodeTable:
    """Longest-prefix lookup of platform type codes."""

    def __init__(self, mapping: Mapping[str, str]):
        for prefix, category in mapping.items():
            if category not in BY_CODE:
                raise PoiFileError(
                    f"类型编码“{prefix}”映射到未知类别“{category}”",
                    code="bad_type_code_table",
                    prefix=prefix,
                    category=category,
                )
        self.mapping = {str(p).strip(): c for p, c in mapping.items() if str(p).strip()}
        self.lengths = sorted({len(p) for p in self.mapping}, reverse=True)

    def category(self, code: str) -> str | None:
        for part in re.split(r"[|;,/\s]+", code.strip()):
            for length in self.lengths:
                hit = self.mapping.get(part[:length]) if len(part) >= length else None
                if hit:
                    return hit
        return None


def _number(text: str) -> float | None:
    try:
        return float(str(text).strip())
    except ValueError:
        return None


def parse_rows(
    header: list[str], rows: Iterator[tuple[int, list]], *, crs: str, type_codes: TypeCodeTable
) -> Iterator[PoiRow | RowIssue | Skipped]:
    """Validate and convert each row; yields a POI, an issue (bad row) or a skipped row (unmapped type)."""
    if crs not in CRS_CHOICES:
        raise PoiFileError(
            f"未知坐标系“{crs}”；可选：{'、'.join(CRS_CHOICES)}",
            code="bad_crs",
            crs=crs,
            choices=", ".join(CRS_CHOICES),
        )
    cols = map_headers(header)

    def cell(cells: list, field: str) -> str:
        index = cols.get(field)
        if index is None or index >= len(cells) or cells[index] is None:
            return ""
        return str(cells[index]).strip()

    for number, cells in rows:
        name = cell(cells, "name")
        if not name:
            yield RowIssue(number, "名称", "", "名称为空", "poi_name_missing")
            continue
        if "location" in cols and not ("lon" in cols and cell(cells, "lon")):
            raw = cell(cells, "location")
            parts = re.split(r"[,，\s]+", raw)
            lon = _number(parts[0]) if len(parts) == 2 else None
            lat = _number(parts[1]) if len(parts) == 2 else None
            if lon is None or lat is None:
                yield RowIssue(number, "坐标", raw, "应写成“经度,纬度”", "poi_location_not_a_pair")
                continue
        else:
            lon, lat = _number(cell(cells, "lon")), _number(cell(cells, "lat"))
            if lon is None:
                yield RowIssue(number, "经度", cell(cells, "lon"), "不是数字", "poi_coordinate_not_a_number")
                continue
            if lat is None:
                yield RowIssue(number, "纬度", cell(cells, "lat"), "不是数字", "poi_coordinate_not_a_number")
                continue
        try:
            wlon, wlat = to_wgs84(lon, lat, crs)
        except CoordinateError as exc:
            yield RowIssue(number, "坐标", f"{lon},{lat}", exc.message, exc.code, exc.params)
            continue
        category_text = cell(cells, "category")
        type_code = cell(cells, "type_code")
        category = _LABEL_TO_CODE.get(category_text) or _LABEL_TO_CODE.get(category_text.lower())
        if category is None and category_text and "type_code" not in cols:
            category = type_codes.category(category_text)
            type_code = category_text
        if category is None and type_code:
            category = type_codes.category(type_code)
        if category is None:
            yield Skipped(number, type_code or category_text)
            continue
        yield PoiRow(number, name[:300], category, type_code[:50], wlon, wlat)


def read_poi_file(
    path: str | Path, *, crs: str, type_codes: TypeCodeTable
) -> Iterator[PoiRow | RowIssue | Skipped]:
    from zhaoshang.tabular import open_table

    try:
        table = open_table(path)
    except DomainError as exc:  # the shared reader's error keeps its code and params
        raise PoiFileError(exc.message, code=exc.code, **exc.params) from exc
    except ValueError as exc:
        raise PoiFileError(str(exc), code="unreadable") from exc
    return parse_rows(table.header, table.rows, crs=crs, type_codes=type_codes)
