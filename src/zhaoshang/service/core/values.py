"""Values as 12345 exports write them: date-times, 是否解决, 满意度, 办理时限, urgency.

Every parser returns a canonical value or raises :class:`ValueProblem` with a Chinese reason, a ``code`` and the
value as ``params`` (the edge says it in English from ``zhaoshang.service.messages``); an empty cell or a placeholder
gives ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from zhaoshang.core.errors import DomainError

_PLACEHOLDERS: Final = frozenset(
    {"", "-", "--", "—", "/", "无", "暂无", "null", "none", "nan", "n/a", "未知"}
)
_EXCEL_EPOCH = datetime(1899, 12, 30)

_DT = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\st]*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})?\s*(?:[:：分]\s*(?P<S>\d{1,2})?(?:\.\d+)?\s*秒?)?)?"
    r"\s*(?:z|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\s*(?P<H>\d{2}):?(?P<M>\d{2}):?(?P<S>\d{2})?)?"
)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


class ValueProblem(DomainError):
    """A cell that cannot be read; ``str()`` is the Chinese reason, ``code`` and ``params`` say why."""

    code = "value_unreadable"


def _norm(raw: str) -> str:
    text = raw.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text.lower()


def serial_to_datetime(serial: float) -> datetime:
    if serial < 61 or serial > 2958465:
        raise ValueProblem(f"“{serial}”不是有效的Excel日期", code="appeal_excel_serial_invalid", value=serial)
    return _EXCEL_EPOCH + timedelta(days=float(serial))


def parse_datetime(value: object) -> datetime | None:
    """A naive local date-time: Excel cells (date, datetime, serial numbers) and text in the usual forms."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool):
        raise ValueProblem(f"“{value}”不是日期", code="appeal_value_not_a_date", value=value)
    if isinstance(value, int | float):
        if value != value:
            return None
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_datetime(str(int(value)))
        return serial_to_datetime(float(value))
    text = _norm(str(value))
    if text in _PLACEHOLDERS:
        return None
    m = _DT.fullmatch(text) or _COMPACT.fullmatch(text)
    if m:
        try:
            return datetime(
                int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0)
            )
        except ValueError:
            raise ValueProblem(
                f"日期时间“{value}”不存在", code="appeal_datetime_nonexistent", value=value
            ) from None
    if _SERIAL.fullmatch(text):
        return serial_to_datetime(float(text))
    raise ValueProblem(
        f"无法识别日期时间“{value}”，请使用“2024-01-05 09:30”这样的格式",
        code="appeal_datetime_unreadable",
        value=value,
    )


# 是否解决 → result codes: solved / partly / unsolved
_SOLVED: Final = {
    "是": "solved",
    "已解决": "solved",
    "解决": "solved",
    "yes": "solved",
    "y": "solved",
    "1": "solved",
    "true": "solved",
    "已办结": "solved",
    "办结": "solved",
    "solved": "solved",
    "部分解决": "partly",
    "基本解决": "partly",
    "部分": "partly",
    "partly": "partly",
    "否": "unsolved",
    "未解决": "unsolved",
    "不解决": "unsolved",
    "no": "unsolved",
    "n": "unsolved",
    "0": "unsolved",
    "false": "unsolved",
    "无法解决": "unsolved",
    "unsolved": "unsolved",
}


def parse_result(value: object) -> str | None:
    if value is None:
        return None
    text = _norm(str(value)).replace(" ", "")
    if text in _PLACEHOLDERS or text in {"未办结", "办理中"}:
        return None
    if text in _SOLVED:
        return _SOLVED[text]
    raise ValueProblem(
        f"是否解决“{value}”无法识别（应为 是/否/已解决/未解决/部分解决）",
        code="appeal_result_unreadable",
        value=value,
    )


# 满意度 → satisfied / basic / unsatisfied / unrated
_SATISFACTION: Final = {
    "满意": "satisfied",
    "非常满意": "satisfied",
    "很满意": "satisfied",
    "比较满意": "satisfied",
    "satisfied": "satisfied",
    "基本满意": "basic",
    "一般": "basic",
    "basic": "basic",
    "不满意": "unsatisfied",
    "非常不满意": "unsatisfied",
    "很不满意": "unsatisfied",
    "不太满意": "unsatisfied",
    "unsatisfied": "unsatisfied",
    "未评价": "unrated",
    "未回访": "unrated",
    "无法评价": "unrated",
    "拒绝评价": "unrated",
    "未接通": "unrated",
    "unrated": "unrated",
}


def parse_satisfaction(value: object) -> str | None:
    if value is None:
        return None
    text = _norm(str(value)).replace(" ", "")
    if text in _PLACEHOLDERS:
        return None
    if text in _SATISFACTION:
        return _SATISFACTION[text]
    raise ValueProblem(
        f"满意度“{value}”无法识别（应为 满意/基本满意/不满意/未评价）",
        code="appeal_satisfaction_unreadable",
        value=value,
    )


@dataclass(frozen=True)
class Limit:
    """办理时限: a number of working (or calendar) days, or a due date."""

    days: int | None = None
    calendar_days: bool = False
    due: date | None = None


_DAYS = re.compile(r"(\d{1,3})(?:\.0+)?\s*(个)?\s*(工作日|自然日|日|天)?")
_HOURS = re.compile(r"(\d{1,4})\s*(个)?\s*(小时|h)")


def parse_limit(value: object) -> Limit | None:
    """办理时限 / 办结时限: ``5``, ``5个工作日``, ``15个自然日``, ``72小时``, or a date / date-time (the due date)."""
    if value is None:
        return None
    if isinstance(value, date):
        return Limit(due=value.date() if isinstance(value, datetime) else value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value:
            return None
        if 0 <= value <= 366:
            return Limit(days=int(value))
        return Limit(due=parse_datetime(value).date())  # type: ignore[union-attr]
    text = _norm(str(value)).replace(" ", "")
    if text in _PLACEHOLDERS:
        return None
    m = _DAYS.fullmatch(text)
    if m:
        return Limit(days=int(m[1]), calendar_days=m[3] == "自然日")
    m = _HOURS.fullmatch(text)
    if m:
        return Limit(days=max(1, -(-int(m[1]) // 24)))
    try:
        parsed = parse_datetime(value)
    except ValueProblem:
        raise ValueProblem(
            f"办理时限“{value}”无法识别（应为天数如“5个工作日”或到期日期）",
            code="appeal_limit_unreadable",
            value=value,
        ) from None
    return Limit(due=parsed.date()) if parsed else None


_URGENT: Final = {"紧急", "特急", "加急", "是", "急", "urgent", "high", "高"}


def parse_urgent(value: object) -> bool:
    return _norm(str(value or "")).replace(" ", "") in _URGENT
