"""Text of a spreadsheet or CSV cell as the user typed it: one rule for every import."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation


def cell_text(value: object) -> str:
    """Text of a cell as the user would have typed it; numbers are written out without exponent.

    A float read from a spreadsheet such as ``9.14403003196285e+17`` becomes ``"914403003196285000"`` — what Excel
    shows in the cell — so that :func:`validate` can report it as mangled.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            try:
                return str(int(Decimal(repr(value))))  # 15 significant digits, as Excel shows them
            except InvalidOperation:  # pragma: no cover - repr of a finite float is always a valid Decimal
                return repr(value)
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
