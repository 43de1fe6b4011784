"""Fixtures for the approvals tests: a small working-day calendar with the 2025 National Day holiday."""

from __future__ import annotations

import datetime as dt

import pytest


class SmallCalendar:
    """Weekends off, plus listed holidays and make-up working days (调休) — the interface of
    zhaoshang.core.workdays.WorkdayCalendar, for the cores' tests."""

    def __init__(self, holidays=(), workdays=()):
        self.holidays = set(holidays)
        self.workdays = set(workdays)

    def is_working_day(self, d: dt.date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def next_working_day(self, d: dt.date) -> dt.date:
        d += dt.timedelta(days=1)
        while not self.is_working_day(d):
            d += dt.timedelta(days=1)
        return d

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        d = start
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        count, d = 0, start
        while d < end:
            d += dt.timedelta(days=1)
            count += self.is_working_day(d)
        return count


NATIONAL_DAY_2025 = [dt.date(2025, 10, d) for d in range(1, 9)]
MAKEUP_2025 = [dt.date(2025, 9, 28), dt.date(2025, 10, 11)]


@pytest.fixture
def calendar():
    return SmallCalendar(NATIONAL_DAY_2025, MAKEUP_2025)
