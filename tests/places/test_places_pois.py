"""POI files from Chinese platforms: coordinate systems against published pairs, type codes, the import."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.places import coords
from zhaoshang.places.models import Poi, PoiTypeCode
from zhaoshang.places.poifile import TypeCodeTable

# Published pairs: googollee/eviltransform's tests (WGS-84 → GCJ-02) and wandergis/coordtransform's examples.
WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),  # coordtransform wgs84togcj02
]
BD_GCJ = [((116.404, 39.915), (116.39762729119315, 39.90865673957631))]  # coordtransform bd09togcj02
GCJ_BD = [((116.404, 39.915), (116.41036949371029, 39.92133699351021))]  # coordtransform gcj02tobd09


@pytest.mark.parametrize("wgs, gcj", WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wgs, gcj):
    assert coords.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize("wgs, gcj", WGS_GCJ)
def test_gcj02_to_wgs84_inverts_published_pairs_to_the_millimetre(wgs, gcj):
    assert coords.to_wgs84(*gcj, "gcj02") == pytest.approx(wgs, abs=1e-8)


@pytest.mark.parametrize("bd, gcj", BD_GCJ)
def test_bd09_to_gcj02_matches_published_pairs(bd, gcj):
    assert coords.bd09_to_gcj02(*bd) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize("gcj, bd", GCJ_BD)
def test_gcj02_to_bd09_matches_published_pairs_and_bd09_comes_back_to_wgs84(gcj, bd):
    assert coords.gcj02_to_bd09(*gcj) == pytest.approx(bd, abs=1e-9)
    wgs = coords.gcj02_to_wgs84(*gcj)
    assert coords.to_wgs84(*bd, "bd09") == pytest.approx(wgs, abs=1e-6)


def test_points_outside_china_are_not_shifted():
    assert coords.to_wgs84(-102.29, 21.88, "gcj02") == (-102.29, 21.88)


def test_an_unknown_crs_or_impossible_coordinate_is_refused():
    with pytest.raises(coords.CoordinateError):
        coords.to_wgs84(113, 28, "cgcs2000x")
    with pytest.raises(coords.CoordinateError):
        coords.to_wgs84(200, 28, "wgs84")


def test_type_codes_match_by_their_longest_prefix():
    table = TypeCodeTable({"0505": "coffee", "05": "restaurant", "141204": "kindergarten"})
    assert table.category("050500") == "coffee"
    assert table.category("050100") == "restaurant"
    assert table.category("999999|141204") == "kindergarten"
    assert table.category("060100") is None


def write_csv(tmp_path, header, rows, name="amap.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out = io.StringIO()
    call_command("places", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_an_amap_export_in_gcj02_lands_in_wgs84_with_categories_from_type_codes(tmp_path):
    gcj = WGS_GCJ[1][1]
    path = write_csv(
        tmp_path,
        ["名称", "类型编码", "location"],
        [
            ["星巴克(海岸城店)", "050500", f"{gcj[0]},{gcj[1]}"],
            ["某公司", "170100", f"{gcj[0]},{gcj[1]}"],
            ["蛇口小学", "141203", "113.9,abc"],
            ["", "050500", "113.9,22.5"],
        ],
    )
    summary = json.loads(run("import-pois", str(path), "--crs", "gcj02", "--json"))
    assert (summary["imported"], summary["rejected"], summary["skipped_unmapped"]) == (1, 2, 1)
    poi = Poi.objects.get()
    assert (poi.category, poi.name, poi.dataset) == ("coffee", "星巴克(海岸城店)", "amap")
    assert (poi.lon, poi.lat) == pytest.approx(WGS_GCJ[1][0], abs=1e-8)
    assert [(i["row"], i["field"]) for i in summary["issues"]] == [(4, "坐标"), (5, "名称")]


@pytest.mark.django_db
def test_an_xlsx_in_bd09_with_our_category_labels_and_separate_columns(tmp_path):
    path = tmp_path / "baidu.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "类别", "经度", "纬度"])
    ws.append(["工商银行", "银行", 116.41036949371029, 39.92133699351021])
    ws.append(["便利店", "supermarket", 116.41, 39.92])
    wb.save(path)
    summary = json.loads(run("import-pois", str(path), "--crs", "bd09", "--json"))
    assert summary["by_category"]["bank"] == 1 and summary["by_category"]["supermarket"] == 1
    bank = Poi.objects.get(category="bank")
    assert (bank.lon, bank.lat) == pytest.approx(coords.gcj02_to_wgs84(116.404, 39.915), abs=1e-6)


@pytest.mark.django_db
def test_reimporting_a_dataset_replaces_it_and_a_dry_run_writes_nothing(tmp_path):
    path = write_csv(
        tmp_path, ["name", "category", "lon", "lat"], [["a", "coffee", 113, 28], ["b", "gym", 113, 28]]
    )
    run("import-pois", str(path), "--crs", "wgs84")
    run("import-pois", str(path), "--crs", "wgs84")
    assert Poi.objects.count() == 2
    other = write_csv(
        tmp_path, ["name", "category", "lon", "lat"], [["c", "coffee", 113, 28]], name="other.csv"
    )
    summary = json.loads(run("import-pois", str(other), "--crs", "wgs84", "--dry-run", "--json"))
    assert summary["imported"] == 1 and Poi.objects.count() == 2


@pytest.mark.django_db
def test_the_type_code_table_is_editable(tmp_path):
    run("type-codes")
    PoiTypeCode.objects.filter(prefix="050500").update(category="restaurant")
    path = write_csv(tmp_path, ["名称", "typecode", "lon", "lat"], [["咖啡馆", "050500", 113, 28]])
    run("import-pois", str(path), "--crs", "wgs84")
    assert Poi.objects.get().category == "restaurant"


@pytest.mark.django_db
def test_rejected_rows_go_to_an_error_workbook_with_formulas_neutralised(tmp_path):
    path = write_csv(tmp_path, ["名称", "类别", "经度", "纬度"], [["=HYPERLINK(1)", "coffee", "=1+1", 28]])
    out = tmp_path / "errors.xlsx"
    run("import-pois", str(path), "--crs", "wgs84", "--errors", str(out))
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原始值", "问题")
    assert rows[1][0] == 2 and rows[1][1] == "经度" and rows[1][2] == "'=1+1"


@pytest.mark.django_db
def test_a_file_without_coordinates_is_refused_with_the_missing_columns(tmp_path):
    path = write_csv(tmp_path, ["名称", "类别"], [["a", "coffee"]])
    with pytest.raises(CommandError, match="经度"):
        run("import-pois", str(path), "--crs", "wgs84")
