"""The shared export writer never writes a formula from data; numbers and dates keep their type."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import openpyxl

from zhaoshang.tabular import neutralise, write_csv, write_xlsx

HOSTILE = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_text_starting_with_a_formula_trigger_is_written_as_inert_text(tmp_path):
    path = tmp_path / "out.xlsx"
    rows = [[name, 12345678901234567, Decimal("1.25"), date(2026, 1, 2)] for name in HOSTILE]
    assert write_xlsx(path, ["名称", "代码", "金额", "日期"], rows) == len(HOSTILE)
    sheet = openpyxl.load_workbook(path).active
    for r, name in enumerate(HOSTILE, start=2):
        cell = sheet.cell(r, 1)
        assert cell.data_type == "s" and cell.value.startswith("'")
        if "\r" not in name:  # openpyxl reads a carriage return back as _x000D_
            assert cell.value == "'" + name
        assert sheet.cell(r, 2).value == "12345678901234567"  # more digits than Excel keeps: text
        assert sheet.cell(r, 3).value == 1.25
        assert sheet.cell(r, 4).value.date() == date(2026, 1, 2)


def test_integers_excel_can_hold_stay_numbers(tmp_path):
    path = tmp_path / "n.xlsx"
    write_xlsx(path, ["n"], [[999_999_999_999_999], [-5], [True]])
    sheet = openpyxl.load_workbook(path).active
    assert [sheet.cell(r, 1).value for r in (2, 3, 4)] == [999_999_999_999_999, -5, True]


def test_csv_cells_are_neutralised_and_numbers_written_in_full(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["名称", "值"], [["=1+1", 0.1 + 0.2], ["株洲", 7]])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["名称", "值"], ["'=1+1", repr(0.1 + 0.2)], ["株洲", "7"]]


def test_ordinary_text_is_left_alone():
    assert neutralise("株洲宏图走行部装备有限公司") == "株洲宏图走行部装备有限公司"
    assert neutralise("") == ""
