"""`tabular.cell_text`: the one cell reader, and the options its callers (BOM, reference tables) ask for."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from zhaoshang.chains.analysis.bom import read_bom, summary
from zhaoshang.core.reference._tables import read_sheet
from zhaoshang.tabular.cells import NumberText, cell_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (" 张三 ", " 张三 "),  # text is kept as typed unless strip is asked for
        (True, "TRUE"),
        (False, "FALSE"),
        (12, "12"),
        (12.0, "12"),
        (2.5, "2.5"),
        (math.nan, ""),
        (math.inf, ""),
        (9.14403003196285e17, "914403003196285000"),  # what Excel shows, not 914403003196284928
        (date(2025, 1, 31), "2025-01-31"),
        (datetime(2025, 1, 31, 9, 30), "2025-01-31T09:30:00"),
    ],
)
def test_a_cell_reads_as_the_user_typed_it(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_a_numeric_cell_carries_that_it_was_a_number() -> None:
    assert isinstance(cell_text(12.0), NumberText)
    assert not isinstance(cell_text("12"), NumberText)


def test_strip_removes_the_spaces_around_text_only_when_asked() -> None:
    assert cell_text("  C1 C2 ", strip=True) == "C1 C2"
    assert cell_text("  C1 C2 ") == "  C1 C2 "
    assert cell_text(12.0, strip=True) == "12"


def test_a_boolean_cell_can_read_as_yes_or_empty() -> None:
    assert cell_text(True, true="yes", false="") == "yes"
    assert cell_text(False, true="yes", false="") == ""


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


def test_the_bom_reads_a_ticked_dnp_cell_as_do_not_populate_and_strips_text(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "b.xlsx",
        [
            [" Reference ", "Quantity", "Value", "DNP"],
            ["C1 C2 ", 2.0, " 100nF ", False],
            ["R1", 1, "10k", True],
        ],
    )
    bom = read_bom(path, name="b")
    assert [line.references for line in bom.lines] == [("C1", "C2")]
    assert bom.lines[0].value == "100nF"
    assert [line.references for line in bom.dnp_lines] == [("R1",)]
    assert summary(bom)["parts"] == 2


def test_a_reference_table_reads_stripped_text_and_whole_numbers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [["code", "name"], [430200.0, " 株洲市 "], [" 430202 ", None]])
    sheet = read_sheet(path)
    assert sheet.header == ["code", "name"]
    assert sheet.rows == [(2, ["430200", "株洲市"]), (3, ["430202", ""])]
