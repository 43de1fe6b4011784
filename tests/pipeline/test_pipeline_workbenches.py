"""Workbenches by role and nav entries; nobody sees another team's project names in a filter or list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from zhaoshang.pipeline import services

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield


@pytest.fixture
def city(cast, make_project):
    ours = make_project(
        "甲园区的秘密项目", planned_investment_wan=Decimal("50000"), created_on=dt.date(2026, 8, 1)
    )
    theirs = make_project("乙园区的秘密项目", team=cast.other_park, owner=cast.outsider, actor=cast.outsider)
    late = services.create_coordination_item(
        cast.owner, ours, title="用地指标", department=cast.dept, due=dt.date(2026, 11, 23)
    )
    soon = services.create_coordination_item(
        cast.owner, ours, title="环评批复", department=cast.dept, due=dt.date(2026, 12, 6)
    )
    other = services.create_coordination_item(
        cast.outsider, theirs, title="电力增容", department=cast.dept, due=dt.date(2026, 12, 30)
    )
    services.advance_project(
        cast.owner,
        ours,
        "signed",
        first_contact_date=dt.date(2026, 9, 1),
        visit_date=dt.date(2026, 9, 10),
        signed_date=dt.date(2026, 11, 30),
        signed_amount_wan=Decimal("40000"),
        location="甲园区一号地块",
        on=dt.date(2026, 11, 30),
        reason="",
    )
    return {"ours": ours, "theirs": theirs, "late": late, "soon": soon, "other": other}


def test_the_handler_sees_the_departments_items_red_and_amber_with_one_tap_actions(cast, client_for, city):
    from zhaoshang.accounts.services import ensure_organisation

    tax = ensure_organisation(None, code="t-tax", name="税务局", kind="department", parent=cast.city)
    services.create_coordination_item(
        cast.owner, city["ours"], title="税收优惠认定", department=tax, due=dt.date(2026, 11, 1)
    )
    page = client_for(cast.handler).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-handler"' in page
    assert page.index("用地指标") < page.index("环评批复")  # by deadline
    assert "deadline-red" in page and "deadline-amber" in page
    assert reverse("pipeline:item_done", args=[city["late"].pk]) in page
    assert "税收优惠认定" not in page  # another department's item


def test_the_handler_reaches_the_items_from_the_navigation(cast, client_for, city):
    page = client_for(cast.handler).get(reverse("web:workbench")).content.decode()
    assert f'href="{reverse("pipeline:items")}"' in page


def test_the_leader_sees_this_years_results_against_targets_overdue_by_department_and_the_ranking(
    cast, client_for, city, settings
):
    settings.PIPELINE_TARGETS = {"signed": 12, "construction": 8, "production": 5}
    page = client_for(cast.leader).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-leader"' in page
    signed = page[page.index('data-testid="leader-signed"') :]
    assert "<b>1 / 12</b>" in signed[:200]
    overdue = page[page.index('data-testid="leader-overdue"') :]
    assert "自然资源局 · 1" in overdue[:300]
    ranking = page[page.index('data-testid="leader-ranking"') :]
    assert "甲园区" in ranking and "签约" in ranking[:800]


def test_a_park_administrator_sees_the_parks_carriers_and_projects(cast, client_for, city):
    services.save_carrier(
        cast.owner, organisation=cast.park, name="一号厂房", kind="factory", status="available"
    )
    services.save_carrier(
        cast.outsider, organisation=cast.other_park, name="乙园区厂房", kind="factory", status="reserved"
    )
    page = client_for(cast.owner).get(reverse("web:workbench")).content.decode()
    panel = page[page.index('data-testid="panel-park"') :]
    assert "<b>1</b>" in panel and "签约 · 1" in panel


def test_the_items_filter_lists_only_projects_of_items_the_user_sees(cast, client_for, city, make_project):
    make_project("没有协调事项的项目")
    for user in (cast.handler, cast.outsider, cast.owner):
        page = client_for(user).get(reverse("pipeline:items")).content.decode()
        select = page[page.index('name="project"') :]
        select = select[: select.index("</select>")]
        assert "没有协调事项的项目" not in select
        if user is cast.outsider:
            assert "乙园区的秘密项目" in select and "甲园区的秘密项目" not in select
        elif user is cast.owner:
            assert "甲园区的秘密项目" in select and "乙园区的秘密项目" not in select
        else:  # the department sees the projects of the items it must handle, no others
            assert "甲园区的秘密项目" in select and "乙园区的秘密项目" in select


def test_the_items_filter_is_labelled_in_the_users_language(cast, client_for, city):
    page = client_for(cast.owner).get(reverse("pipeline:items")).content.decode()
    assert "项目" in page and ">Project<" not in page


def test_an_officer_sees_no_other_teams_project_names_anywhere_on_the_main_pages(cast, client_for, city):
    client = client_for(cast.officer)
    for name in (
        "web:workbench",
        "pipeline:list",
        "pipeline:items",
        "pipeline:dashboard",
        "notifications:centre",
    ):
        page = client.get(reverse(name)).content.decode()
        assert "甲园区的秘密项目" not in page and "乙园区的秘密项目" not in page, name
