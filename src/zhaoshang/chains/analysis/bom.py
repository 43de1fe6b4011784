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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from zhaoshang.chains.analysis.bom_categories import TABLES, Category
from zhaoshang.chains.analysis.errors import ChainAnalysisError
from zhaoshang.tabular.cells import cell_text
from zhaoshang.tabular.safety import WHOLE_SHEET_MAX_CELLS, FileRefused, check_spreadsheet, read_small_bytes

__all__ = [
    "CATEGORIES",
    "GROUPS",
    "WEIGHT_SOURCE",
    "Bom",
    "BomError",
    "BomIssue",
    "BomLine",
    "BomNote",
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
    """One problem with a BOM file: where it is (file, row as the user sees it, column) and why, in Chinese.

    A row finding also has a ``code`` and its values (``params``), so the edge can say it in English."""

    file: str
    row: int | None
    column: str | None
    reason: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}：{self.reason}"


class BomError(ChainAnalysisError):
    """The BOM cannot be read. ``issues`` lists every problem found, each with file, row, column and reason."""

    def __init__(self, issues: Sequence[BomIssue], code: str | None = None, **params: Any) -> None:
        self.issues: list[BomIssue] = list(issues)
        super().__init__("；".join(str(issue) for issue in self.issues) or "BOM无法读取", code=code, **params)


# --------------------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class BomNote:
    """A warning about a BOM that was read: the Chinese sentence of :attr:`Bom.warnings`, with a ``code`` and its
    values (``params``) so that the edge can say it in the user's language."""

    message: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
    notes: list[BomNote] = field(default_factory=list)  # the warnings with their codes, in the same order

    def warn(self, message: str, code: str, **params: Any) -> None:
        self.warnings.append(message)
        self.notes.append(BomNote(message, code, params))

    @property
    def parts(self) -> Number:
        return _tidy(sum(line.extended_quantity for line in self.lines))

    @property
    def dnp_parts(self) -> Number:
        return _tidy(sum(line.extended_quantity for line in self.dnp_lines))


GROUPS: dict[str, tuple[str, str]] = TABLES.groups
_CATEGORY_LIST: tuple[Category, ...] = TABLES.categories
CATEGORIES: dict[str, Category] = {category.key: category for category in _CATEGORY_LIST}


# --------------------------------------------------------------------------------------------------------------
# Categorisation


# The rules that categorise a line are data: chains/data/bom_categories.yaml (see bom_categories.py).
_IC_FUNCTIONS = TABLES.ic_functions
_PREFIXES = TABLES.prefixes
_FOOTPRINT_HINTS = TABLES.footprint_hints
_WORD_HINTS = TABLES.word_hints
_CONNECTOR_MAKERS = TABLES.connector_makers
_BATTERY_HOLDER_MAKERS = TABLES.battery_holder_makers

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
    raise BomError(
        [BomIssue(file, None, None, "文件编码无法识别（请另存为UTF-8或GBK编码的CSV）")],
        code="bom_encoding_unknown",
        file=file,
    )


def _read_rows(path: Path, file: str) -> list[list[str]]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise BomError([BomIssue(file, None, None, "文件不存在")], code="bom_file_missing", file=file)
    if suffix in _EXCEL_SUFFIXES:
        try:
            check_spreadsheet(path, max_cells=WHOLE_SHEET_MAX_CELLS)
        except FileRefused as exc:
            raise BomError([BomIssue(file, None, None, str(exc))], code=exc.code, **exc.params) from exc
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
                ],
                code="bom_excel_unreadable",
                file=file,
                error=type(exc).__name__,
            ) from exc
        rows: list[list[str]]
        for sheet in sheets:
            rows = [[cell_text(cell, strip=True, true="yes", false="") for cell in row] for row in sheet]
            if _find_header(rows) is not None:
                return rows
        return [
            [cell_text(cell, strip=True, true="yes", false="") for cell in row]
            for row in (sheets[0] if sheets else [])
        ]
    if suffix not in _TEXT_SUFFIXES:
        raise BomError(
            [
                BomIssue(
                    file,
                    None,
                    None,
                    f"不支持的文件类型「{path.suffix or '无扩展名'}」，请上传CSV或XLSX格式的BOM",
                )
            ],
            code="bom_file_type_unsupported",
            file=file,
            suffix=path.suffix or "-",
        )
    try:
        data = read_small_bytes(path, what="CSV")
    except FileRefused as exc:
        raise BomError([BomIssue(file, None, None, str(exc))], code=exc.code, **exc.params) from exc
    if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") or b"\x00" in data[:4096]:
        raise BomError(
            [BomIssue(file, None, None, "文件内容不是CSV文本（可能是Excel或其他二进制文件），请检查扩展名")],
            code="bom_not_csv_text",
            file=file,
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
            ],
            code="bom_row_unparseable",
            file=file,
            row=reader.line_num,
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
        raise BomError([BomIssue(file, None, None, "文件为空，没有任何BOM数据")], code="bom_empty", file=file)
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
            ],
            code="bom_header_missing",
            file=file,
        )
    header_index, columns = found
    header_row = header_index + 1
    header = rows[header_index]
    if "quantity" not in columns:
        raise BomError(
            [BomIssue(file, header_row, "数量", "缺少数量列（表头应包含「数量」「用量」或「Quantity」）")],
            code="bom_quantity_column_missing",
            file=file,
            row=header_row,
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
                bom.warn(
                    f"第{row_number}行：合计行的数量「{quantity_text}」不是数字，已忽略",
                    "bom_totals_quantity_not_a_number",
                    row=row_number,
                    raw=quantity_text,
                )
            continue
        if not identity:
            continue  # a row with text only in columns we do not read (a note, a signature)
        if not quantity_text:
            if totals:
                continue  # notes written under the totals row
            issues.append(BomIssue(file, row_number, col_name("quantity"), "数量为空", "bom_quantity_empty"))
            continue
        quantity = _parse_quantity(quantity_text)
        if quantity is None:
            issues.append(
                BomIssue(
                    file,
                    row_number,
                    col_name("quantity"),
                    f"数量「{quantity_text}」不是数字",
                    "bom_quantity_not_a_number",
                    {"raw": quantity_text},
                )
            )
            continue
        if quantity < 0:
            issues.append(
                BomIssue(
                    file,
                    row_number,
                    col_name("quantity"),
                    f"数量「{quantity_text}」不能为负数",
                    "bom_quantity_negative",
                    {"raw": quantity_text},
                )
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
            bom.warn(
                f"第{row_number}行：数量为{_fmt(quantity)}，但位号有{len(references)}个（{reference_text.strip()}）",
                "bom_quantity_differs_from_references",
                row=row_number,
                quantity=_fmt(quantity),
                count=len(references),
                references=reference_text.strip(),
            )
        if quantity == 0:
            bom.warn(f"第{row_number}行：数量为0", "bom_quantity_zero", row=row_number)
        raw.append(line)

    if issues:
        raise BomError(issues)
    if not raw:
        raise BomError(
            [BomIssue(file, header_row + 1, None, "表头下没有任何物料行")],
            code="bom_no_part_rows",
            file=file,
            row=header_row + 1,
        )

    raw = _resolve_parents(raw, bom, issues, file, col_name("parent"))
    if issues:
        raise BomError(issues)

    seen: dict[str, int] = {}
    for line in raw:
        if line.dnp:
            continue
        for ref in line.references:
            if ref in seen and seen[ref] != line.row:
                bom.warn(
                    f"第{line.row}行：位号{ref}与第{seen[ref]}行重复",
                    "bom_reference_repeated",
                    row=line.row,
                    reference=ref,
                    first=seen[ref],
                )
            seen.setdefault(ref, line.row)

    assembly_rows = {line.row for line in bom.assemblies}
    for line in raw:
        if line.row in assembly_rows:
            continue
        (bom.dnp_lines if line.dnp else bom.lines).append(line)
    if bom.dnp_lines:
        rows_text = "、".join(str(line.row) for line in bom.dnp_lines)
        bom.warn(
            f"第{rows_text}行：共{len(bom.dnp_lines)}行（{_fmt(float(bom.dnp_parts))}件）标为不贴（DNP），未计入",
            "bom_dnp_lines_not_counted",
            rows=", ".join(str(line.row) for line in bom.dnp_lines),
            lines=len(bom.dnp_lines),
            parts=_fmt(float(bom.dnp_parts)),
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
            issues.append(
                BomIssue(
                    file,
                    line.row,
                    parent_col,
                    f"上级「{line.parent}」在BOM中不存在",
                    "bom_parent_missing",
                    {"raw": line.parent},
                )
            )
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
                BomIssue(
                    file,
                    line.row,
                    parent_col,
                    f"上级关系形成循环（{line.label} → {line.parent}）",
                    "bom_parent_cycle",
                    {"part": line.label, "raw": line.parent},
                )
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
            bom.warn(
                f"第{row}行：合计行的数量为{_fmt(figure)}，与明细数量之和{_fmt(counted)}不一致（合计行未计入）",
                "bom_totals_row_disagrees",
                row=row,
                total=_fmt(figure),
                counted=_fmt(counted),
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
