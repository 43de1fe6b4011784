"""Follow-up deadlines: working days, overdue and due-today, going-cold projects, callbacks.

"招商引资是一号工程": nothing may go quiet. These rules turn dates into the lists a 招商专员 sees each morning.
Plain Python, no Django; the caller passes ``today`` explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from zhaoshang.core.errors import DomainError
from zhaoshang.core.workdays import WEEKENDS_ONLY, WorkdayCalendar

from .stages import DEFAULT_STAGE_MODEL, StageModel


class FollowupError(DomainError):
    """Bad input to the follow-up rules; the message is in Chinese for the user."""


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def next_working_day(d: date | datetime, calendar: WorkdayCalendar = WEEKENDS_ONLY) -> date:
    return calendar.next_working_day(_as_date(d))


def add_working_days(d: date | datetime, n: int, calendar: WorkdayCalendar = WEEKENDS_ONLY) -> date:
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
    calendar: WorkdayCalendar | None = None,
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
    calendar: WorkdayCalendar = WEEKENDS_ONLY,
) -> date:
    """The date of the automatic callback: ``days`` working days after the first contact."""
    if days < 1:
        raise FollowupError(
            f"回访间隔必须至少 1 个工作日，而不是 {days}", code="callback_days_too_few", days=days
        )
    return calendar.add_working_days(_as_date(first_contact_date), days)


def new_registration_due(found: date | datetime, calendar: WorkdayCalendar = WEEKENDS_ONLY) -> date:
    """A newly registered firm (found in the register, or its registration seen at ``found``) gets a service
    contact by the next working day: seen on a Friday, due on Monday."""
    return calendar.next_working_day(_as_date(found))
