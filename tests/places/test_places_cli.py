"""`zhaoshang places ...` end to end: import an OSM file and parks, compare access with an independent reference."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.places.conftest import Reference

from zhaoshang.core.models import AuditEntry
from zhaoshang.places.categories import CODES
from zhaoshang.places.models import Park, Poi, StreetNetwork

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("places", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write_parks(tmp_path, features, name="parks.geojson"):
    path = tmp_path / name
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    return path


def point(name, lon, lat, **props):
    return {
        "type": "Feature",
        "properties": {"name": name, **props},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def polygon(name, ring, **props):
    return {
        "type": "Feature",
        "properties": {"name": name, **props},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


AGUAS_PARKS = [
    point("北园", -102.2850, 21.8700),
    point("南园", -102.2700, 21.8650),
    point("东园", -102.2600, 21.8750),
    polygon(
        "西园",
        [
            [-102.2920, 21.8620],
            [-102.2880, 21.8620],
            [-102.2880, 21.8660],
            [-102.2920, 21.8660],
            [-102.2920, 21.8620],
        ],
    ),
]


@pytest.mark.parametrize("name", ["aguascalientes.osm.bz2", "West-Oakland.osm.bz2"])
def test_access_for_several_parks_equals_an_independent_reference(shared_osm, tmp_path, name):
    path = shared_osm(name)
    summary = json.loads(run("import-osm", str(path), "--json"))
    ref = Reference(path)
    assert summary["nodes"] == ref.graph.number_of_nodes()
    if name.startswith("West"):
        xs = sorted(ref.coords[n][0] for n in ref.graph.nodes)
        ys = sorted(ref.coords[n][1] for n in ref.graph.nodes)
        features = [point(f"园{i}", xs[len(xs) * i // 4], ys[len(ys) * (3 - i) // 4]) for i in range(1, 4)]
    else:
        features = AGUAS_PARKS
    run("parks", "import", str(write_parks(tmp_path, features)))
    nonzero = 0
    for feature in features:
        got = json.loads(run("access", feature["properties"]["name"], "--json"))
        geometry = feature["geometry"]
        origins = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"][0][:-1]
        )
        expected = ref.access(origins)
        assert got == {
            "park": feature["properties"]["name"],
            "minutes": dict(zip(["5", "10", "15"], expected, strict=False)),
        }
        nonzero += sum(got["minutes"]["15"].values())
    assert nonzero > 0


def test_access_json_lists_every_category_even_when_none_is_reachable(shared_osm, tmp_path):
    run("import-osm", str(shared_osm("planet_10.068,48.135_10.071,48.137.osm")))
    run("parks", "import", str(write_parks(tmp_path, [point("村园", 10.069, 48.136)])))
    got = json.loads(run("access", "村园", "--json"))
    assert list(got) == ["park", "minutes"]
    assert list(got["minutes"]) == ["5", "10", "15"]
    for counts in got["minutes"].values():
        assert list(counts) == list(CODES)
        assert set(counts.values()) == {0}


def test_walking_speed_changes_the_distances(shared_osm, tmp_path):
    run("import-osm", str(shared_osm("aguascalientes.osm.pbf")))
    run("parks", "import", str(write_parks(tmp_path, AGUAS_PARKS[:1])))
    slow = json.loads(run("access", "北园", "--json", "--speed", "40"))
    normal = json.loads(run("access", "北园", "--json"))
    assert slow["minutes"]["10"] == normal["minutes"]["5"]
    assert slow["minutes"]["10"] != normal["minutes"]["10"] or sum(normal["minutes"]["10"].values()) == sum(
        normal["minutes"]["5"].values()
    )


def test_reimporting_an_area_replaces_its_network_and_pois(shared_osm, tmp_path, write_osm):
    run("import-osm", str(shared_osm("aguascalientes.osm.pbf")), "--area", "城区")
    assert Poi.objects.filter(network__name="城区").count() > 20
    small = write_osm(
        [(1, 113.0, 28.0, {"amenity": "cafe"}), (2, 113.001, 28.0, {})],
        [(5, [1, 2], {"highway": "residential"})],
    )
    summary = json.loads(run("import-osm", str(small), "--area", "城区", "--json"))
    assert summary["replaced"] is True
    network = StreetNetwork.objects.get(name="城区")
    assert (network.node_count, network.edge_count) == (2, 1)
    assert list(Poi.objects.filter(network=network).values_list("category", flat=True)) == ["coffee"]
    assert StreetNetwork.objects.count() == 1
    assert AuditEntry.objects.filter(model="places.streetnetwork", action="import").count() == 2


def test_a_polygon_park_with_gates_walks_from_its_gates(shared_osm, tmp_path):
    path = shared_osm("aguascalientes.osm.bz2")
    run("import-osm", str(path))
    ring = [
        [-102.2920, 21.8620],
        [-102.2700, 21.8620],
        [-102.2700, 21.8760],
        [-102.2920, 21.8760],
        [-102.2920, 21.8620],
    ]
    gate = [-102.2850, 21.8700]
    features = [
        polygon("门园", ring),
        {
            "type": "Feature",
            "properties": {"gate": True, "park": "门园"},
            "geometry": {"type": "Point", "coordinates": gate},
        },
    ]
    run("parks", "import", str(write_parks(tmp_path, features)))
    park = Park.objects.get(name="门园")
    assert park.origin_kind == "gates" and park.origins == [gate]
    got = json.loads(run("access", "门园", "--json"))
    assert got["minutes"] == dict(zip(["5", "10", "15"], Reference(path).access([gate]), strict=False))


def test_reimporting_parks_updates_them_by_name(shared_osm, tmp_path):
    run("parks", "import", str(write_parks(tmp_path, [point("甲", 113.0, 28.0)])))
    summary = json.loads(
        run(
            "parks",
            "import",
            str(write_parks(tmp_path, [point("甲", 113.1, 28.0), point("乙", 113.2, 28.0)])),
            "--json",
        )
    )
    assert summary == {"parks": 2, "created": 1, "updated": 1, "unchanged": 0}
    assert Park.objects.get(name="甲").lon == 113.1
    again = json.loads(
        run(
            "parks",
            "import",
            str(write_parks(tmp_path, [point("甲", 113.1, 28.0), point("乙", 113.2, 28.0)])),
            "--json",
        )
    )
    assert again["unchanged"] == 2


def test_a_park_is_linked_to_its_park_organisation(cast, tmp_path):
    run(
        "parks",
        "import",
        str(
            write_parks(
                tmp_path, [point("甲园区", 113.0, 28.0), point("X", 113.0, 28.0, organisation="t-park-b")]
            )
        ),
    )
    assert Park.objects.get(name="甲园区").organisation == cast.park
    assert Park.objects.get(name="X").organisation == cast.other_park


@pytest.mark.parametrize(
    "args, message",
    [
        (["access", "没有这个园区", "--json"], "没有名为"),
        (["import-osm", "/nonexistent/file.osm.pbf"], "找不到"),
    ],
)
def test_bad_requests_fail_with_one_line(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_access_without_any_network_says_what_to_do(tmp_path):
    run("parks", "import", str(write_parks(tmp_path, [point("甲", 113.0, 28.0)])))
    with pytest.raises(CommandError, match="import-osm"):
        run("access", "甲", "--json")


@pytest.mark.parametrize(
    "feature, message",
    [
        ({"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}, "name"),
        (
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
            },
            "几何类型",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Point", "coordinates": [200, 2]},
            },
            "范围",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Polygon", "coordinates": [113.0, 28.0]},
            },
            "面要素的坐标格式不对",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[113.0, 28.0]]},
            },
            "面要素的坐标格式不对",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Polygon", "coordinates": [[[113, 28], [113.1, 28], [113, 28]]]},
            },
            "3 个不同的点",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Point", "coordinates": [True, 2]},
            },
            "不是数字",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": ["a"]},
                "geometry": {"type": "Point", "coordinates": [1, 2]},
            },
            "name 属性应为文字",
        ),
        (
            {
                "type": "Feature",
                "properties": {"name": "a", "gates": "北门"},
                "geometry": {"type": "Point", "coordinates": [1, 2]},
            },
            "gates 应为",
        ),
        (
            {
                "type": "Feature",
                "properties": {"gate": True},
                "geometry": {"type": "Point", "coordinates": [1, 2]},
            },
            "park 属性",
        ),
        ({"type": "Feature", "properties": {"name": "a"}, "geometry": None}, "几何类型"),
    ],
)
def test_a_bad_park_file_lands_nothing(tmp_path, feature, message):
    good = point("好园", 113.0, 28.0)
    with pytest.raises(CommandError, match=message):
        run("parks", "import", str(write_parks(tmp_path, [good, feature])))
    assert Park.objects.count() == 0


def test_a_multipolygon_park_walks_from_the_outer_vertices_of_all_its_parts(shared_osm, tmp_path):
    path = shared_osm("aguascalientes.osm.bz2")
    run("import-osm", str(path))
    west = [[-102.2920, 21.8620], [-102.2880, 21.8620], [-102.2880, 21.8660], [-102.2920, 21.8620]]
    east = [[-102.2620, 21.8740], [-102.2600, 21.8740], [-102.2600, 21.8760], [-102.2620, 21.8740]]
    hole = [[-102.2910, 21.8625], [-102.2890, 21.8625], [-102.2890, 21.8645], [-102.2910, 21.8625]]
    feature = {
        "type": "Feature",
        "properties": {"name": "两片园"},
        "geometry": {"type": "MultiPolygon", "coordinates": [[west, hole], [east]]},
    }
    run("parks", "import", str(write_parks(tmp_path, [feature])))
    park = Park.objects.get(name="两片园")
    assert park.origin_kind == "boundary" and park.origins == west[:-1] + east[:-1]  # holes are no origins
    got = json.loads(run("access", "两片园", "--json"))
    expected = Reference(path).access(west[:-1] + east[:-1])
    assert got["minutes"] == dict(zip(["5", "10", "15"], expected, strict=True))
    assert sum(got["minutes"]["15"].values()) > 0


def test_a_point_park_with_gates_walks_from_its_gates(shared_osm, tmp_path):
    path = shared_osm("aguascalientes.osm.bz2")
    run("import-osm", str(path))
    gates = [[-102.2850, 21.8700], [-102.2600, 21.8750]]
    run("parks", "import", str(write_parks(tmp_path, [point("点园", -102.27, 21.865, gates=gates)])))
    park = Park.objects.get(name="点园")
    assert (park.origin_kind, park.origins, park.lon) == ("gates", gates, -102.27)
    got = json.loads(run("access", "点园", "--json"))
    assert got["minutes"] == dict(zip(["5", "10", "15"], Reference(path).access(gates), strict=True))


def test_access_from_the_pbf_equals_the_reference_read_from_the_xml_of_the_same_extract(shared_osm, tmp_path):
    ref = Reference(shared_osm("aguascalientes.osm.bz2"))
    run("import-osm", str(shared_osm("aguascalientes.osm.pbf")))
    run("parks", "import", str(write_parks(tmp_path, AGUAS_PARKS)))
    for feature in AGUAS_PARKS:
        geometry = feature["geometry"]
        origins = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"][0][:-1]
        )
        got = json.loads(run("access", feature["properties"]["name"], "--json"))
        assert got["minutes"] == dict(zip(["5", "10", "15"], ref.access(origins), strict=True))
