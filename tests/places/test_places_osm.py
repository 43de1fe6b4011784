"""Reading OSM extracts: the walk filter, lengths, POIs, and the three file formats (no Django)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.places.conftest import Reference, great_circle

from zhaoshang.places.categories import CODES, TagMatcher
from zhaoshang.places.osm import OsmError, area_name, read_osm, walk_exclusion


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "motorway"},
        {"highway": "motorway_link"},
        {"highway": "trunk"},
        {"highway": "trunk_link"},
        {"highway": "construction"},
        {"highway": "proposed"},
        {"highway": "cycleway"},
        {"highway": "platform"},
        {"highway": "residential", "access": "private"},
        {"highway": "service", "service": "private"},
        {"highway": "footway", "foot": "no"},
        {"highway": "pedestrian", "area": "yes"},
        {"highway": "primary", "sidewalk": "separate"},
        {"building": "yes"},
    ],
)
def test_ways_walkers_may_not_use_are_not_walked(tags):
    assert walk_exclusion(tags) is not None


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "residential"},
        {"highway": "primary", "oneway": "yes"},
        {"highway": "footway"},
        {"highway": "steps"},
        {"highway": "service", "service": "parking_aisle"},
        {"highway": "path", "foot": "yes"},
        {"highway": "tertiary", "access": "yes"},
        {"highway": "pedestrian", "area": "no"},
    ],
)
def test_ordinary_streets_and_paths_are_walked(tags):
    assert walk_exclusion(tags) is None


def _square(lon0, lat0, d):
    return [(lon0, lat0), (lon0 + d, lat0), (lon0 + d, lat0 + d), (lon0, lat0 + d)]


def test_a_motorway_and_a_private_road_are_not_in_the_network(write_osm):
    nodes = [(i, 113.0 + i * 0.001, 28.0, {}) for i in range(1, 6)] + [(9, 113.0, 28.001, {})]
    ways = [
        (100, [1, 2], {"highway": "residential"}),
        (101, [2, 3], {"highway": "motorway"}),
        (102, [3, 4], {"highway": "service", "access": "private"}),
        (103, [4, 5], {"highway": "footway"}),
        (104, [1, 9], {"highway": "trunk"}),
    ]
    extract = read_osm(write_osm(nodes, ways))
    assert sorted(extract.node_ids.tolist()) == [1, 2, 4, 5]
    pairs = {
        tuple(sorted((int(extract.node_ids[u]), int(extract.node_ids[v]))))
        for u, v in zip(extract.edge_u, extract.edge_v, strict=False)
    }
    assert pairs == {(1, 2), (4, 5)}
    assert extract.ways_excluded == {"access=private": 1, "highway=motorway": 1, "highway=trunk": 1}


def test_edge_lengths_are_great_circle_distances_between_consecutive_nodes(write_osm):
    nodes = [(1, 113.0, 28.0, {}), (2, 113.004, 28.003, {}), (3, 113.01, 28.0, {})]
    extract = read_osm(write_osm(nodes, [(10, [1, 2, 3], {"highway": "residential"})]))
    lengths = sorted(extract.edge_length.tolist())
    expected = sorted(
        [great_circle(113.0, 28.0, 113.004, 28.003), great_circle(113.004, 28.003, 113.01, 28.0)]
    )
    assert lengths == pytest.approx(expected, rel=1e-9)


def test_a_way_is_split_where_the_extract_lacks_a_node(write_osm):
    nodes = [(1, 113.0, 28.0, {}), (2, 113.001, 28.0, {}), (4, 113.003, 28.0, {}), (5, 113.004, 28.0, {})]
    extract = read_osm(write_osm(nodes, [(10, [1, 2, 3, 4, 5], {"highway": "residential"})]))
    pairs = {
        tuple(sorted((int(extract.node_ids[u]), int(extract.node_ids[v]))))
        for u, v in zip(extract.edge_u, extract.edge_v, strict=False)
    }
    assert pairs == {(1, 2), (4, 5)}


def test_pois_come_from_nodes_and_from_centroids_of_tagged_ways(write_osm):
    sq = _square(113.01, 28.01, 0.002)
    nodes = [
        (1, 113.0, 28.0, {"amenity": "cafe", "name": "星巴克"}),
        (2, 113.001, 28.0, {"highway": "bus_stop"}),
        (3, 113.002, 28.0, {"amenity": "bench"}),
    ] + [(10 + i, x, y, {}) for i, (x, y) in enumerate(sq)]
    ways = [
        (50, [10, 11, 12, 13, 10], {"amenity": "school", "name": "实验小学"}),
        (51, [1, 2, 3], {"highway": "footway"}),
    ]
    extract = read_osm(write_osm(nodes, ways))
    found = {(p.osm_type, p.osm_id, CODES[p.category]) for p in extract.pois}
    assert found == {("n", 1, "coffee"), ("n", 2, "transit"), ("w", 50, "school")}
    school = next(p for p in extract.pois if p.osm_id == 50)
    assert (school.lon, school.lat) == pytest.approx((113.011, 28.011))
    assert next(p for p in extract.pois if p.osm_id == 1).name == "星巴克"


def test_a_multipolygon_relation_gives_one_poi_at_its_centroid(write_osm):
    sq = _square(113.02, 28.02, 0.002)
    nodes = [(20 + i, x, y, {}) for i, (x, y) in enumerate(sq)]
    ways = [(60, [20, 21, 22, 23, 20], {})]
    relation = (
        '<relation id="70" version="1"><member type="way" ref="60" role="outer"/>'
        '<tag k="type" v="multipolygon"/><tag k="amenity" v="hospital"/><tag k="name" v="人民医院"/></relation>'
    )
    extract = read_osm(write_osm(nodes, ways, relations=[relation]))
    assert [(p.osm_type, p.osm_id, CODES[p.category]) for p in extract.pois] == [("r", 70, "hospital_clinic")]
    assert (extract.pois[0].lon, extract.pois[0].lat) == pytest.approx((113.021, 28.021))


def test_an_element_in_two_categories_counts_in_both():
    assert TagMatcher().categories({"amenity": "cafe", "shop": "convenience"}) == [
        CODES.index("coffee"),
        CODES.index("supermarket"),
    ]


def test_pbf_and_bz2_of_the_same_extract_give_the_same_network(shared_osm):
    a = read_osm(shared_osm("aguascalientes.osm.pbf"))
    b = read_osm(shared_osm("aguascalientes.osm.bz2"))
    assert a.node_ids.tolist() == b.node_ids.tolist()
    assert np.allclose(np.sort(a.edge_length), np.sort(b.edge_length))
    assert len(a.pois) == len(b.pois) > 20


@pytest.mark.parametrize(
    "name", ["aguascalientes.osm.bz2", "West-Oakland.osm.bz2", "planet_10.068,48.135_10.071,48.137.osm"]
)
def test_the_network_equals_an_independent_elementtree_reading(shared_osm, name):
    path = shared_osm(name)
    extract = read_osm(path)
    ref = Reference(path)
    assert set(extract.node_ids.tolist()) == set(ref.graph.nodes)
    ids = extract.node_ids
    got = {}
    for u, v, w in zip(extract.edge_u, extract.edge_v, extract.edge_length, strict=False):
        key = tuple(sorted((int(ids[u]), int(ids[v]))))
        got[key] = min(got.get(key, math.inf), float(w))
    assert set(got) == {tuple(sorted(e)) for e in ref.graph.edges}
    for (a, b), w in got.items():
        assert w == pytest.approx(ref.graph[a][b]["length"], rel=1e-9)
    assert sorted(CODES[p.category] for p in extract.pois) == sorted(c for c, _, _ in ref.pois)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"not a pbf at all")
    with pytest.raises(OsmError):
        read_osm(bad)
    with pytest.raises(OsmError):
        read_osm(tmp_path / "missing.osm")


def test_the_area_name_is_the_file_name_without_osm_suffixes():
    assert area_name("/x/aguascalientes.osm.pbf") == "aguascalientes"
    assert area_name("West-Oakland.osm.bz2") == "West-Oakland"
    assert area_name("planet_1,2_3,4.osm") == "planet_1,2_3,4"


def _edges(extract) -> dict[tuple[int, int], float]:
    ids = extract.node_ids
    return {
        tuple(sorted((int(ids[u]), int(ids[v])))): round(float(w), 6)
        for u, v, w in zip(extract.edge_u, extract.edge_v, extract.edge_length, strict=True)
    }


def test_negative_ids_of_a_hand_edited_file_are_located(write_osm):
    # JOSM writes new objects with negative ids; libosmium keeps no location for them on its own.
    nodes = [(-1, 113.0, 28.0, {}), (-2, 113.001, 28.0, {}), (3, 113.002, 28.0, {"amenity": "cafe"})]
    extract = read_osm(write_osm(nodes, [(-10, [-1, -2, 3], {"highway": "residential"})]))
    assert sorted(extract.node_ids.tolist()) == [-2, -1, 3]
    assert set(_edges(extract)) == {(-2, -1), (-2, 3)}
    assert [CODES[p.category] for p in extract.pois] == ["coffee"]


def test_ways_written_before_their_nodes_are_located(tmp_path, write_osm):
    # Overpass's "out; >; out skel;" writes the ways first and their nodes after them.
    nodes = [(1, 113.0, 28.0, {}), (2, 113.001, 28.0, {}), (3, 113.001, 28.001, {})]
    ways = [(10, [1, 2, 3], {"highway": "footway"}), (11, [1, 3], {"highway": "motorway"})]
    sorted_path = write_osm(nodes, ways, name="sorted.osm")
    lines = sorted_path.read_text(encoding="utf-8").split("\n")
    node_lines = [x for x in lines if x.startswith("<node")]
    way_lines = [x for x in lines if x.startswith("<way")]
    unsorted = tmp_path / "overpass.osm"
    unsorted.write_text("\n".join(lines[:2] + way_lines + node_lines + ["</osm>"]), encoding="utf-8")
    assert _edges(read_osm(unsorted)) == _edges(read_osm(sorted_path))
    assert set(_edges(read_osm(unsorted))) == {(1, 2), (2, 3)}


def test_multipolygons_with_holes_several_outers_and_missing_members(write_osm):
    outer = _square(113.0, 28.0, 0.004)  # a 0.004° square with a 0.002° hole off its centre
    hole = _square(113.0005, 28.0005, 0.002)
    second = _square(113.01, 28.0, 0.004)
    nodes = [(100 + i, x, y, {}) for i, (x, y) in enumerate(outer + hole + second)]
    ways = [
        (60, [100, 101, 102, 103, 100], {}),
        (61, [104, 105, 106, 107, 104], {}),
        (62, [108, 109, 110, 111, 108], {}),
        (63, [100, 101], {"highway": "footway"}),
    ]
    relations = [
        '<relation id="70" version="1"><member type="way" ref="60" role="outer"/>'
        '<member type="way" ref="61" role="inner"/><tag k="type" v="multipolygon"/>'
        '<tag k="amenity" v="school"/></relation>',
        '<relation id="71" version="1"><member type="way" ref="60" role="outer"/>'
        '<member type="way" ref="62" role="outer"/><tag k="type" v="multipolygon"/>'
        '<tag k="amenity" v="hospital"/></relation>',
        # a member way the extract lacks: the relation is incomplete and gives no POI (nor an error)
        '<relation id="72" version="1"><member type="way" ref="60" role="outer"/>'
        '<member type="way" ref="999" role="outer"/><tag k="type" v="multipolygon"/>'
        '<tag k="amenity" v="cinema"/></relation>',
    ]
    extract = read_osm(write_osm(nodes, ways, relations=relations))
    by_ref = {p.ref: p for p in extract.pois}
    assert set(by_ref) == {"r70", "r71"}
    # 16 units of area centred at (2, 2) minus 4 centred at (1.5, 1.5) → (32 − 6) / 12 = 2.1667 × 0.001°
    assert (by_ref["r70"].lon, by_ref["r70"].lat) == pytest.approx((113.0 + 26 / 12000, 28.0 + 26 / 12000))
    assert (by_ref["r71"].lon, by_ref["r71"].lat) == pytest.approx((113.007, 28.002))
