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

from zhaoshang.core import audit
from zhaoshang.core.models import CalendarOverride
from zhaoshang.core.workdays import CalendarError, WorkdayCalendar, parse_override_kind
from zhaoshang.tabular import cell_text, open_table
from zhaoshang.tabular.dates import parse_date

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
    listed = "、".join(str(y) for y in years)
    return (
        f"{listed} 年的法定节假日安排尚未导入，目前按周一至周五计算工作日；"
        f"请用 zhaoshang calendar import 导入国务院办公厅公布的安排"
    )


@dataclass
class CalendarImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "years": self.years,
        }


def _column(header: list[str], names: frozenset[str]) -> int | None:
    for i, title in enumerate(header):
        if title.strip().lower() in names:
            return i
    return None


def read_overrides(path: str | Path) -> tuple[dict[date, tuple[bool, str]], list[str]]:
    """The days of an override file, and row-numbered errors (in Chinese)."""
    table = open_table(path)
    name = Path(path).name
    date_col, kind_col = _column(table.header, DATE_HEADERS), _column(table.header, KIND_HEADERS)
    note_col = _column(table.header, NOTE_HEADERS)
    if date_col is None or kind_col is None:
        raise CalendarError(
            f"{name}：表头须有“日期”（date）和“类型”（kind）两列，实际为：{'、'.join(table.header)}"
        )
    days: dict[date, tuple[bool, str]] = {}
    errors: list[str] = []
    for row_number, cells in table.rows:
        raw_date = cells[date_col] if date_col < len(cells) else ""
        raw_kind = cell_text(cells[kind_col]) if kind_col < len(cells) else ""
        note = (
            cell_text(cells[note_col]).strip()[:128] if note_col is not None and note_col < len(cells) else ""
        )
        try:
            parsed = parse_date(raw_date)
        except ValueError as exc:
            errors.append(f"{name} 第 {row_number} 行「日期」：{exc}")
            continue
        if parsed is None:
            errors.append(f"{name} 第 {row_number} 行「日期」：为空")
            continue
        working = parse_override_kind(raw_kind)
        if working is None:
            errors.append(f"{name} 第 {row_number} 行「类型」：“{raw_kind}”应为 holiday/休息 或 workday/上班")
            continue
        previous = days.get(parsed.value)
        if previous is not None and previous[0] != working:
            errors.append(f"{name} 第 {row_number} 行「日期」：{parsed.value} 在文件中前后矛盾")
            continue
        days[parsed.value] = (working, note)
    return days, errors


def import_overrides(actor: Any, path: str | Path, *, dry_run: bool = False) -> CalendarImport:
    """Store the days of a file as overrides; nothing is written when any row is wrong."""
    days, errors = read_overrides(path)
    result = CalendarImport(errors=errors, years=sorted({d.year for d in days}))
    if errors:
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
