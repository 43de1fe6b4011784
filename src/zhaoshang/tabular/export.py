"""Export writers that never turn data into a formula (CSV/formula injection, OWASP).

A text cell that starts with ``= + - @`` or a tab / carriage return is written with a leading apostrophe, so that
neither Excel nor WPS evaluates it; numbers stay numbers at full precision and dates stay dates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Excel keeps 15 significant digits: a longer integer (a credit code, an ID) is written as text instead.
EXCEL_EXACT_INTEGER = 10**15


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet program."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (
            value if abs(value) < EXCEL_EXACT_INTEGER else None
        )  # longer integers would lose digits in Excel
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return None


class Bold(tuple):  # type: ignore[type-arg]
    """A row written in bold (a title, a section heading, the header of a table inside a sheet); its cells are
    written like any other (text neutralised, numbers as numbers)."""

    __slots__ = ()


@dataclass
class Sheet:
    """One worksheet: a bold header row (none when ``headers`` is empty), then ``rows`` in order. A row may be a
    :class:`Bold` row or empty (a blank line). ``wrap`` wraps the text of the data cells."""

    name: str
    headers: Sequence[str] = ()
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] | None = None
    freeze: tuple[int, int] | None = (1, 0)
    wrap: bool = False


def write_workbook(out: str | Path | IO[bytes], sheets: Sequence[Sheet]) -> list[int]:
    """Write the sheets to one XLSX; returns the number of rows written to each (header row not counted)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(out) if isinstance(out, Path) else out,
        {"constant_memory": True, "in_memory": not isinstance(out, str | Path), "strings_to_formulas": False},
    )
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
    counts = []
    for spec in sheets:
        sheet = book.add_worksheet(spec.name[:31])
        wrap = book.add_format({"text_wrap": True, "valign": "top"}) if spec.wrap else None
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for col, width in enumerate(spec.widths or ()):
            sheet.set_column(col, col, width)
        start = 0
        if spec.headers:
            sheet.write_row(0, 0, [neutralise(str(h)) for h in spec.headers], bold)
            start = 1
        if spec.freeze is not None:
            sheet.freeze_panes(*spec.freeze)
        n = start - 1
        for n, row in enumerate(spec.rows, start=start):
            style = bold if isinstance(row, Bold) else wrap
            for col, value in enumerate(row):
                _write_cell(sheet, n, col, value, style, day, moment)
        counts.append(n + 1 - start)
    book.close()
    return counts


def _write_cell(sheet: Any, row: int, col: int, value: Any, style: Any, day: Any, moment: Any) -> None:
    if value is None:
        return
    number = _number(value)
    if number is not None:
        sheet.write_number(row, col, number, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, day)
    else:
        sheet.write_string(row, col, neutralise(str(value)), style)


def write_xlsx(
    out: str | Path | IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Sheet1",
    widths: Sequence[int] | None = None,
    freeze: tuple[int, int] = (1, 0),
) -> int:
    """Write one sheet (bold header row, then ``rows``); returns the number of data rows written."""
    return write_workbook(out, [Sheet(sheet_name, headers, rows, widths, freeze)])[0]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    number = _number(value)
    if number is not None:
        return repr(number) if isinstance(number, float) else str(number)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(out: str | Path | IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write CSV; a path gets UTF-8 with a BOM (so that Excel opens Chinese text). Returns the data row count."""
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8-sig", newline="") as handle:
            return write_csv(handle, headers, rows)
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
    return count
