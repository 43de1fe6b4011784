from __future__ import annotations

import pytest

from zhaoshang.registry.core.errors import HeaderMappingError
from zhaoshang.registry.core.headers import FIELDS, map_headers, normalise_header

VARIANTS = {
    "uscc": [
        "统一社会信用代码",
        "统一信用代码",
        "信用代码",
        "社会信用代码",
        "USCC",
        "credit code",
        "Credit_Code",
    ],
    "name": ["企业名称", "公司名称", "名称", "工商", "企业名", "company name", "Name", "企业名称(全称)"],
    "short_name": ["简称", "企业简称"],
    "legal_rep": ["法定代表人", "法人代表", "法人"],
    "founded": ["成立日期", "成立时间", "注册日期"],
    "capital": ["注册资本", "注册资金", "注册资本(万元)", "注册资本（万元）", "注册资本（单位：元）"],
    "address": ["住所", "地址", "注册地址", "企业地址"],
    "scope": ["经营范围"],
    "description": ["公司介绍", "企业简介", "简介"],
    "reg_no": ["工商注册号", "注册号", "工商注册id"],
    "region_code": ["行政区划代码", "区划代码", "所属地区代码"],
    "industry_code": ["行业代码", "国民经济行业代码"],
    "status": ["登记状态", "经营状态", "企业状态"],
    "company_type": ["企业类型", "公司类型"],
    "website": ["网址", "官网", "网站"],
    "employees": ["从业人数", "员工人数", "参保人数", "从业人数(人)"],
    "revenue": ["营业收入", "营收", "营业收入(万元)"],
    "tax": ["纳税额", "税收"],
    "tags": ["标签"],
    "listed": ["是否上市", "上市", "上市状态", "listed"],
    "above_scale": ["是否规上", "规上企业", "企业规模", "是否规模以上企业", "规上"],
    "park": ["园区", "所属园区", "所在园区（名称）"],
}


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, hs in VARIANTS.items() for h in hs])
def test_every_usual_header_variant_maps_to_its_field(field: str, header: str) -> None:
    headers = [header] if field == "name" else ["企业名称", header]
    mapping = map_headers(headers)
    assert mapping.fields[field] == len(headers) - 1
    assert not mapping.unknown


def test_the_variant_table_covers_every_field() -> None:
    assert set(VARIANTS) == set(FIELDS)


def test_headers_are_normalised_for_width_spaces_and_brackets() -> None:
    assert normalise_header(" 注册资本（万元） ").key == "注册资本"
    assert normalise_header(" 注册资本（万元） ").unit == "万元"
    assert normalise_header("＊企业名称：").key == "企业名称"
    assert normalise_header("Company Name").key == "companyname"


def test_units_written_in_headers_become_unit_hints() -> None:
    mapping = map_headers(["企业名称", "注册资本(万元)", "营业收入（元）"])
    assert mapping.unit_hints == {"capital": "万元", "revenue": "元"}


def test_on_the_real_files_header_the_full_legal_name_wins_and_the_brand_name_is_the_short_name() -> None:
    header = [
        "名称",
        "公司名称",
        "公司介绍",
        "工商",
        "地址",
        "工商注册id",
        "成立时间",
        "法人代表",
        "注册资金",
        "统一信用代码",
        "网址",
    ]
    mapping = map_headers(header)
    assert mapping.used_columns["name"] == "公司名称"
    assert mapping.alternates["name"] == (3,)  # 工商 fills the name when 公司名称 is empty
    assert mapping.used_columns["short_name"] == "名称"
    assert mapping.columns_for("name") == (1, 3)
    assert mapping.used_columns["uscc"] == "统一信用代码"
    assert mapping.used_columns["reg_no"] == "工商注册id"
    assert mapping.used_columns["capital"] == "注册资金"
    assert mapping.used_columns["description"] == "公司介绍"
    assert mapping.unknown == ()
    notes = "\n".join(mapping.notes)
    assert "“名称”列视为企业简称" in notes
    assert "企业名称取自“公司名称”列" in notes and "“工商”列" in notes


def test_a_lone_generic_name_column_is_the_name() -> None:
    assert map_headers(["名称", "地址"]).used_columns["name"] == "名称"


def test_unknown_columns_are_reported_not_dropped() -> None:
    mapping = map_headers(["企业名称", "备注", "", "联系电话"])
    assert mapping.unknown == ((1, "备注"), (2, ""), (3, "联系电话"))
    assert any("备注" in n for n in mapping.notes)


def test_an_explicit_mapping_overrides_the_automatic_one() -> None:
    mapping = map_headers(
        ["公司名称", "工商", "备注", "地址"], {"工商": "name", "备注": "tags", "地址": None}
    )
    assert mapping.fields["name"] == 1
    assert mapping.alternates["name"] == (0,)
    assert mapping.fields["tags"] == 2
    assert "address" not in mapping.fields
    assert mapping.ignored == ((3, "地址"),)
    assert mapping.unknown == ()


def test_an_explicit_mapping_to_an_unknown_field_is_an_error_naming_it() -> None:
    with pytest.raises(HeaderMappingError) as caught:
        map_headers(["公司名称", "备注"], {"备注": "remarks", "公司名称": "nmae"})
    assert "remarks" in str(caught.value) and "nmae" in str(caught.value)


def test_an_explicit_mapping_of_a_missing_column_is_an_error_naming_it() -> None:
    with pytest.raises(HeaderMappingError) as caught:
        map_headers(["公司名称"], {"电话": "tags"})
    assert "电话" in str(caught.value)


def test_a_file_without_any_name_column_cannot_be_mapped() -> None:
    with pytest.raises(HeaderMappingError) as caught:
        map_headers(["统一社会信用代码", "地址"])
    assert "企业名称" in str(caught.value)
    assert isinstance(caught.value, ValueError)
