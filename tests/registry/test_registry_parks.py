"""Which park a firm is in: rules on address and region (editable per park), by hand, after imports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.registry import parks
from zhaoshang.registry.core.parks import ParkRule as Rule
from zhaoshang.registry.core.parks import match_park
from zhaoshang.registry.models import Enterprise, FirmPark


def test_an_address_rule_wins_over_a_region_rule_and_priority_breaks_ties():
    rules = [
        Rule(1, "region", "4302"),
        Rule(2, "address", "栗雨工业园"),
        Rule(3, "address", "工业园", priority=5),
    ]
    assert match_park("株洲市天元区栗雨工业园8号", "430211", rules).park_id == 3
    assert match_park("株洲市天元区栗雨工业园8号", "430211", rules[:2]).park_id == 2
    assert match_park("株洲市芦淞区", "430203", rules).park_id == 1
    assert match_park("长沙市", "430104", rules) is None


def test_an_unknown_rule_kind_is_refused():
    with pytest.raises(ValueError):
        match_park("x", "1", [Rule(1, "zip", "1")])


def _firm(name, org, address="", region=""):
    return Enterprise.objects.create(
        name=name, name_key=name, organisation=org, address=address, region_code=region
    )


@pytest.mark.django_db
def test_rules_place_firms_and_a_firm_set_by_hand_stays(cast):
    a = _firm("甲一公司", cast.park, "株洲市天元区栗雨工业园8号", "430211")
    b = _firm("乙一公司", cast.other_park, "株洲市荷塘区金山路1号", "430202")
    parks.add_rule(cast.owner, cast.park, kind="address", pattern="栗雨工业园")
    parks.add_rule(cast.outsider, cast.other_park, kind="region", pattern="430202")
    assert parks.assign_parks()["placed"] == 2
    assert (
        FirmPark.objects.get(enterprise=a).park == cast.park
        and FirmPark.objects.get(enterprise=b).park == cast.other_park
    )
    parks.set_park(cast.owner, b, cast.park)
    parks.assign_parks()
    assert (
        FirmPark.objects.get(enterprise=b).park == cast.park
        and FirmPark.objects.get(enterprise=b).source == "manual"
    )
    assert set(parks.firms_in(cast.park)) == {a, b}


@pytest.mark.django_db
def test_a_region_rule_must_be_a_code_and_only_parks_get_rules(cast):
    with pytest.raises(parks.ParkError):
        parks.add_rule(cast.owner, cast.park, kind="region", pattern="天元区")
    with pytest.raises(parks.ParkError):
        parks.add_rule(cast.admin, cast.dept, kind="address", pattern="某路")


@pytest.mark.django_db
def test_a_firm_import_places_its_firms_by_the_rules(cast):
    from zhaoshang.core import hooks
    from zhaoshang.registry.models import ImportBatch

    parks.add_rule(cast.owner, cast.park, kind="region", pattern="430211")
    batch = ImportBatch.objects.create(organisation=cast.park, file_name="x.csv")
    firm = _firm("导入公司", cast.park, "", "430211")
    Enterprise.objects.filter(pk=firm.pk).update(import_batch=batch)
    hooks.run_after_import(batch, actor=cast.owner)
    assert FirmPark.objects.get(enterprise=firm).park == cast.park


@pytest.mark.django_db
def test_the_park_page_lists_its_firms_and_only_its_admins_edit_rules(cast, client_for):
    firm = _firm("甲二公司", cast.park, "栗雨工业园", "430211")
    parks.add_rule(cast.owner, cast.park, kind="address", pattern="栗雨工业园")
    parks.assign_parks()
    page = client_for(cast.owner).get(reverse("registry:park", args=[cast.park.pk])).content.decode()
    assert "甲二公司" in page and 'name="pattern"' in page
    outsider = client_for(cast.outsider)
    other_page = outsider.get(reverse("registry:park", args=[cast.park.pk])).content.decode()
    assert (
        "甲二公司" in other_page and 'name="pattern"' not in other_page
    )  # firms are shared; rules are not theirs
    response = outsider.post(
        reverse("registry:park_rule_add", args=[cast.park.pk]), {"kind": "address", "pattern": "x"}
    )
    assert response.status_code == 403
    assert client_for(cast.owner).get(reverse("web:workbench")).content.decode().count("园区企业：1 家") == 1
    assert firm.park_link.park == cast.park


def test_the_park_pages_need_a_login(client, db):
    response = client.get(reverse("registry:parks"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
