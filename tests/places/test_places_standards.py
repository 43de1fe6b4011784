"""The life-circle standard: GB 50180-2018 defaults with their tables, and gaps judged by the standard's distances."""

from __future__ import annotations

import json

import pytest
from tests.places.conftest import great_circle

from zhaoshang.places import services
from zhaoshang.places.standards import DEFAULT_STANDARD, StandardError, find_gaps, load_standard

GB = [r for r in DEFAULT_STANDARD if r.source == "GB 50180-2018"]


def test_every_gb_row_cites_its_table_and_uses_the_circles_walking_distance_or_a_stated_radius():
    # 表3.0.4: 300 m, 500 m, 800–1,000 m; 附录C gives the same radii where it states one
    assert {(r.minutes, r.distance_m) for r in GB} == {(5, 300), (10, 500), (15, 1000)}
    for r in GB:
        assert r.clause.startswith("表B.0.1") and f"{r.minutes}分钟生活圈" in r.clause, r
        assert "表C.0" in r.clause or "表3.0.4" in r.clause, r
        assert r.min_count == 1


def test_the_gb_rows_are_the_standards_own_circles():
    rows = {(r.minutes, r.category) for r in GB}
    assert rows == {
        (5, "kindergarten"),  # 幼儿园, 表C.0.2 服务半径 ≤ 300 m
        (5, "supermarket"),  # 社区商业网点（超市、药店…）
        (5, "pharmacy"),
        (10, "school"),  # 小学 ≤ 500 m
        (10, "supermarket"),  # 菜市场或生鲜超市 ≤ 500 m
        (10, "transit"),  # 公交车站 ≤ 500 m
        (15, "school"),  # 初中 ≤ 1,000 m: one, not two
        (15, "hospital_clinic"),  # 卫生服务中心（社区医院）
        (15, "restaurant"),  # 餐饮设施
        (15, "bank"),  # 银行营业网点
    }
    assert all(
        r.source == "park" for r in DEFAULT_STANDARD if r.category in {"cinema", "ktv", "coffee", "gym"}
    )


def test_find_gaps_reads_the_count_at_the_requirements_distance():
    counts = {300.0: {"kindergarten": 0}, 500.0: {"school": 1}, 1000.0: {"school": 1, "cinema": 0}}
    standard = [r for r in DEFAULT_STANDARD if r.category in {"kindergarten", "school", "cinema"}]
    assert [g.message_zh for g in find_gaps(standard, counts)] == ["5 分钟内无幼儿园", "15 分钟内无影院"]


def test_a_yaml_standard_keeps_its_clause_and_bad_rows_are_named(tmp_path):
    good = tmp_path / "std.yaml"
    good.write_text(
        "- {minutes: 5, category: kindergarten, distance_m: 250, clause: 地方标准 表2}\n", encoding="utf-8"
    )
    (req,) = load_standard(good)
    assert (req.distance_m, req.clause, req.min_count) == (250.0, "地方标准 表2", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {minutes: 5, category: nightclub, distance_m: 250}\n", encoding="utf-8")
    with pytest.raises(StandardError, match="第 1 条.*nightclub"):
        load_standard(bad)


# --- gaps are judged by the standard's distances, not by the walking speed ------------------------------------

LAT = 28.0


def _lon(i: int) -> float:
    return 113.0 + 0.001 * i


@pytest.fixture
def street(write_osm, tmp_path):
    """A straight street of 14 nodes ~98 m apart; a park at node 0; kindergartens at the nodes asked for."""

    def build(kindergarten_nodes):
        nodes = [
            (i + 1, _lon(i), LAT, {"amenity": "kindergarten"} if i in kindergarten_nodes else {})
            for i in range(14)
        ]
        path = write_osm(nodes, [(100, list(range(1, 15)), {"highway": "footway"})], name="street.osm")
        services.import_osm(path, area="street")
        parks = tmp_path / "parks.geojson"
        feature = {"type": "Feature", "properties": {"name": "直街园"}, "geometry": {"type": "Point"}}
        feature["geometry"]["coordinates"] = [_lon(0), LAT]
        parks.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
        services.import_parks(parks)
        return services.find_park("直街园")

    return build


def _gap_texts(park):
    return {g.message_zh for g in services.park_gaps(park)}


@pytest.mark.django_db
def test_a_kindergarten_inside_five_walking_minutes_but_beyond_300_m_is_still_a_gap(street, settings):
    assert 300 < great_circle(_lon(0), LAT, _lon(4), LAT) < 400  # node 4: ~393 m along the street
    park = street({4})
    settings.PLACES_WALK_SPEED_M_PER_MIN = 80  # 5 minutes = 400 m
    assert services.park_access(park).counts["5"]["kindergarten"] == 1
    assert "5 分钟内无幼儿园" in _gap_texts(park)
    settings.PLACES_WALK_SPEED_M_PER_MIN = 120  # 5 minutes = 600 m: still judged at 300 m
    assert "5 分钟内无幼儿园" in _gap_texts(park)


@pytest.mark.django_db
def test_a_kindergarten_within_300_m_is_no_gap_even_when_a_slow_walk_misses_it(street, settings):
    assert great_circle(_lon(0), LAT, _lon(3), LAT) < 300  # node 3: ~295 m
    park = street({3})
    settings.PLACES_WALK_SPEED_M_PER_MIN = 50  # 5 minutes = 250 m
    assert services.park_access(park).counts["5"]["kindergarten"] == 0
    assert "5 分钟内无幼儿园" not in _gap_texts(park)
