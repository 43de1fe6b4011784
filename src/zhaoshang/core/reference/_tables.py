"""Read a user's CSV or Excel sheet into rows of stripped strings, with spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from zhaoshang.tabular.cells import cell_text

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


@dataclass(frozen=True, slots=True)
class Sheet:
    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as shown in a spreadsheet, cells)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def read_sheet(path: str | Path) -> Sheet:
    """The first sheet of an Excel file, or a CSV (UTF-8 with or without BOM, else GB18030).

    Blank rows are skipped but keep their place in the numbering; the header is row 1.
    """
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        raw_rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        table = [[cell_text(v, strip=True) for v in row] for row in raw_rows]
    else:
        text = _decode(path.read_bytes())
        table = [[cell_text(v, strip=True) for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(table, start=1):
        if not any(cells):
            continue
        if not header:
            header = [c.lstrip("\ufeff").strip() for c in cells]
            continue
        rows.append((number, cells))
    return Sheet(file=path.name, header=header, rows=rows)


def find_column(header: list[str], *aliases: str) -> int | None:
    """Index of the first header cell that matches one of ``aliases`` (case-insensitive)."""
    wanted = [a.lower() for a in aliases]
    lowered = [h.lower() for h in header]
    for alias in wanted:
        if alias in lowered:
            return lowered.index(alias)
    return None


def cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()
