"""The park administrator's workbench: the government promises due for the park's projects, overdue first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from tests.pipeline.conftest import make_project  # noqa: F401 - the project fixture

from zhaoshang.accounts.roles import Role
from zhaoshang.approvals import services

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield


@pytest.fixture
def promises(cast, make_project):  # noqa: F811
    ours = make_project("甲园区电池项目")
    theirs = make_project("乙园区秘密项目", team=cast.other_park, owner=cast.outsider, actor=cast.outsider)

    def promise(project, title, days, actor=cast.owner):
        return services.create_promise(
            actor, project, title=title, department=cast.dept, deadline=TODAY + dt.timedelta(days=days)
        )

    made = {
        "late": promise(ours, "交地逾期", -3),
        "soon": promise(ours, "七通一平", 5),
        "later": promise(ours, "道路修通", 20),
        "far": promise(ours, "人才公寓", 60),
        "kept": promise(ours, "补贴兑现", 2),
        "theirs": promise(theirs, "乙园区租金减免", 1, actor=cast.outsider),
    }
    services.update_promise(cast.owner, made["kept"], state="fulfilled", evidence="已拨付")
    return made


def _panel(page: str) -> str:
    start = page.index('data-testid="panel-park-promises"')
    return page[start : page.index("</section>", start)]


def test_the_park_administrator_sees_the_parks_promises_due_overdue_first(cast, client_for, promises):
    panel = _panel(client_for(cast.owner).get(reverse("web:workbench")).content.decode())
    shown = [int(pk) for pk in re.findall(r'data-promise="(\d+)"', panel)]
    assert shown == [promises["late"].pk, promises["soon"].pk, promises["later"].pk]
    assert "deadline-red" in panel and "deadline-amber" in panel
    assert "人才公寓" not in panel  # due in 60 days: not yet
    assert "补贴兑现" not in panel  # fulfilled
    assert "乙园区" not in panel  # another park's project and promise
    assert reverse("approvals:promise", args=[promises["late"].pk]) in panel


def test_the_other_park_sees_only_its_own_promise(cast, client_for, promises):
    panel = _panel(client_for(cast.outsider).get(reverse("web:workbench")).content.decode())
    assert re.findall(r'data-promise="(\d+)"', panel) == [str(promises["theirs"].pk)]
    assert "甲园区" not in panel and "交地逾期" not in panel


def test_the_park_panel_also_keeps_carriers_and_projects(cast, client_for, promises):
    page = client_for(cast.owner).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-park"' in page and 'data-testid="park-firm-count"' in page
    assert page.index('data-testid="panel-park"') < page.index('data-testid="panel-park-promises"')


@pytest.mark.parametrize(
    "role",
    [
        Role.CITY_LEADER,
        Role.INVESTMENT_OFFICER,
        Role.CHAIN_OFFICE,
        Role.SERVICE_OFFICER,
        Role.DEPARTMENT_HANDLER,
        Role.SYSTEM_ADMIN,
    ],
)
def test_no_other_role_gets_the_park_promises_panel(cast, client_for, promises, role):
    page = client_for(cast.by_role(role)).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-park-promises"' not in page
