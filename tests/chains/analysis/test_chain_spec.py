"""Chain files: loading, validation errors that say where, and the YAML ↔ XLSX round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter

from zhaoshang.chains.analysis.errors import ChainFileError
from zhaoshang.chains.analysis.spec import (
    ChainSpec,
    dump_xlsx,
    dump_yaml,
    from_dict,
    load_xlsx,
    load_yaml,
)

CHAIN_YAML = """\
slug: ev
name: 新能源汽车
name_en: New energy vehicles
description: 测试用的小链
source: 测试
reviewed: 2024-05-01
nodes:
  - key: upstream
    name: 上游：电池
    weight: 0.4
    weight_source: 估算
    weight_estimate: true
    children:
      - key: cell
        name: 电芯
        name_en: Cells
        weight: 0.7
        key_node: true
        aliases: [电池单体]
        keywords: [锂电池, 电芯]
        exclude: [回收]
        industry_codes: ["3841", C]
        hs_codes: ["8507"]
        card:
          what: 储存电能的基本单元
          uses: 动力电池包
          leaders_domestic: [宁德时代, 比亚迪]
          leaders_foreign: [LG新能源]
          source: 公开资料
          estimate: true
          footnote: 卡片的附加字段
        maturity: high
      - key: bms
        name: 电池管理系统
        weight: 0.3
  - key: vehicle
    name: 整车
    weight: 0.6
links:
  - {from: cell, to: vehicle, note: 主要供应}
  - {from: bms, to: vehicle}
"""


def load(text: str = CHAIN_YAML) -> ChainSpec:
    return load_yaml(io.StringIO(text))


def problems_of(data: dict) -> list[str]:
    with pytest.raises(ChainFileError) as exc:
        from_dict(data, file="test.yaml")
    return [str(p) for p in exc.value.problems]


def tiny(nodes: list[dict], links: list[dict] | None = None) -> dict:
    return {"slug": "t", "name": "测试链", "nodes": nodes, "links": links or []}


def test_a_node_knows_its_path_depth_parent_and_absolute_weight():
    spec = load()
    cell = spec.node("cell")
    assert cell.path == "上游：电池 / 电芯"
    assert cell.depth == 2
    assert cell.parent_key == "upstream"
    assert cell.abs_weight == pytest.approx(0.4 * 0.7)
    assert spec.node("vehicle").is_leaf and not spec.node("upstream").is_leaf
    assert sum(spec.node(k).abs_weight for k in spec.leaves) == pytest.approx(1.0)
    assert spec.ancestors("cell") == ("upstream",)
    assert spec.subtree("upstream") == ("upstream", "cell", "bms")


def test_a_sibling_group_with_no_weights_is_split_equally():
    spec = from_dict(
        tiny(
            [
                {"key": "a", "name": "A"},
                {
                    "key": "b",
                    "name": "B",
                    "children": [
                        {"key": "b1", "name": "B1"},
                        {"key": "b2", "name": "B2"},
                        {"key": "b3", "name": "B3"},
                    ],
                },
            ]
        )
    )
    assert spec.node("a").weight is None
    assert spec.node("b2").abs_weight == pytest.approx(0.5 / 3)


def test_yaml_round_trips_through_dump_yaml():
    spec = load()
    assert load(dump_yaml(spec)) == spec


def test_yaml_round_trips_through_xlsx_without_loss(tmp_path: Path):
    spec = load()
    dump_xlsx(spec, tmp_path / "ev.xlsx")
    again = load_xlsx(tmp_path / "ev.xlsx")
    assert again == spec
    assert again.node("cell").card.extra == {"footnote": "卡片的附加字段"}
    assert again.node("cell").extra == {"maturity": "high"}
    assert again.links[0].extra == {"note": "主要供应"}
    assert dump_yaml(again) == dump_yaml(spec)


def test_xlsx_keeps_industry_codes_with_leading_zeros_as_text(tmp_path: Path):
    spec = from_dict(tiny([{"key": "farm", "name": "农业", "industry_codes": ["0511", "01"]}]))
    dump_xlsx(spec, tmp_path / "a.xlsx")
    assert load_xlsx(tmp_path / "a.xlsx").node("farm").industry_codes == ("0511", "01")


def test_it_reports_a_missing_key_and_a_missing_name():
    found = problems_of(tiny([{"name": "没有键"}, {"key": "b"}]))
    assert any("缺少节点键" in p and "没有键" in p for p in found)
    assert any("节点 b" in p and "缺少名称" in p for p in found)


def test_it_reports_duplicate_keys_naming_the_key():
    found = problems_of(
        tiny([{"key": "a", "name": "A", "weight": 1.0}, {"key": "a", "name": "A2", "weight": 0.5}])
    )
    assert found == ["test.yaml 节点 a 字段「key」：节点键重复，与第 1 个节点相同"]


def test_it_reports_sibling_weights_that_do_not_sum_to_one_with_the_parent_and_sum():
    found = problems_of(
        tiny(
            [
                {
                    "key": "p",
                    "name": "父",
                    "weight": 1.0,
                    "children": [
                        {"key": "a", "name": "A", "weight": 0.5},
                        {"key": "b", "name": "B", "weight": 0.3},
                    ],
                }
            ]
        )
    )
    assert len(found) == 1
    assert "父节点 p（父）" in found[0] and "0.8" in found[0] and "字段「weight」" in found[0]


def test_sibling_weights_within_the_tolerance_are_accepted():
    spec = from_dict(
        tiny(
            [
                {"key": "a", "name": "A", "weight": 0.333},
                {"key": "b", "name": "B", "weight": 0.333},
                {"key": "c", "name": "C", "weight": 0.333},
            ]
        )
    )
    assert len(spec.nodes) == 3


def test_it_reports_a_negative_weight():
    found = problems_of(
        tiny([{"key": "a", "name": "A", "weight": -0.2}, {"key": "b", "name": "B", "weight": 1.2}])
    )
    assert any("节点 a" in p and "权重不能为负数" in p for p in found)


def test_it_reports_links_to_unknown_keys():
    found = problems_of(tiny([{"key": "a", "name": "A"}], links=[{"from": "a", "to": "ghost"}]))
    assert found == ["test.yaml 字段「to」：供应关系 a → ghost 引用的节点「ghost」不存在"]


@pytest.mark.parametrize("code", ["C37", "37141", "7", "U", "3714a"])
def test_it_reports_a_bad_industry_code(code: str):
    found = problems_of(tiny([{"key": "a", "name": "A", "industry_codes": [code]}]))
    assert len(found) == 1 and f"行业代码「{code}」格式不对" in found[0] and "节点 a" in found[0]


@pytest.mark.parametrize("code", ["C", "T", "37", "371", "3714"])
def test_it_accepts_industry_codes_at_every_level(code: str):
    assert from_dict(tiny([{"key": "a", "name": "A", "industry_codes": [code]}])).node(
        "a"
    ).industry_codes == (code,)


def test_it_collects_every_problem_into_one_error():
    found = problems_of(
        tiny(
            [{"key": "a", "name": "A", "weight": -1, "industry_codes": ["X1"]}, {"name": ""}],
            links=[{"from": "zz", "to": "a"}],
        )
    )
    assert len(found) >= 4


def test_a_yaml_syntax_error_names_the_line():
    with pytest.raises(ChainFileError) as exc:
        load_yaml(io.StringIO("slug: x\nnodes: [\n  - a: b\n"))
    assert "YAML 格式错误" in str(exc.value) and "行" in str(exc.value)


def test_yaml_problems_name_the_line_where_the_node_or_link_starts():
    text = (
        "slug: x\nname: 坏链\nnodes:\n"
        "- key: a\n  name: 甲\n  weight: 0.5\n"  # lines 4-6
        "- key: a\n  name: 乙\n  weight: 0.5\n"  # lines 7-9: the same key again
        "- key: c\n  weight: 0\n"  # line 10: no name
        "links:\n- {from: a, to: zz}\n"  # line 13
    )
    with pytest.raises(ChainFileError) as exc:
        load_yaml(io.StringIO(text))
    problems = [str(p) for p in exc.value.problems]
    assert "<stream> 第 7 行 节点 a 字段「key」：节点键重复，与第 4 行相同" in problems
    assert "<stream> 第 10 行 节点 c 字段「name」：缺少名称" in problems
    assert any(p.startswith("<stream> 第 13 行") and "zz" in p for p in problems)


def test_yaml_read_with_line_numbers_gives_the_same_spec_as_a_plain_dict():
    import yaml

    assert load_yaml(io.StringIO(CHAIN_YAML)) == from_dict(yaml.safe_load(CHAIN_YAML))


# --- XLSX validation, with row numbers -------------------------------------------------------------------

HEADER = ["层级路径", "节点键", "父节点键", "名称", "权重", "行业代码"]


def workbook(path: Path, rows: list[list], links: list[list] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("链信息")
    for r, (k, v) in enumerate([("字段", "值"), ("链标识", "t"), ("名称", "测试链")]):
        ws.write(r, 0, k)
        ws.write(r, 1, v)
    ws = wb.add_worksheet("节点")
    for r, row in enumerate([HEADER, *rows]):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    ws = wb.add_worksheet("供应关系")
    for r, row in enumerate([["上游节点键", "下游节点键"], *(links or [])]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()
    return path


def xlsx_problems(path: Path) -> list[str]:
    with pytest.raises(ChainFileError) as exc:
        load_xlsx(path)
    return [str(p) for p in exc.value.problems]


def test_an_xlsx_node_with_an_unknown_parent_is_reported_by_row(tmp_path: Path):
    path = workbook(tmp_path / "c.xlsx", [["", "a", "", "A", 1.0, ""], ["", "b", "nobody", "B", 1.0, ""]])
    assert xlsx_problems(path) == [
        "c.xlsx 工作表「节点」 第 3 行 节点 b 字段「父节点键」：父节点「nobody」不存在"
    ]


def test_an_xlsx_parent_cycle_is_reported_once(tmp_path: Path):
    rows = [["", "r", "", "根", 1.0, ""], ["", "a", "b", "A", 1.0, ""], ["", "b", "a", "B", 1.0, ""]]
    found = xlsx_problems(workbook(tmp_path / "c.xlsx", rows))
    assert len(found) == 1 and "父节点形成循环" in found[0] and "第 3 行" in found[0]


def test_an_xlsx_bad_field_names_row_and_column(tmp_path: Path):
    rows = [["", "a", "", "A", "一半", ""], ["", "b", "", "", 0.5, "C37"]]
    found = xlsx_problems(workbook(tmp_path / "c.xlsx", rows))
    assert "c.xlsx 工作表「节点」 第 2 行 节点 a 字段「权重」：权重应为数字，实际是「一半」" in found
    assert "c.xlsx 工作表「节点」 第 3 行 节点 b 字段「名称」：缺少名称" in found
    assert any(p.startswith("c.xlsx 工作表「节点」 第 3 行 节点 b 字段「行业代码」") for p in found)


def test_an_xlsx_weight_sum_problem_lists_the_sibling_rows(tmp_path: Path):
    rows = [["", "p", "", "父", 1.0, ""], ["", "a", "p", "A", 0.6, ""], ["", "b", "p", "B", 0.6, ""]]
    found = xlsx_problems(workbook(tmp_path / "c.xlsx", rows))
    assert len(found) == 1 and "第 2 行 节点 p" in found[0] and "1.2（第 3、4 行）" in found[0]


def test_an_xlsx_link_to_an_unknown_key_is_reported_by_row(tmp_path: Path):
    path = workbook(tmp_path / "c.xlsx", [["", "a", "", "A", 1.0, ""]], links=[["a", "a"], ["a", "ghost"]])
    assert xlsx_problems(path) == [
        "c.xlsx 工作表「供应关系」 第 3 行 字段「下游节点键」：供应关系 a → ghost 引用的节点「ghost」不存在"
    ]


def test_an_xlsx_without_required_columns_says_which(tmp_path: Path):
    wb = xlsxwriter.Workbook(str(tmp_path / "c.xlsx"))
    wb.add_worksheet("链信息").write_row(0, 0, ["字段", "值"])
    wb.add_worksheet("节点").write_row(0, 0, ["节点键", "名称"])
    wb.close()
    found = xlsx_problems(tmp_path / "c.xlsx")
    assert any("缺少列：父节点键、权重" in p and "第 1 行" in p for p in found)


def test_an_xlsx_edited_by_hand_with_numeric_codes_and_chinese_separators_loads(tmp_path: Path):
    path = tmp_path / "c.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("链信息")
    ws.write_row(0, 0, ["字段", "值"])
    ws.write_row(1, 0, ["链标识", "t"])
    ws.write_row(2, 0, ["名称", "测试链"])
    ws = wb.add_worksheet("节点")
    ws.write_row(0, 0, ["节点键", "父节点键", "名称", "权重", "关键词", "行业代码", "关键环节"])
    ws.write_row(1, 0, ["a", "", "A", 1, "锂电池、电芯,  BMS", 3841, "是"])
    wb.close()
    node = load_xlsx(path).node("a")
    assert node.keywords == ("锂电池", "电芯", "BMS")
    assert node.industry_codes == ("3841",)
    assert node.key_node is True
