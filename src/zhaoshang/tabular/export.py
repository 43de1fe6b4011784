"""Export writers that never turn data into a formula (CSV/formula injection, OWASP).

A text cell that starts with ``= + - @`` or a tab / carriage return is written with a leading apostrophe, so that
neither Excel nor WPS evaluates it; numbers stay numbers at full precision and dates stay dates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
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
    import xlsxwriter

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": not isinstance(out, str | Path)})
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, width in enumerate(widths or ()):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, [str(h) for h in headers], bold)
    sheet.freeze_panes(*freeze)
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            number = _number(value)
            if number is not None:
                sheet.write_number(n, col, number)
            elif isinstance(value, bool):
                sheet.write_boolean(n, col, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(n, col, value.replace(tzinfo=None), moment)
            elif isinstance(value, date):
                sheet.write_datetime(n, col, value, day)
            else:
                sheet.write_string(n, col, neutralise(str(value)))
    book.close()
    return n


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
