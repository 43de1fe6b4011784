from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from tests.shared_data import require

from zhaoshang.registry.core.headers import map_headers
from zhaoshang.registry.core.regions import AddressRegionMatcher
from zhaoshang.registry.core.rows import RowValidator, validate_row

TODAY = date(2024, 6, 1)
HEADER = [
    "名称",
    "公司名称",
    "工商",
    "统一信用代码",
    "工商注册id",
    "成立时间",
    "注册资金",
    "地址",
    "法人代表",
]
MAPPING = map_headers(HEADER)


def row(**values: str) -> list[str]:
    defaults = {
        "名称": "畅映文化",
        "公司名称": "长沙市畅映文化传播有限公司",
        "工商": "长沙市畅映文化传播有限公司",
        "统一信用代码": "91430111355525404W",
        "工商注册id": "430111000344649",
        "成立时间": "2015-09-07",
        "注册资金": "20万元人民币",
        "地址": "",
        "法人代表": "李鸿桢",
    }
    defaults.update(values)
    return [defaults[h] for h in HEADER]


def check(cells: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
    return validate_row(7, cells, MAPPING, today=TODAY, **kwargs)  # type: ignore[arg-type]


def codes(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.code for i in outcome.issues]


def test_a_clean_row_becomes_a_canonical_record() -> None:
    outcome = check(row())
    assert outcome.status == "ok"
    assert outcome.issues == []
    r = outcome.record
    assert r is not None
    assert (r.name, r.short_name, r.uscc, r.reg_no) == (
        "长沙市畅映文化传播有限公司",
        "畅映文化",
        "91430111355525404W",
        "430111000344649",
    )
    assert (r.founded, r.capital_wan, r.currency, r.capital_raw) == (
        date(2015, 9, 7),
        Decimal("20"),
        "CNY",
        "20万元人民币",
    )
    assert r.region_code == "430111"
    assert r.name_key == "长沙市畅映文化传播"
    assert r.legal_rep == "李鸿桢"


def test_a_row_without_any_name_is_rejected() -> None:
    outcome = check(row(公司名称="", 工商=" "))
    assert outcome.status == "rejected"
    assert outcome.record is None
    assert codes(outcome) == ["missing_name"]
    assert outcome.issues[0].row == 7
    assert "缺少企业名称" in outcome.issues[0].message_zh


def test_the_registry_name_fills_in_when_the_full_name_is_empty() -> None:
    outcome = check(row(公司名称=""))
    assert outcome.status == "ok"
    assert outcome.record is not None and outcome.record.name == "长沙市畅映文化传播有限公司"
    assert codes(outcome) == ["name_from_alternate"]
    assert outcome.issues[0].column == "工商"


def test_name_columns_that_name_different_firms_flag_the_row() -> None:
    outcome = check(row(工商="长沙市另一家文化有限公司"))
    assert outcome.status == "flagged"
    assert codes(outcome) == ["name_columns_disagree"]


def test_the_same_name_spelled_with_other_brackets_is_not_a_disagreement() -> None:
    outcome = check(row(公司名称="畅映文化传播（长沙）有限公司", 工商="畅映文化传播(长沙)有限公司"))
    assert outcome.status == "ok"


def test_a_code_with_a_bad_check_digit_flags_the_row_and_keeps_the_raw_value() -> None:
    outcome = check(row(统一信用代码="91430111355525404X"))
    assert outcome.status == "flagged"
    assert codes(outcome) == ["uscc_bad_check_digit"]
    r = outcome.record
    assert r is not None and r.uscc is None and r.uscc_raw == "91430111355525404X"
    issue = outcome.issues[0]
    assert (issue.row, issue.column, issue.raw_value, issue.severity) == (
        7,
        "统一信用代码",
        "91430111355525404X",
        "warning",
    )


def test_an_excel_mangled_code_is_stored_as_null_with_its_raw_value() -> None:
    outcome = check(row(统一信用代码="914403003196285000"))
    assert outcome.status == "flagged"
    assert codes(outcome) == ["uscc_excel_mangled"]
    assert outcome.record is not None and outcome.record.uscc is None
    assert outcome.record.uscc_raw == "914403003196285000"
    assert "重新导出" in outcome.issues[0].message_zh


def test_a_registration_number_in_the_code_column_is_kept_as_registration_number() -> None:
    outcome = check(row(统一信用代码="430111000344649", 工商注册id=""))
    assert outcome.status == "ok"
    assert outcome.record is not None
    assert (outcome.record.uscc, outcome.record.reg_no) == (None, "430111000344649")
    assert codes(outcome) == ["uscc_is_registration_number"]
    assert outcome.record.region_code == "430111"


def test_a_credit_code_in_the_registration_number_column_is_used_as_the_code() -> None:
    outcome = check(row(统一信用代码="", 工商注册id="91430111355525404W"))
    assert outcome.record is not None and outcome.record.uscc == "91430111355525404W"
    assert outcome.record.reg_no is None


def test_unreadable_capital_and_dates_flag_the_row_but_keep_it() -> None:
    outcome = check(row(注册资金="五百万", 成立时间="2015-02-30"))
    assert outcome.status == "flagged"
    assert sorted(codes(outcome)) == ["capital_unparseable", "founded_unparseable"]
    r = outcome.record
    assert r is not None and r.capital_wan is None and r.capital_raw == "五百万" and r.founded is None


def test_a_founding_date_in_the_future_flags_the_row() -> None:
    outcome = check(row(成立时间="2030-01-01"))
    assert outcome.status == "flagged"
    assert codes(outcome) == ["founded_in_future"]
    assert outcome.record is not None and outcome.record.founded == date(2030, 1, 1)


def test_an_unknown_founding_date_is_simply_empty() -> None:
    outcome = check(row(成立时间="未知"))
    assert outcome.status == "ok"
    assert outcome.record is not None and outcome.record.founded is None


def test_a_header_unit_lets_bare_capital_numbers_through() -> None:
    mapping = map_headers(["企业名称", "注册资本(万元)"])
    assert validate_row(2, ["甲公司", "500"], mapping).record.capital_wan == Decimal("500")  # type: ignore[union-attr]
    outcome = validate_row(2, ["甲公司", "500"], mapping, capital_unit_hint="元")
    assert outcome.record is not None and outcome.record.capital_wan == Decimal("0.05")
    outcome = validate_row(2, ["甲公司", "500"], map_headers(["企业名称", "注册资本"]))
    assert codes(outcome) == ["capital_unparseable"]


def test_short_rows_are_padded_with_empty_cells() -> None:
    outcome = validate_row(3, ["畅映文化", "长沙市畅映文化传播有限公司"], MAPPING)
    assert outcome.status == "ok"
    assert outcome.record is not None and outcome.record.uscc is None


def test_numbers_tags_and_region_columns_are_parsed() -> None:
    mapping = map_headers(["企业名称", "从业人数", "营业收入(万元)", "纳税额(元)", "标签", "行政区划代码"])
    outcome = validate_row(
        2, ["甲公司", "120人", "1.5亿元", "250000", "专精特新，高新技术企业", "320583"], mapping
    )
    r = outcome.record
    assert outcome.status == "ok"
    assert r is not None
    assert (r.employees, r.revenue, r.tax, r.tags, r.region_code) == (
        120,
        Decimal("15000"),
        Decimal("25"),
        ("专精特新", "高新技术企业"),
        "320583",
    )
    bad = validate_row(3, ["乙公司", "很多", "", "", "", ""], mapping)
    assert bad.status == "flagged" and codes(bad) == ["number_unparseable"]


def test_a_row_that_cannot_be_read_is_rejected() -> None:
    outcome = validate_row(4, None, MAPPING)  # type: ignore[arg-type]
    assert outcome.status == "rejected"
    assert codes(outcome) == ["row_unreadable"]


@pytest.fixture(scope="module")
def matcher(shared_data: Path) -> AddressRegionMatcher:
    folder = shared_data / "reference/regions"
    require(folder)
    with (folder / "provinces.csv").open(encoding="utf-8") as f:
        provinces = {r["code"]: r["name"] for r in csv.DictReader(f)}
    with (folder / "cities.csv").open(encoding="utf-8") as f:
        cities = {r["code"]: (r["name"], r["provinceCode"]) for r in csv.DictReader(f)}
    regions: list[tuple[str, str, tuple[str, ...]]] = [(c + "0000", n, ()) for c, n in provinces.items()]
    regions += [(c + "00", n, (provinces[p],)) for c, (n, p) in cities.items()]
    with (folder / "areas.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            city, province = cities[r["cityCode"]][0], provinces[r["provinceCode"]]
            regions.append((r["code"], r["name"], (province, city)))
    return AddressRegionMatcher(regions)


def test_the_address_matcher_finds_the_most_specific_region(matcher: AddressRegionMatcher) -> None:
    assert matcher("深圳市南山区西丽街道高新区北区新西路7号") == "440305"
    assert matcher("湖南省株洲市天元区黄河北路") == "430211"
    assert matcher("江苏省昆山市玉山镇") == "320583"
    assert matcher("北京市朝阳区建国路") == "110105"
    assert matcher("深圳市某某路1号") == "440300"
    assert matcher("火星基地") is None


def test_an_ambiguous_county_name_without_context_falls_back(matcher: AddressRegionMatcher) -> None:
    # 南山区 is both in 深圳 and in 鹤岗
    assert matcher("南山区西丽街道") is None
    assert matcher.match("南山区西丽街道", within="4403") == "440305"
    assert matcher("黑龙江省鹤岗市南山区") == "230404"


def test_the_region_comes_from_the_address_when_there_is_no_code(matcher: AddressRegionMatcher) -> None:
    validator = RowValidator(MAPPING, region_lookup=matcher, today=TODAY)
    outcome = validator.validate(
        5, row(统一信用代码="", 工商注册id="", 地址="深圳市南山区西丽街道高新区北区新西路7号")
    )
    assert outcome.record is not None and outcome.record.region_code == "440305"


def test_a_city_level_code_is_refined_by_the_address_but_not_moved_elsewhere(
    matcher: AddressRegionMatcher,
) -> None:
    validator = RowValidator(MAPPING, region_lookup=matcher, today=TODAY)
    inside = validator.validate(5, row(统一信用代码="9144030008460541XW", 地址="深圳市南山区西丽街道"))
    assert inside.record is not None and inside.record.region_code == "440305"
    elsewhere = validator.validate(6, row(统一信用代码="9144030008460541XW", 地址="长沙市岳麓区"))
    assert elsewhere.record is not None and elsewhere.record.region_code == "440300"
