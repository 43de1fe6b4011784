"""A cadre's day: log in, see today's follow-ups, record one, move a project to 签约 (told what is missing
first), download the meeting pack."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def day_data(transactional_db):
    from django.utils import timezone
    from tests.conftest import PASSWORD, Cast

    from zhaoshang.pipeline import services

    cast = Cast()
    today = timezone.localdate()
    due = services.create_project(
        cast.owner,
        name="今日回访项目",
        organisation=cast.park,
        owner=cast.owner,
        investor_name="回访科技有限公司",
    )
    services.record_followup(
        cast.owner,
        due,
        date=today - dt.timedelta(days=3),
        content="初次电话",
        next_action="回访董事长",
        next_due=today,
    )
    signing = services.create_project(
        cast.owner,
        name="待签约项目",
        organisation=cast.park,
        owner=cast.owner,
        investor_name="签约材料有限公司",
        first_contact_date=today - dt.timedelta(days=30),
        visit_date=today - dt.timedelta(days=20),
        planned_investment_wan=Decimal("30000"),
    )
    services.advance_project(cast.owner, signing, "negotiation", on=today - dt.timedelta(days=10))
    return {"cast": cast, "password": PASSWORD, "due": due, "signing": signing, "today": today}


def test_a_cadres_day(page, login, day_data):
    from playwright.sync_api import expect

    from zhaoshang.pipeline.models import FollowUp, Project

    cast, today = day_data["cast"], day_data["today"]
    login(cast.owner.username, day_data["password"])

    # The workbench lists today's follow-up.
    panel = page.get_by_test_id("panel-followups")
    panel.get_by_text("回访董事长").wait_for()
    panel.get_by_role("link", name="今日回访项目").click()

    # Record the follow-up on the project page.
    form = page.get_by_test_id("followup-form")
    form.locator("select[name=way]").select_option("call")
    form.locator("textarea[name=content]").fill("已回访董事长，对方下周来考察")
    form.locator("input[name=participants]").fill("王董事长")
    with page.expect_navigation():
        form.get_by_role("button").click()
    page.get_by_text("已回访董事长，对方下周来考察").wait_for()
    assert FollowUp.objects.filter(project=day_data["due"], done=False, next_due__isnull=False).count() == 0

    # Move the other project to 签约: first told what is missing.
    page.goto(f"{page.base_url}/pipeline/{day_data['signing'].pk}/")
    advance = page.get_by_test_id("advance-form")
    advance.locator("select[name=stage]").select_option("signed")
    advance.get_by_role("button").click()
    errors = page.get_by_test_id("advance-errors")
    errors.wait_for()
    assert "签约日期" in errors.inner_text() and "签约金额（万元）" in errors.inner_text()
    assert Project.objects.get(pk=day_data["signing"].pk).stage == "negotiation"
    advance = page.get_by_test_id("advance-form")
    advance.locator("select[name=stage]").select_option("signed")
    advance.locator("input[name=signed_date]").fill(today.isoformat())
    advance.locator("input[name=signed_amount_wan]").fill("28000")
    advance.locator("input[name=location]").fill("甲园区北区地块")
    advance.get_by_role("button").click()
    expect(page.get_by_test_id("stage")).to_have_text("签约")
    assert Project.objects.get(pk=day_data["signing"].pk).signed_amount_wan == Decimal("28000")

    # The meeting pack, on screen and as Word.
    page.goto(f"{page.base_url}/pipeline/")
    page.get_by_test_id("meeting-link").click()
    page.locator("input[name=start]").fill((today - dt.timedelta(days=40)).isoformat())
    page.locator("input[name=end]").fill(today.isoformat())
    page.get_by_test_id("meeting-form").get_by_role("button").click()
    page.get_by_test_id("kpi-leads").wait_for()
    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as fh:
        assert fh.read(2) == b"PK"
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    assert info.value.suggested_filename.endswith(".pdf")
    with open(info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"


def test_a_follow_up_can_be_recorded_on_a_phone(browser, live_server, day_data):
    from zhaoshang.pipeline.models import FollowUp

    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", day_data["cast"].owner.username)
        page.fill("input[name=password]", day_data["password"])
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        with page.expect_navigation():
            page.get_by_test_id("panel-followups").get_by_role("link", name="今日回访项目").tap()
        fits = "document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(fits), "the project page scrolls sideways on a phone"
        form = page.get_by_test_id("followup-form")
        content = form.locator("textarea[name=content]")
        content.scroll_into_view_if_needed()
        box = content.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        form.locator("select[name=way]").select_option("visit")
        content.fill("在手机上记录：上门拜访，对方确认考察时间")
        with page.expect_navigation():
            form.get_by_role("button").tap()
        page.get_by_text("在手机上记录：上门拜访，对方确认考察时间").wait_for()
        assert page.evaluate(fits)
        assert FollowUp.objects.filter(project=day_data["due"], way="visit").count() == 1

        # after the visit the promised investment changed: correct it on the phone too
        with page.expect_navigation():
            page.get_by_test_id("edit-project").tap()
        assert page.evaluate(fits), "the edit form scrolls sideways on a phone"
        amount = page.get_by_test_id("project-form").locator("input[name=planned_investment_wan]")
        amount.scroll_into_view_if_needed()
        box = amount.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        amount.fill("32000")
        with page.expect_navigation():
            page.get_by_test_id("project-form").get_by_role("button").tap()
        page.get_by_text("项目已保存。").wait_for()
        day_data["due"].refresh_from_db()
        assert day_data["due"].planned_investment_wan == 32000
    finally:
        context.close()
