"""Promises the government made at signing (政府承诺事项): state on a day, and who must be told what when one
is overdue. Plain Python.

Escalation ladder (days overdue → who is told): on the due day and after, the owner department's handlers;
from ``LEADER_AFTER_DAYS`` overdue, the responsible team's leader as well; from ``CITY_AFTER_DAYS``, the city
leaders. Each step is told once per level (``already_told`` holds (promise id, level) pairs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

OPEN, IN_PROGRESS, FULFILLED, BROKEN = "open", "in_progress", "fulfilled", "broken"
CLOSED = (FULFILLED, BROKEN)

DEPARTMENT, TEAM_LEADER, CITY_LEADER = "department", "team_leader", "city_leader"
LEADER_AFTER_DAYS = 7
CITY_AFTER_DAYS = 30


@dataclass(frozen=True)
class PromiseRecord:
    id: int
    project: str
    title: str
    department: str
    team: str
    deadline: dt.date
    state: str
    fulfilled_on: dt.date | None = None


@dataclass(frozen=True)
class Escalation:
    promise_id: int
    level: str  # department / team_leader / city_leader
    audience: str  # the department or team to tell (city_leader: "")
    days_overdue: int
    message: str  # Chinese, ready for a notification
    # The message's code and values: the edge says it in the reader's language (approvals.messages.NOTICES).
    code: str = "promise_overdue_escalation"
    params: dict = field(default_factory=dict)


def is_overdue(promise: PromiseRecord, today: dt.date) -> bool:
    return promise.state not in CLOSED and promise.deadline < today


def escalation_level(days_overdue: int) -> list[str]:
    if days_overdue <= 0:
        return []
    levels = [DEPARTMENT]
    if days_overdue >= LEADER_AFTER_DAYS:
        levels.append(TEAM_LEADER)
    if days_overdue >= CITY_AFTER_DAYS:
        levels.append(CITY_LEADER)
    return levels


def due_escalations(
    promises: Iterable[PromiseRecord], today: dt.date, already_told: Iterable[tuple[int, str]] = ()
) -> list[Escalation]:
    """Who must be told what today about overdue promises (not yet told at that level)."""
    told = set(already_told)
    out = []
    for p in promises:
        if not is_overdue(p, today):
            continue
        days = (today - p.deadline).days
        for level in escalation_level(days):
            if (p.id, level) in told:
                continue
            audience = {DEPARTMENT: p.department, TEAM_LEADER: p.team, CITY_LEADER: ""}[level]
            params = {
                "title": p.title,
                "project": p.project,
                "department": p.department,
                "days": days,
                "deadline": p.deadline.isoformat(),
            }
            out.append(
                Escalation(
                    p.id,
                    level,
                    audience,
                    days,
                    f"政府承诺事项「{p.title}」（项目：{p.project}，责任部门：{p.department}）已逾期{days}天，截止日期{p.deadline.isoformat()}。",
                    params=params,
                )
            )
    out.sort(key=lambda e: (-e.days_overdue, e.promise_id, e.level))
    return out
