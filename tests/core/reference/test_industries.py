"""GB/T 4754-2017: the shipped 门类/大类 table, and parsing users' full tables strictly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from zhaoshang.core.reference.errors import IndustryFileError
from zhaoshang.core.reference.industries import (
    Industry,
    builtin_sections_and_divisions,
    count_by_level,
    parse_industry_file,
)

HEADER = "level,class1_menlei,class2_dalei,class3_zhonglei,class4_xiaolei,name,remark\n"
# The shared NBS-style file writes 小类 3741 飞机制造 as a second 中类 374 row (line 769), so it holds 1,380
# 小类 rows but lacks 3741. The tests repair that one line in a copy under tmp_path.
DEFECT_ROW = 769
DEFECT_TEXT = "3,C,37,374,,飞机制造,"
REPAIRED_TEXT = "4,C,37,374,3741,飞机制造,"


def shared_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def repaired_file(shared_industry_file: Path, tmp_path: Path) -> Path:
    lines = shared_industry_file.read_text(encoding="utf-8").splitlines()
    assert lines[DEFECT_ROW - 1].startswith(DEFECT_TEXT)
    lines[DEFECT_ROW - 1] = lines[DEFECT_ROW - 1].replace(DEFECT_TEXT, REPAIRED_TEXT, 1)
    path = tmp_path / "gbt4754_2017_repaired.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- shipped 门类 / 大类


def test_the_shipped_table_has_20_sections_and_97_divisions():
    items = builtin_sections_and_divisions()
    assert count_by_level(items) == {"门类": 20, "大类": 97, "中类": 0, "小类": 0}
    assert [i.code for i in items if i.level == 1] == list("ABCDEFGHIJKLMNOPQRST")
    assert [i.code for i in items if i.level == 2] == [f"{n:02d}" for n in range(1, 98)]


def test_the_shipped_table_matches_the_shared_file_code_for_code_and_name_for_name(shared_industry_file):
    theirs = {}
    for row in shared_rows(shared_industry_file):
        if row["level"] == "1":
            theirs[row["class1_menlei"]] = (row["name"], None)
        elif row["level"] == "2":
            theirs[row["class2_dalei"]] = (row["name"], row["class1_menlei"])
    mine = {i.code: (i.name, i.parent_code) for i in builtin_sections_and_divisions()}
    assert mine == theirs


# --------------------------------------------------------------------------- the shared full table


def test_the_shared_file_is_rejected_for_its_second_row_with_code_374(shared_industry_file):
    with pytest.raises(IndustryFileError) as caught:
        parse_industry_file(shared_industry_file)
    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == ("gbt4754_2017.csv", DEFECT_ROW, "中类")
    assert "航空、航天器及设备制造" in error.message and "飞机制造" in error.message


def test_the_repaired_shared_file_gives_20_97_473_and_1381_classes(repaired_file, shared_industry_file):
    items = parse_industry_file(repaired_file)
    assert count_by_level(items) == {"门类": 20, "大类": 97, "中类": 473, "小类": 1381}
    rows = shared_rows(shared_industry_file)
    file_classes = {r["class4_xiaolei"] for r in rows if r["level"] == "4"}
    assert len(file_classes) == 1380
    assert {i.code for i in items if i.level == 4} == file_classes | {"3741"}
    # every 中类 that a 小类 names comes out: 274 with a row of their own, 199 synthesised
    groups_with_rows = {r["class3_zhonglei"] for r in rows if r["level"] == "3"}
    named_groups = {r["class3_zhonglei"] for r in rows if r["level"] == "4"}
    assert (len(groups_with_rows), len(named_groups - groups_with_rows)) == (274, 199)
    assert {i.code for i in items if i.level == 3} == named_groups


def test_a_group_without_its_own_row_takes_the_name_and_remark_of_its_only_class(repaired_file):
    items = {i.code: i for i in parse_industry_file(repaired_file)}
    assert items["120"] == Industry("120", "其他采矿业", 3, "12", items["1200"].remark)
    assert items["1200"].parent_code == "120"
    assert items["3741"] == Industry("3741", "飞机制造", 4, "374", items["3741"].remark)
    assert items["374"].name == "航空、航天器及设备制造"


def test_parents_come_before_children_and_every_parent_exists(repaired_file):
    items = parse_industry_file(repaired_file)
    seen: set[str] = set()
    for item in items:
        assert item.parent_code is None or item.parent_code in seen
        seen.add(item.code)
    assert [i.code for i in items[:4]] == ["A", "01", "011", "0111"]
    assert next(i for i in items if i.code == "39").parent_code == "C"


def test_parsing_the_same_file_twice_gives_the_same_result(repaired_file):
    assert parse_industry_file(repaired_file) == parse_industry_file(repaired_file)


def test_an_xlsx_with_chinese_headers_parses_like_the_csv(repaired_file, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["级别", "门类", "大类", "中类", "小类", "类别名称", "说明"])
    for row in shared_rows(repaired_file):
        sheet.append([int(row["level"]), *(row[k] or None for k in list(row)[1:])])
    book.save(tmp_path / "行业分类.xlsx")
    assert parse_industry_file(tmp_path / "行业分类.xlsx") == parse_industry_file(repaired_file)


def test_a_code_and_name_file_gives_the_same_tree_as_the_full_table(repaired_file, tmp_path):
    full = parse_industry_file(repaired_file)
    path = tmp_path / "codes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["代码", "名称", "说明"])
        writer.writerows((i.code, i.name, i.remark) for i in full)
    assert parse_industry_file(path) == full


def test_a_code_and_name_file_without_sections_takes_them_from_the_shipped_table(tmp_path):
    path = write(
        tmp_path / "codes.csv",
        "代码,名称\nC,制造业\n39,计算机、通信和其他电子设备制造业\n"
        "397,电子器件制造\n3971,电子真空器件制造\n3972,半导体分立器件制造\n",
    )
    items = parse_industry_file(path)
    assert [(i.code, i.parent_code) for i in items] == [
        ("C", None),
        ("39", "C"),
        ("397", "39"),
        ("3971", "397"),
        ("3972", "397"),
    ]


def test_codes_that_lost_their_leading_zeros_in_excel_get_them_back(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["门类", "大类", "中类", "小类", "类别名称"])
    sheet.append(["A", None, None, None, "农、林、牧、渔业"])
    sheet.append(["A", 1, None, None, "农业"])
    sheet.append(["A", 1, 11, None, "谷物种植"])
    sheet.append(["A", 1, 11, 111, "稻谷种植"])
    book.save(tmp_path / "zeros.xlsx")
    assert [i.code for i in parse_industry_file(tmp_path / "zeros.xlsx")] == ["A", "01", "011", "0111"]


# --------------------------------------------------------------------------- malformed files

GOOD = (
    "1,C,,,,制造业,\n"  # row 2
    "2,C,39,,,计算机、通信和其他电子设备制造业,\n"  # row 3
    "3,C,39,397,,电子器件制造,\n"  # row 4
    "4,C,39,397,3971,电子真空器件制造,\n"  # row 5
    "4,C,39,397,3972,半导体分立器件制造,\n"  # row 6
)


def rejected(tmp_path: Path, extra: str, base: str = GOOD) -> list[tuple[int, str]]:
    path = write(tmp_path / "industries.csv", HEADER + base + extra)
    with pytest.raises(IndustryFileError) as caught:
        parse_industry_file(path)
    assert all(e.file == "industries.csv" for e in caught.value.errors)
    return [(e.row, e.field) for e in caught.value.errors]


def test_the_good_base_file_parses(tmp_path):
    assert len(parse_industry_file(write(tmp_path / "ok.csv", HEADER + GOOD))) == 5


def test_a_class_code_of_the_wrong_shape_is_reported_with_its_row(tmp_path):
    assert rejected(tmp_path, "4,C,39,397,39733,半导体集成电路制造,\n") == [(7, "小类")]


def test_a_section_that_is_not_a_letter_from_a_to_t_is_reported(tmp_path):
    assert rejected(tmp_path, "1,Z,,,,不存在的门类,\n") == [(7, "门类")]


def test_the_same_code_with_another_name_is_reported_and_nothing_loads(tmp_path):
    errors = rejected(tmp_path, "4,C,39,397,3971,电子管制造,\n")
    assert errors == [(7, "小类")]


def test_the_same_code_with_the_same_name_twice_is_accepted_once(tmp_path):
    items = parse_industry_file(
        write(tmp_path / "dup.csv", HEADER + GOOD + "4,C,39,397,3971,电子真空器件制造,\n")
    )
    assert [i.code for i in items].count("3971") == 1


def test_a_row_without_a_name_is_reported(tmp_path):
    assert rejected(tmp_path, "4,C,39,397,3973,,\n") == [(7, "类别名称")]


def test_a_class_filed_under_the_wrong_division_is_reported(tmp_path):
    assert rejected(tmp_path, "4,C,38,397,3973,集成电路制造,\n") == [(7, "大类")]


def test_a_class_filed_under_the_wrong_group_is_reported(tmp_path):
    assert rejected(tmp_path, "4,C,39,398,3973,集成电路制造,\n") == [(7, "中类")]


def test_a_division_under_two_sections_is_reported(tmp_path):
    assert rejected(tmp_path, "4,D,39,397,3973,集成电路制造,\n") == [(7, "门类")]


def test_a_class_whose_division_has_no_row_is_reported(tmp_path):
    assert rejected(tmp_path, "4,C,40,401,4011,工业自动控制系统装置制造,\n") == [(7, "大类")]


def test_a_division_whose_section_has_no_row_is_reported(tmp_path):
    assert rejected(tmp_path, "2,D,44,,,电力、热力生产和供应业,\n") == [(7, "门类")]


def test_a_level_that_disagrees_with_the_filled_columns_is_reported(tmp_path):
    assert rejected(tmp_path, "3,C,39,397,3973,集成电路制造,\n") == [(7, "级别")]


def test_a_group_without_a_row_and_with_several_classes_cannot_be_named(tmp_path):
    extra = "4,C,39,398,3981,电阻电容电感元件制造,\n4,C,39,398,3982,电子电路制造,\n"
    assert rejected(tmp_path, extra) == [(7, "中类")]


def test_every_bad_row_is_reported_at_once_in_row_order(tmp_path):
    extra = "4,C,39,397,39x3,集成电路制造,\n4,C,39,397,3974,,\n4,C,39,397,3971,电子管制造,\n"
    assert rejected(tmp_path, extra) == [(7, "小类"), (8, "类别名称"), (9, "小类")]


def test_the_error_message_names_the_file_the_row_and_the_field_in_chinese(tmp_path):
    path = write(tmp_path / "industries.csv", HEADER + GOOD + "4,C,39,397,3973,,\n")
    with pytest.raises(IndustryFileError, match="industries.csv 第 7 行「类别名称」：小类 3973 没有名称"):
        parse_industry_file(path)
    assert issubclass(IndustryFileError, ValueError)


def test_a_file_without_code_columns_is_rejected_at_the_header(tmp_path):
    path = write(tmp_path / "other.csv", "编号,标题\n1,制造业\n")
    with pytest.raises(IndustryFileError) as caught:
        parse_industry_file(path)
    assert [(e.row, e.field) for e in caught.value.errors] == [(1, "表头")]


def test_a_file_with_a_header_and_no_rows_is_rejected(tmp_path):
    assert rejected(tmp_path, "", base="") == [(1, "表头")]
