"""Places pages and API: comparison, park map, exports, and scoping (login, another park's data)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.pipeline import services as pipeline_services
from zhaoshang.places import demo, services
from zhaoshang.places.models import Park

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(cast, tmp_path):
    osm = tmp_path / "demo.osm"
    osm.write_text(demo.osm_document(), encoding="utf-8")
    services.import_osm(osm, area="demo")
    features = json.loads(json.dumps(demo.PARKS))
    features[0]["properties"] = {"name": "甲园区周边", "organisation": "t-park-a"}
    features[1]["properties"] = {"name": "乙园区周边", "organisation": "t-park-b"}
    path = tmp_path / "parks.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    services.import_parks(path)
    pipeline_services.save_carrier(None, organisation=cast.park, name="甲园区标准厂房1栋", kind="factory")
    pipeline_services.save_carrier(None, organisation=cast.other_park, name="乙园区保密地块", kind="land")
    return Park.objects.get(name="甲园区周边"), Park.objects.get(name="乙园区周边")


def test_the_comparison_page_shows_both_parks_their_counts_and_gaps(
    cast, client_for, places, django_assert_max_num_queries
):
    a, b = places
    client = client_for(cast.leader)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("places:index"), {"park": [a.pk, b.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲园区周边" in html and "乙园区周边" in html
    assert "15 分钟内无影院" in html  # the 经开 layout has no cinema
    assert 'data-testid="radar"' in html


def test_the_park_page_draws_the_isochrone_and_lists_the_parks_carriers(cast, client_for, places):
    a, _ = places
    response = client_for(cast.owner).get(reverse("places:park", args=[a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲园区标准厂房1栋" in html
    data = response.context["map_data"]
    assert all(band["segments"] for band in data["bands"])
    assert data["pois"]


def test_another_parks_page_and_private_carriers_are_hidden_from_an_outsider(cast, client_for, places):
    a, b = places
    outsider = client_for(cast.outsider)
    assert outsider.get(reverse("places:park", args=[a.pk])).status_code == 404
    index = outsider.get(reverse("places:index")).content.decode()
    assert "甲园区周边" not in index
    own = outsider.get(reverse("places:park", args=[b.pk])).content.decode()
    assert "乙园区保密地块" in own and "甲园区标准厂房1栋" not in own
    assert outsider.get(reverse("places:index"), {"park": [a.pk]}).status_code == 404
    assert outsider.get(reverse("places:export", args=["xlsx"]), {"park": [a.pk]}).status_code == 404


def test_a_park_admin_sees_only_their_own_parks_carriers(cast, client_for, places):
    _, b = places
    # The owner's park admin role cannot see park b at all; a leader sees b and its carriers.
    assert client_for(cast.owner).get(reverse("places:park", args=[b.pk])).status_code == 404
    assert (
        "乙园区保密地块" in client_for(cast.leader).get(reverse("places:park", args=[b.pk])).content.decode()
    )


def test_pages_need_a_login(client, places):
    a, _ = places
    for url in (
        reverse("places:index"),
        reverse("places:park", args=[a.pk]),
        reverse("places:export", args=["xlsx"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_comparison_exports_to_xlsx_and_docx(cast, client_for, places):
    a, b = places
    client = client_for(cast.leader)
    response = client.get(reverse("places:export", args=["xlsx"]), {"park": [a.pk, b.pk]})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["对比"].iter_rows(values_only=True))
    assert rows[0][:3] == ("园区", "步行分钟", "咖啡")
    assert {r[0] for r in rows[1:]} == {"甲园区周边", "乙园区周边"}
    assert any("影院" in (r[6] or "") for r in book["缺口"].iter_rows(min_row=2, values_only=True))
    docx = client.get(reverse("places:export", args=["docx"]), {"park": [a.pk, b.pk]})
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"


def test_the_api_lists_visible_parks_and_answers_access(cast, client_for, places):
    a, b = places
    leader = client_for(cast.leader)
    names = {p["name"] for p in leader.get("/api/places/parks/").json()["results"]}
    assert names == {"甲园区周边", "乙园区周边"}
    got = leader.get(f"/api/places/parks/{a.pk}/access/").json()
    assert list(got) == ["park", "minutes"] and got["minutes"]["15"]["cinema"] >= 1
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/api/places/parks/{a.pk}/access/").status_code == 404
    assert {p["name"] for p in outsider.get("/api/places/parks/").json()["results"]} == {"乙园区周边"}


def test_the_api_needs_a_login(client, places):
    a, _ = places
    assert client.get("/api/places/parks/").status_code in (401, 403)
    assert client.get(f"/api/places/parks/{a.pk}/access/").status_code in (401, 403)
