from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from zhaoshang.core.workdays import WEEKENDS_ONLY, WorkdayCalendar
from zhaoshang.pipeline.core.followup import (
    ColdProject,
    FollowupError,
    ProjectActivity,
    add_working_days,
    callback_due,
    cold_projects,
    days_overdue,
    due_today,
    is_overdue,
    new_registration_due,
    next_working_day,
)
from zhaoshang.pipeline.core.stages import load_stage_model

FRI = date(2026, 3, 13)
SAT = date(2026, 3, 14)
MON = date(2026, 3, 16)


OFFICIAL = WorkdayCalendar()


def test_the_next_working_day_after_a_friday_is_monday():
    assert FRI.weekday() == 4
    assert next_working_day(FRI) == MON
    assert next_working_day(SAT) == MON


def test_adding_working_days_skips_the_weekend():
    assert add_working_days(FRI, 1) == MON
    assert add_working_days(date(2026, 3, 12), 3) == date(2026, 3, 17)  # Thu + 3 → Tue
    assert add_working_days(MON, -1) == FRI
    assert add_working_days(SAT, 0) == SAT


def test_configured_holidays_are_skipped_and_adjusted_weekend_days_are_worked():
    calendar = WorkdayCalendar(holidays=frozenset({MON}), adjusted_workdays=frozenset({SAT}), official=False)
    assert calendar.next_working_day(FRI) == SAT
    assert calendar.add_working_days(FRI, 2) == date(2026, 3, 17)
    assert calendar.working_days_between(FRI, date(2026, 3, 17)) == 2


def test_the_2026_calendar_follows_the_state_council_notice():
    # The notice gives weekdays: 1/1 周四, 2/15 周日, 2/23 周一, 5/5 周二, 10/7 周三; worked days are weekends.
    assert date(2026, 1, 1).weekday() == 3 and date(2026, 2, 15).weekday() == 6
    assert date(2026, 2, 23).weekday() == 0 and date(2026, 10, 7).weekday() == 2
    # 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): days off and the weekend days worked instead.
    spans = [
        ((1, 1), (1, 3)),
        ((2, 15), (2, 23)),
        ((4, 4), (4, 6)),
        ((5, 1), (5, 5)),
        ((6, 19), (6, 21)),
        ((9, 25), (9, 27)),
        ((10, 1), (10, 7)),
    ]
    days_off = {
        date(2026, *a) + timedelta(days=i)
        for a, b in spans
        for i in range((date(2026, *b) - date(2026, *a)).days + 1)
    }
    worked = {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert len(days_off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert not any(OFFICIAL.is_working_day(d) for d in days_off)
    assert all(OFFICIAL.is_working_day(d) for d in worked)
    # Friday before the Spring Festival: Saturday 2/14 is worked, then nothing until Tuesday 2/24.
    assert OFFICIAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)
    assert OFFICIAL.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert not OFFICIAL.is_working_day(date(2026, 10, 5))
    assert OFFICIAL.is_working_day(date(2026, 10, 10))


def test_a_task_is_overdue_only_after_its_due_day():
    assert due_today(FRI, today=FRI)
    assert not is_overdue(FRI, today=FRI)
    assert is_overdue(FRI, today=SAT)
    assert days_overdue(FRI, today=MON) == 3
    assert days_overdue(MON, today=FRI) == 0


def test_projects_quiet_longer_than_their_stage_allows_are_going_cold():
    model = load_stage_model(
        [
            {"code": "lead", "name_zh": "线索", "name_en": "Lead", "order": 1, "max_quiet_days": 30},
            {"code": "talk", "name_zh": "洽谈", "name_en": "Talks", "order": 2, "max_quiet_days": 14},
            {"code": "done", "name_zh": "终止", "name_en": "Dropped", "order": 3, "kind": "dropped"},
        ]
    )
    today = date(2026, 3, 31)
    projects = [
        ProjectActivity(
            "A", "talk", last_followup=date(2026, 3, 17), created=date(2026, 1, 1)
        ),  # 14 days: not yet
        ProjectActivity(
            "B", "talk", last_followup=date(2026, 3, 16), created=date(2026, 1, 1)
        ),  # 15 days: cold
        ProjectActivity("C", "lead", last_followup=None, created=date(2026, 2, 1)),  # 58 days since creation
        ProjectActivity("D", "lead", last_followup=date(2026, 3, 30), created=date(2025, 1, 1)),
        ProjectActivity("E", "done", last_followup=None, created=date(2020, 1, 1)),  # dropped never goes cold
    ]
    assert cold_projects(projects, model, today=today) == [
        ColdProject("C", "lead", 58, 30, date(2026, 2, 1)),
        ColdProject("B", "talk", 15, 14, date(2026, 3, 16)),
    ]


def test_going_cold_can_count_working_days_instead_of_calendar_days():
    model = load_stage_model(
        [{"code": "talk", "name_zh": "洽谈", "name_en": "Talks", "order": 1, "max_quiet_days": 5}]
    )
    project = ProjectActivity(1, "talk", last_followup=FRI, created=FRI)
    # Friday 3/13 → Friday 3/20: 7 calendar days but 5 working days; → Monday 3/23: 6 working days.
    assert cold_projects([project], model, today=date(2026, 3, 20), calendar=WEEKENDS_ONLY) == []
    assert cold_projects([project], model, today=date(2026, 3, 23), calendar=WEEKENDS_ONLY)[0].days_quiet == 6
    assert cold_projects([project], model, today=date(2026, 3, 20))[0].days_quiet == 7


def test_the_automatic_callback_falls_three_working_days_after_first_contact():
    assert callback_due(date(2026, 3, 12)) == date(2026, 3, 17)
    assert callback_due(date(2026, 3, 12), days=1) == FRI
    assert callback_due(date(2026, 2, 12), calendar=OFFICIAL) == date(2026, 2, 24)


def test_a_callback_interval_below_one_working_day_is_refused():
    with pytest.raises(FollowupError, match="回访间隔必须至少 1 个工作日"):
        callback_due(FRI, days=0)


def test_a_registration_seen_on_friday_evening_is_served_on_monday():
    assert new_registration_due(datetime(2026, 3, 13, 18, 30)) == MON
    assert new_registration_due(date(2026, 3, 10)) == date(2026, 3, 11)
