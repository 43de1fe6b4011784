"""A multi-level BOM in XLSX with Chinese headers, a title row, a 合计 row and a DNP line."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from zhaoshang.chains.analysis.bom import BomError, read_bom, summary

HEADER = ["物料名称", "分类", "用量", "上级", "厂商", "型号", "不贴"]
ROWS = [
    ["智能手环", "", 1, "", "", "", ""],
    ["主板组件", "", 2, "智能手环", "", "", ""],
    ["电池组件", "", 1, "智能手环", "", "", ""],
    ["贴片电容", "电容", 10, "主板组件", "村田", "GRM155R71C104KA88D", ""],
    ["贴片电阻", "电阻", 5, "主板组件", "厚声", "0402WGF1002TCE", ""],
    ["单片机", "", 1, "主板组件", "意法半导体", "STM32L431CCU6", ""],
    ["备用电阻", "电阻", 2, "主板组件", "国巨", "RC0402FR-0710KL", "是"],
    ["电芯", "电池", 1, "电池组件", "欣旺达", "", ""],
    ["保护板", "", 1, "电池组件", "", "", ""],
    ["螺丝", "", 4, "智能手环", "", "M1.4x3", ""],
]


def write_xlsx(path: Path, rows: list[list[object]], total: float | None) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("BOM")
    sheet.write_row(0, 0, ["智能手环 BOM（V1.0）"])
    sheet.write_row(1, 0, HEADER)
    for i, row in enumerate(rows, start=2):
        sheet.write_row(i, 0, row)
    if total is not None:
        sheet.write_row(len(rows) + 2, 0, ["合计", "", total])
    workbook.close()
    return path


def test_quantities_multiply_down_the_tree(tmp_path: Path) -> None:
    bom = read_bom(write_xlsx(tmp_path / "band.xlsx", ROWS, total=28), name="智能手环")
    parts = {line.name: line.extended_quantity for line in bom.lines}
    assert parts == {"贴片电容": 20, "贴片电阻": 10, "单片机": 2, "电芯": 1, "保护板": 1, "螺丝": 4}
    assert [line.name for line in bom.assemblies] == ["智能手环", "主板组件", "电池组件"]


def test_summary_counts_part_lines_and_extended_parts_without_dnp(tmp_path: Path) -> None:
    result = summary(read_bom(write_xlsx(tmp_path / "band.xlsx", ROWS, total=28), name="智能手环"))
    assert (result["lines"], result["parts"]) == (6, 38)
    assert result["dnp"] == {"lines": 1, "parts": 4}
    assert sum(node["parts"] for node in result["nodes"]) == 38
    nodes = {node["name"]: node for node in result["nodes"]}
    assert nodes["电容"] == {"name": "电容", "parts": 20, "manufacturers": ["村田"]}
    assert nodes["集成电路-微控制器"]["parts"] == 2
    assert nodes["结构件"]["parts"] == 4


def test_the_totals_row_is_recognised_and_a_matching_figure_raises_no_warning(tmp_path: Path) -> None:
    bom = read_bom(write_xlsx(tmp_path / "band.xlsx", ROWS, total=28), name="智能手环")
    assert bom.totals_rows == [13]
    assert not any("合计" in warning for warning in bom.warnings)


def test_a_wrong_total_in_xlsx_is_flagged_with_its_row(tmp_path: Path) -> None:
    bom = read_bom(write_xlsx(tmp_path / "band.xlsx", ROWS, total=100), name="智能手环")
    assert any(w.startswith("第13行") and "100" in w for w in bom.warnings)


def test_children_of_a_dnp_assembly_are_dnp_too(tmp_path: Path) -> None:
    rows = [row[:] for row in ROWS]
    rows[2][6] = "DNP"  # 电池组件 not fitted
    result = summary(read_bom(write_xlsx(tmp_path / "band.xlsx", rows, total=None), name="智能手环"))
    assert result["dnp"] == {"lines": 3, "parts": 6}
    assert result["parts"] == 36


def test_an_unknown_parent_is_an_error_with_its_row(tmp_path: Path) -> None:
    rows = [row[:] for row in ROWS]
    rows[5][3] = "不存在的组件"
    with pytest.raises(BomError) as caught:
        read_bom(write_xlsx(tmp_path / "band.xlsx", rows, total=None), name="智能手环")
    issue = caught.value.issues[0]
    assert (issue.row, issue.column) == (8, "上级")
    assert "不存在的组件" in issue.reason


def test_a_non_numeric_quantity_in_xlsx_is_an_error_with_its_row(tmp_path: Path) -> None:
    rows = [row[:] for row in ROWS]
    rows[3][2] = "十"
    with pytest.raises(BomError) as caught:
        read_bom(write_xlsx(tmp_path / "band.xlsx", rows, total=None), name="智能手环")
    assert [(i.row, i.column) for i in caught.value.issues] == [(6, "用量")]
