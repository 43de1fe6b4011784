"""The import service: the real export, header variants, capital and date formats, upserts, strict mode, dry run."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.registry.conftest import CODE_A, CODE_B, CODE_C

from zhaoshang.core.models import AuditEntry
from zhaoshang.registry.models import Enterprise, ImportBatch
from zhaoshang.registry.services import find_enterprise, import_enterprises, write_issue_report

TODAY = dt.date(2026, 1, 1)
COUNT_KEYS = ("read", "created", "updated", "unchanged", "rejected", "flagged")


def counts(result):
    return {k: result.counts[k] for k in COUNT_KEYS}


def assert_every_row_counted_once(result):
    c = result.counts
    assert c["created"] + c["updated"] + c["unchanged"] + c["rejected"] == c["read"]


# --------------------------------------------------------------------------------------------- the real export


@pytest.fixture
def imported_real(cast, real_file):
    return import_enterprises(cast.officer, real_file, cast.bureau, today=TODAY)


def test_the_real_export_imports_with_the_expected_counts(imported_real):
    assert counts(imported_real) == {
        "read": 2057,
        "created": 2056,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
        "flagged": 3,
    }
    assert_every_row_counted_once(imported_real)
    # 2,054 rows are clean; the 3 flagged rows are the bad check digit, the Excel-mangled code (both imported,
    # flagged) and row 940, which repeats row 629 (unchanged, flagged): 2,056 firms in all
    warned = {i["row"] for i in imported_real.issues if i["severity"] == "warning"}
    assert warned == {194, 720, 940}
    assert imported_real.counts["read"] - len(warned) == 2054
    assert not [i for i in imported_real.issues if i["severity"] == "error"]
    assert Enterprise.objects.count() == 2056
    batch = imported_real.batch
    assert batch.status == ImportBatch.Status.DONE and batch.counts["created"] == 2056
    assert Enterprise.objects.filter(import_batch=batch).count() == 2056


def test_the_real_export_uses_the_full_legal_name_and_says_which_column(imported_real):
    assert imported_real.mapping["fields"]["name"] == "公司名称"
    assert imported_real.mapping["fields"]["short_name"] == "名称"
    assert any("公司名称" in note and "完整" in note for note in imported_real.mapping["notes"])
    firm = Enterprise.objects.get(short_name="欧森营地")
    assert firm.name == "欧森营地（厦门）教育科技有限公司"


def test_the_real_export_keeps_capitals_in_their_own_currency(imported_real):
    assert Enterprise.objects.filter(capital_wan__isnull=True).count() == 0
    assert set(Enterprise.objects.values_list("currency", flat=True).distinct()) == {
        "CNY",
        "USD",
        "HKD",
        "GBP",
    }
    firm = Enterprise.objects.get(short_name="欧森营地")
    assert (
        firm.capital_wan == Decimal("670") and firm.currency == "CNY" and firm.capital_raw == "670万元人民币"
    )
    assert firm.founded == dt.date(2015, 7, 10)
    assert Enterprise.objects.filter(founded__isnull=True).count() == 17  # written as 未知


def test_the_real_export_flags_the_bad_check_digit_and_the_excel_mangled_code(imported_real):
    by_row = {(i["row"], i["code"]): i for i in imported_real.issues}
    bad = by_row[(194, "uscc_bad_check_digit")]
    assert bad["raw"] == "91350203M0000HD938" and "校验位错误" in bad["message"]
    mangled = by_row[(720, "uscc_excel_mangled")]
    assert mangled["raw"] == "914419000537190000" and "Excel" in mangled["message"]
    repeat = by_row[(940, "duplicate_row_differs")]
    assert "第629行" in repeat["message"]

    firm = Enterprise.objects.get(uscc_raw="91350203M0000HD938")
    assert firm.uscc is None
    assert [f["code"] for f in firm.flags] == ["uscc_bad_check_digit"]
    assert Enterprise.objects.get(uscc_raw="914419000537190000").flags[0]["code"] == "uscc_excel_mangled"
    assert Enterprise.objects.exclude(flags=[]).count() == 2


def test_a_second_import_of_the_real_export_reports_everything_unchanged(cast, imported_real, real_file):
    before = AuditEntry.objects.filter(model="registry.enterprise").count()
    again = import_enterprises(cast.officer, real_file, cast.bureau, today=TODAY)
    assert counts(again) == {
        "read": 2057,
        "created": 0,
        "updated": 0,
        "unchanged": 2057,
        "rejected": 0,
        "flagged": 3,
    }
    assert Enterprise.objects.count() == 2056
    assert AuditEntry.objects.filter(model="registry.enterprise").count() == before


def test_the_error_report_lists_every_flagged_row_in_chinese(tmp_path, imported_real):
    out = tmp_path / "errors.xlsx"
    write_issue_report(imported_real.issues, out)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原始值", "问题", "级别")
    warned = {r[0] for r in rows[1:] if r[4] == "警告"}
    assert warned == {194, 720, 940}
    assert ("统一信用代码" in {r[1] for r in rows[1:]}) and all(r[3] for r in rows[1:])


# --------------------------------------------------------------------------------------------- header variants

HEADER_VARIANTS = [
    (["统一社会信用代码", "企业名称", "注册资本", "成立日期"], "企业名称"),
    (["统一信用代码", "公司名称", "注册资金", "成立时间"], "公司名称"),
    (["信用代码", "单位名称", "注册资本(万元)", "注册日期"], "单位名称"),
    (["USCC", "Company Name", "Registered Capital", "Founding Date"], "Company Name"),
    (["credit_code", "企业全称", "注册资本金", "设立日期"], "企业全称"),
]


@pytest.mark.parametrize(("header", "name_column"), HEADER_VARIANTS)
def test_each_usual_header_variant_imports_the_firm(cast, write_csv, header, name_column):
    path = write_csv(header, [[CODE_A, "株洲恒通科技有限公司", "500万元人民币", "2015-09-07"]])
    result = import_enterprises(cast.officer, path, cast.bureau, today=TODAY)
    assert counts(result)["created"] == 1 and result.mapping["fields"]["name"] == name_column
    firm = Enterprise.objects.get(uscc=CODE_A)
    assert (firm.name, firm.capital_wan, firm.founded) == (
        "株洲恒通科技有限公司",
        Decimal("500"),
        dt.date(2015, 9, 7),
    )


# The variants the issue names, each in a file whose other columns use the most common header.
ISSUE_HEADERS = {
    "uscc": ["统一社会信用代码", "统一信用代码", "信用代码"],
    "name": ["企业名称", "公司名称", "名称", "工商"],
    "capital": ["注册资本", "注册资金"],
    "founded": ["成立日期", "成立时间"],
    "legal_rep": ["法定代表人", "法人代表"],
    "address": ["住所", "地址"],
    "scope": ["经营范围"],
}
ROW = {
    "uscc": CODE_A,
    "name": "株洲恒通科技有限公司",
    "capital": "104.1667万元人民币",
    "founded": "2015年9月7日",
    "legal_rep": "李鸿桢",
    "address": "株洲市天元区黄河南路1号",
    "scope": "轨道交通装备的研发",
}


@pytest.mark.parametrize(("field", "variant"), [(f, h) for f, hs in ISSUE_HEADERS.items() for h in hs])
def test_each_header_variant_the_issue_names_lands_its_value_in_the_right_field(
    cast, write_csv, field, variant
):
    header = [variant if f == field else hs[0] for f, hs in ISSUE_HEADERS.items()]
    result = import_enterprises(cast.officer, write_csv(header, [list(ROW.values())]), cast.bureau)
    assert result.mapping["fields"][field] == variant and result.mapping["unknown"] == []
    firm = Enterprise.objects.get()
    assert (firm.uscc, firm.name, firm.legal_rep, firm.address, firm.scope) == (
        CODE_A,
        "株洲恒通科技有限公司",
        "李鸿桢",
        "株洲市天元区黄河南路1号",
        "轨道交通装备的研发",
    )
    assert (firm.capital_wan, firm.currency, firm.founded) == (
        Decimal("104.1667"),
        "CNY",
        dt.date(2015, 9, 7),
    )


def test_a_full_legal_name_column_wins_over_a_short_name_column(cast, write_csv):
    path = write_csv(["名称", "公司名称", "统一社会信用代码"], [["恒通", "株洲恒通科技有限公司", CODE_A]])
    result = import_enterprises(cast.officer, path, cast.bureau)
    firm = Enterprise.objects.get()
    assert (firm.name, firm.short_name) == ("株洲恒通科技有限公司", "恒通")
    assert any("企业简称" in note for note in result.mapping["notes"])


def test_unknown_columns_are_reported_not_silently_dropped(cast, write_csv):
    path = write_csv(["企业名称", "对接人微信"], [["株洲恒通科技有限公司", "abc"]])
    result = import_enterprises(cast.officer, path, cast.bureau)
    assert result.mapping["unknown"] == ["对接人微信"]
    assert any("对接人微信" in note and "未识别" in note for note in result.mapping["notes"])


def test_an_explicit_mapping_overrides_the_automatic_one(cast, write_csv):
    path = write_csv(["企业名称", "主营产品"], [["株洲恒通科技有限公司", "IGBT模块"]])
    import_enterprises(cast.officer, path, cast.bureau, mapping={"主营产品": "scope"})
    assert Enterprise.objects.get().scope == "IGBT模块"


def test_a_file_without_a_name_column_fails_with_a_chinese_message(cast, write_csv):
    from zhaoshang.registry.core.errors import HeaderMappingError

    path = write_csv(["统一社会信用代码", "地址"], [[CODE_A, "株洲"]])
    with pytest.raises(HeaderMappingError, match="未找到企业名称列"):
        import_enterprises(cast.officer, path, cast.bureau)
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


# --------------------------------------------------------------------------------------------- values

CAPITALS = [
    ("500万元人民币", Decimal("500"), "CNY"),
    ("104.1667万元人民币", Decimal("104.1667"), "CNY"),
    ("1亿元", Decimal("10000"), "CNY"),
    ("200000元", Decimal("20"), "CNY"),
    ("1500万美元", Decimal("1500"), "USD"),
    ("17000万港元", Decimal("17000"), "HKD"),
    ("300万欧元", Decimal("300"), "EUR"),
    ("5000万日元", Decimal("5000"), "JPY"),
    ("5000万人民币", Decimal("5000"), "CNY"),
    ("100万元", Decimal("100"), "CNY"),
    ("3.5亿人民币", Decimal("35000"), "CNY"),
    ("500 万元", Decimal("500"), "CNY"),
    ("608 万元 美元", Decimal("608"), "USD"),
    ("100万人民币元", Decimal("100"), "CNY"),
    ("434万英镑", Decimal("434"), "GBP"),
    ("1,000万元", Decimal("1000"), "CNY"),
    ("（人民币）500万元", Decimal("500"), "CNY"),
]


@pytest.mark.parametrize(("raw", "amount", "currency"), CAPITALS)
def test_each_capital_format_is_stored_in_wan_of_its_own_currency(cast, write_csv, raw, amount, currency):
    import_enterprises(
        cast.officer, write_csv(["企业名称", "注册资本"], [["株洲恒通科技有限公司", raw]]), cast.bureau
    )
    firm = Enterprise.objects.get()
    assert (firm.capital_wan, firm.currency, firm.capital_raw) == (amount, currency, raw)


DATES = [
    "2015-09-07",
    "2015/9/7",
    "2015.09.07",
    "20150907",
    "2015年9月7日",
    "2015年09月07日",
    "2015-09-07 00:00:00",
    "2015-09-07T08:30:00",
    "２０１５－０９－０７",
    "42254",
]


@pytest.mark.parametrize("raw", DATES)
def test_each_date_format_gives_the_same_day(cast, write_csv, raw):
    import_enterprises(
        cast.officer, write_csv(["企业名称", "成立日期"], [["株洲恒通科技有限公司", raw]]), cast.bureau
    )
    assert Enterprise.objects.get().founded == dt.date(2015, 9, 7)


def test_bare_capital_numbers_take_the_unit_written_in_the_header(cast, write_csv, write_xlsx):
    import_enterprises(
        cast.officer, write_csv(["企业名称", "注册资本(万元)"], [["株洲甲科技有限公司", "500"]]), cast.bureau
    )
    import_enterprises(
        cast.officer,
        write_xlsx(["企业名称", "注册资本（元）"], [["株洲乙科技有限公司", 2000000]]),
        cast.bureau,
    )
    import_enterprises(
        cast.officer,
        write_csv(["企业名称", "注册资本(万美元)"], [["株洲丙科技有限公司", "12.5"]], "c.csv"),
        cast.bureau,
    )
    got = {f.name[2]: (f.capital_wan, f.currency) for f in Enterprise.objects.all()}
    assert got == {
        "甲": (Decimal("500"), "CNY"),
        "乙": (Decimal("200"), "CNY"),
        "丙": (Decimal("12.5"), "USD"),
    }


def test_a_bare_capital_number_without_a_unit_is_flagged_not_guessed(cast, write_csv):
    result = import_enterprises(
        cast.officer, write_csv(["企业名称", "注册资本"], [["株洲甲科技有限公司", "500"]]), cast.bureau
    )
    firm = Enterprise.objects.get()
    assert (firm.capital_wan, firm.capital_raw, result.counts["flagged"]) == (None, "500", 1)
    assert "没有单位" in firm.flags[0]["message"] and firm.flags[0]["column"] == "注册资本"


def test_real_spreadsheet_dates_and_serial_numbers_are_read(cast, write_xlsx):
    rows = [["株洲甲科技有限公司", dt.date(2015, 9, 7)], ["株洲乙科技有限公司", 42254]]
    import_enterprises(cast.officer, write_xlsx(["企业名称", "成立日期"], rows), cast.bureau)
    assert set(Enterprise.objects.values_list("founded", flat=True)) == {dt.date(2015, 9, 7)}


def test_a_code_excel_turned_into_a_number_is_flagged_as_mangled(cast, write_xlsx):
    path = write_xlsx(["统一社会信用代码", "企业名称"], [[914403003196285000, "深圳市某某科技有限公司"]])
    result = import_enterprises(cast.officer, path, cast.bureau)
    assert result.counts["flagged"] == 1
    firm = Enterprise.objects.get()
    assert firm.uscc is None and firm.uscc_raw == "914403003196285000"
    assert firm.flags[0]["code"] == "uscc_excel_mangled"


def test_doubtful_values_are_imported_flagged_with_the_raw_value_kept(cast, write_csv):
    path = write_csv(
        ["统一社会信用代码", "企业名称", "注册资本"],
        [["91430211MA4L0XY05Y", "株洲恒通科技有限公司", "五百万"]],
    )
    result = import_enterprises(cast.officer, path, cast.bureau)
    assert counts(result) == {
        "read": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "flagged": 1,
    }
    firm = Enterprise.objects.get()
    assert firm.uscc is None and firm.uscc_raw == "91430211MA4L0XY05Y" and firm.capital_raw == "五百万"
    assert {f["code"] for f in firm.flags} == {"uscc_bad_check_digit", "capital_unparseable"}


def test_the_region_comes_from_the_code_or_else_from_the_address(cast, write_csv):
    rows = [[CODE_A, "株洲恒通科技有限公司", ""], ["", "昆山某某电子有限公司", "江苏省昆山市开发区前进路1号"]]
    import_enterprises(cast.officer, write_csv(["统一社会信用代码", "企业名称", "住所"], rows), cast.bureau)
    assert Enterprise.objects.get(uscc=CODE_A).region_code == "430211"
    assert Enterprise.objects.get(name="昆山某某电子有限公司").region_code == "320583"


def test_size_fields_tags_and_listing_are_imported(cast, write_csv):
    header = ["企业名称", "从业人数", "营业收入(万元)", "纳税额", "标签", "是否上市", "网址", "行业代码"]
    import_enterprises(
        cast.officer,
        write_csv(
            header,
            [
                [
                    "株洲恒通科技有限公司",
                    "120人",
                    "3500",
                    "80万元",
                    "专精特新、链主",
                    "是",
                    "www.x.cn",
                    "C3972",
                ]
            ],
        ),
        cast.bureau,
    )
    firm = Enterprise.objects.get()
    assert (firm.employees, firm.revenue_wan, firm.tax_wan) == (120, Decimal("3500"), Decimal("80"))
    assert firm.tags == ["专精特新", "链主"] and firm.listed is True and firm.website == "www.x.cn"
    assert firm.industry_code == "3972"


# --------------------------------------------------------------------------------------------- rows in one file


def test_a_row_without_a_name_is_rejected_and_reported_with_its_row_number(cast, write_csv):
    path = write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲恒通科技有限公司"], [CODE_B, ""]])
    result = import_enterprises(cast.officer, path, cast.bureau)
    assert counts(result) == {
        "read": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "flagged": 0,
    }
    [issue] = [i for i in result.issues if i["severity"] == "error"]
    assert issue["row"] == 3 and issue["code"] == "missing_name" and "缺少企业名称" in issue["message"]


def test_a_later_row_naming_another_firm_under_the_same_code_is_rejected(cast, write_csv):
    rows = [[CODE_A, "株洲恒通科技有限公司"], [CODE_A, "株洲宏图电子有限公司"]]
    result = import_enterprises(cast.officer, write_csv(["统一社会信用代码", "企业名称"], rows), cast.bureau)
    assert (result.counts["created"], result.counts["rejected"]) == (1, 1)
    [issue] = [i for i in result.issues if i["severity"] == "error"]
    assert issue["message"] == "同一代码对应不同企业名称，见第2行：请核实是否更名"
    assert Enterprise.objects.get().name == "株洲恒通科技有限公司"


def test_a_later_repeat_never_overwrites_the_earlier_row(cast, write_csv):
    rows = [
        [CODE_A, "株洲恒通科技有限公司", "存续"],
        [CODE_A, "株洲恒通科技有限公司", "注销"],
        [CODE_A, "株洲恒通科技有限公司", "存续"],
    ]
    result = import_enterprises(
        cast.officer, write_csv(["统一社会信用代码", "企业名称", "登记状态"], rows), cast.bureau
    )
    assert counts(result) == {
        "read": 3,
        "created": 1,
        "updated": 0,
        "unchanged": 2,
        "rejected": 0,
        "flagged": 1,
    }
    assert Enterprise.objects.get().status == "存续"
    messages = {i["row"]: i["message"] for i in result.issues}
    assert "第2行" in messages[3] and "第2行" in messages[4]


def test_rows_without_a_code_repeat_each_other_by_normalised_name(cast, write_csv):
    rows = [
        ["华为技术（深圳）有限公司", "存续"],
        ["华为技术(深圳)有限公司", "存续"],
        ["华为技术（深圳）有限公司 ", "注销"],
    ]
    result = import_enterprises(cast.officer, write_csv(["企业名称", "登记状态"], rows), cast.bureau)
    assert counts(result) == {
        "read": 3,
        "created": 1,
        "updated": 0,
        "unchanged": 2,
        "rejected": 0,
        "flagged": 1,
    }
    assert Enterprise.objects.get().status == "存续"
    by_row = {i["row"]: i for i in result.issues}
    assert by_row[3]["severity"] == "info" and by_row[3]["message"] == "与第2行完全相同，不再导入"
    assert by_row[4]["severity"] == "warning" and "与第2行是同一企业但内容不同" in by_row[4]["message"]


def test_a_rejected_repeat_names_the_row_it_repeats_in_the_error_report(cast, write_csv, tmp_path):
    rows = [
        [CODE_A, "株洲恒通科技有限公司"],
        [CODE_B, "株洲宏图电子有限公司"],
        [CODE_A, "株洲另一家科技有限公司"],
    ]
    result = import_enterprises(cast.officer, write_csv(["统一社会信用代码", "企业名称"], rows), cast.bureau)
    out = tmp_path / "errors.xlsx"
    write_issue_report(result.issues, out)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1] == (4, "", CODE_A, "同一代码对应不同企业名称，见第2行：请核实是否更名", "错误")


# --------------------------------------------------------------------------------------------- upserts


def test_an_updated_file_updates_only_what_changed_and_the_audit_log_shows_it(cast, write_csv):
    header = ["统一社会信用代码", "企业名称", "登记状态", "注册资本"]
    import_enterprises(
        cast.officer,
        write_csv(
            header,
            [
                [CODE_A, "株洲恒通科技有限公司", "存续", "500万元"],
                [CODE_B, "株洲宏图电子有限公司", "存续", "100万元"],
            ],
        ),
        cast.bureau,
    )
    result = import_enterprises(
        cast.officer,
        write_csv(
            header,
            [
                [CODE_A, "株洲恒通科技有限公司", "注销", "500万元"],
                [CODE_B, "株洲宏图电子有限公司", "存续", "100万元"],
            ],
            "v2.csv",
        ),
        cast.bureau,
    )
    assert counts(result) == {
        "read": 2,
        "created": 0,
        "updated": 1,
        "unchanged": 1,
        "rejected": 0,
        "flagged": 0,
    }
    firm = Enterprise.objects.get(uscc=CODE_A)
    assert firm.status == "注销"
    entry = AuditEntry.objects.get(model="registry.enterprise", action="update")
    assert entry.object_id == str(firm.pk) and entry.changes == {"status": ["存续", "注销"]}
    assert f"#{result.batch.pk}" in entry.note and "第2行" in entry.note
    assert AuditEntry.objects.filter(action="import", model="registry.importbatch").count() == 2


def test_a_row_without_a_code_updates_the_firm_with_the_same_normalised_name(cast, write_csv):
    import_enterprises(
        cast.officer,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "华为技术（深圳）有限公司"]]),
        cast.bureau,
    )
    result = import_enterprises(
        cast.officer,
        write_csv(["企业名称", "法定代表人"], [["华为技术(深圳)有限公司", "张三"]], "v2.csv"),
        cast.bureau,
    )
    assert result.counts["updated"] == 1
    firm = Enterprise.objects.get()
    assert (firm.legal_rep, firm.name, firm.uscc) == ("张三", "华为技术（深圳）有限公司", CODE_A)
    entry = AuditEntry.objects.get(model="registry.enterprise", action="update")
    assert entry.object_id == str(firm.pk) and entry.changes == {"legal_rep": ["", "张三"]}


def test_a_firm_first_seen_without_a_code_receives_its_code_later(cast, write_csv):
    import_enterprises(cast.officer, write_csv(["企业名称"], [["株洲恒通科技有限公司"]]), cast.bureau)
    result = import_enterprises(
        cast.officer,
        write_csv(["企业名称", "统一社会信用代码"], [["株洲恒通科技有限公司", CODE_A]], "v2.csv"),
        cast.bureau,
    )
    assert (result.counts["updated"], Enterprise.objects.get().uscc) == (1, CODE_A)


def test_an_empty_cell_never_erases_what_the_registry_knows(cast, write_csv):
    header = ["统一社会信用代码", "企业名称", "法定代表人"]
    import_enterprises(
        cast.officer, write_csv(header, [[CODE_A, "株洲恒通科技有限公司", "张三"]]), cast.bureau
    )
    result = import_enterprises(
        cast.officer, write_csv(header, [[CODE_A, "株洲恒通科技有限公司", ""]], "v2.csv"), cast.bureau
    )
    assert result.counts["unchanged"] == 1 and Enterprise.objects.get().legal_rep == "张三"


def test_a_corrected_code_clears_the_flag(cast, write_csv):
    header = ["统一社会信用代码", "企业名称"]
    import_enterprises(
        cast.officer, write_csv(header, [["91430211MA4L0XY05Y", "株洲恒通科技有限公司"]]), cast.bureau
    )
    result = import_enterprises(
        cast.officer, write_csv(header, [[CODE_A, "株洲恒通科技有限公司"]], "v2.csv"), cast.bureau
    )
    firm = Enterprise.objects.get()
    assert result.counts["updated"] == 1 and firm.uscc == CODE_A and firm.flags == []


# --------------------------------------------------------------------------------------------- strict, dry run, scope


def test_strict_mode_lands_nothing_when_a_row_is_rejected(cast, write_csv):
    path = write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲恒通科技有限公司"], [CODE_B, ""]])
    result = import_enterprises(cast.officer, path, cast.bureau, strict=True)
    assert result.refused and result.counts["rejected"] == 1
    assert Enterprise.objects.count() == 0
    assert result.batch.status == ImportBatch.Status.REFUSED and "严格模式" in result.batch.message
    assert not AuditEntry.objects.filter(action="import").exists()


def test_strict_mode_imports_a_clean_file(cast, write_csv):
    result = import_enterprises(
        cast.officer, write_csv(["企业名称"], [["株洲恒通科技有限公司"]]), cast.bureau, strict=True
    )
    assert not result.refused and Enterprise.objects.count() == 1


def test_a_dry_run_reports_and_writes_nothing(cast, write_csv):
    import_enterprises(
        cast.officer,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲恒通科技有限公司"]]),
        cast.bureau,
    )
    path = write_csv(
        ["统一社会信用代码", "企业名称", "登记状态"],
        [[CODE_A, "株洲恒通科技有限公司", "注销"], [CODE_B, "株洲宏图电子有限公司", ""]],
        "v2.csv",
    )
    batches, entries = ImportBatch.objects.count(), AuditEntry.objects.count()
    result = import_enterprises(cast.officer, path, cast.bureau, dry_run=True)
    assert (result.counts["created"], result.counts["updated"]) == (1, 1)
    assert Enterprise.objects.count() == 1 and Enterprise.objects.get().status == ""
    assert (ImportBatch.objects.count(), AuditEntry.objects.count()) == (batches, entries)


def test_a_park_cannot_import_for_another_organisation(cast, write_csv):
    with pytest.raises(PermissionDenied):
        import_enterprises(cast.owner, write_csv(["企业名称"], [["株洲恒通科技有限公司"]]), cast.other_park)


def test_a_role_without_import_rights_cannot_import(cast, write_csv):
    with pytest.raises(PermissionDenied):
        import_enterprises(cast.handler, write_csv(["企业名称"], [["株洲恒通科技有限公司"]]), cast.dept)


def test_an_import_leaves_another_organisations_firm_alone(cast, write_csv):
    header = ["统一社会信用代码", "企业名称", "登记状态"]
    import_enterprises(
        cast.outsider, write_csv(header, [[CODE_A, "株洲恒通科技有限公司", "存续"]]), cast.other_park
    )
    result = import_enterprises(
        cast.owner, write_csv(header, [[CODE_A, "株洲恒通科技有限公司", "注销"]], "v2.csv"), cast.park
    )
    assert (result.counts["unchanged"], result.counts["flagged"]) == (1, 1)
    firm = Enterprise.objects.get()
    assert firm.status == "存续" and firm.organisation == cast.other_park
    message = next(i["message"] for i in result.issues if i["code"] == "firm_of_another_organisation")
    assert "其他单位" in message and "乙园区" not in message  # never names another organisation


# --------------------------------------------------------------------------------------------- the command line


def run_cli(*args):
    out, err = StringIO(), StringIO()
    call_command("firms", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_cli_prints_only_one_json_object_with_the_counts(cast, write_csv, tmp_path):
    path = write_csv(
        ["统一社会信用代码", "企业名称"],
        [[CODE_A, "株洲恒通科技有限公司"], ["", ""], [CODE_C, "昆山某某电子有限公司"]],
    )
    out, _ = run_cli(
        "import", str(path), "--json", "--org", cast.bureau.code, "--errors", str(tmp_path / "e.xlsx")
    )
    data = json.loads(out)
    assert {k: data[k] for k in COUNT_KEYS} == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "flagged": 0,
    }
    assert (tmp_path / "e.xlsx").exists()


def test_with_json_stdout_carries_only_the_counts_and_every_row_is_counted_once(cast, write_csv, capfd):
    header = ["统一社会信用代码", "企业名称", "登记状态"]
    import_enterprises(None, write_csv(header, [[CODE_A, "株洲恒通科技有限公司", "存续"]]), cast.bureau)
    rows = [
        [CODE_A, "株洲恒通科技有限公司", "注销"],  # updated
        [CODE_B, "株洲宏图电子有限公司", "存续"],  # created
        [CODE_B, "株洲宏图电子有限公司", "存续"],  # repeats row 3: unchanged
        [CODE_B, "株洲另一家电子有限公司", "存续"],  # same code, another firm: rejected
        ["", "", "存续"],  # no name: rejected
        ["91430211MA4L0XY05Y", "株洲校验位科技有限公司", ""],  # bad check digit: created, flagged
    ]
    capfd.readouterr()
    call_command(
        "firms", "import", str(write_csv(header, rows, "v2.csv")), "--json", "--org", cast.bureau.code
    )
    out, _err = capfd.readouterr()
    data = json.loads(out)  # the whole of standard output is one JSON document
    assert out.strip().count("\n") == 0
    assert {k: data[k] for k in COUNT_KEYS} == {
        "read": 6,
        "created": 2,
        "updated": 1,
        "unchanged": 1,
        "rejected": 2,
        "flagged": 1,
    }
    assert data["created"] + data["updated"] + data["unchanged"] + data["rejected"] == data["read"]
    assert (
        data["refused"] is False and data["dry_run"] is False
    )  # rejected rows alone do not fail the command


def test_the_cli_dry_run_writes_nothing(cast, write_csv):
    out, _ = run_cli(
        "import",
        str(write_csv(["企业名称"], [["株洲恒通科技有限公司"]])),
        "--dry-run",
        "--json",
        "--org",
        cast.bureau.code,
    )
    assert (
        json.loads(out)["created"] == 1
        and Enterprise.objects.count() == 0
        and ImportBatch.objects.count() == 0
    )


def test_the_cli_exits_non_zero_when_strict_refuses(cast, write_csv):
    path = write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲恒通科技有限公司"], [CODE_B, ""]])
    out = StringIO()
    with pytest.raises(CommandError, match="严格模式"):
        call_command(
            "firms", "import", str(path), "--strict", "--json", "--org", cast.bureau.code, stdout=out
        )
    assert json.loads(out.getvalue())["refused"] is True
    assert Enterprise.objects.count() == 0


def test_the_cli_exits_non_zero_when_the_file_cannot_be_read(cast, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run_cli("import", str(tmp_path / "missing.xlsx"), "--org", cast.bureau.code)


def test_firms_show_prints_one_firm_as_json(cast, write_csv):
    header = ["统一社会信用代码", "企业名称", "注册资本", "成立日期"]
    import_enterprises(
        cast.officer,
        write_csv(header, [[CODE_C, "昆山某某电子有限公司", "1500万美元", "2015/9/7"]]),
        cast.bureau,
    )
    out, _ = run_cli("show", CODE_C, "--json")
    data = json.loads(out)
    assert data["name"] == "昆山某某电子有限公司" and data["uscc"] == CODE_C
    assert (data["registered_capital_wan"], data["currency"]) == (1500, "USD")
    assert data["founded"] == "2015-09-07" and data["region_code"] == "320583" and data["flags"] == []
    assert data["local"] is False
    assert json.loads(run_cli("show", "昆山某某电子有限公司", "--json")[0])["id"] == data["id"]


SHOW_FIELDS = {
    "uscc",
    "name",
    "short_name",
    "legal_rep",
    "founded",
    "registered_capital_wan",
    "currency",
    "company_type",
    "status",
    "address",
    "region_code",
    "industry_code",
    "scope",
    "description",
    "employees",
    "revenue_wan",
    "tax_wan",
    "website",
    "tags",
    "flags",
    "source",
    "import_batch",
}


def test_firms_show_prints_every_field_and_the_flags_of_a_doubtful_firm(cast, write_csv):
    header = ["统一社会信用代码", "企业名称", "注册资本", "成立日期", "住所", "标签"]
    row = [
        "91430211MA4L0XY05Y",
        "株洲校验位科技有限公司",
        "5000万日元",
        "42254",
        "株洲市天元区黄河南路1号",
        "专精特新",
    ]
    result = import_enterprises(cast.officer, write_csv(header, [row]), cast.bureau)
    data = json.loads(run_cli("show", "株洲校验位科技有限公司", "--json")[0])
    assert SHOW_FIELDS <= set(data)
    assert data["uscc"] is None and data["uscc_raw"] == "91430211MA4L0XY05Y"
    assert (data["registered_capital_wan"], data["currency"], data["founded"]) == (5000, "JPY", "2015-09-07")
    assert data["region_code"] == "430211" and data["tags"] == ["专精特新"]
    assert data["source"] == "firms.csv" and data["import_batch"] == result.batch.pk
    [flag] = data["flags"]
    assert (
        flag["code"] == "uscc_bad_check_digit"
        and flag["column"] == "统一社会信用代码"
        and "校验位错误" in flag["message"]
    )


def test_firms_show_fails_clearly_for_an_unknown_firm(db):
    with pytest.raises(CommandError, match="名录中没有"):
        run_cli("show", "不存在的公司")


def test_find_enterprise_finds_a_firm_whichever_organisation_imported_it(cast, write_csv):
    import_enterprises(
        cast.outsider,
        write_csv(["统一社会信用代码", "企业名称"], [[CODE_A, "株洲恒通科技有限公司"]]),
        cast.other_park,
    )
    from zhaoshang.registry.services import RegistryError

    assert find_enterprise(cast.outsider, CODE_A).uscc == CODE_A
    firm = find_enterprise(cast.owner, CODE_A)
    assert firm.uscc == CODE_A and firm.organisation == cast.other_park  # who imported it is recorded
    with pytest.raises(RegistryError):
        find_enterprise(cast.owner, "91430200MA4L000000")


def test_a_big_spreadsheet_streamed_row_by_row_imports_exactly_like_a_small_one(cast, real_file, monkeypatch):
    from zhaoshang.tabular import readers

    monkeypatch.setattr(readers, "STREAM_XLSX_ROWS", 1000)  # the real export then counts as big
    result = import_enterprises(cast.officer, real_file, cast.bureau, today=TODAY)
    assert counts(result) == {
        "read": 2057,
        "created": 2056,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
        "flagged": 3,
    }
    assert {i["row"] for i in result.issues if i["severity"] == "warning"} == {194, 720, 940}
    assert Enterprise.objects.get(short_name="欧森营地").founded == dt.date(2015, 7, 10)


@pytest.mark.parametrize("chunk_rows", [2000, 1], ids=["same chunk", "later chunk"])
def test_a_later_row_giving_a_code_to_a_firm_this_file_created_without_one_is_a_repeat(
    cast, write_csv, monkeypatch, chunk_rows
):
    from django.db import connection

    from zhaoshang.registry import bulk_db, importing
    from zhaoshang.registry.services import search_enterprises

    monkeypatch.setattr(importing, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(
        bulk_db, "SQLITE_DEFERRED_FTS_ROWS", 1
    )  # the large-file path: index filled at the end of each committed batch
    path = write_csv(
        ["统一社会信用代码", "企业名称", "注册资本"],
        [
            ["", "株洲恒通科技有限公司", "500万元"],
            [CODE_A, "株洲恒通科技有限公司", "800万元"],
            [CODE_B, "株洲另一家有限公司", "1万元"],
        ],
    )
    result = import_enterprises(cast.officer, path, cast.bureau, today=TODAY)
    assert counts(result) == {
        "read": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
        "flagged": 1,
    }
    assert any(i["row"] == 3 and "第2行" in i["message"] for i in result.issues), result.issues
    assert Enterprise.objects.get(name="株洲恒通科技有限公司").capital_wan == Decimal(
        "500"
    )  # the earlier row stands
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('integrity-check')"
            )
    assert [f.name for f in search_enterprises(cast.officer, "恒通科技")] == ["株洲恒通科技有限公司"]
    # the update trigger is whole again: a later edit is searchable
    firm = Enterprise.objects.get(uscc=CODE_B)
    Enterprise.objects.filter(pk=firm.pk).update(scope="轨道交通牵引变流器")
    assert [f.name for f in search_enterprises(cast.officer, "牵引变流")] == ["株洲另一家有限公司"]
