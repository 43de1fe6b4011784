"""Anything not visible to you cannot be referenced by you: every foreign key a user sets, per role, in one place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.accounts.scoping import ReferenceNotVisible, check_reference
from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem, Project
from zhaoshang.registry.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_firm(cast):
    from zhaoshang.core import audit

    return audit.create(
        cast.outsider,
        Enterprise,
        name="乙园区私有企业有限公司",
        name_key="乙园区私有企业",
        uscc="91430202MA4L0XY06A",
        organisation=cast.other_park,
    )


@pytest.fixture
def carriers(cast):
    ours = services.save_carrier(
        cast.owner, organisation=cast.park, name="甲地块", kind="land", area=Decimal("60"), area_unit="mu"
    )
    theirs = services.save_carrier(
        cast.outsider,
        organisation=cast.other_park,
        name="乙地块",
        kind="land",
        area=Decimal("90"),
        area_unit="mu",
    )
    return ours, theirs


def test_check_reference_lets_the_system_and_visible_records_through_and_refuses_the_rest(cast, carriers):
    ours, theirs = carriers
    check_reference(None, theirs)
    check_reference(cast.owner, ours)
    check_reference(cast.owner, None)
    check_reference(cast.admin, theirs)
    with pytest.raises(ReferenceNotVisible, match="不在您的可见范围内"):
        check_reference(cast.owner, theirs, field="载体")
    with pytest.raises(ReferenceNotVisible):
        check_reference(cast.owner, cast.other_park, file_under=True)
    check_reference(cast.owner, cast.park, file_under=True)


def test_the_api_accepts_a_firm_another_organisation_imported_as_investor_the_registry_is_shared(
    cast, client_for, other_firm
):
    # Issue 8: every signed-in user sees every firm; who imported it is recorded, not used to hide it.
    client = client_for(cast.owner)
    for n, payload in enumerate(
        ({"investor": other_firm.pk}, {"investor_uscc": other_firm.uscc, "investor_name": "随便"})
    ):
        response = client.post(
            "/api/projects/",
            {"name": f"共享名录项目{n}", "organisation": cast.park.pk, **payload},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    assert set(
        Project.objects.filter(name__startswith="共享名录项目").values_list("investor", flat=True)
    ) == {other_firm.pk}


def test_the_api_advance_refuses_another_parks_carrier(cast, client_for, make_project, carriers):
    ours, theirs = carriers
    project = make_project()
    client = client_for(cast.owner)
    body = {
        "stage": "signed",
        "signed_date": "2026-03-10",
        "signed_amount_wan": "9",
        "planned_investment_wan": "100",
        "first_contact_date": "2026-01-05",
        "visit_date": "2026-02-01",
    }
    response = client.post(
        f"/api/projects/{project.pk}/advance/",
        {**body, "carrier": theirs.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "carrier" in response.content.decode()
    project.refresh_from_db()
    assert project.carrier_id is None and project.stage != "signed"
    response = client.post(
        f"/api/projects/{project.pk}/advance/", {**body, "carrier": ours.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.content


def test_the_services_refuse_each_reference_the_actor_may_not_see(cast, make_project, carriers):
    _ours, theirs = carriers
    project = make_project()
    with pytest.raises(ReferenceNotVisible):
        services.update_project(cast.owner, project, carrier=theirs)
    with pytest.raises(ReferenceNotVisible):
        services.update_project(cast.owner, project, owner=cast.outsider)
    with pytest.raises(ReferenceNotVisible):
        services.advance_project(
            cast.owner,
            project,
            "signed",
            signed_date=dt.date(2026, 3, 10),
            signed_amount_wan=Decimal(9),
            carrier=theirs,
        )
    with pytest.raises(ReferenceNotVisible):
        services.create_project(cast.owner, name="x", organisation=cast.other_park, investor_name="某公司")
    with pytest.raises(ReferenceNotVisible):
        services.create_project(
            cast.owner, name="x", organisation=cast.park, investor_name="某公司", owner=cast.outsider
        )
    project.refresh_from_db()
    assert project.carrier_id is None and project.owner == cast.owner


@pytest.mark.parametrize("role_user", ["owner", "officer"])
def test_the_project_api_refuses_an_owner_from_another_organisation_per_role(cast, client_for, role_user):
    user = getattr(cast, role_user)
    team = cast.park if role_user == "owner" else cast.bureau
    response = client_for(user).post(
        "/api/projects/",
        {
            "name": "越界负责人",
            "organisation": team.pk,
            "investor_name": "某科技有限公司",
            "owner": cast.outsider.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and not Project.objects.filter(name="越界负责人").exists()


def test_a_city_wide_role_may_reference_any_carrier(cast, carriers, make_project):
    _ours, theirs = carriers
    project = make_project(team=cast.bureau, owner=cast.officer, actor=cast.officer)
    services.update_project(cast.officer, project, carrier=theirs)  # officers see every carrier (matrix: all)
    project.refresh_from_db()
    assert project.carrier == theirs


def test_coordination_items_and_follow_ups_cannot_name_a_project_of_another_park(
    cast, client_for, make_project
):
    theirs = make_project(team=cast.other_park, owner=cast.outsider, actor=cast.outsider)
    client = client_for(cast.owner)
    response = client.post(
        "/api/coordination-items/",
        {"project": theirs.pk, "title": "越界", "department": cast.dept.pk, "due": "2026-03-20"},
        content_type="application/json",
    )
    assert response.status_code == 400 and not CoordinationItem.objects.exists()


def test_a_dry_run_import_never_names_the_organisation_holding_a_code(cast, other_firm, tmp_path, settings):
    from zhaoshang.registry.services import import_enterprises

    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "firms.csv"
    path.write_text(f"企业名称,统一社会信用代码\n{other_firm.name},{other_firm.uscc}\n", encoding="utf-8")
    result = import_enterprises(cast.owner, path, cast.park, dry_run=True)
    [issue] = [i for i in result.issues if i["code"] == "firm_of_another_organisation"]
    assert cast.other_park.name not in issue["message"]


def test_the_duplicates_page_shows_a_pair_with_another_organisations_firm_but_only_its_owner_decides(
    cast, client_for, other_firm
):
    from zhaoshang.core import audit
    from zhaoshang.registry.models import DuplicateCandidate

    ours = audit.create(
        cast.owner,
        Enterprise,
        name="乙园区私有企业有限公司",
        name_key="乙园区私有企业x",
        organisation=cast.park,
    )
    pair = DuplicateCandidate.objects.create(first=ours, second=other_firm, score=95)
    page = client_for(cast.owner).get("/registry/duplicates/")
    assert page.status_code == 200 and other_firm.uscc in page.content.decode()  # the registry is shared
    merged = client_for(cast.owner).post(f"/registry/duplicates/{pair.pk}/merge/", {"keep": ours.pk})
    assert merged.status_code == 403  # merging changes the other park's firm: not theirs to decide
    other_firm.refresh_from_db()
    assert other_firm.merged_into_id is None
