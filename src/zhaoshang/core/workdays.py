"""The working-day calendar: official Chinese holidays and 调休 make-up days, plus local overrides.

One calendar serves every capability that counts working days (follow-up call-backs, the service desk's SLA clocks,
approval time limits). The official schedule comes from the maintained ``chinese-calendar`` package for the years it
knows; an installation adds the rest (next year's State Council notice, a local day off) as overrides. A year that
neither knows counts Monday–Friday: :meth:`WorkdayCalendar.unknown_years` names such years so the edges can warn.
Plain Python: no Django import.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import chinese_calendar

from zhaoshang.core.errors import DomainError

#: Years the installed chinese-calendar package has the State Council's schedule for.
OFFICIAL_YEARS: frozenset[int] = frozenset(d.year for d in chinese_calendar.holidays)


class CalendarError(DomainError):
    code = "calendar_invalid"


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


class WorkdayCalendar:
    """Which days are working days.

    ``overrides`` maps a date to True (a working day, e.g. a weekend day worked) or False (a day off); they win
    over the official schedule. ``holidays`` and ``adjusted_workdays`` are the same as sets. With
    ``official=False`` the package is not consulted (weekends only, plus overrides), which tests use.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        *,
        holidays: Iterable[date] = (),
        adjusted_workdays: Iterable[date] = (),
        official: bool = True,
    ) -> None:
        merged: dict[date, bool] = {d: False for d in holidays}
        merged.update({d: True for d in adjusted_workdays})
        merged.update(overrides or {})
        self.overrides: dict[date, bool] = merged
        self.official = official
        self._override_years = frozenset(d.year for d in merged)
        self._workdays: dict[int, list[int]] = {}  # year → sorted ordinals of its working days

    # -- single days -------------------------------------------------------------------------------------------
    def is_working_day(self, day: date | datetime) -> bool:
        day = _as_date(day)
        if day in self.overrides:
            return self.overrides[day]
        if self.official and day.year in OFFICIAL_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def knows_year(self, year: int) -> bool:
        return (self.official and year in OFFICIAL_YEARS) or year in self._override_years

    def unknown_years(self, start: date | datetime, end: date | datetime) -> list[int]:
        """Years between ``start`` and ``end`` (inclusive) counted Monday–Friday for want of a schedule."""
        first, last = sorted((_as_date(start).year, _as_date(end).year))
        return [y for y in range(first, last + 1) if not self.knows_year(y)]

    # -- counting ----------------------------------------------------------------------------------------------
    def _year(self, year: int) -> list[int]:
        days = self._workdays.get(year)
        if days is None:
            d, days = date(year, 1, 1), []
            while d.year == year:
                if self.is_working_day(d):
                    days.append(d.toordinal())
                d += timedelta(days=1)
            self._workdays[year] = days
        return days

    def next_working_day(self, day: date | datetime) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, day: date | datetime, n: int) -> date:
        """The day ``n`` working days after ``day`` (before it when ``n`` < 0); ``n == 0`` gives ``day``.

        Day 1 is the first working day after ``day``: adding 1 to a Friday gives the next Monday, and a limit of
        N working days for something received on ``day`` ends at the end of ``add_working_days(day, N)``.
        """
        day = _as_date(day)
        if n == 0:
            return day
        ordinal, year = day.toordinal(), day.year
        if n > 0:
            while True:
                days = self._year(year)
                i = bisect.bisect_right(days, ordinal)
                if i + n - 1 < len(days):
                    return date.fromordinal(days[i + n - 1])
                n -= len(days) - i
                year += 1
                if year > day.year + 1000:
                    raise CalendarError("工作日数过大", code="workdays_too_many")
        n = -n
        while True:
            days = self._year(year)
            i = bisect.bisect_left(days, ordinal)
            if i - n >= 0:
                return date.fromordinal(days[i - n])
            n -= i
            year -= 1
            if year < day.year - 1000:
                raise CalendarError("工作日数过大", code="workdays_too_many")

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        for year in range(start.year, end.year + 1):
            days = self._year(year)
            lo = bisect.bisect_right(days, start.toordinal())
            hi = bisect.bisect_right(days, end.toordinal())
            total += hi - lo
        return total


#: Weekends off only, for tests and for callers that must ignore holidays.
WEEKENDS_ONLY = WorkdayCalendar(official=False)


# -- override files ----------------------------------------------------------------------------------------------
HOLIDAY_WORDS = frozenset({"holiday", "off", "休", "休息", "假", "放假", "节假日", "休假"})
WORKDAY_WORDS = frozenset({"workday", "work", "班", "上班", "补班", "调休上班", "工作日"})


def parse_override_kind(value: str) -> bool | None:
    """True for a working day, False for a day off, None when the word is not one of ours."""
    word = value.strip().lower()
    if word in HOLIDAY_WORDS:
        return False
    if word in WORKDAY_WORDS:
        return True
    return None
