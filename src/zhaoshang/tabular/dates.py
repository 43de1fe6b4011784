"""Dates as Chinese exports write them (成立日期, 受理时间, ...).

Accepted: ``2015-09-07``, ``2015/9/7``, ``2015.09.07``, ``20150907``, ``2015年9月7日``, any of these followed by a
time (``2015-09-07 00:00:00``), :class:`datetime.date` / :class:`datetime.datetime` objects, and Excel serial
numbers (``42254``, ``42254.0``, also as text) in the 1900 date system. Placeholders such as ``未知`` or ``-`` mean
"unknown" and give ``None``.

A date that does not exist (``2015-02-30``) raises :class:`DateError`. A date after today is returned with
``in_future=True``: it is suspicious but not unreadable, and the caller decides.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Final, NamedTuple

from .errors import DateError

_SEPARATED = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ t]*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?(?:z|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")  # as text, only 5 digits (1927–2173): "2015" is not a serial
_PLACEHOLDERS: Final = frozenset(
    {"", "-", "--", "—", "/", "无", "暂无", "未知", "不详", "null", "none", "nan", "n/a"}
)

# Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the 1900-02-29 that never was (a bug kept
# for Lotus 1-2-3 compatibility), so serials from 61 on count from 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR: Final = 1800


class ParsedDate(NamedTuple):
    value: date
    in_future: bool


def excel_serial_to_date(serial: float) -> date:
    """Date of an Excel serial number (1900 date system); the time of day is dropped."""
    days = int(serial)
    if days < 1 or days > 2958465:
        raise DateError(serial, "不是有效的Excel日期序号", code="date_bad_excel_serial")
    if days == 60:
        raise DateError(serial, "Excel序号60对应并不存在的1900年2月29日", code="date_excel_serial_60")
    if days < 60:
        return date(1899, 12, 31) + timedelta(days=days)
    return _EXCEL_EPOCH + timedelta(days=days)


def parse_date(value: object, *, today: date | None = None) -> ParsedDate | None:
    """Parse a founding date; ``None`` when empty or a placeholder. Raises :class:`DateError` when unreadable."""
    if value.__class__ is str:
        parsed = _parse_text(value)  # type: ignore[arg-type]
        if parsed is None:
            return None
        return ParsedDate(parsed, parsed > (today or date.today()))
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, bool):
        raise DateError(value, "不是日期", code="date_not_a_date")
    elif isinstance(value, int | float):
        if value != value:  # NaN from pandas or a spreadsheet
            return None
        if 10_000_000 <= value < 100_000_000 and float(value).is_integer():  # 20150907 stored as a number
            parsed = _parse_text(str(int(value)))
            if parsed is None:  # pragma: no cover - eight digits are never a placeholder
                return None
            day = parsed
        else:
            day = excel_serial_to_date(value)
    elif isinstance(value, str):
        parsed = _parse_text(value)
        if parsed is None:
            return None
        day = parsed
    else:
        raise DateError(value, "不是日期", code="date_not_a_date")
    return ParsedDate(day, day > (today or date.today()))


@lru_cache(maxsize=65536)
def _parse_text(raw: str) -> date | None:
    text = raw.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    text = text.lower()
    if text in _PLACEHOLDERS:
        return None
    m = _SEPARATED.fullmatch(text) or _COMPACT.fullmatch(text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            result = date(year, month, day)
        except ValueError:
            raise DateError(
                raw,
                f"{year}年{month}月{day}日不存在",
                code="date_does_not_exist",
                year=year,
                month=month,
                day=day,
            ) from None
        if year < MIN_YEAR:
            raise DateError(raw, f"年份{year}不合理", code="date_year_implausible", year=year)
        return result
    if _SERIAL.fullmatch(text):
        return excel_serial_to_date(float(text))
    raise DateError(raw, "格式无法识别，请使用“2015-09-07”这样的格式", code="date_format_unknown")


# The day, then an optional time in the forms people type (9:30, 09:30:00, 9时30分, 9点) and a zone.
_DAY_THEN_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\st]*\d{1,2}\s*[:：时点]\s*(?:\d{1,2})?\s*(?:[:：分]\s*(?:\d{1,2})?(?:\.\d+)?\s*秒?)?)?"
    r"\s*(?:z|[+-]\d{2}:?\d{2})?"
)
_COMPACT_THEN_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\s*\d{2}:?\d{2}(?::?\d{2})?)?")


def parse_day(text: str) -> date:
    """The day a person types on a command line or in a field (``--from 2025-01-31``); any time is dropped.

    Accepted: ISO 8601 (``2025-01-31``, ``20250131``, ``2025-01-31T09:30``); the forms of :func:`parse_date`
    (``2025/1/31``, ``2025.1.31``, ``2025年1月31日``, an Excel serial such as ``45688``); any of these followed by
    a time (``09:30``, ``9时30分``). Raises :class:`DateError` for an empty text, a placeholder, a day that does not
    exist or anything else.
    """
    stripped = text.strip()
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(stripped).date()
    except ValueError:
        pass
    norm = unicodedata.normalize("NFKC", stripped).lower()
    m = _DAY_THEN_TIME.fullmatch(norm) or _COMPACT_THEN_TIME.fullmatch(norm)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            return date(year, month, day)
        except ValueError:
            raise DateError(
                text,
                f"{year}年{month}月{day}日不存在",
                code="date_does_not_exist",
                year=year,
                month=month,
                day=day,
            ) from None
    parsed = parse_date(stripped)
    if parsed is None:
        raise DateError(text, "不是日期，请写成 2025-01-31 这样的格式", code="date_not_a_day")
    return parsed.value
