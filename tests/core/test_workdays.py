"""The one working-day calendar: official holidays, 调休 make-up days, overrides, unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zhaoshang.core.workdays import OFFICIAL_YEARS, WEEKENDS_ONLY, WorkdayCalendar, parse_override_kind

CAL = WorkdayCalendar()


def test_a_spring_festival_week_and_its_make_up_saturdays_follow_the_2026_notice():
    # 春节 2026: off 2/15 (Sun) – 2/23 (Mon); Saturdays 2/14 and 2/28 are worked.
    assert CAL.is_working_day(date(2026, 2, 14))
    assert not any(CAL.is_working_day(date(2026, 2, 15) + timedelta(days=i)) for i in range(9))
    assert CAL.is_working_day(date(2026, 2, 28))
    # Received on Friday 2/13 with 1 working day: the make-up Saturday is day 1.
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    # Received on a holiday: day 1 is the first working day after the holiday.
    assert CAL.add_working_days(date(2026, 2, 18), 1) == date(2026, 2, 24)
    # Received on the make-up Saturday: 5 working days are 2/24–2/27 and the make-up Saturday 2/28.
    assert CAL.add_working_days(date(2026, 2, 14), 5) == date(2026, 2, 28)


def test_a_national_day_week_counts_no_working_day_until_the_make_up_saturday_after_it():
    assert [CAL.is_working_day(date(2026, 10, d)) for d in range(1, 8)] == [False] * 7
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday worked
    assert CAL.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 10/8, 10/9, 10/10


def test_adding_and_counting_agree_across_a_year_end_and_backwards():
    start = date(2026, 12, 25)
    for n in (1, 5, 20, 300):
        end = CAL.add_working_days(start, n)
        assert CAL.working_days_between(start, end) == n
        assert CAL.is_working_day(end)
        assert CAL.add_working_days(end, -n) <= start
    assert CAL.add_working_days(start, 0) == start
    assert CAL.working_days_between(date(2026, 3, 20), date(2026, 3, 13)) == -5


def test_a_year_without_a_schedule_counts_monday_to_friday_and_is_named():
    unknown = max(OFFICIAL_YEARS) + 1
    assert CAL.unknown_years(date(2026, 6, 1), date(unknown, 2, 1)) == [unknown]
    jan1 = date(unknown, 1, 1)
    assert CAL.is_working_day(jan1) == (jan1.weekday() < 5)


def test_overrides_win_over_the_official_schedule_and_make_a_year_known():
    unknown = max(OFFICIAL_YEARS) + 1
    new_year = date(unknown, 1, 1)
    saturday = next(date(unknown, 1, d) for d in range(1, 8) if date(unknown, 1, d).weekday() == 5)
    cal = WorkdayCalendar({new_year: False, saturday: True})
    assert not cal.is_working_day(new_year)
    assert cal.is_working_day(saturday)
    assert cal.unknown_years(new_year, new_year) == []


def test_weekends_only_ignores_holidays():
    assert WEEKENDS_ONLY.is_working_day(date(2026, 10, 1))  # a Thursday
    assert not WEEKENDS_ONLY.is_working_day(date(2026, 10, 10))


@pytest.mark.parametrize(
    ("word", "working"),
    [
        ("holiday", False),
        ("休息", False),
        ("放假", False),
        ("workday", True),
        ("上班", True),
        ("补班", True),
        ("x", None),
    ],
)
def test_override_kinds_are_read_in_english_and_chinese(word, working):
    assert parse_override_kind(word) is working
