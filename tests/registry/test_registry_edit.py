"""Editing a firm by hand: the form and PATCH /api/enterprises/<id>/ — validation (credit-code rules), scoping
(org-scoped change), audit, optimistic locking (stale form → 已被他人修改 with the other changes; API 409)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from tests.registry.conftest import CODE_A, CODE_B

from zhaoshang.core.models import AuditEntry
from zhaoshang.registry import services
from zhaoshang.registry.models import Enterprise, FirmPark

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(cast):
    return Enterprise.objects.create(
        name="株洲甲园区科技有限公司",
        name_key="株洲甲园区科技",
        organisation=cast.park,
        address="株洲市天元区",
        status="存续",
        capital_wan=Decimal("500"),
    )


def form_data(firm, **changes):
    data = {
        "version": str(firm.version or 0),
        "name": firm.name,
        "short_name": firm.short_name,
        "uscc": firm.uscc or "",
        "legal_rep": firm.legal_rep,
        "founded": firm.founded.isoformat() if firm.founded else "",
        "capital_wan": "" if firm.capital_wan is None else str(firm.capital_wan),
        "currency": firm.currency,
        "company_type": firm.company_type,
        "status": firm.status,
        "address": firm.address,
        "region_code": firm.region_code,
        "industry_code": firm.industry_code,
        "scope": firm.scope,
        "description": firm.description,
        "employees": "" if firm.employees is None else str(firm.employees),
        "revenue_wan": "",
        "tax_wan": "",
        "website": firm.website,
        "tags_text": "、".join(firm.tags or []),
        "listed": "unknown",
        "park": "",
    }
    data.update(changes)
    return data


def test_the_owner_edits_a_firm_and_the_change_is_audited_and_searchable(cast, client_for, firm):
    client = client_for(cast.owner)
    detail = client.get(reverse("registry:detail", args=[firm.pk])).content.decode()
    assert 'data-testid="firm-edit-link"' in detail
    assert client.get(reverse("registry:edit", args=[firm.pk])).status_code == 200
    response = client.post(
        reverse("registry:edit", args=[firm.pk]),
        form_data(
            firm,
            uscc=CODE_A.lower(),
            scope="轨道交通牵引变流器研发",
            status="在业",
            tags_text="高新技术企业、专精特新",
            park=str(cast.park.pk),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    firm.refresh_from_db()
    assert firm.uscc == CODE_A and firm.status == "在业" and firm.tags == ["高新技术企业", "专精特新"]
    assert firm.version == 1 and FirmPark.objects.get(enterprise=firm).park == cast.park
    entry = AuditEntry.objects.filter(model="registry.enterprise", object_id=str(firm.pk)).latest("id")
    assert (
        entry.actor == cast.owner and entry.changes["status"] == ["存续", "在业"] and "scope" in entry.changes
    )
    assert [f.pk for f in services.search_enterprises(cast.officer, "牵引变流")] == [firm.pk]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uscc": "91430211MA4L0XY051"}, "校验位不符"),
        ({"uscc": "9143021"}, "应为18位"),
        ({"uscc": CODE_B}, "已属于名录中的另一家企业"),
        ({"name": "   "}, ""),
        ({"region_code": "999999"}, "不是有效的6位区划代码"),
        ({"industry_code": "X12"}, "行业分类"),
    ],
)
def test_bad_values_are_refused_on_their_field_and_nothing_is_written(
    cast, client_for, firm, changes, message
):
    Enterprise.objects.create(name="株洲乙公司", name_key="株洲乙", uscc=CODE_B, organisation=cast.other_park)
    response = client_for(cast.owner).post(
        reverse("registry:edit", args=[firm.pk]), form_data(firm, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    firm.refresh_from_db()
    assert firm.version is None and firm.uscc is None and firm.name == "株洲甲园区科技有限公司"


def test_only_who_may_change_the_firms_organisation_may_edit_it(cast, client_for, firm):
    # the registry is shared: everyone sees the firm; changing it stays within its organisation
    assert client_for(cast.outsider).get(reverse("registry:detail", args=[firm.pk])).status_code == 200
    assert (
        'data-testid="firm-edit-link"'
        not in client_for(cast.outsider).get(reverse("registry:detail", args=[firm.pk])).content.decode()
    )
    assert client_for(cast.outsider).get(reverse("registry:edit", args=[firm.pk])).status_code == 403
    assert (
        client_for(cast.outsider)
        .post(reverse("registry:edit", args=[firm.pk]), form_data(firm, status="注销"))
        .status_code
        == 403
    )
    response = client_for(cast.outsider).patch(
        f"/api/enterprises/{firm.pk}/", {"status": "注销"}, content_type="application/json"
    )
    assert response.status_code == 403
    firm.refresh_from_db()
    assert firm.status == "存续"


def test_a_park_the_editor_may_not_see_cannot_be_set(cast, client_for, firm):
    from zhaoshang.accounts.services import ensure_organisation

    elsewhere = ensure_organisation(None, code="t-far", name="远方园区", kind="park", region_code="110100")
    response = client_for(cast.owner).post(
        reverse("registry:edit", args=[firm.pk]), form_data(firm, park=str(elsewhere.pk))
    )
    assert response.status_code == 400 and not FirmPark.objects.filter(enterprise=firm).exists()


def test_a_stale_form_is_refused_with_the_other_persons_changes_shown(cast, client_for, firm):
    stale = form_data(firm)  # both opened the form at version 0
    assert (
        client_for(cast.colleague)
        .post(reverse("registry:edit", args=[firm.pk]), form_data(firm, address="株洲市天元区新地址1号"))
        .status_code
        == 302
    )
    response = client_for(cast.owner).post(
        reverse("registry:edit", args=[firm.pk]), {**stale, "status": "吊销"}
    )
    page = response.content.decode()
    assert response.status_code == 409 and "已被他人修改" in page and "株洲市天元区新地址1号" in page
    firm.refresh_from_db()
    assert firm.address == "株洲市天元区新地址1号" and firm.status == "存续"  # nothing silently written back
    # the form now carries the current version and the other change: saving again works and keeps it
    again = dict(stale, status="吊销", address="株洲市天元区新地址1号", version=str(firm.version))
    assert client_for(cast.owner).post(reverse("registry:edit", args=[firm.pk]), again).status_code == 302
    firm.refresh_from_db()
    assert firm.status == "吊销" and firm.address == "株洲市天元区新地址1号"


def test_an_import_that_changed_the_firm_makes_an_open_form_stale(cast, client_for, firm, write_csv):
    stale = form_data(firm, status="吊销")
    path = write_csv(["企业名称", "住所"], [[firm.name, "株洲市天元区导入地址"]])
    services.import_enterprises(cast.owner, path, cast.park)
    firm.refresh_from_db()
    assert firm.version == 1
    assert client_for(cast.owner).post(reverse("registry:edit", args=[firm.pk]), stale).status_code == 409


def test_the_api_patch_changes_the_firm_and_answers_409_with_the_version_when_stale(cast, client_for, firm):
    client = client_for(cast.owner)
    read = client.get(f"/api/enterprises/{firm.pk}/").json()
    assert read["version"] == 0
    ok = client.patch(
        f"/api/enterprises/{firm.pk}/",
        {"version": 0, "status": "在业", "employees": 12},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "在业" and ok.json()["version"] == 1
    stale = client.patch(
        f"/api/enterprises/{firm.pk}/", {"version": 0, "status": "注销"}, content_type="application/json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert (
        body["code"] == "edited_by_someone_else" and body["version"] == 1 and "已被他人修改" in body["error"]
    )
    bad = client.patch(
        f"/api/enterprises/{firm.pk}/", {"uscc": "91430211MA4L0XY051"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "校验位" in bad.json()["error"]
    firm.refresh_from_db()
    assert firm.status == "在业" and firm.employees == 12 and firm.uscc is None


def test_the_above_scale_flag_is_set_by_the_form_and_the_api_and_audited(cast, client_for, firm):
    client = client_for(cast.owner)
    response = client.post(
        reverse("registry:edit", args=[firm.pk]), form_data(firm, above_scale="true"), follow=False
    )
    assert response.status_code in (302, 303), response.content.decode()[:500]
    firm.refresh_from_db()
    assert firm.above_scale is True
    entry = AuditEntry.objects.filter(object_id=str(firm.pk), changes__has_key="above_scale").first()
    assert entry is not None and entry.changes["above_scale"] == [None, True]
    cleared = client.patch(
        f"/api/enterprises/{firm.pk}/",
        {"version": firm.version, "above_scale": False},
        content_type="application/json",
    )
    assert cleared.status_code == 200 and cleared.json()["above_scale"] is False
    firm.refresh_from_db()
    assert firm.above_scale is False
