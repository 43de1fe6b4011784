"""The timeline of an approval case: planned dates from legal limits in working days, expected dates from what
happened, lateness, the critical path, and the days from signing to licence / start / production.

Plain Python. Working days come from a calendar object passed in (``zhaoshang.core.workdays.WorkdayCalendar``
or anything with ``add_working_days(start, n)``, ``working_days_between(start, end)``, ``is_working_day(d)``
and ``next_working_day(d)``).

Rules:

- An item's planned start is the case start (the signing date, or the day the case was opened) or, when it has
  prerequisites, the latest planned finish among them; its planned finish is ``add_working_days(start,
  limit_days)`` (day 1 is the first working day after the start).
- A prerequisite handled under 承诺制 (on a promise, documents later) releases its successors when it
  *starts*, not when it finishes.
- Expected dates use the actual dates where known: a done item finishes on its done date; an item not done
  finishes at its planned limit from its (expected) start, or today when that is already past (it is late).
- An item not applied for yet (pending) cannot start before today; it is never late (the legal limit runs from
  acceptance, 受理). An item in progress is late after its due date (its start plus its legal limit); a done
  item was late when it was done after it. Lateness is counted in working days.
- The critical path is the chain of items that decides the case's expected end: from the item finishing last,
  back through the prerequisite that released it (the latest one), to an item with no binding prerequisite.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from zhaoshang.approvals.core.templates import ApprovalError, topological_order

PENDING, IN_PROGRESS, DONE, NOT_NEEDED = "pending", "in_progress", "done", "not_needed"
STATES = (PENDING, IN_PROGRESS, DONE, NOT_NEEDED)


class Calendar(Protocol):
    def is_working_day(self, d: dt.date) -> bool: ...
    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...
    def next_working_day(self, d: dt.date) -> dt.date: ...
    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...


@dataclass(slots=True)
class CaseItem:
    """One item of a case as the timeline needs it."""

    code: str
    name: str
    department: str
    limit_days: int
    prerequisites: tuple[str, ...] = ()
    state: str = PENDING
    started_on: dt.date | None = None
    done_on: dt.date | None = None
    promise: bool = False  # handled under 承诺制
    trips: int = 0
    stamps: int = 0
    baseline_trips: int = 0
    baseline_stamps: int = 0
    milestone: str = ""


@dataclass(slots=True)
class ItemTimeline:
    code: str
    name: str
    department: str
    state: str
    limit_days: int
    planned_start: dt.date
    planned_finish: dt.date
    expected_start: dt.date
    expected_finish: dt.date
    due: dt.date  # the legal limit from the expected (or actual) start
    late: bool
    working_days_late: int
    working_days_taken: int | None  # start to done, in working days (done items)
    critical: bool = False
    released_by: str | None = None  # the prerequisite that decided the expected start
    prerequisites: tuple[str, ...] = ()
    promise: bool = False
    milestone: str = ""


@dataclass
class CaseTimeline:
    start: dt.date
    items: list[ItemTimeline]
    planned_end: dt.date
    expected_end: dt.date
    critical_path: list[str]
    late_items: list[str] = field(default_factory=list)

    def item(self, code: str) -> ItemTimeline:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


@functools.lru_cache(maxsize=256)
def _order(graph: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    """The topological order of a case's items (cases opened from one template share it: computed once)."""
    codes = [code for code, _ in graph]
    if len(set(codes)) != len(codes):
        raise ApprovalError("代办事项编码重复", code="approval_item_codes_repeated")
    return tuple(topological_order(dict(graph)))


def _check_items(items: Sequence[CaseItem]) -> tuple[str, ...]:
    for item in items:
        if item.state not in STATES:
            raise ApprovalError(
                f"事项「{item.name}」的状态「{item.state}」未知",
                code="approval_item_state_unknown",
                item=item.name,
                state=item.state,
            )
        if item.state == DONE and item.done_on is None:
            raise ApprovalError(
                f"事项「{item.name}」已办结但没有办结日期", code="approval_done_without_date", item=item.name
            )
        if item.done_on and item.started_on and item.done_on < item.started_on:
            raise ApprovalError(
                f"事项「{item.name}」的办结日期早于开始日期",
                code="approval_done_before_start",
                item=item.name,
            )
    return _order(tuple((i.code, tuple(i.prerequisites)) for i in items))


def build_timeline(
    items: Sequence[CaseItem], start: dt.date, today: dt.date, calendar: Calendar
) -> CaseTimeline:
    """Planned and expected dates, lateness and the critical path of one case."""
    order = _check_items(items)
    by_code = {i.code: i for i in items}
    planned: dict[str, tuple[dt.date, dt.date]] = {}
    expected: dict[str, tuple[dt.date, dt.date]] = {}
    released_by: dict[str, str | None] = {}
    result: dict[str, ItemTimeline] = {}
    for code in order:
        item = by_code[code]
        skip = item.state == NOT_NEEDED
        # planned: legal limits only
        p_start = start
        for pre in item.prerequisites:
            pre_item = by_code[pre]
            release = planned[pre][0] if pre_item.promise else planned[pre][1]
            p_start = max(p_start, release)
        p_finish = p_start if skip else calendar.add_working_days(p_start, item.limit_days)
        planned[code] = (p_start, p_finish)
        # expected: actual dates where known
        e_start, binding, latest = start, None, None
        for pre in item.prerequisites:
            pre_item = by_code[pre]
            release = expected[pre][0] if pre_item.promise else expected[pre][1]
            if latest is None or release > latest:
                latest, binding = release, pre
        if latest is not None:
            e_start = max(start, latest)
        if item.started_on is not None:
            e_start = item.started_on
        elif item.state == PENDING:
            e_start = max(e_start, today)  # not applied for yet: it cannot start before today
        due = e_start if skip else calendar.add_working_days(e_start, item.limit_days)
        if item.state == DONE:
            e_finish = item.done_on  # type: ignore[assignment]
        elif skip:
            e_finish = e_start
        else:
            e_finish = max(due, today) if due < today else due
        expected[code] = (e_start, e_finish)
        released_by[code] = binding
        if item.state == DONE:
            late_days = calendar.working_days_between(due, item.done_on) if item.done_on > due else 0  # type: ignore[operator]
        elif skip:
            late_days = 0
        elif item.state == PENDING:
            late_days = 0  # the legal limit runs from acceptance (受理): an item not applied for is not late
        else:
            late_days = calendar.working_days_between(due, today) if today > due else 0
        taken = None
        if item.state == DONE and item.done_on is not None:
            taken = calendar.working_days_between(item.started_on or e_start, item.done_on)
        result[code] = ItemTimeline(
            code=code,
            name=item.name,
            department=item.department,
            state=item.state,
            limit_days=item.limit_days,
            planned_start=p_start,
            planned_finish=p_finish,
            expected_start=e_start,
            expected_finish=e_finish,
            due=due,
            late=late_days > 0,
            working_days_late=late_days,
            working_days_taken=taken,
            released_by=binding,
            prerequisites=item.prerequisites,
            promise=item.promise,
            milestone=item.milestone,
        )
    path = critical_path(result)
    for code in path:
        result[code].critical = True
    ordered = [result[i.code] for i in items]
    return CaseTimeline(
        start=start,
        items=ordered,
        planned_end=max((v[1] for v in planned.values()), default=start),
        expected_end=max((v[1] for v in expected.values()), default=start),
        critical_path=path,
        late_items=[t.code for t in ordered if t.late],
    )


def critical_path(timelines: dict[str, ItemTimeline]) -> list[str]:
    """The chain deciding the expected end, first item first."""
    if not timelines:
        return []
    last = max(timelines.values(), key=lambda t: (t.expected_finish, t.expected_start))
    path = [last.code]
    seen = {last.code}
    current = last
    while current.released_by and current.released_by not in seen:
        current = timelines[current.released_by]
        path.append(current.code)
        seen.add(current.code)
    return list(reversed(path))


# ---------------------------------------------------------------------------------------------------------
# Days from signing to licence, start and production


@dataclass(frozen=True)
class Milestones:
    signed: dt.date | None
    licence: dt.date | None
    start: dt.date | None
    production: dt.date | None

    def days(self) -> dict[str, int | None]:
        """Calendar days from signing to each milestone (None when either date is unknown)."""

        def since(d: dt.date | None) -> int | None:
            return (d - self.signed).days if (d and self.signed) else None

        return {
            "licence": since(self.licence),
            "start": since(self.start),
            "production": since(self.production),
        }


def milestones(
    signed: dt.date | None, items: Iterable[CaseItem], start: dt.date | None, production: dt.date | None
) -> Milestones:
    licence = next((i.done_on for i in items if i.milestone == "licence" and i.state == DONE), None)
    return Milestones(signed, licence, start, production)
