from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from tests.shared_data import require

from zhaoshang.registry.core import uscc
from zhaoshang.registry.core.errors import UnreadableFileError
from zhaoshang.tabular.readers import (
    detect_encoding,
    iter_csv_rows,
    iter_excel_rows,
    iter_rows,
    open_table,
    sniff_delimiter,
)

ROWS = [
    ["统一社会信用代码", "企业名称", "注册资本"],
    ["91430111355525404W", "长沙市畅映文化传播有限公司", "20万元人民币"],
    ["", "", ""],
    ["9144030008460541XW", "深圳彦泽科技有限公司", "100万元人民币"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ",") -> Path:
    text = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_it_reads_csv_files_in_the_encodings_chinese_exports_use(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "export.csv", ROWS, encoding)
    rows = list(iter_rows(path))
    assert rows[0] == (1, ROWS[0])  # no BOM left in the first header
    assert [n for n, _ in rows] == [1, 2, 4]  # the empty row 3 is skipped, numbering stays true
    assert rows[2][1][1] == "深圳彦泽科技有限公司"


def test_encoding_detection_falls_back_to_gb18030_for_gbk_bytes() -> None:
    assert detect_encoding("企业名称".encode("gbk")) == "gb18030"
    assert detect_encoding("企业名称".encode()) == "utf-8"
    assert detect_encoding("\ufeff企业名称".encode()) == "utf-8-sig"
    # a sample cut in the middle of a UTF-8 character is still UTF-8
    assert detect_encoding("企业名称".encode()[:-1]) == "utf-8"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_sniffs_the_delimiter(tmp_path: Path, delimiter: str) -> None:
    path = write_csv(tmp_path / "export.csv", ROWS, "utf-8", delimiter)
    assert list(iter_csv_rows(path))[1][1] == ROWS[1]


def test_sniffing_is_not_fooled_by_commas_inside_quoted_fields() -> None:
    sample = 'a;b;c\n"1,2";x;y\n"3,4";z;w\n'
    assert sniff_delimiter(sample) == ";"


def test_quoted_multi_line_cells_count_as_one_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('企业名称,经营范围\n甲公司,"第一行\n第二行"\n乙公司,贸易\n', encoding="utf-8")
    assert [n for n, _ in iter_rows(path)] == [1, 2, 3]


def test_open_table_splits_header_and_data(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", [["", ""], *ROWS], "utf-8-sig")
    table = open_table(path)
    assert table.header_row == 2
    assert table.header == ROWS[0]
    assert next(table.rows)[0] == 3


def test_a_missing_file_is_unreadable_with_a_chinese_reason(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        list(iter_rows(tmp_path / "nope.csv"))
    assert "nope.csv" in str(caught.value) and "不存在" in str(caught.value)
    with pytest.raises(UnreadableFileError):
        iter_excel_rows(tmp_path / "nope.xlsx")


def test_a_file_that_is_no_spreadsheet_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(UnreadableFileError) as caught:
        list(iter_rows(path))
    assert "fake.xlsx" in str(caught.value)


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFileError):
        open_table(path)


def test_bytes_that_are_neither_utf8_nor_gbk_are_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes([0xFF, 0xFF, 0xFE, 0x80, 0x81]) * 10)
    with pytest.raises(UnreadableFileError):
        list(iter_rows(path))


def test_xlsx_rows_keep_true_numbers_and_numeric_codes_come_back_as_excel_showed_them(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    # row 1 left empty: the header is on row 2 as the user sees it
    sheet.write_row(1, 0, ["统一社会信用代码", "企业名称", "成立日期", "注册资本"])
    sheet.write_number(2, 0, 914403003196285000.0)
    sheet.write_string(2, 1, "深圳某科技有限公司")
    sheet.write_datetime(2, 2, datetime(2015, 9, 7), date_format)
    sheet.write_number(2, 3, 500)
    sheet.write_string(4, 0, "91430111355525404W")
    sheet.write_string(4, 1, "长沙市畅映文化传播有限公司")
    book.close()

    rows = list(iter_rows(path))
    assert [n for n, _ in rows] == [2, 3, 5]
    code, name, founded, capital = rows[1][1]
    assert code == "914403003196285000"
    assert uscc.validate(code).is_excel_mangled
    assert isinstance(founded, date) and founded.isoformat()[:10] == "2015-09-07"  # a date, not text
    assert capital == "500"
    assert rows[2][1][0] == "91430111355525404W"


def test_a_missing_sheet_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("名录").write_row(0, 0, ["企业名称"])
    book.close()
    assert list(iter_excel_rows(path, sheet="名录")) == [(1, ["企业名称"])]
    with pytest.raises(UnreadableFileError) as caught:
        iter_excel_rows(path, sheet="别的表")
    assert "别的表" in str(caught.value)


def _mixed_workbook(path: Path, *, constant_memory: bool, date_1904: bool = False) -> Path:
    """Shared or inline strings, numbers, a mangled code, dates, date-times, booleans, gaps, a formula."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "date_1904": date_1904})
    sheet = book.add_worksheet("名录")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    cn_day = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称", "成立日期", "注册资本", "是否上市", "备注"])
    for r in range(1, 40):
        sheet.write_number(r, 0, 914403003196285000.0) if r % 7 == 0 else sheet.write_string(
            r, 0, "91430111355525404W"
        )
        sheet.write_string(r, 1, f"株洲第{r}号（测试）科技有限公司")
        if r % 5:
            fmt = (day, cn_day, moment)[r % 3]
            sheet.write_datetime(
                r, 2, datetime(2015, 9, 7, 8 if fmt is moment else 0, 30 if fmt is moment else 0), fmt
            )
        sheet.write_number(r, 3, 104.1667 if r % 2 else 500, money)
        sheet.write_boolean(r, 4, r % 2 == 0)
        if r % 4 == 0:
            sheet.write_formula(r, 5, '="备注"&1', None, "备注1")
    sheet.write_string(45, 1, "隔了几行的企业有限公司")  # empty rows in between keep their numbers
    book.close()
    return path


@pytest.mark.parametrize(
    ("constant_memory", "date_1904"),
    [(False, False), (True, False), (False, True)],
    ids=["shared strings", "inline strings", "1904 date system"],
)
def test_the_streaming_xlsx_reader_reads_exactly_what_calamine_reads(
    tmp_path: Path, constant_memory: bool, date_1904: bool
) -> None:
    from zhaoshang.tabular.readers import _streamed_rows

    path = _mixed_workbook(tmp_path / "mixed.xlsx", constant_memory=constant_memory, date_1904=date_1904)
    calamine = list(iter_excel_rows(path))
    streamed = list(_streamed_rows(path))
    assert len(calamine) == 41 and streamed == calamine
    assert streamed[-1] == (46, ["", "隔了几行的企业有限公司", "", "", "", ""])


def test_the_streaming_reader_reads_the_real_export_as_calamine_does(shared_data: Path) -> None:
    from zhaoshang.tabular.readers import _streamed_rows

    path = shared_data / "registry/gongshang_dev.xlsx"
    require(path)
    assert list(_streamed_rows(path)) == list(iter_excel_rows(path))


def test_a_big_xlsx_is_streamed_and_a_small_one_read_by_calamine(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zhaoshang.tabular import readers

    path = _mixed_workbook(tmp_path / "mixed.xlsx", constant_memory=True)
    assert readers.xlsx_row_count(path) == 46
    used: list[str] = []
    monkeypatch.setattr(readers, "_streamed_rows", lambda p: used.append("stream") or iter(()))
    list(readers.iter_excel_rows(path))
    assert used == []
    monkeypatch.setattr(readers, "STREAM_XLSX_ROWS", 46)
    list(readers.iter_excel_rows(path))
    assert used == ["stream"]


def test_a_broken_big_xlsx_is_unreadable_with_the_row_it_stopped_at(tmp_path: Path) -> None:
    import zipfile

    from zhaoshang.tabular.readers import _streamed_rows

    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c t="inlineStr"><is><t>企业名称</t></is></c></row><row r="2"><c',
        )
    with pytest.raises(UnreadableFileError, match="读取第2行时出错"):
        list(_streamed_rows(path))
