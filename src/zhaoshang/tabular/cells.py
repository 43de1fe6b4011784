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


def cell_text(value: object, *, strip: bool = False, true: str = "TRUE", false: str = "FALSE") -> str:
    """Text of a cell as the user would have typed it; numbers are written out without exponent.

    A float read from a spreadsheet such as ``9.14403003196285e+17`` becomes ``"914403003196285000"`` — what Excel
    shows in the cell — so that :func:`validate` can report it as mangled. ``None``, NaN and infinities give ``""``;
    a date or date-time its ISO form.

    ``strip``: text has its surrounding spaces removed (a header or a designator list typed with a stray space).
    ``true`` / ``false``: what a boolean cell becomes — Excel's ``TRUE``/``FALSE`` by default; the BOM reader asks
    for ``"yes"``/``""``, so a ticked DNP column reads as "do not populate" and an unticked one as empty.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip() if strip else value
    if isinstance(value, bool):
        return true if value else false
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
    return str(value).strip() if strip else str(value)
