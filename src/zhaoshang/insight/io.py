"""Input-output tables: reading the NBS tables, direct and total (Leontief) requirements, regional leakage.

Plain numpy, no Django. The NBS layout (as in ``../shared/data/io/``, values in 万元): a header row
``,Code,Description,DescriptionInChinese[,Origin],<sector codes...>,TIU,...,GO``; one row per sector (with
``Origin`` = ``Domestic`` / ``Imports`` in the non-competitive 2020 42-sector table, whose imported intermediate
use comes in a second block of rows); then ``TII`` (total intermediate input), ``VA00x``, ``TVA`` and ``TI``
(total input = gross output).

* direct requirements ``A[i, j] = Z[i, j] / x[j]``: what sector ``j`` buys from sector ``i`` per unit of output
  (domestic plus imported intermediate use; the imported part is kept apart when the table has it);
* total requirements ``L = (I - A)^-1`` (Leontief inverse): direct and indirect;
* regional supply by location quotient: a region supplies ``min(1, LQ_i)`` of its needs of sector ``i``; the
  leakage of a target industry ``j`` is ``A[i, j] * (1 - min(1, LQ_i))`` — what it must buy outside the region,
  i.e. the supplier industries worth attracting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhaoshang.insight.errors import InputFileError, InsightError

TOTAL_INPUT_ROW = "TI"
ROW_CODES_AFTER_SECTORS = ("TII", "VA001", "VA002", "VA003", "VA004", "TVA", "TI")


@dataclass
class IOTable:
    """An input-output table: sector codes and names, intermediate flows, gross output."""

    codes: list[str]
    names: list[str]  # Chinese
    names_en: list[str]
    flows: np.ndarray  # n × n intermediate use (domestic + imported), 万元
    output: np.ndarray  # n gross output (total input), 万元
    imported: np.ndarray | None = None  # n × n imported intermediate use when the table separates it
    value_added: np.ndarray | None = None
    meta: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.codes)

    def index(self, code: str) -> int:
        code = str(code).strip()
        try:
            return self.codes.index(code)
        except ValueError:
            for i, name in enumerate(self.names):
                if name == code:
                    return i
            raise InsightError(
                f"投入产出表中没有部门“{code}”", code="io_sector_unknown", sector=code
            ) from None

    def to_json(self) -> dict:
        return {
            "codes": self.codes,
            "names": self.names,
            "names_en": self.names_en,
            "flows": self.flows.tolist(),
            "output": self.output.tolist(),
            "imported": None if self.imported is None else self.imported.tolist(),
            "value_added": None if self.value_added is None else self.value_added.tolist(),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict) -> IOTable:
        return cls(
            codes=list(data["codes"]),
            names=list(data["names"]),
            names_en=list(data.get("names_en") or data["names"]),
            flows=np.asarray(data["flows"], dtype=float),
            output=np.asarray(data["output"], dtype=float),
            imported=None if data.get("imported") is None else np.asarray(data["imported"], dtype=float),
            value_added=None
            if data.get("value_added") is None
            else np.asarray(data["value_added"], dtype=float),
            meta=dict(data.get("meta") or {}),
        )


def _number(path, row, column, text) -> float:
    t = str(text).strip().replace(",", "")
    if not t:
        return 0.0
    try:
        value = float(t)
    except ValueError:
        raise InputFileError(
            path, f"“{text}”不是数值", row=row, column=column, code="insight_value_not_a_number", text=text
        ) from None
    if not np.isfinite(value):
        raise InputFileError(
            path, f"“{text}”不是有限数值", row=row, column=column, code="insight_value_not_finite", text=text
        )
    return value


def read_io_table(path: str | Path) -> IOTable:
    """Read an NBS input-output table (CSV or XLSX in the layout described above)."""
    from zhaoshang.tabular import UnreadableFileError, cell_text, open_table

    path = Path(path)
    try:
        table = open_table(path)
        rows = [(n, [c if isinstance(c, str) else cell_text(c) for c in cells]) for n, cells in table.rows]
    except UnreadableFileError as exc:
        raise InputFileError.unreadable(path, exc) from None
    header = [h.strip() for h in table.header]
    if "Code" not in header:
        raise InputFileError(
            path,
            "缺少列“Code”（部门代码），不是国家统计局投入产出表的格式",
            row=table.header_row,
            code="io_code_column_missing",
        )
    code_col = header.index("Code")
    zh_col = header.index("DescriptionInChinese") if "DescriptionInChinese" in header else None
    en_col = header.index("Description") if "Description" in header else None
    origin_col = header.index("Origin") if "Origin" in header else None

    def cell(cells, i):
        return cells[i].strip() if i is not None and i < len(cells) else ""

    domestic: dict[str, tuple[int, list[str]]] = {}
    imports: dict[str, tuple[int, list[str]]] = {}
    order: list[str] = []
    names: dict[str, tuple[str, str]] = {}
    totals: dict[str, tuple[int, list[str]]] = {}
    for number, cells in rows:
        code = cell(cells, code_col)
        if not code:
            continue
        origin = cell(cells, origin_col).lower()
        if code in ROW_CODES_AFTER_SECTORS:
            totals[code] = (number, cells)
            continue
        if origin.startswith("import"):
            imports[code] = (number, cells)
            continue
        if code in domestic:
            raise InputFileError(
                path,
                f"部门代码“{code}”出现了两次",
                row=number,
                column="Code",
                code="io_sector_repeated",
                sector=code,
            )
        domestic[code] = (number, cells)
        order.append(code)
        names[code] = (cell(cells, zh_col) or cell(cells, en_col) or code, cell(cells, en_col) or code)
    if not order:
        raise InputFileError(path, "没有找到任何部门行", code="io_no_sector_rows")
    missing = [c for c in order if c not in header]
    if missing:
        raise InputFileError(
            path,
            f"表头缺少部门列：{'、'.join(missing[:5])}",
            row=table.header_row,
            code="io_sector_columns_missing",
            sectors=", ".join(missing[:5]),
        )
    cols = [header.index(c) for c in order]
    n = len(order)

    def matrix(block):
        z = np.zeros((n, n))
        for i, code in enumerate(order):
            if code not in block:
                continue
            number, cells = block[code]
            for j, col in enumerate(cols):
                z[i, j] = _number(path, number, header[col], cells[col] if col < len(cells) else "")
        return z

    z_dom = matrix(domestic)
    z_imp = matrix(imports) if imports else None
    if TOTAL_INPUT_ROW in totals:
        number, cells = totals[TOTAL_INPUT_ROW]
        output = np.array(
            [_number(path, number, header[c], cells[c] if c < len(cells) else "") for c in cols]
        )
    elif "GO" in header:  # gross output column
        go = header.index("GO")
        output = np.array([_number(path, domestic[c][0], "GO", cell(domestic[c][1], go)) for c in order])
    else:
        raise InputFileError(path, "缺少总投入行“TI”或总产出列“GO”", code="io_output_missing")
    value_added = None
    if "TVA" in totals:
        number, cells = totals["TVA"]
        value_added = np.array(
            [_number(path, number, header[c], cells[c] if c < len(cells) else "") for c in cols]
        )
    flows = z_dom + (z_imp if z_imp is not None else 0.0)
    return IOTable(
        codes=order,
        names=[names[c][0] for c in order],
        names_en=[names[c][1] for c in order],
        flows=flows,
        output=output,
        imported=z_imp,
        value_added=value_added,
        meta={"file": path.name, "sectors": n, "noncompetitive": z_imp is not None},
    )


def direct_requirements(table: IOTable) -> np.ndarray:
    """``A[i, j] = Z[i, j] / x[j]`` (0 for a sector without output)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = table.flows / table.output[None, :]
    a[:, table.output == 0] = 0.0
    return a


def total_requirements(a: np.ndarray) -> np.ndarray:
    """The Leontief inverse ``(I - A)^-1``."""
    n = a.shape[0]
    try:
        return np.linalg.solve(np.eye(n) - a, np.eye(n))
    except np.linalg.LinAlgError:
        raise InsightError("投入产出表的(I-A)不可逆，请检查数据", code="io_leontief_singular") from None


def supply_shares(table: IOTable, location_quotients: Mapping[str, float]) -> np.ndarray:
    """Share of the region's needs of each sector that it can supply: ``min(1, LQ)`` (0 where LQ is unknown)."""
    return np.array([min(1.0, max(0.0, float(location_quotients.get(code, 0.0)))) for code in table.codes])


def location_quotients(regional: Mapping[str, float], national: Mapping[str, float]) -> dict[str, float]:
    """``LQ_i = (r_i / sum r) / (n_i / sum n)`` from regional and national sizes (firms, output, employment)."""
    r_total = sum(v for v in regional.values() if v > 0)
    n_total = sum(v for v in national.values() if v > 0)
    out = {}
    for code, n in national.items():
        if n > 0 and r_total > 0 and n_total > 0:
            out[code] = (regional.get(code, 0.0) / r_total) / (n / n_total)
    return out


@dataclass(frozen=True)
class Requirement:
    code: str
    name: str
    direct: float  # per unit of the target's output
    total: float  # Leontief
    supply_share: float | None
    leakage: float | None  # direct * (1 - supply share)
    total_leakage: float | None


def requirements(
    table: IOTable, target: str, *, location_quotients: Mapping[str, float] | None = None
) -> list[Requirement]:
    """What the target sector buys from every sector, directly and in total, and (with LQs) what leaks out.

    Sorted by leakage when LQs are given, else by direct requirement (largest first).
    """
    j = table.index(target)
    a = direct_requirements(table)
    total = total_requirements(a)
    shares = supply_shares(table, location_quotients) if location_quotients is not None else None
    out = []
    for i, code in enumerate(table.codes):
        share = None if shares is None else float(shares[i])
        out.append(
            Requirement(
                code=code,
                name=table.names[i],
                direct=float(a[i, j]),
                total=float(total[i, j]),
                supply_share=share,
                leakage=None if share is None else float(a[i, j] * (1 - share)),
                total_leakage=None if share is None else float(total[i, j] * (1 - share)),
            )
        )
    key = (lambda r: -(r.leakage or 0.0)) if shares is not None else (lambda r: -r.direct)
    out.sort(key=key)
    return out


#: The shipped mapping of the 42 sectors of the NBS table to GB/T 4754-2017 divisions (大类); editable: pass
#: your own file (columns io_code, gbt4754_divisions — codes separated by spaces) to :func:`load_sector_mapping`.
DEFAULT_MAPPING = Path(__file__).with_name("data") / "io42_gbt4754.csv"


def load_sector_mapping(path: str | Path | None = None) -> dict[str, list[str]]:
    """IO sector code → GB/T 4754 division codes."""
    from zhaoshang.tabular import open_table

    path = Path(path) if path is not None else DEFAULT_MAPPING
    table = open_table(path)
    header = [h.strip() for h in table.header]
    for needed in ("io_code", "gbt4754_divisions"):
        if needed not in header:
            raise InputFileError(
                path,
                f"缺少列“{needed}”",
                row=table.header_row,
                code="insight_file_column_missing",
                name=needed,
            )
    code_i, div_i = header.index("io_code"), header.index("gbt4754_divisions")
    mapping: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for number, cells in table.rows:
        code = str(cells[code_i]).strip()
        divisions = str(cells[div_i]).replace(",", " ").replace("，", " ").split()
        for d in divisions:
            if not (d.isdigit() and len(d) == 2):
                raise InputFileError(
                    path,
                    f"“{d}”不是两位的国民经济行业大类代码",
                    row=number,
                    column="gbt4754_divisions",
                    code="io_division_code_invalid",
                    division=d,
                )
            if d in owner:
                raise InputFileError(
                    path,
                    f"大类{d}同时对应了部门{owner[d]}和{code}",
                    row=number,
                    code="io_division_mapped_twice",
                    division=d,
                    first=owner[d],
                    second=code,
                )
            owner[d] = code
        mapping[code] = divisions
    return mapping


def sector_sizes(division_sizes: Mapping[str, float], mapping: Mapping[str, list[str]]) -> dict[str, float]:
    """Sizes per IO sector (firms, capital, output) from sizes per GB/T 4754 division."""
    return {
        code: float(sum(division_sizes.get(d, 0.0) for d in divisions)) for code, divisions in mapping.items()
    }


# ------------------------------------------------------------------ sector maps of the 149 / 153 / 42 layouts

#: The shipped mapping of every sector of the NBS layouts (2017: 149, 2020: 153 and 42 sectors) to GB/T 4754-2017
#: codes of any level and to chain nodes (``slug:key``). Columns: table, io_code, io_name, gbt4754, chain_nodes.
SECTOR_MAP_FILE = Path(__file__).with_name("data") / "io_sectors.csv"
SECTOR_MAP_COLUMNS = ("table", "io_code", "io_name", "gbt4754", "chain_nodes")


@dataclass(frozen=True)
class SectorRow:
    table: str  # the layout, by its number of sectors: "149", "153", "42"
    io_code: str
    io_name: str
    gbt4754: tuple[str, ...]  # GB/T 4754 codes (2 to 4 digits)
    chain_nodes: tuple[str, ...]  # "slug:key"


def read_sector_map(path: str | Path | None = None) -> list[SectorRow]:
    """The sector map file (CSV/XLSX, columns :data:`SECTOR_MAP_COLUMNS`), checked row by row.

    A GB/T code must be 2 to 4 digits and may appear once per layout; a chain node is ``slug:key``.
    """
    from zhaoshang.tabular import cell_text, open_table

    path = Path(path) if path is not None else SECTOR_MAP_FILE
    table = open_table(path)
    header = [h.strip() for h in table.header]
    for needed in SECTOR_MAP_COLUMNS[:4]:
        if needed not in header:
            raise InputFileError(
                path,
                f"缺少列“{needed}”",
                row=table.header_row,
                code="insight_file_column_missing",
                name=needed,
            )
    pos = {c: header.index(c) for c in SECTOR_MAP_COLUMNS if c in header}
    rows: list[SectorRow] = []
    owner: dict[tuple[str, str], str] = {}
    seen: set[tuple[str, str]] = set()

    def cell(cells, name) -> str:
        i = pos.get(name)
        if i is None or i >= len(cells):
            return ""
        value = cells[i]
        return (value if isinstance(value, str) else cell_text(value)).strip()

    for number, cells in table.rows:
        layout, code = cell(cells, "table"), cell(cells, "io_code")
        if not layout and not code:
            continue
        if not layout:
            raise InputFileError(path, "为空", row=number, column="table", code="insight_cell_empty")
        if not code:
            raise InputFileError(path, "为空", row=number, column="io_code", code="insight_cell_empty")
        if (layout, code) in seen:
            raise InputFileError(
                path,
                f"部门 {layout}/{code} 出现了两次",
                row=number,
                column="io_code",
                code="sector_map_sector_repeated",
                layout=layout,
                sector=code,
            )
        seen.add((layout, code))
        codes = tuple(cell(cells, "gbt4754").replace(",", " ").replace("，", " ").split())
        for c in codes:
            if not (c.isdigit() and 2 <= len(c) <= 4):
                raise InputFileError(
                    path,
                    f"“{c}”不是2至4位的国民经济行业代码",
                    row=number,
                    column="gbt4754",
                    code="sector_map_industry_code_invalid",
                    industry=c,
                )
            if (layout, c) in owner:
                raise InputFileError(
                    path,
                    f"行业代码{c}同时对应了部门{owner[layout, c]}和{code}",
                    row=number,
                    column="gbt4754",
                    code="sector_map_industry_mapped_twice",
                    industry=c,
                    first=owner[layout, c],
                    second=code,
                )
            owner[layout, c] = code
        nodes = tuple(cell(cells, "chain_nodes").replace(",", " ").replace("，", " ").split())
        for n in nodes:
            slug, sep, key = n.partition(":")
            if not sep or not slug or not key:
                raise InputFileError(
                    path,
                    f"“{n}”应写成 产业链:节点（如 rail-transit-equipment:bogie）",
                    row=number,
                    column="chain_nodes",
                    code="sector_map_node_invalid",
                    node=n,
                )
        rows.append(SectorRow(layout, code, cell(cells, "io_name"), codes, nodes))
    if not rows:
        raise InputFileError(path, "没有任何部门行", code="sector_map_no_rows")
    return rows


def sector_of_code(industry_code: str, codes: Mapping[str, str]) -> str | None:
    """The sector of a firm's GB/T 4754 code: the one whose mapped code is the longest prefix of it."""
    for length in range(min(4, len(industry_code)), 1, -1):
        found = codes.get(industry_code[:length])
        if found is not None:
            return found
    return None


def sizes_by_sector(code_sizes: Mapping[str, float], rows: list[SectorRow]) -> dict[str, float]:
    """Sizes (firms, capital, output) per IO sector of one layout from sizes per GB/T 4754 code (any level)."""
    codes = {c: r.io_code for r in rows for c in r.gbt4754}
    out = {r.io_code: 0.0 for r in rows}
    for code, size in code_sizes.items():
        sector = sector_of_code(str(code), codes)
        if sector is not None:
            out[sector] += float(size)
    return out
