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


@pytest.mark.parametrize("width", [360, 1280])
def test_a_park_admin_taps_the_map_to_place_a_carrier(page, login, cast, two_parks, width):
    from zhaoshang.pipeline import services as pipeline_services
    from zhaoshang.places.models import CarrierSite

    park, _ = two_parks
    carrier = pipeline_services.save_carrier(None, organisation=cast.park, name="标准厂房A栋", kind="factory")
    page.set_viewport_size({"width": width, "height": 800})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(cast.owner.username, PASSWORD)
    page.goto(page.base_url + f"/places/parks/{park.pk}/")
    page.wait_for_selector("#park-map[data-ready='1'] canvas")
    page.select_option("[data-testid=place-target]", f"carrier:{carrier.pk}")
    box = page.locator("#park-map").bounding_box()
    tap = (box["width"] * 0.6, box["height"] * 0.4)
    page.locator("#park-map").click(position={"x": tap[0], "y": tap[1]})
    page.wait_for_selector("#park-map[data-picked='1']")
    lon = float(page.input_value("[data-testid=place-lon]"))
    lat = float(page.input_value("[data-testid=place-lat]"))
    assert abs(lon - park.lon) < 0.05 and abs(lat - park.lat) < 0.05
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("[data-testid=place-save]")
    page.wait_for_selector("#park-map[data-ready='1'] canvas")
    site = CarrierSite.objects.get(carrier=carrier)
    assert (round(site.lon, 7), round(site.lat, 7)) == (lon, lat)
    assert "标准厂房A栋" in page.inner_text("[data-testid=carriers]")
    # the carrier is drawn where it was tapped: its marker's pixel is the tapped pixel
    drawn = page.evaluate(
        """async () => {
            const echarts = await import(document.querySelector("script[type=module][src*='park_map']").src
                .replace(/places\\/park_map[^/]*\\.js.*$/, "echarts/echarts.esm.min.js"));
            const chart = echarts.getInstanceByDom(document.getElementById("park-map"));
            const d = JSON.parse(document.getElementById("map-data").textContent);
            return chart.convertToPixel({gridIndex: 0}, d.carriers[0].xy);
        }"""
    )
    assert abs(drawn[0] - tap[0]) < 3 and abs(drawn[1] - tap[1]) < 3, (drawn, tap)
    assert not errors, errors


@pytest.mark.parametrize("width", [360, 1280])
def test_the_heat_map_redraws_when_the_category_and_minutes_change(page, login, cast, two_parks, width):
    page.set_viewport_size({"width": width, "height": 800})
    errors, requests = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    login(cast.leader.username, PASSWORD)
    page.goto(page.base_url + "/places/heat/")
    page.wait_for_selector("#heat-map[data-ready='1'] canvas")
    first = page.inner_text("[data-testid=heat-panel] h2")
    page.select_option("[data-testid=heat-category]", "school")
    page.select_option("[data-testid=heat-minutes]", "5")
    page.wait_for_selector("#heat-panel h2:has-text('步行 5 分钟')")
    page.wait_for_selector("#heat-map[data-ready='1'] canvas")
    second = page.inner_text("[data-testid=heat-panel] h2")
    assert first != second and "学校" in second
    assert "minutes=5" in page.url and "category=school" in page.url
    assert len(page.locator("[data-testid=heat-legend] li").all()) >= 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    canvas = page.locator("#heat-map canvas").first.bounding_box()
    assert canvas["width"] > 300 and canvas["height"] > 300
    assert all(url.startswith(page.base_url) for url in requests), [
        u for u in requests if not u.startswith(page.base_url)
    ]
    assert not errors, errors


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xdd\xdd\xdd" * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def tile_server():
    """A stand-in for the intranet tile server on another origin; records the tiles asked for."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str] = []
    body = _png()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


def test_without_a_tile_url_the_park_map_requests_nothing_from_elsewhere(
    page, login, cast, two_parks, settings
):
    settings.PLACES_MAP_TILE_URL = ""
    park, _ = two_parks
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(cast.leader.username, PASSWORD)
    page.goto(page.base_url + f"/places/parks/{park.pk}/")
    page.wait_for_selector("#park-map[data-ready='1'] canvas")
    assert requests and all(url.startswith(page.base_url) for url in requests), requests


@pytest.mark.parametrize("path", ["park", "heat"])
def test_with_a_tile_url_the_maps_draw_intranet_tiles_under_the_vectors(
    page, login, cast, two_parks, settings, tile_server, path
):
    from zhaoshang.places.coords import tile_of

    origin, asked = tile_server
    settings.PLACES_MAP_TILE_URL = origin + "/tiles/{z}/{x}/{y}.png"
    settings.PLACES_MAP_TILE_CRS = "wgs84"
    park, _ = two_parks
    refused = []
    page.on(
        "console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    login(cast.leader.username, PASSWORD)
    page.goto(page.base_url + (f"/places/parks/{park.pk}/" if path == "park" else "/places/heat/"))
    selector = "#park-map" if path == "park" else "#heat-map"
    page.wait_for_selector(f"{selector}[data-ready='1'] canvas")
    page.wait_for_timeout(500)
    assert asked, "no tile was requested"
    z, x, y = (int(v) for v in asked[0].removesuffix(".png").split("/")[-3:])
    assert 10 <= z <= 18
    px, py = tile_of(park.lon, park.lat, z)
    assert abs(x - px) <= 12 and abs(y - py) <= 12  # tiles around the park, at the zoom picked for the box
    assert not refused, refused
