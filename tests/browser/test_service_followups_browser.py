"""On a phone (360 px): a 12345 import runs in the background with its progress and the importer downloads the
error file; the dashboard draws its charts; a structural problem is edited."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.browser

ROWS = 3000


@pytest.fixture
def desk_data(transactional_db):
    from tests.conftest import PASSWORD, Cast

    from zhaoshang.service.models import Category
    from zhaoshang.service.services import ensure_categories

    cast = Cast()
    ensure_categories(None)
    Category.objects.filter(code="land").update(department=cast.dept)
    return {"cast": cast, "password": PASSWORD}


@pytest.fixture
def phone(browser, page, desk_data):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, accept_downloads=True
    )
    tab = context.new_page()
    tab.set_default_timeout(20000)
    tab.base_url = page.base_url

    def login(user):
        tab.goto(tab.base_url + "/accounts/login/")
        tab.fill("input[name=username]", user.username)
        tab.fill("input[name=password]", desk_data["password"])
        tab.click("button[type=submit]")
        tab.wait_for_url(tab.base_url + "/")

    tab.login = login
    yield tab
    context.close()


def no_horizontal_scroll(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_phone_import_shows_progress_then_counts_and_the_error_file(phone, desk_data, settings, tmp_path):
    import openpyxl
    import xlsxwriter

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICE_IMPORT_IN_BACKGROUND = True
    path = tmp_path / "12345.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["工单编号", "受理时间", "企业名称", "诉求类型", "诉求内容", "承办单位"])
    for i in range(1, ROWS + 1):
        sheet.write_row(
            i,
            0,
            [f"P{i:05d}", "2025-03-03 09:00", f"测试批量{i % 50}有限公司", "用地", "路灯不亮", "自然资源局"],
        )
    sheet.write_row(
        ROWS + 1, 0, ["P99999", "不是日期", "测试批量1有限公司", "用地", "路灯不亮", "自然资源局"]
    )
    book.close()

    phone.login(desk_data["cast"].service)
    phone.goto(phone.base_url + "/service/import/")
    assert no_horizontal_scroll(phone)
    phone.set_input_files("input[name=file]", str(path))
    phone.click("[data-testid=start-import]")
    phone.wait_for_url("**/service/import/*/")
    phone.wait_for_selector("[data-testid=progress-bar]")
    phone.wait_for_selector("[data-testid=import-result]", timeout=120000)
    assert phone.locator("[data-count=created]").inner_text() == str(ROWS)
    assert phone.locator("[data-count=rejected]").inner_text() == "1"
    assert no_horizontal_scroll(phone)
    with phone.expect_download() as info:
        phone.click("[data-testid=errors-link]")
    report = tmp_path / "errors.xlsx"
    info.value.save_as(report)
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[1][0] == ROWS + 2 and rows[1][1] == "受理时间"


def test_the_dashboard_draws_its_charts_on_a_phone(phone, desk_data):
    from zoneinfo import ZoneInfo

    import time_machine

    from zhaoshang.service import services as s

    cast = desk_data["cast"]
    for month in (1, 2, 3):
        with time_machine.travel(datetime(2025, month, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            s.receive_appeal(cast.service, channel="cadre", firm_name="测试图表公司", content="路灯不亮")
    phone.login(cast.leader)
    phone.goto(phone.base_url + "/service/rates/?start=2025-01-01&end=2025-12-31")
    for chart in ("months", "categories", "departments"):
        phone.wait_for_selector(f"#chart-service-{chart} canvas")
    assert no_horizontal_scroll(phone)


def test_a_structural_problem_is_edited_on_a_phone(phone, desk_data):
    from zhaoshang.service import services as s
    from zhaoshang.service.models import StructuralProblem

    cast = desk_data["cast"]
    appeal = s.receive_appeal(cast.service, channel="cadre", firm_name="测试共性公司", content="路灯不亮")
    problem = s.raise_structural_problem(cast.service, title="园区路灯不亮", appeals=[appeal])
    phone.login(cast.service)
    phone.goto(f"{phone.base_url}/service/problems/{problem.pk}/")
    assert no_horizontal_scroll(phone)
    phone.select_option("select[name=decision]", "facility")
    phone.fill("textarea[name=decision_text]", "更换园区全部路灯")
    phone.fill("input[name=deadline]", "2025-06-30")
    phone.select_option("select[name=status]", "in_progress")
    phone.click("[data-testid=save-problem]")
    phone.wait_for_url("**/service/problems/")
    assert "园区路灯不亮" in phone.locator("[data-testid=open-problems]").inner_text()
    problem = StructuralProblem.objects.get()
    assert (problem.decision, problem.status, str(problem.deadline)) == (
        "facility",
        "in_progress",
        "2025-06-30",
    )
