from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA, absent

from zhaoshang.chains.analysis.bom import BomError, read_bom, summary

BOM_DIR = SHARED_DATA / "bom"
pytestmark = pytest.mark.skipif(
    absent(BOM_DIR), reason=f"{BOM_DIR} not found: ../shared is not beside the project"
)
BOARDS = ("motherboard", "keyboard", "trackball", "trackpad", "oled", "batterypack")


def board_path(board: str) -> Path:
    return BOM_DIR / f"mnt_reform_{board}.csv"


def raw_rows(board: str) -> tuple[list[str], list[dict[str, str]]]:
    """The board's CSV read with the csv module alone: stripped header names and one dict per data row."""
    with open(board_path(board), encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [cell.strip() for cell in rows[0]]
    return header, [
        dict(zip(header, row, strict=False)) for row in rows[1:] if any(cell.strip() for cell in row)
    ]


@pytest.fixture
def motherboard() -> Path:
    return board_path("motherboard")


def _expected(board: str) -> dict[str, int]:
    """Figures computed from the raw CSV: a line is DNP when its DNP column is filled or its value says DNP."""
    _header, rows = raw_rows(board)
    dnp = [r for r in rows if (r.get("DNP") or "").strip() or (r.get("Value") or "").strip().upper() == "DNP"]
    kept = [r for r in rows if r not in dnp]
    return {
        "all_lines": len(rows),
        "all_parts": sum(int(r["Quantity"]) for r in rows),
        "lines": len(kept),
        "parts": sum(int(r["Quantity"]) for r in kept),
        "dnp_lines": len(dnp),
        "dnp_parts": sum(int(r["Quantity"]) for r in dnp),
    }


@pytest.mark.parametrize("board", BOARDS)
def test_each_mnt_board_reports_the_lines_and_parts_its_file_holds(board: str) -> None:
    expected = _expected(board)
    result = summary(read_bom(board_path(board), name=board))
    assert result["lines"] == expected["lines"]
    assert result["parts"] == expected["parts"]
    assert result["dnp"] == {"lines": expected["dnp_lines"], "parts": expected["dnp_parts"]}
    assert result["lines"] + result["dnp"]["lines"] == expected["all_lines"]


@pytest.mark.parametrize("board", BOARDS)
def test_node_parts_add_up_to_the_board_parts(board: str) -> None:
    result = summary(read_bom(board_path(board), name=board))
    assert sum(node["parts"] for node in result["nodes"]) == result["parts"]
    assert set(result) == {"lines", "parts", "nodes", "dnp", "warnings"}
    for node in result["nodes"]:
        assert set(node) == {"name", "parts", "manufacturers"}
        assert node["manufacturers"] == sorted(set(node["manufacturers"]))


def test_the_motherboard_matches_the_figures_in_the_data_readme(motherboard: Path) -> None:
    # README: 143 lines, 512 parts, of which 17 lines / 20 parts DNP. Counted lines and parts exclude DNP.
    result = summary(read_bom(motherboard, name="MNT Reform 主板"))
    assert result["lines"] + result["dnp"]["lines"] == 143
    assert result["parts"] + result["dnp"]["parts"] == 512
    assert result["dnp"] == {"lines": 17, "parts": 20}
    assert (result["lines"], result["parts"]) == (126, 492)


def test_motherboard_manufacturers_are_listed_as_written(motherboard: Path) -> None:
    nodes = {node["name"]: node for node in summary(read_bom(motherboard, name="mb"))["nodes"]}
    assert nodes["电容"]["manufacturers"] == [
        "KEMET",
        "Murata",
        "Panasonic",
        "TDK",
        "Taiyo Yuden",
        "UCC",
        "Vishay",
        "Yageo",
    ]


def test_dnp_lines_are_reported_and_left_out(motherboard: Path) -> None:
    bom = read_bom(motherboard, name="mb")
    assert all(line.dnp for line in bom.dnp_lines)
    assert not any(line.dnp for line in bom.lines)
    assert {"H1", "TP8", "J16"} <= {ref for line in bom.dnp_lines for ref in line.references}
    assert any("DNP" in warning and "17行" in warning for warning in bom.warnings)


def test_references_lose_their_trailing_spaces(motherboard: Path) -> None:
    bom = read_bom(motherboard, name="mb")
    assert bom.lines[0].references == ("BT1",)
    assert bom.lines[1].references == ("C122", "C161")
    assert bom.lines[0].row == 2


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_headers_with_stray_spaces_are_recognised(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "b.csv",
        " Reference ,  Quantity ,Value , Manufacturer_No \nC1 C2 ,2,100nF,X\nR1 ,1,10k,Y\n",
    )
    bom = read_bom(path, name="b")
    assert summary(bom)["parts"] == 3
    assert [line.part_number for line in bom.lines] == ["X", "Y"]


def _with_totals(tmp_path: Path, motherboard: Path, figure: str) -> Path:
    path = tmp_path / "mb_total.csv"
    shutil.copy(motherboard, path)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write("\n")
        csv.writer(handle).writerow(["", figure, "", ""])
    return path


def test_a_totals_row_with_the_right_figure_is_not_counted_and_raises_no_warning(
    tmp_path: Path, motherboard: Path
) -> None:
    bom = read_bom(_with_totals(tmp_path, motherboard, "512"), name="mb")
    result = summary(bom)
    assert (result["lines"], result["parts"]) == (126, 492)
    assert bom.totals_rows == [145]
    assert not any("合计" in warning for warning in result["warnings"])


def test_a_totals_row_that_disagrees_with_the_lines_gets_a_warning(tmp_path: Path, motherboard: Path) -> None:
    result = summary(read_bom(_with_totals(tmp_path, motherboard, "600"), name="mb"))
    assert (result["lines"], result["parts"]) == (126, 492)
    mismatch = [w for w in result["warnings"] if "合计" in w]
    assert len(mismatch) == 1
    assert "第145行" in mismatch[0] and "600" in mismatch[0]


@pytest.mark.parametrize("label", ["合计", "总计", "Total", "TOTAL:"])
def test_a_labelled_totals_row_is_recognised(tmp_path: Path, label: str) -> None:
    path = _write(tmp_path / "g.csv", f"零件,数量\n电容,3\n电阻,4\n{label},9\n")
    result = summary(read_bom(path, name="g"))
    assert (result["lines"], result["parts"]) == (2, 7)
    assert any("第4行" in w and "9" in w for w in result["warnings"])


@pytest.mark.parametrize(
    ("mark", "is_dnp"),
    [
        ("DNP", True),
        ("yes", True),
        ("x", True),
        ("y", True),
        ("", False),
        ("no", False),
        ("0", False),
        ("否", False),
    ],
)
def test_the_dnp_column_marks_lines_not_to_populate(tmp_path: Path, mark: str, is_dnp: bool) -> None:
    path = _write(tmp_path / "d.csv", f"Reference,Quantity,Value,DNP\nR1,1,10k,{mark}\nR2,1,10k,\n")
    result = summary(read_bom(path, name="d"))
    assert result["dnp"] == ({"lines": 1, "parts": 1} if is_dnp else {"lines": 0, "parts": 0})
    assert result["parts"] == (1 if is_dnp else 2)


def test_a_dnp_value_or_a_marked_reference_also_means_do_not_populate(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "Reference,Quantity,Value\nR1,1,DNP\nR2 (DNP),1,10k\nR3,1,10k\n")
    bom = read_bom(path, name="d")
    assert [line.references for line in bom.dnp_lines] == [("R1",), ("R2",)]
    assert [line.references for line in bom.lines] == [("R3",)]


def test_a_quantity_that_disagrees_with_the_designators_gets_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "q.csv", "Reference,Quantity,Value\nC1 C2 C3,2,1uF\nR1-R4,4,10k\n")
    bom = read_bom(path, name="q")
    assert bom.parts == 6
    assert bom.lines[1].references == ("R1", "R2", "R3", "R4")
    assert bom.warnings == ["第2行：数量为2，但位号有3个（C1 C2 C3）"]


def test_a_missing_quantity_column_is_an_error_on_the_header_row(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "Reference,Value,Footprint\nC1,1uF,C_0603\n")
    with pytest.raises(BomError) as caught:
        read_bom(path, name="m")
    issue = caught.value.issues[0]
    assert (issue.file, issue.row) == ("m.csv", 1)
    assert "数量" in issue.reason
    assert isinstance(caught.value, ValueError)


def test_non_numeric_quantities_are_errors_with_their_row_numbers(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "n.csv", "Reference, Quantity,Value\nC1,1,1uF\nC2,two,1uF\nC3,1,1uF\nC4,-1,1uF\nC5,,1uF\n"
    )
    with pytest.raises(BomError) as caught:
        read_bom(path, name="n")
    issues = caught.value.issues
    assert [(i.row, i.column) for i in issues] == [(3, "Quantity"), (5, "Quantity"), (6, "Quantity")]
    assert "不是数字" in issues[0].reason and "two" in issues[0].reason
    assert "负数" in issues[1].reason
    assert "为空" in issues[2].reason
    assert "第3行" in str(caught.value)


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BomError, match="文件为空"):
        read_bom(_write(tmp_path / "e.csv", "\n\n"), name="e")


@pytest.mark.parametrize("filename", ["bom.pdf", "bom.docx", "bom"])
def test_an_unsupported_file_type_is_an_error(tmp_path: Path, filename: str) -> None:
    path = _write(tmp_path / filename, "Reference,Quantity\nC1,1\n")
    with pytest.raises(BomError, match="不支持的文件类型"):
        read_bom(path, name="x")


def test_a_binary_file_named_csv_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(BomError, match="不是CSV文本"):
        read_bom(path, name="x")


def test_a_damaged_xlsx_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "broken.xlsx", "not a workbook")
    with pytest.raises(BomError, match="无法读取Excel"):
        read_bom(path, name="x")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_chinese_csv_reads_in_gbk_and_utf8(tmp_path: Path, encoding: str) -> None:
    text = "物料名称,类别,用量（个）,厂商,型号\n贴片电容,电容,10,风华,0603B104K500NT\n贴片电阻,电阻,5,厚声,0603WAF1002T5E\n"
    bom = read_bom(_write(tmp_path / "cn.csv", text, encoding), name="cn")
    assert [(line.name, line.category, line.quantity, line.manufacturer) for line in bom.lines] == [
        ("贴片电容", "capacitor", 10, "风华"),
        ("贴片电阻", "resistor", 5, "厚声"),
    ]


def test_a_title_row_above_the_header_keeps_user_row_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", "智能手环 BOM V1.2,,\n零件,数量,厂商\n电容,abc,村田\n")
    with pytest.raises(BomError) as caught:
        read_bom(path, name="t")
    assert caught.value.issues[0].row == 3


def test_tab_separated_text_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.txt", "Reference\tQuantity\tValue\nC1 C2\t2\t1uF\n")
    assert read_bom(path, name="t").parts == 2
