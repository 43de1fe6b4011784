"""The optional intranet tile layer: the setting, the tiles picked for a map's box, the page's CSP."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from zhaoshang.env import env_tile_url
from zhaoshang.places import demo, services
from zhaoshang.places.coords import gcj02_to_wgs84, tile_corner, tile_of, tiles_covering
from zhaoshang.places.models import Park
from zhaoshang.places.views import tile_layer


def test_the_setting_is_empty_or_an_http_url_with_z_x_y():
    assert env_tile_url("T", environ={}) == ""
    assert env_tile_url("T", environ={"T": "  "}) == ""
    url = "http://tiles.intranet:8080/osm/{z}/{x}/{y}.png"
    assert env_tile_url("T", environ={"T": url}) == url
    for bad in (
        "tiles.intranet/{z}/{x}/{y}.png",
        "ftp://t/{z}/{x}/{y}",
        "http://t/{z}/{x}.png",
        "http:///{z}/{x}/{y}",
    ):
        with pytest.raises(ImproperlyConfigured, match="T="):
            env_tile_url("T", environ={"T": bad})


def test_tiles_of_a_known_place():
    # Zoom 0 is one tile; OSM's tile of central Berlin at zoom 10 is 550/335
    assert tile_of(13.4, 52.52, 0) == (0, 0)
    assert tile_of(13.4, 52.52, 10) == (550, 335)
    assert tile_corner(0, 0, 1) == pytest.approx((-180.0, 85.0511287798))
    assert tile_corner(1, 1, 1) == pytest.approx((0.0, 0.0))


def test_the_tiles_cover_the_box_at_the_deepest_zoom_within_the_limit():
    box = (113.10, 27.80, 113.14, 27.83)
    tiles = tiles_covering(*box, max_tiles=100)
    zooms = {t[0] for t in tiles}
    assert len(zooms) == 1 and len(tiles) <= 100
    z = zooms.pop()
    x0, y0 = tile_of(box[0], box[3], z + 1)
    x1, y1 = tile_of(box[2], box[1], z + 1)
    assert (x1 - x0 + 1) * (y1 - y0 + 1) > 100  # one zoom deeper would need too many
    assert min(t[3] for t in tiles) <= box[0] and max(t[5] for t in tiles) >= box[2]
    assert min(t[4] for t in tiles) <= box[1] and max(t[6] for t in tiles) >= box[3]


def test_gcj02_tiles_are_shifted_back_onto_wgs84():
    wgs = tiles_covering(113.10, 27.80, 113.11, 27.81, crs="wgs84")
    gcj = tiles_covering(113.10, 27.80, 113.11, 27.81, crs="gcj02")
    z, x, y, w, s, e, n = gcj[0]
    corner_lon, corner_lat = tile_corner(x, y, z)
    assert (w, n) == pytest.approx(gcj02_to_wgs84(corner_lon, corner_lat))
    assert (w, n) != pytest.approx((corner_lon, corner_lat))  # hundreds of metres in China
    assert {t[1:3] for t in wgs} != {t[1:3] for t in gcj}


def test_no_tiles_without_the_setting(settings):
    settings.PLACES_MAP_TILE_URL = ""
    assert (
        tile_layer(113.1, 27.8, 113.2, 27.9, {"lon0": 113.15, "lat0": 27.85, "kx": 98_000, "ky": 110_540})
        == []
    )


@pytest.mark.django_db
def test_the_map_pages_allow_only_the_tile_servers_origin(cast, client_for, tmp_path, settings):
    osm = tmp_path / "demo.osm"
    osm.write_text(demo.osm_document(), encoding="utf-8")
    services.import_osm(osm, area="demo")
    path = tmp_path / "parks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": demo.PARKS}), encoding="utf-8")
    services.import_parks(path)
    park = Park.objects.first()
    client = client_for(cast.leader)
    settings.PLACES_MAP_TILE_URL = ""
    page = client.get(reverse("places:park", args=[park.pk]))
    assert "img-src 'self' data: blob:;" in page["Content-Security-Policy"]
    assert page.context["map_data"]["tiles"] == []
    settings.PLACES_MAP_TILE_URL = "http://tiles.intranet:8080/{z}/{x}/{y}.png"
    for url in (reverse("places:park", args=[park.pk]), reverse("places:heat")):
        response = client.get(url)
        assert "img-src 'self' http://tiles.intranet:8080 data: blob:;" in response["Content-Security-Policy"]
        assert "script-src 'self';" in response["Content-Security-Policy"]
    tiles = client.get(reverse("places:park", args=[park.pk])).context["map_data"]["tiles"]
    assert 0 < len(tiles) <= 100 and tiles[0]["url"].startswith("http://tiles.intranet:8080/")
    # the park lies on one of the tiles, in the map's frame (metres from the park)
    assert any(t["x0"] <= 0 <= t["x1"] and t["y0"] <= 0 <= t["y1"] for t in tiles)
    assert client.get(reverse("places:index"))["Content-Security-Policy"].count("tiles.intranet") == 0
