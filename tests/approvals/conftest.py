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


@pytest.fixture
def signed_project(cast):
    """signed_project(name=..., team=cast.park, signed=date) → a project advanced to 签约 through the services."""
    from decimal import Decimal

    from zhaoshang.pipeline.services import advance_project, create_project

    counter = {"n": 0}

    def make(name=None, *, team=None, signed=dt.date(2026, 3, 2), actor=None):
        counter["n"] += 1
        actor = actor or cast.owner
        project = create_project(
            actor,
            name=name or f"代办测试项目{counter['n']}",
            organisation=team or cast.park,
            owner=actor,
            investor_name=f"代办测试投资方{counter['n']}有限公司",
            planned_investment_wan=Decimal("20000"),
        )
        advance_project(
            actor,
            project,
            "signed",
            on=signed,
            first_contact_date=signed - dt.timedelta(days=60),
            visit_date=signed - dt.timedelta(days=30),
            signed_date=signed,
            signed_amount_wan=Decimal("18000"),
            location="测试园区",
        )
        project.refresh_from_db()
        return project

    return make


@pytest.fixture
def departments(cast):
    """Departments named like the template's (自然资源和规划 is the cast's 自然资源局 renamed)."""
    from zhaoshang.accounts.services import ensure_organisation

    nr = ensure_organisation(
        None, code="t-dept", name="测试市自然资源和规划局", kind="department", parent=cast.city
    )
    housing = ensure_organisation(
        None, code="t-housing", name="测试市住房和城乡建设局", kind="department", parent=cast.city
    )
    return {"nr": nr, "housing": housing}
