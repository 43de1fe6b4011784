"""A service officer's morning: open the approval case of a signed project, record an item done with one trip,
see the timeline move, and push a policy to the firms it is for (on a phone for the case page)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def morning(transactional_db):
    from django.utils import timezone
    from tests.conftest import PASSWORD, Cast

    from zhaoshang.accounts.services import ensure_organisation
    from zhaoshang.core import audit
    from zhaoshang.pipeline import services as pipeline
    from zhaoshang.policies import services as policies
    from zhaoshang.registry.models import Enterprise

    cast = Cast()
    ensure_organisation(
        None, code="t-drc", name="测试市发展和改革委员会", kind="department", parent=cast.city
    )
    today = timezone.localdate()
    signed = today - dt.timedelta(days=10)
    project = pipeline.create_project(
        cast.owner,
        name="新材料产业园项目",
        organisation=cast.park,
        owner=cast.owner,
        investor_name="新材料投资有限公司",
        planned_investment_wan=Decimal("30000"),
    )
    pipeline.advance_project(
        cast.owner,
        project,
        "signed",
        on=signed,
        first_contact_date=signed - dt.timedelta(days=40),
        visit_date=signed - dt.timedelta(days=20),
        signed_date=signed,
        signed_amount_wan=Decimal("28000"),
        location="甲园区",
    )
    for n in range(3):
        audit.create(
            None,
            Enterprise,
            name=f"甲园区合格企业{n}有限公司",
            name_key=f"甲园区合格企业{n}",
            organisation=cast.park,
            region_code="430211",
            capital_wan=Decimal("500"),
        )
    audit.create(
        None,
        Enterprise,
        name="外省企业有限公司",
        name_key="外省企业",
        organisation=cast.park,
        region_code="110101",
        capital_wan=Decimal("900"),
    )
    policy, _ = policies.save_policy(
        cast.admin,
        code="B-1",
        title="测试市企业扶持办法",
        issuer="测试市",
        valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=365),
    )
    clause = policies.save_clause(
        cast.admin,
        policy,
        number="第一条",
        title="落户奖励",
        text="本市注册资本100万元以上企业给予奖励。",
        no_application=True,
        conditions="region in 4302\ncapital >= 100",
    )
    return {"cast": cast, "password": PASSWORD, "project": project, "clause": clause, "today": today}


def test_a_service_officer_opens_a_case_records_an_item_and_pushes_a_policy(page, login, morning):
    from zhaoshang.approvals.models import ApprovalCase
    from zhaoshang.policies.models import Push

    cast, today = morning["cast"], morning["today"]
    page.set_viewport_size({"width": 360, "height": 780})
    login(cast.service.username, morning["password"])

    page.goto(f"{page.base_url}/approvals/")
    form = page.get_by_test_id("open-case")
    form.locator("select[name=project]").select_option(str(morning["project"].pk))
    with page.expect_navigation():
        form.get_by_role("button").click()
    case = ApprovalCase.objects.get(project=morning["project"])
    assert page.url.endswith(f"/approvals/{case.pk}/")
    page.get_by_test_id("gantt").locator("canvas").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    end_before = page.get_by_test_id("expected-end").inner_text()
    assert page.get_by_test_id("trips").inner_text() == "0"

    filing = case.items.get(code="filing")
    page.locator(f"#item-{filing.pk} + tr summary").click()
    item_form = page.get_by_test_id("item-form-filing")
    item_form.locator("select[name$=state]").select_option("done")
    item_form.locator("input[name$=started_on]").fill((today - dt.timedelta(days=9)).isoformat())
    item_form.locator("input[name$=done_on]").fill(today.isoformat())
    item_form.locator("input[name$=add_trips]").fill("1")
    with page.expect_navigation():
        item_form.get_by_role("button").click()
    assert page.get_by_test_id("trips").inner_text() == "1"
    assert page.get_by_test_id("state-filing").inner_text().startswith("完成")
    assert page.get_by_test_id("expected-end").inner_text() != end_before
    filing.refresh_from_db()
    assert filing.state == "done" and filing.trips == 1

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/policies/clauses/{morning['clause'].pk}/pushes/")
    with page.expect_navigation():
        page.get_by_test_id("push").click()
    assert page.get_by_test_id("n-eligible").inner_text() == "3"
    assert set(Push.objects.values_list("enterprise__name", flat=True)) == {
        f"甲园区合格企业{n}有限公司" for n in range(3)
    }
