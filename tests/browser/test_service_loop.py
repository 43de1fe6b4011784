"""The loop on real pages: a firm files an appeal on a phone, the department handler accepts, replies and closes,
the service officer records the satisfaction call-back, and the rates on the dashboard move."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_data(transactional_db):
    from tests.conftest import PASSWORD, Cast

    from zhaoshang.service.models import Category
    from zhaoshang.service.services import ensure_categories

    cast = Cast()
    ensure_categories(None)
    Category.objects.filter(code="land").update(department=cast.dept)
    return {"cast": cast, "password": PASSWORD}


def test_a_firm_files_on_a_phone_and_the_loop_closes(browser, page, login, desk_data):
    from playwright.sync_api import expect

    from zhaoshang.service.models import Appeal

    cast, password = desk_data["cast"], desk_data["password"]
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    firm = phone.new_page()
    firm.goto(page.base_url + "/public/appeal/")
    assert firm.evaluate("document.documentElement.scrollWidth") <= 360  # no horizontal scroll on a phone
    firm.fill("input[name=firm]", "测试手机公司")
    firm.fill("input[name=contact]", "王经理")
    firm.fill("input[name=phone]", "13812345678")
    firm.select_option("select[name=category]", label="用地")
    firm.fill("textarea[name=content]", "厂房扩建用地指标迟迟未批")
    a, b = map(int, re.findall(r"(\d+) \+ (\d+)", firm.locator("label[for=id_answer]").inner_text())[0])
    firm.fill("input[name=answer]", str(a + b))
    firm.check("input[name=consent]")
    firm.click("[data-testid=submit]")
    code = firm.locator("[data-testid=tracking-code]").inner_text()
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.department == cast.dept

    login(cast.handler.username, password)
    page.goto(f"{page.base_url}/service/{appeal.pk}/")
    page.click("[data-testid=accept]")
    page.click("[data-testid=open-reply]")
    page.fill("textarea[name=text]", "已与规划科对接，下周上会研究")
    page.click("[data-testid=send-reply]")
    page.click("[data-testid=open-close]")
    page.select_option("select[name=result]", "solved")
    page.click("[data-testid=close]")
    expect(page.locator("[data-testid=result]")).to_contain_text("解决")
    page.click("[data-testid=logout]")

    firm.goto(page.base_url + "/public/appeal/status/")
    firm.fill("input[name=code]", code)
    firm.fill("input[name=phone]", "13812345678")
    firm.click("[data-testid=lookup]")
    expect(firm.locator("[data-testid=public-reply]")).to_contain_text("下周上会研究")

    login(cast.service.username, password)
    page.goto(page.base_url + "/service/rates/")
    expect(page.locator("[data-testid=satisfaction_rate]")).to_have_text("—")
    page.goto(f"{page.base_url}/service/{appeal.pk}/")
    page.select_option("select[name=satisfaction]", "satisfied")
    page.click("[data-testid=rate]")
    expect(page.locator("[data-testid=satisfaction]")).to_contain_text("满意")
    page.goto(page.base_url + "/service/rates/")
    expect(page.locator("[data-testid=satisfaction_rate]")).to_have_text("100%")
    expect(page.locator("[data-testid=solve_rate]")).to_have_text("100%")
    expect(page.locator("[data-testid=received]")).to_have_text("1")
    phone.close()
