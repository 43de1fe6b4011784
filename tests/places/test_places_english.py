"""Places and reports in the user's language: the cores raise Chinese with a code and its values, the edge says
it in English for an English user; Chinese users see exactly what they saw before."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from zhaoshang.core.messages import error_message
from zhaoshang.places import access, categories, coords, demo, osm, parks, poifile, services, standards
from zhaoshang.places.models import Park
from zhaoshang.reports import document, fonts


def said(raise_it, language: str) -> str:
    """The message of the error ``raise_it()`` raises, as the edge says it in ``language``."""
    with pytest.raises(ValueError) as caught:
        raise_it()
    with translation.override(language):
        return error_message(caught.value)


def _bad_parks():
    line = {"type": "Feature", "properties": {"name": "甲园"}, "geometry": {"type": "LineString"}}
    return parks.parse_parks({"type": "FeatureCollection", "features": [line]})


def _bad_standard(tmp_path):
    path = tmp_path / "standard.yaml"
    path.write_text("- {minutes: 5, category: opera, distance_m: 300}\n", encoding="utf-8")
    return lambda: standards.load_standard(path)


CORE_ERRORS = [
    (
        lambda: access.limits_for((5, 10), -1.0),
        "The walking speed must be a positive number, got -1.0",
        "步行速度必须为正数，收到 -1.0",
    ),
    (
        lambda: access.build_graph([0.0, 1.0], [0.0, 1.0], [0], [5], [1.0]),
        "An edge refers to a node that does not exist",
        "边引用了不存在的节点",
    ),
    (
        lambda: access.grid_cells([0.0], [0.0], 0.0),
        "The grid cell side must be a positive number",
        "网格边长必须为正数",
    ),
    (
        lambda: categories.TagMatcher({"coffee": ["amenity"]}),
        "The tag “amenity” of the category “coffee” must be written key=value",
        "类别“coffee”的标签“amenity”应写成 key=value",
    ),
    (
        lambda: coords.to_wgs84(200.0, 22.5, "wgs84"),
        "The coordinates are outside the range of longitude and latitude (200.0, 22.5)",
        "坐标超出经纬度范围（200.0, 22.5）",
    ),
    (
        lambda: coords.tiles_covering(113.0, 22.0, 113.1, 22.1, crs="bd09"),
        "The tiles' coordinate system must be wgs84 or gcj02, got bd09",
        "瓦片坐标系应为 wgs84 或 gcj02，收到 bd09",
    ),
    (
        lambda: osm.read_osm("/nowhere/area.osm"),
        "OSM file not found: /nowhere/area.osm",
        "找不到 OSM 文件：/nowhere/area.osm",
    ),
    (
        _bad_parks,
        "Feature 1 (甲园): the geometry must be a Point, Polygon or MultiPolygon, got LineString",
        "第 1 个要素（甲园）：几何类型应为 Point、Polygon 或 MultiPolygon，收到 LineString",
    ),
    (
        lambda: parks.parse_parks({"type": "FeatureCollection", "features": []}),
        "The file has no park features",
        "文件中没有园区要素",
    ),
    (
        lambda: poifile.map_headers(["名称", "地址"]),
        "The header lacks: lon + lat (or location), category or typecode (the header has: 名称, 地址)",
        "表头缺少：经度/纬度（或 location 坐标）、类别或类型编码（现有表头：名称、地址）",
    ),
    (
        lambda: poifile.TypeCodeTable({"0501": "opera"}),
        "The type code “0501” is mapped to the unknown category “opera”",
        "类型编码“0501”映射到未知类别“opera”",
    ),
    (
        lambda: document.render(document.Report(title="t"), "report.txt"),
        "Unsupported report format “.txt”; use .docx or .pdf",
        "不支持的报告格式「.txt」，请使用 .docx 或 .pdf",
    ),
    (
        lambda: document.validate(
            document.Report(
                title="t", sections=(document.Section("概况", (document.Table(("a", "b"), (("1",),)),)),)
            )
        ),
        "Row 1 of the table “概况” has 1 cells but the header has 2 columns",
        "表格「概况」第 1 行有 1 个单元格，但表头有 2 列",
    ),
]


@pytest.mark.parametrize("raise_it, english, chinese", CORE_ERRORS)
def test_a_core_error_is_english_for_an_english_user_and_unchanged_in_chinese(raise_it, english, chinese):
    assert said(raise_it, "en") == english
    assert said(raise_it, "zh-hans") == chinese


def test_a_bad_standard_file_is_named_in_english(tmp_path):
    load = _bad_standard(tmp_path)
    assert said(load, "en") == "Item 1 of the standard file has the unknown category “opera”"
    assert said(load, "zh-hans") == "标准文件第 1 条的类别“opera”未知"


def test_a_missing_cjk_font_is_english_alone_for_an_english_user(tmp_path):
    missing = tmp_path / "none.ttf"
    fonts.clear_cache()
    find = lambda: fonts.find_cjk_font(environ={fonts.ENV_VAR: str(missing)})  # noqa: E731
    assert said(find, "en") == f"The font file named by ZHAOSHANG_CJK_FONT does not exist: {missing}."
    chinese = said(find, "zh-hans")
    assert chinese.startswith(f"环境变量 ZHAOSHANG_CJK_FONT 指定的字体文件不存在：{missing}。 / ")


@pytest.mark.django_db
def test_a_services_error_is_said_in_the_active_language():
    with translation.override("en"), pytest.raises(services.PlacesError) as english:
        services.find_park("无此园")
    assert (
        english.value.message == "There is no park named “无此园”" and english.value.code == "park_not_found"
    )
    with translation.override("zh-hans"), pytest.raises(services.PlacesError) as chinese:
        services.find_park("无此园")
    assert chinese.value.message == "没有名为“无此园”的园区"


@pytest.mark.django_db
def test_a_core_error_wrapped_by_a_service_keeps_its_code_and_params(tmp_path):
    path = tmp_path / "parks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    with pytest.raises(services.PlacesError) as caught:
        services.import_parks(path)
    assert caught.value.code == "park_file_without_parks"
    with translation.override("en"):
        assert error_message(caught.value) == "The file has no park features"


@pytest.mark.django_db
def test_the_command_says_a_bad_park_file_in_english(tmp_path):
    bad = {
        "type": "Feature",
        "properties": {"name": "乙园"},
        "geometry": {"type": "Point", "coordinates": [1]},
    }
    path = tmp_path / "parks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [bad]}), encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as english:
        call_command("places", "parks", "import", str(path), stdout=out, stderr=out)
    assert str(english.value) == "Feature 1 (乙园): the coordinates must be [longitude, latitude]"
    with translation.override("zh-hans"), pytest.raises(CommandError) as chinese:
        call_command("places", "parks", "import", str(path), stdout=out, stderr=out)
    assert str(chinese.value) == "第 1 个要素（乙园）：坐标应为 [经度, 纬度]"


# --- the POI file import's findings -------------------------------------------------------------------------


def _poi_csv(tmp_path):
    path = tmp_path / "amap.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["名称", "类型编码", "经度", "纬度"])
        writer.writerow(["星巴克", "050500", "113.9", "22.5"])
        writer.writerow(["蛇口小学", "141203", "东经", "22.5"])
        writer.writerow(["", "050500", "113.9", "22.5"])
        writer.writerow(["远方咖啡", "050500", "200", "22.5"])
    return path


def _report(path):
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_an_english_users_poi_import_report_is_english(tmp_path):
    with translation.override("en"):
        summary = services.import_pois(
            _poi_csv(tmp_path), crs="wgs84", dataset="amap", errors_path=tmp_path / "issues.xlsx"
        )
    assert (summary["imported"], summary["rejected"]) == (1, 3)
    assert [(i["row"], i["field"], i["code"]) for i in summary["issues"]] == [
        (3, "longitude", "poi_coordinate_not_a_number"),
        (4, "name", "poi_name_missing"),
        (5, "location", "coordinates_out_of_range"),
    ]
    assert _report(tmp_path / "issues.xlsx") == [
        ("Row", "Column", "Raw value", "Problem"),
        (3, "longitude", "东经", "Not a number"),
        (4, "name", "", "The name is empty"),
        (
            5,
            "location",
            "200.0,22.5",
            "The coordinates are outside the range of longitude and latitude (200.0, 22.5)",
        ),
    ]


@pytest.mark.django_db
def test_a_chinese_users_poi_import_report_is_unchanged(tmp_path):
    with translation.override("zh-hans"):
        summary = services.import_pois(_poi_csv(tmp_path), crs="wgs84", errors_path=tmp_path / "issues.xlsx")
    assert [(i["field"], i["reason"]) for i in summary["issues"]] == [
        ("经度", "不是数字"),
        ("名称", "名称为空"),
        ("坐标", "坐标超出经纬度范围（200.0, 22.5）"),
    ]
    assert _report(tmp_path / "issues.xlsx")[:2] == [
        ("行号", "列", "原始值", "问题"),
        (3, "经度", "东经", "不是数字"),
    ]


@pytest.mark.django_db
def test_the_poi_import_command_speaks_english_to_an_english_installation(tmp_path):
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "places", "import-pois", str(_poi_csv(tmp_path)), "--crs", "wgs84", "--dry-run", stdout=out
        )
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Dataset “amap” (wgs84 → WGS-84) (dry run, nothing written): imported 1, rejected 3,"
        " skipped for an unmapped type 0"
    )
    assert lines[1] == "  Row 3 longitude “东经”: Not a number"
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command(
            "places", "import-pois", str(_poi_csv(tmp_path)), "--crs", "wgs84", "--dry-run", stdout=out
        )
    assert out.getvalue().splitlines()[:2] == [
        "数据集“amap”（wgs84 → WGS-84）（试运行，未写入）：导入 1，拒绝 3，类型未映射跳过 0",
        "  第 3 行 经度“东经”：不是数字",
    ]


# --- pages and the API --------------------------------------------------------------------------------------


@pytest.fixture
def demo_parks(cast, tmp_path):
    osm_file = tmp_path / "demo.osm"
    osm_file.write_text(demo.osm_document(), encoding="utf-8")
    services.import_osm(osm_file, area="demo")
    features = json.loads(json.dumps(demo.PARKS))
    features[0]["properties"] = {"name": "甲园区周边", "organisation": "t-park-a"}
    features[1]["properties"] = {"name": "乙园区周边", "organisation": "t-park-b"}
    path = tmp_path / "parks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    services.import_parks(path)
    return Park.objects.get(name="甲园区周边"), Park.objects.get(name="乙园区周边")


@pytest.mark.django_db
def test_the_park_page_shows_a_refused_placing_and_the_gaps_in_english(cast, client_for, demo_parks):
    _, park = demo_parks
    client = client_for(cast.outsider)  # the 乙 park's administrator
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    data = {"target": "park", "lon": "abc", "lat": "27.8", "version_park": "0"}
    response = client.post(reverse("places:place", args=[park.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Longitude “abc” is not a number" in html and "不是数字" not in html
    page = client.get(reverse("places:park", args=[park.pk])).content.decode()
    assert "Cinema: none within 15 minutes" in page and "分钟内无" not in page


@pytest.mark.django_db
def test_the_park_page_keeps_the_chinese_for_a_chinese_user(cast, client_for, demo_parks):
    _, park = demo_parks
    data = {"target": "park", "lon": "abc", "lat": "27.8", "version_park": "0"}
    html = client_for(cast.outsider).post(reverse("places:place", args=[park.pk]), data).content.decode()
    assert "经度“abc”不是数字" in html
    page = client_for(cast.outsider).get(reverse("places:park", args=[park.pk])).content.decode()
    assert "15 分钟内无影院" in page


@pytest.mark.django_db
def test_the_api_says_a_bad_speed_in_english_with_its_code(cast, client_for, demo_parks):
    park, _ = demo_parks
    client = client_for(cast.leader)
    url = f"/api/places/parks/{park.pk}/access/"
    english = client.get(url, {"speed": "-5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json() == {
        "error": "The walking speed must be a positive number, got -5.0",
        "code": "bad_speed",
    }
    chinese = client.get(url, {"speed": "-5"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json() == {"error": "步行速度必须为正数，收到 -5.0", "code": "bad_speed"}
    typo = client.get(url, {"speed": "fast"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert typo == {"error": "The walking speed “fast” is not a number", "code": "invalid"}


@pytest.mark.django_db
def test_an_english_users_comparison_export_is_english(cast, client_for, demo_parks):
    import docx

    a, b = demo_parks
    client = client_for(cast.leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse("places:export", args=["xlsx"]), {"park": [a.pk, b.pk]})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Comparison", "Gaps"]
    assert next(book["Comparison"].iter_rows(values_only=True))[:3] == ("Park", "Walking minutes", "Coffee")
    gaps = list(book["Gaps"].iter_rows(values_only=True))
    assert gaps[0][:3] == ("Park", "Life circle (minutes)", "Category")
    assert ("乙园区周边", 15, "Cinema") in [r[:3] for r in gaps[1:]]
    assert "Cinema: none within 15 minutes" in [r[6] for r in gaps[1:]]
    response = client.get(reverse("places:export", args=["docx"]), {"park": [a.pk, b.pk]})
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert "Amenities around the parks compared" in texts
    assert "Facilities within 15 minutes' walk (1,200 m)" in texts
    assert document.sections[0].footer.paragraphs[0].text == "Page "


@pytest.mark.django_db
def test_the_access_command_names_the_categories_in_english(demo_parks):
    out = io.StringIO()
    with translation.override("en"):
        call_command("places", "access", "甲园区周边", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "甲园区周边 (demo, 80 m/min)"
    assert lines[1] == "Category\t5 min\t10 min\t15 min"
    assert lines[2].startswith("Coffee\t")
