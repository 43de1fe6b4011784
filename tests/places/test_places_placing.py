"""Parks and carriers placed by hand on the map: audit, scoping, optimistic locking, access recomputed."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditEntry
from zhaoshang.pipeline import services as pipeline_services
from zhaoshang.places import demo, services
from zhaoshang.places.models import CarrierSite, Park

pytestmark = pytest.mark.django_db

# In the demo grid: a point in the rich east of 高新区 and one near 经开区.
RICH = [demo.LON0 + 16 * demo.DLON, demo.LAT0 + 14 * demo.DLAT]
NEAR_ECON = [demo.LON0 + 50 * demo.DLON, demo.LAT0 + 22 * demo.DLAT]


@pytest.fixture
def places(cast, tmp_path):
    osm = tmp_path / "demo.osm"
    osm.write_text(demo.osm_document(), encoding="utf-8")
    services.import_osm(osm, area="demo")
    features = json.loads(json.dumps(demo.PARKS))
    features[0]["properties"] = {"name": "甲园区周边", "organisation": "t-park-a"}  # a polygon
    features[1]["properties"] = {"name": "乙园区周边", "organisation": "t-park-b"}  # a point
    path = tmp_path / "parks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    services.import_parks(path)
    mine = pipeline_services.save_carrier(
        None, organisation=cast.park, name="甲园区标准厂房1栋", kind="factory"
    )
    theirs = pipeline_services.save_carrier(
        None, organisation=cast.other_park, name="乙园区保密地块", kind="land"
    )
    return Park.objects.get(name="甲园区周边"), Park.objects.get(name="乙园区周边"), mine, theirs


def post(client, park, target, lon, lat, **versions):
    data = {"target": target, "lon": str(lon), "lat": str(lat)}
    data.update({k: str(v) for k, v in versions.items()})
    return client.post(reverse("places:place", args=[park.pk]), data)


def test_a_park_admin_moves_their_point_park_and_its_access_is_recomputed(cast, client_for, places):
    _, park, _, _ = places
    before = services.park_access(park).counts
    client = client_for(cast.outsider)  # the 乙 park's administrator
    response = post(client, park, "park", *RICH, version_park=0)
    assert response.status_code == 302
    park.refresh_from_db()
    assert (park.lon, park.lat, park.origins, park.version) == (RICH[0], RICH[1], [RICH], 1)
    after = services.park_access(park).counts
    assert after != before and after["15"]["cinema"] > before["15"]["cinema"]
    page = client.get(response["Location"])
    assert "已保存" in page.content.decode() or "saved" in page.content.decode()
    table = page.context["counts"]
    assert [row["values"] for row in table] == [
        [after[str(m)][code] for m in (5, 10, 15)] for code in [c for c in after["15"]]
    ]
    entry = AuditEntry.objects.filter(model="places.park", object_id=str(park.pk), action="update").last()
    assert entry.actor_name and entry.note == "地图上放置" and "lon" in entry.changes


def test_a_polygon_park_gets_gates_by_hand_and_back_to_its_boundary(cast, client_for, places):
    park, _, _, _ = places
    client = client_for(cast.owner)
    assert post(client, park, "park", *RICH, version_park=0).status_code == 302
    assert post(client, park, "park", *NEAR_ECON, version_park=1).status_code == 302
    park.refresh_from_db()
    assert (
        park.origin_kind == "gates"
        and park.origins == [RICH, NEAR_ECON]
        and park.geometry["type"] == "Polygon"
    )
    assert services.park_access(park).origin_nodes.size == 2
    assert post(client, park, "park_boundary", "", "", version_park=2).status_code == 302
    park.refresh_from_db()
    assert park.origin_kind == "boundary" and len(park.origins) == 4


def test_a_carrier_is_placed_then_moved_and_a_stale_move_is_refused(cast, client_for, places):
    park, _, mine, _ = places
    owner, colleague = client_for(cast.owner), client_for(cast.colleague)
    assert post(owner, park, f"carrier:{mine.pk}", *RICH).status_code == 302
    site = CarrierSite.objects.get(carrier=mine)
    assert (site.lon, site.lat, site.version) == (RICH[0], RICH[1], 1)
    # both read version 1; the colleague saves first, the owner's later save is refused and changes nothing
    assert (
        post(
            colleague, park, f"carrier:{mine.pk}", *NEAR_ECON, **{f"version_carrier_{mine.pk}": 1}
        ).status_code
        == 302
    )
    stale = post(owner, park, f"carrier:{mine.pk}", *RICH, **{f"version_carrier_{mine.pk}": 1})
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode()
    site.refresh_from_db()
    assert (site.lon, site.lat, site.version) == (NEAR_ECON[0], NEAR_ECON[1], 2)
    assert list(
        AuditEntry.objects.filter(model="places.carriersite", object_id=str(site.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "update"]
    page = owner.get(reverse("places:park", args=[park.pk]))
    assert [c["name"] for c in page.context["map_data"]["carriers"]] == ["甲园区标准厂房1栋"]


def test_a_stale_park_move_is_refused(cast, client_for, places):
    _, park, _, _ = places
    client = client_for(cast.outsider)
    assert post(client, park, "park", *RICH, version_park=0).status_code == 302
    response = post(client, park, "park", *NEAR_ECON, version_park=0)
    assert response.status_code == 409
    park.refresh_from_db()
    assert [park.lon, park.lat] == RICH


def test_only_ones_own_parks_and_carriers_can_be_placed(cast, client_for, places):
    mine_park, their_park, mine, theirs = places
    owner = client_for(cast.owner)
    # another park's carrier, even on one's own park's page: not visible, so not found
    assert post(owner, mine_park, f"carrier:{theirs.pk}", *RICH).status_code == 404
    # another park: not even visible to a park administrator
    assert post(owner, their_park, "park", *RICH).status_code == 404
    # one's own carrier on another park's map (an administrator may see both): refused with a reason
    admin = client_for(cast.admin)
    response = post(admin, their_park, f"carrier:{mine.pk}", *RICH)
    assert response.status_code == 400 and "不属于园区" in response.content.decode()
    # a city leader views everything but places nothing, and is shown no form
    leader = client_for(cast.leader)
    assert post(leader, mine_park, "park", *RICH).status_code == 403
    assert post(leader, mine_park, f"carrier:{mine.pk}", *RICH).status_code in (403, 404)
    page = leader.get(reverse("places:park", args=[mine_park.pk]))
    assert 'data-testid="place-form"' not in page.content.decode()
    assert not CarrierSite.objects.exists()
    mine_park.refresh_from_db()
    their_park.refresh_from_db()
    assert mine_park.version is None and their_park.version is None


@pytest.mark.parametrize(
    "lon, lat, message",
    [
        ("abc", "27.8", "经度"),
        ("113.1", "", "纬度"),
        ("200", "27.8", "超出范围"),
        ("nan", "27.8", "超出范围"),
        ("10.0", "48.0", "不在任何已导入路网附近"),
    ],
)
def test_bad_coordinates_are_refused_with_a_reason_and_change_nothing(
    cast, client_for, places, lon, lat, message
):
    _, park, _, _ = places
    response = post(client_for(cast.outsider), park, "park", lon, lat, version_park=0)
    assert response.status_code == 400
    assert message in response.content.decode()
    park.refresh_from_db()
    assert park.version is None


def test_the_form_lists_only_the_carriers_one_may_move(cast, client_for, places):
    park, _, mine, _ = places
    page = client_for(cast.owner).get(reverse("places:park", args=[park.pk]))
    assert [p["carrier"].pk for p in page.context["placeable"]] == [mine.pk]
    assert page.context["can_place_park"] and 'data-testid="place-form"' in page.content.decode()
    frame = page.context["map_data"]["frame"]
    assert frame["lon0"] == park.lon and frame["kx"] > 0
