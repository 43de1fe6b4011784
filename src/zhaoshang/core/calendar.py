"""The installation's working-day calendar: the official schedule plus the overrides stored in the database.

``get_calendar()`` is what every capability calls; ``import_overrides`` loads an administrator's file (columns
``date,kind`` or ``日期,类型``; kind ``holiday``/``休息`` for a day off, ``workday``/``上班`` for a weekend day worked).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from zhaoshang.core import audit
from zhaoshang.core.messages import is_chinese, issue_message
from zhaoshang.core.models import CalendarOverride
from zhaoshang.core.workdays import CalendarError, WorkdayCalendar, parse_override_kind
from zhaoshang.tabular import cell_text, open_table
from zhaoshang.tabular.dates import parse_date
from zhaoshang.tabular.issues import RowIssue

DATE_HEADERS = frozenset({"date", "day", "日期"})
KIND_HEADERS = frozenset({"kind", "type", "类型", "状态", "类别"})
NOTE_HEADERS = frozenset({"note", "remark", "备注", "说明", "名称"})

_cache: dict[str, Any] = {"key": None, "calendar": None}
_lock = threading.Lock()


def get_calendar() -> WorkdayCalendar:
    """The calendar with the current overrides (one cheap query to see whether they changed)."""
    key = tuple(CalendarOverride.objects.aggregate(n=Count("id"), last=Max("updated_at")).values())
    with _lock:
        if _cache["key"] != key or _cache["calendar"] is None:
            overrides = dict(CalendarOverride.objects.values_list("day", "is_working_day"))
            _cache["calendar"], _cache["key"] = WorkdayCalendar(overrides), key
        return _cache["calendar"]


def unknown_years_warning(start: date, end: date) -> str | None:
    """A sentence for administrators when a year in [start, end] has no official schedule, else None."""
    years = get_calendar().unknown_years(start, end)
    if not years:
        return None
    listed = ("、" if is_chinese() else ", ").join(str(y) for y in years)
    return _(
        "The official holidays of %(years)s have not been imported: working days are counted Monday to Friday for now. Import the schedule the General Office of the State Council publishes with zhaoshang calendar import"
    ) % {"years": listed}


@dataclass
class CalendarImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Each bad row's problem as one sentence (file, row and field), in the active language."""
        return [issue_message(issue) for issue in self.issues]

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "issues": [issue.as_dict() for issue in self.issues],
            "years": self.years,
        }


def _column(header: list[str], names: frozenset[str]) -> int | None:
    for i, title in enumerate(header):
        if title.strip().lower() in names:
            return i
    return None


def read_overrides(path: str | Path) -> tuple[dict[date, tuple[bool, str]], list[RowIssue]]:
    """The days of an override file, and its row-numbered findings (a code, params and the Chinese sentence;
    :func:`zhaoshang.core.messages.issue_message` says one in the user's language)."""
    table = open_table(path)
    name = Path(path).name
    date_col, kind_col = _column(table.header, DATE_HEADERS), _column(table.header, KIND_HEADERS)
    note_col = _column(table.header, NOTE_HEADERS)
    if date_col is None or kind_col is None:
        separator = "、" if is_chinese() else ", "
        params = {"file": name, "header": separator.join(table.header)}
        raise CalendarError(
            _(
                "%(file)s: the header must have the columns “日期” (date) and “类型” (kind); it has: %(header)s"
            )
            % params,
            code="calendar_header_missing",
            **params,
        )
    days: dict[date, tuple[bool, str]] = {}
    errors: list[RowIssue] = []

    def bad(row: int, column: str, raw: object, code: str, message: str, **params: Any) -> None:
        errors.append(RowIssue(row, column, cell_text(raw), code, message, "error", {"file": name, **params}))

    for row_number, cells in table.rows:
        raw_date = cells[date_col] if date_col < len(cells) else ""
        raw_kind = cell_text(cells[kind_col]) if kind_col < len(cells) else ""
        note = (
            cell_text(cells[note_col]).strip()[:128] if note_col is not None and note_col < len(cells) else ""
        )
        try:
            parsed = parse_date(raw_date)
        except ValueError as exc:
            bad(
                row_number,
                "日期",
                raw_date,
                "calendar_date_unreadable",
                f"{name} 第 {row_number} 行「日期」：{exc}",
            )
            continue
        if parsed is None:
            bad(
                row_number,
                "日期",
                raw_date,
                "calendar_date_missing",
                f"{name} 第 {row_number} 行「日期」：为空",
            )
            continue
        working = parse_override_kind(raw_kind)
        if working is None:
            message = f"{name} 第 {row_number} 行「类型」：“{raw_kind}”应为 holiday/休息 或 workday/上班"
            bad(row_number, "类型", raw_kind, "calendar_kind_unknown", message)
            continue
        previous = days.get(parsed.value)
        if previous is not None and previous[0] != working:
            message = f"{name} 第 {row_number} 行「日期」：{parsed.value} 在文件中前后矛盾"
            bad(
                row_number,
                "日期",
                raw_date,
                "calendar_day_contradicts",
                message,
                date=parsed.value.isoformat(),
            )
            continue
        days[parsed.value] = (working, note)
    return days, errors


def import_overrides(actor: Any, path: str | Path, *, dry_run: bool = False) -> CalendarImport:
    """Store the days of a file as overrides; nothing is written when any row is wrong."""
    days, issues = read_overrides(path)
    result = CalendarImport(issues=issues, years=sorted({d.year for d in days}))
    if issues:
        return result
    existing = {o.day: o for o in CalendarOverride.objects.filter(day__in=list(days))}
    with transaction.atomic():
        for day, (working, note) in sorted(days.items()):
            current = existing.get(day)
            if current is None:
                audit.create(actor, CalendarOverride, day=day, is_working_day=working, label=note)
                result.created += 1
            elif audit.update(actor, current, is_working_day=working, label=note or current.label):
                result.updated += 1
            else:
                result.unchanged += 1
        if dry_run:
            transaction.set_rollback(True)
    return result
