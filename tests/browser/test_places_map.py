"""The parks comparison and the park's walking map in a real browser, on a desktop and on a 360 px phone."""

from __future__ import annotations

import json

import pytest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def two_parks(transactional_db, cast, tmp_path):
    from zhaoshang.places import demo, services
    from zhaoshang.places.models import Park

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
    return Park.objects.get(name="甲园区周边"), Park.objects.get(name="乙园区周边")


@pytest.mark.parametrize("width", [1280, 360])
def test_a_leader_compares_two_parks_and_opens_the_walking_map(page, login, cast, two_parks, width):
    a, b = two_parks
    page.set_viewport_size({"width": width, "height": 800})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(cast.leader.username, PASSWORD)
    page.goto(page.base_url + f"/places/?park={a.pk}&park={b.pk}")
    page.wait_for_selector("#radar[data-ready='1'] canvas")
    assert "15 分钟内无影院" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click(f"a[href='/places/parks/{a.pk}/']")
    page.wait_for_selector("#park-map[data-ready='1'] canvas")
    table = page.inner_text("[data-testid=access-table]")
    assert "影院" in table
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert not errors, errors
    canvas = page.locator("#park-map canvas").first.bounding_box()
    assert canvas["width"] > 200 and canvas["height"] > 300
