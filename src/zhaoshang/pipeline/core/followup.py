"""Follow-up deadlines: working days, overdue and due-today, going-cold projects, callbacks.

"招商引资是一号工程": nothing may go quiet. These rules turn dates into the lists a 招商专员 sees each morning.
Plain Python, no Django; the caller passes ``today`` explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .stages import DEFAULT_STAGE_MODEL, StageModel


class FollowupError(ValueError):
    """Bad input to the follow-up rules; the message is in Chinese for the user."""


def _span(start: date, end: date) -> frozenset[date]:
    return frozenset(start + timedelta(days=i) for i in range((end - start).days + 1))


#: Days off in 2026 (放假) from the State Council notice 国务院办公厅关于2026年部分节假日安排的通知 of 2025-11-04:
#: 元旦 1/1–1/3, 春节 2/15–2/23, 清明 4/4–4/6, 劳动节 5/1–5/5, 端午 6/19–6/21, 中秋 9/25–9/27, 国庆 10/1–10/7.
PRC_HOLIDAYS_2026: frozenset[date] = (
    _span(date(2026, 1, 1), date(2026, 1, 3))
    | _span(date(2026, 2, 15), date(2026, 2, 23))
    | _span(date(2026, 4, 4), date(2026, 4, 6))
    | _span(date(2026, 5, 1), date(2026, 5, 5))
    | _span(date(2026, 6, 19), date(2026, 6, 21))
    | _span(date(2026, 9, 25), date(2026, 9, 27))
    | _span(date(2026, 10, 1), date(2026, 10, 7))
)

#: Weekend days worked instead (调休上班) in 2026, from the same notice.
PRC_ADJUSTED_WORKDAYS_2026: frozenset[date] = frozenset(
    {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: Monday–Friday, minus ``holidays``, plus ``adjusted_workdays`` (调休 weekend days worked).

    Other years' sets are published each November by the State Council (国务院办公厅关于XXXX年部分节假日安排的
    通知); deployments add them in settings. A local government's extra days off go into ``holidays`` too.
    """

    holidays: frozenset[date] = frozenset()
    adjusted_workdays: frozenset[date] = frozenset()

    def is_working_day(self, d: date) -> bool:
        if d in self.adjusted_workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d = _as_date(d) + timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The day ``n`` working days after ``d`` (before it when ``n`` is negative); ``n == 0`` gives ``d``.

        Counting starts from the day after ``d``, so adding 1 to a Friday gives the following Monday.
        """
        d = _as_date(d)
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i))
        )


#: Weekends off, 2026 national holidays and 调休 working days.
PRC_2026_CALENDAR = WorkCalendar(PRC_HOLIDAYS_2026, PRC_ADJUSTED_WORKDAYS_2026)
#: Weekends off only.
WEEKENDS_ONLY = WorkCalendar()


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def next_working_day(d: date | datetime, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    return calendar.next_working_day(_as_date(d))


def add_working_days(d: date | datetime, n: int, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    return calendar.add_working_days(_as_date(d), n)


def is_overdue(due: date, today: date) -> bool:
    """A task is overdue from the day after its due date (the due day itself still counts as on time)."""
    return _as_date(today) > _as_date(due)


def due_today(due: date, today: date) -> bool:
    return _as_date(due) == _as_date(today)


def days_overdue(due: date, today: date) -> int:
    """Calendar days past the due date; 0 when not overdue."""
    return max(0, (_as_date(today) - _as_date(due)).days)


# ---------------------------------------------------------------------------------------------------------
# Going cold


@dataclass(frozen=True)
class ProjectActivity:
    id: object
    stage: str
    last_followup: date | None
    created: date


@dataclass(frozen=True)
class ColdProject:
    id: object
    stage: str
    days_quiet: int
    limit: int
    quiet_since: date


def cold_projects(
    projects: Iterable[ProjectActivity],
    config: StageModel | None = None,
    *,
    today: date,
    calendar: WorkCalendar | None = None,
) -> list[ColdProject]:
    """Projects whose quiet time is **more than** their stage's ``max_quiet_days``, longest-quiet first.

    Quiet time counts from the last follow-up, or from creation if there has been none. It is in calendar
    days, or in working days when a ``calendar`` is given. Stages with no limit (by default 终止) never go cold.
    """
    model = config or DEFAULT_STAGE_MODEL
    out: list[ColdProject] = []
    for p in projects:
        limit = model.get(p.stage).max_quiet_days
        if limit is None:
            continue
        since = p.last_followup if p.last_followup is not None else p.created
        if calendar is None:
            quiet = (_as_date(today) - _as_date(since)).days
        else:
            quiet = calendar.working_days_between(since, today)
        if quiet > limit:
            out.append(ColdProject(p.id, p.stage, quiet, limit, _as_date(since)))
    out.sort(key=lambda c: (-c.days_quiet, str(c.id)))
    return out


# ---------------------------------------------------------------------------------------------------------
# 主动服务: callbacks and new-registration service tasks

#: Working days after first contact by which an official calls back (主动回访) to ask how things are going.
DEFAULT_CALLBACK_WORKING_DAYS = 3


def callback_due(
    first_contact_date: date | datetime,
    days: int = DEFAULT_CALLBACK_WORKING_DAYS,
    calendar: WorkCalendar = WEEKENDS_ONLY,
) -> date:
    """The date of the automatic callback: ``days`` working days after the first contact."""
    if days < 1:
        raise FollowupError(f"回访间隔必须至少 1 个工作日，而不是 {days}")
    return calendar.add_working_days(_as_date(first_contact_date), days)


def new_registration_due(found: date | datetime, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """A newly registered firm (found in the register, or its registration seen at ``found``) gets a service
    contact by the next working day: seen on a Friday, due on Monday."""
    return calendar.next_working_day(_as_date(found))
