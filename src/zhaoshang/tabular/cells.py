"""Text of a spreadsheet or CSV cell as the user typed it: one rule for every import."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation


class NumberText(str):
    """Text of a spreadsheet cell that held a number (what :func:`cell_text` gives for an int or a float).

    The readers turn every cell into text; this subclass carries the fact that the cell was numeric to the
    validators — a credit code of more than 15 digits cannot have survived a numeric cell (Excel keeps 15
    significant digits), whatever its check character says. Any string operation gives a plain ``str`` again.
    """

    __slots__ = ()


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
        return NumberText(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            try:
                return NumberText(int(Decimal(repr(value))))  # 15 significant digits, as Excel shows them
            except InvalidOperation:  # pragma: no cover - repr of a finite float is always a valid Decimal
                return NumberText(repr(value))
        return NumberText(repr(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
