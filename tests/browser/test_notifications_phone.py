"""On a phone (360 px): a handler gets a notification, opens the item, asks for an extension; the owner approves;
the leader's workbench shows the change. And every main page fits 360 px without horizontal scrolling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def _login(page, username, password):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def _fits(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.fixture
def city(transactional_db):
    from django.utils import timezone
    from tests.conftest import PASSWORD, Cast

    from zhaoshang.notifications.services import run_reminders
    from zhaoshang.pipeline import services

    cast = Cast()
    today = timezone.localdate()
    project = services.create_project(
        cast.owner,
        name="新能源电池包项目",
        organisation=cast.park,
        owner=cast.owner,
        investor_name="电池科技有限公司",
        planned_investment_wan=Decimal("20000"),
    )
    item = services.create_coordination_item(
        cast.owner, project, title="用地指标调剂", department=cast.dept, due=today - dt.timedelta(days=5)
    )
    run_reminders(today)
    return {"cast": cast, "password": PASSWORD, "item": item, "today": today}


def test_a_handler_on_a_phone_asks_for_more_time_and_the_owner_approves(phone, city):
    from zhaoshang.pipeline.models import CoordinationItem

    cast, item, today = city["cast"], city["item"], city["today"]
    new_due = today + dt.timedelta(days=30)

    _login(phone, cast.handler.username, city["password"])
    assert phone.get_by_test_id("unread-count").inner_text() == "1"
    phone.get_by_test_id("panel-notification").click()
    phone.wait_for_url(f"{phone.base_url}/pipeline/items/{item.pk}/")
    assert phone.get_by_test_id("item-overdue").is_visible()
    form = phone.get_by_test_id("extension-form")
    form.locator("input[name=new_due]").fill(new_due.isoformat())
    form.locator("textarea[name=reason]").fill("需报省自然资源厅批复")
    submit = form.get_by_test_id("extension-submit")
    box = submit.bounding_box()
    assert (
        box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    )  # reachable with a thumb, not off-screen
    with phone.expect_navigation():
        submit.click()
    assert phone.get_by_test_id("item-overdue").is_visible()  # still overdue until approved
    width, inner = _fits(phone)
    assert width <= inner

    _login(phone, cast.owner.username, city["password"])
    phone.get_by_test_id("bell").click()
    phone.get_by_test_id("notification").filter(has_text="用地指标调剂").first.click()
    with phone.expect_navigation():
        phone.get_by_test_id("extension-approve").click()
    assert phone.get_by_test_id("item-due").inner_text().startswith(new_due.isoformat())
    assert CoordinationItem.objects.get(pk=item.pk).due == new_due

    _login(phone, cast.leader.username, city["password"])
    overdue = phone.get_by_test_id("leader-overdue")
    assert "自然资源局" not in overdue.inner_text()  # the item is no longer overdue
    width, inner = _fits(phone)
    assert width <= inner


MAIN_PAGES = [
    "/",
    "/registry/",
    "/chains/",
    "/pipeline/",
    "/pipeline/items/",
    "/pipeline/carriers/",
    "/pipeline/meeting/",
    "/pipeline/dashboard/",
    "/pipeline/new/",
    "/pipeline/import/",
    "/notifications/",
    "/notifications/settings/",
    "/notifications/channels/",
    "/organisations/",
    "/audit/",
    "/registry/imports/",
]


@pytest.mark.parametrize("username_attr", ["owner", "leader", "handler", "admin"])
def test_every_main_page_fits_a_360_px_phone(phone, city, username_attr):
    cast = city["cast"]
    user = getattr(cast, username_attr)
    _login(phone, user.username, city["password"])
    too_wide = []
    for path in MAIN_PAGES:
        response = phone.goto(phone.base_url + path)
        if response.status in (403, 404):
            continue
        width, inner = _fits(phone)
        if width > inner:
            too_wide.append((path, width))
    assert too_wide == []
