"""Indicator tables: reading long and wide 统计年鉴 extracts, units, row errors, the import service and command."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.insight.indicators import (
    convert,
    read_indicator_file,
    resolve_region,
    similar_regions,
    unit_for,
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


LONG = """地区,指标,年份,数值,单位,来源
株洲,地区生产总值,2020,3105.8,亿元,株洲市统计公报
株洲,地区生产总值,2021,34203000,万元,株洲市统计公报
长沙市,地区生产总值,2021,13270.7,亿元,长沙市统计公报
株洲,常住人口,2021,390,万人,
"""


# ------------------------------------------------------------------------------------------------ the core


def test_units_convert_within_their_family_only():
    assert convert(34203000, "万元", "亿元") == pytest.approx(3420.3)
    assert convert(3_900_000, "人", "万人") == pytest.approx(390)
    assert convert(5, "亿美元", "万美元") == pytest.approx(50000)
    assert unit_for("万元人民币").canonical == "亿元"
    assert unit_for("斤") is None
    with pytest.raises(ValueError):
        convert(1, "亿元", "亿美元")


def test_region_names_resolve_to_the_prefecture_city_and_its_code():
    assert resolve_region("株洲") == ("株洲市", "430200")
    assert resolve_region("昆山") == ("昆山市", "320583")
    assert resolve_region("", "440300") == ("深圳市", "440300")
    assert resolve_region("长三角") == ("长三角", "")


def test_a_long_table_is_read_and_converted_to_the_canonical_unit(tmp_path):
    read = read_indicator_file(write(tmp_path, "long.csv", LONG))
    assert read.layout == "long" and not read.errors
    by_key = {(r.region, r.indicator, r.year): r for r in read.records}
    gdp = by_key[("株洲市", "地区生产总值", 2021)]
    assert gdp.value == pytest.approx(3420.3) and gdp.unit == "亿元" and gdp.raw_unit == "万元"
    assert gdp.region_code == "430200" and gdp.source == "株洲市统计公报"
    assert by_key[("株洲市", "常住人口", 2021)].unit == "万人"


def test_a_wide_yearbook_table_takes_its_unit_from_the_title_line_and_skips_no_data_marks(tmp_path):
    text = "表3-1 各市地区生产总值\n单位：亿元\n地区,指标,2019年,2020年,2021年\n株洲市,地区生产总值,3003.1,3105.8,…\n深圳市,地区生产总值,26927,27670,30664\n"
    read = read_indicator_file(write(tmp_path, "wide.csv", text))
    assert read.layout == "wide_years" and not read.errors
    assert len(read.records) == 5
    assert {r.unit for r in read.records} == {"亿元"}
    skipped = [i for i in read.issues if i.code == "missing_value"]
    assert [(i.row, i.column, i.severity) for i in skipped] == [(4, "2021年", "warning")]


def test_a_wide_table_with_the_unit_in_the_indicator_name(tmp_path):
    text = "地区,指标,2020,2021\n株洲,实际使用外资（万美元）,52000,61000\n"
    read = read_indicator_file(write(tmp_path, "fdi.csv", text))
    assert not read.errors
    assert [(r.indicator, r.year, r.value, r.unit) for r in read.records] == [
        ("实际使用外资", 2020, pytest.approx(5.2), "亿美元"),
        ("实际使用外资", 2021, pytest.approx(6.1), "亿美元"),
    ]


def test_a_table_with_one_column_per_indicator_and_a_year_column(tmp_path):
    text = "城市,年份,地区生产总值（亿元）,常住人口（万人）,备注\n株洲,2021,3420.3,390,\n长沙,2021,13270.7,1023.9,\n"
    read = read_indicator_file(write(tmp_path, "cols.csv", text))
    assert read.layout == "wide_indicators" and not read.errors
    assert len(read.records) == 4 and read.ignored_columns == ["备注"]


def test_an_xlsx_with_chinese_headers_is_read(tmp_path):
    from zhaoshang.tabular import write_xlsx

    path = tmp_path / "gdp.xlsx"
    write_xlsx(
        path, ["地区", "指标", "单位", "2020", "2021"], [["株洲", "规上工业增加值", "亿元", 1100.5, 1203]]
    )
    read = read_indicator_file(path)
    assert not read.errors
    assert [(r.year, r.value) for r in read.records] == [(2020, 1100.5), (2021, 1203.0)]


def test_bad_rows_are_errors_naming_row_column_and_reason(tmp_path):
    text = "地区,指标,年份,数值,单位\n株洲,GDP,2020,100,亿元\n株洲,GDP,2021,abc,亿元\n株洲,人口,2021,5,斤\n株洲,GDP,20x1,5,亿元\n株洲,GDP,2020,100,亿元\n株洲,GDP,2019,7,万人\n"
    read = read_indicator_file(write(tmp_path, "bad.csv", text))
    found = {(i.row, i.column, i.code) for i in read.errors}
    assert found == {
        (3, "数值", "not_a_number"),
        (4, "单位", "unknown_unit"),
        (5, "年份", "bad_year"),
        (6, "数值", "duplicate"),
        (7, "单位", "unit_mismatch"),
    }
    message = next(i.message_zh for i in read.errors if i.code == "unknown_unit")
    assert "斤" in message


def test_a_unit_of_another_kind_than_the_stored_indicator_is_an_error(tmp_path):
    text = "地区,指标,年份,数值,单位\n株洲,实际使用外资,2021,5,亿元\n"
    read = read_indicator_file(write(tmp_path, "x.csv", text), indicator_units={"实际使用外资": "亿美元"})
    assert [i.code for i in read.errors] == ["unit_mismatch"]


def test_a_value_without_any_declared_unit_is_an_error(tmp_path):
    read = read_indicator_file(write(tmp_path, "x.csv", "地区,指标,年份,数值\n株洲,GDP,2021,5\n"))
    assert [(i.row, i.code) for i in read.errors] == [(2, "unit_missing")]


def test_similar_regions_are_ranked_by_distance_over_z_scores_in_the_latest_common_year():
    data = {
        "A": {"x": {2020: 1.0, 2021: 1.0}, "y": {2020: 10.0, 2021: 10.0}},
        "B": {"x": {2020: 2.0, 2021: 1.0}, "y": {2020: 10.0, 2021: 20.0}},
        "C": {"x": {2021: 3.0}, "y": {2021: 30.0}},
        "D": {"x": {2021: 1.5}, "y": {2021: 12.0}},
    }
    sim = similar_regions(data, "A", ["x", "y"])
    assert sim.year == 2021 and sim.indicators == ("x", "y")
    # x: 1, 1, 3, 1.5 → mean 1.625, std 0.8199; y: 10, 20, 30, 12 → mean 18, std 7.8740
    zx = lambda v: (v - 1.625) / 0.81967  # noqa: E731
    zy = lambda v: (v - 18) / 7.87401  # noqa: E731
    expected_d = ((zx(1.5) - zx(1)) ** 2 + (zy(12) - zy(10)) ** 2) ** 0.5
    assert [name for name, _ in sim.ranking] == ["D", "B", "C"]
    assert sim.ranking[0][1] == pytest.approx(expected_d, rel=1e-4)


# ------------------------------------------------------------------------------------------------ the service


@pytest.mark.django_db
def test_the_import_stores_values_once_and_a_second_run_changes_nothing(tmp_path):
    from zhaoshang.core.models import AuditEntry
    from zhaoshang.insight import benchmark
    from zhaoshang.insight.models import IndicatorValue

    path = write(tmp_path, "long.csv", LONG)
    first = benchmark.import_indicators(None, path)
    assert first.ok and first.created == 4
    audited = AuditEntry.objects.filter(model="insight.indicatorvalue").count()
    assert audited == 4
    second = benchmark.import_indicators(None, path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    assert IndicatorValue.objects.count() == 4
    assert AuditEntry.objects.filter(model="insight.indicatorvalue").count() == audited


@pytest.mark.django_db
def test_a_file_with_one_bad_row_stores_nothing_and_a_dry_run_stores_nothing(tmp_path):
    from zhaoshang.insight import benchmark
    from zhaoshang.insight.models import Indicator, IndicatorValue

    bad = write(tmp_path, "bad.csv", LONG + "株洲,地区生产总值,2019,3000,斤\n")
    result = benchmark.import_indicators(None, bad)
    assert not result.ok and [(i.row, i.column) for i in result.errors] == [(6, "单位")]
    assert IndicatorValue.objects.count() == 0 and Indicator.objects.count() == 0
    dry = benchmark.import_indicators(None, write(tmp_path, "ok.csv", LONG), dry_run=True)
    assert dry.ok and dry.created == 4
    assert IndicatorValue.objects.count() == 0


@pytest.mark.django_db
def test_a_changed_figure_is_updated_in_place(tmp_path):
    from zhaoshang.insight import benchmark
    from zhaoshang.insight.models import IndicatorValue

    benchmark.import_indicators(None, write(tmp_path, "a.csv", LONG))
    result = benchmark.import_indicators(None, write(tmp_path, "b.csv", LONG.replace("13270.7", "13300")))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert IndicatorValue.objects.get(region="长沙市").value == 13300


@pytest.mark.django_db
def test_private_values_need_an_organisation(tmp_path):
    from zhaoshang.insight import benchmark
    from zhaoshang.insight.errors import InsightError

    with pytest.raises(InsightError):
        benchmark.import_indicators(None, write(tmp_path, "a.csv", LONG), private=True)


# ------------------------------------------------------------------------------------------------ the command


@pytest.mark.django_db
def test_the_import_command_prints_json_and_fails_on_a_bad_file(tmp_path, capsys, cast):
    from zhaoshang.insight.models import IndicatorValue

    call_command("insight", "indicators", "import", str(write(tmp_path, "a.csv", LONG)), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 4 and out["layout"] == "long" and out["regions"] == ["株洲市", "长沙市"]
    bad = write(tmp_path, "bad.csv", "地区,指标,年份,数值,单位\n株洲,GDP,2021,1,斤\n")
    errors = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="未写入"):
        call_command("insight", "indicators", "import", str(bad), "--errors", str(errors))
    assert errors.exists()
    call_command(
        "insight",
        "indicators",
        "import",
        str(write(tmp_path, "p.csv", LONG.replace("株洲", "湘潭"))),
        "--org",
        cast.bureau.code,
        "--private",
    )
    private = IndicatorValue.objects.filter(private=True)
    assert private.count() == 4 and {v.organisation for v in private} == {cast.bureau}


@pytest.mark.django_db
def test_the_lag_command_gives_hand_computed_years_behind_and_growth(tmp_path, capsys):
    # 株洲 2021: 3420.3; 长沙 2010: 3000 → 2015: 4000 — 3420.3 is reached at 2010 + 420.3/1000*5 = 2012.1015
    text = "地区,指标,年份,数值,单位\n株洲,地区生产总值,2021,3420.3,亿元\n长沙,地区生产总值,2010,3000,亿元\n长沙,地区生产总值,2015,4000,亿元\n长沙,地区生产总值,2021,5000,亿元\n"
    call_command("insight", "indicators", "import", str(write(tmp_path, "g.csv", text)))
    capsys.readouterr()
    call_command("insight", "lag", "--city", "株洲", "--peer", "长沙", "--years", "4", "--json")
    out = json.loads(capsys.readouterr().out)
    (row,) = out["lags"]
    assert row["status"] == "reached"
    assert row["reached_year"] == pytest.approx(2012.1015)
    assert row["gap_years"] == pytest.approx(8.8985)
    assert row["required_growth"] == pytest.approx((5000 / 3420.3) ** 0.25 - 1)
    assert row["text"] == "落后 8.9 年"
    call_command("insight", "lag", "--city", "长沙", "--peer", "株洲")
    assert "尚未达到" in capsys.readouterr().out
    with pytest.raises(CommandError, match="没有指标"):
        call_command("insight", "lag", "--city", "株洲", "--peer", "长沙", "--indicator", "专利授权量")


def test_percent_values_square_metres_and_region_codes_without_names(tmp_path):
    text = "行政区划代码,指标,年份,数值,单位\n430200,城镇化率,2021,68.5%,\n430200,商品房销售面积,2021,350,万平方米\n999999,城镇化率,2021,1,%\n"
    read = read_indicator_file(write(tmp_path, "x.csv", text))
    assert [(r.region, r.indicator, r.value, r.unit) for r in read.records] == [
        ("株洲市", "城镇化率", 68.5, "%"),
        ("株洲市", "商品房销售面积", 350.0, "万平方米"),
    ]
    assert [(i.row, i.code) for i in read.errors] == [(4, "unknown_region")]


@pytest.mark.django_db
def test_the_peers_command_sets_an_organisations_list_and_names_similar_cities(tmp_path, capsys, cast):
    text = "地区,年份,地区生产总值（亿元）,常住人口（万人）\n株洲,2021,3420,390\n湘潭,2021,2700,272\n深圳,2021,30664,1768\n长沙,2021,13270,1024\n"
    call_command("insight", "indicators", "import", str(write(tmp_path, "c.csv", text)))
    capsys.readouterr()
    call_command("insight", "peers", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["home"] == "株洲市" and shown["peers"] == ["长沙市", "昆山市", "苏州市", "深圳市"]
    assert shown["organisation"] is None
    assert shown["similar"]["year"] == 2021 and shown["similar"]["cities"][0]["region"] == "湘潭市"
    call_command("insight", "peers", "--org", cast.bureau.code, "--set", "深圳,长沙", "--json")
    saved = json.loads(capsys.readouterr().out)
    assert saved["peers"] == ["深圳市", "长沙市"] and saved["organisation"] == cast.bureau.code
    with pytest.raises(CommandError, match="--org"):
        call_command("insight", "peers", "--set", "深圳")


@pytest.mark.django_db
def test_the_list_command_shows_shared_values_and_an_organisations_private_ones_only_when_asked(
    tmp_path, capsys, cast
):
    call_command("insight", "indicators", "import", str(write(tmp_path, "a.csv", LONG)))
    secret = "地区,指标,年份,数值,单位\n株洲,机密指标,2021,1,亿元\n"
    call_command(
        "insight",
        "indicators",
        "import",
        str(write(tmp_path, "s.csv", secret)),
        "--org",
        cast.bureau.code,
        "--private",
    )
    capsys.readouterr()
    call_command("insight", "indicators", "list", "--json")
    shared = {i["indicator"] for i in json.loads(capsys.readouterr().out)["indicators"]}
    assert shared == {"地区生产总值", "常住人口"}
    call_command("insight", "indicators", "list", "--org", cast.bureau.code, "--json")
    with_private = {i["indicator"] for i in json.loads(capsys.readouterr().out)["indicators"]}
    assert with_private == {"地区生产总值", "常住人口", "机密指标"}


def test_a_yearbook_sheet_with_indicators_merged_above_their_years(tmp_path):
    import xlsxwriter

    path = tmp_path / "yearbook.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "表2-3 主要经济指标")
    sheet.write(1, 0, "地区")
    sheet.merge_range(1, 1, 1, 2, "地区生产总值（亿元）")
    sheet.merge_range(1, 3, 1, 4, "常住人口（万人）")
    for col, year in enumerate((2020, 2021, 2020, 2021), start=1):
        sheet.write_number(2, col, year)
    sheet.write_row(3, 0, ["株洲", 3105.8, 3420.3, 390.2, 388.9])
    sheet.write_row(4, 0, ["长沙", 12142.5, 13270.7, 1006.1, 1023.9])
    book.close()
    read = read_indicator_file(path)
    assert read.layout == "wide_grouped" and not read.errors
    got = {(r.region, r.indicator, r.year): (r.value, r.unit, r.row) for r in read.records}
    assert len(got) == 8
    assert got[("株洲市", "地区生产总值", 2021)] == (3420.3, "亿元", 4)
    assert got[("长沙市", "常住人口", 2020)] == (1006.1, "万人", 5)
