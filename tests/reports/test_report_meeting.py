from __future__ import annotations

from datetime import date

import pytest
from docx import Document

from zhaoshang.pipeline.core.meeting import (
    CoordinationItem,
    Period,
    ProjectRecord,
    StageEvent,
    build_meeting_pack,
)
from zhaoshang.pipeline.meeting_report import meeting_report
from zhaoshang.reports.document import KeyFigures, Table, render


@pytest.fixture
def report():
    pack = build_meeting_pack(
        organisation="测试市招商局",
        period=Period(date(2026, 3, 1), date(2026, 3, 31)),
        projects=[
            ProjectRecord(
                "P1", "智能传感器产线", "高新区", "signed", date(2026, 1, 10), 20000, 18000, date(2026, 3, 12)
            ),
            ProjectRecord("P2", "冷链物流中心", "经开区", "lead", date(2026, 3, 18), 2500.5),
            ProjectRecord("P3", "精密模具厂", "经开区", "negotiation", date(2025, 11, 1), 8000),
        ],
        stage_events=[
            StageEvent("P1", "negotiation", "signed", date(2026, 3, 12)),
            StageEvent("P2", None, "lead", date(2026, 3, 18)),
        ],
        coordination_items=[
            CoordinationItem("C1", "用地指标调剂", "自然资源局", date(2026, 3, 20), "open", "P1")
        ],
    )
    return meeting_report(pack)


def test_the_report_has_one_chinese_section_per_part_of_the_meeting_pack(report):
    assert report.title == "专案分析会材料"
    assert report.subtitle == "测试市招商局　2026-03-01 至 2026-03-31"
    assert [s.heading for s in report.sections] == [
        "一、总体情况",
        "二、新增线索",
        "三、阶段推进",
        "四、签约、开工、投产项目",
        "五、趋冷项目",
        "六、逾期协调事项（按部门）",
        "七、招商主体排名",
    ]


def test_the_overview_figures_come_from_the_pack_totals(report):
    [figures] = [b for b in report.sections[0].blocks if isinstance(b, KeyFigures)]
    values = {f.label: f.value for f in figures.figures}
    assert values["新增线索"] == 1
    assert values["签约金额"] == 18000
    assert values["趋冷项目"] == 2  # no follow-ups: P1 quiet 80 days in 签约 (limit 30), P3 150 days in 洽谈
    assert values["逾期协调事项"] == 1


def test_the_ranking_table_lists_teams_in_rank_order(report):
    [table] = [b for b in report.sections[-1].blocks if isinstance(b, Table)]
    assert [row[:3] for row in table.rows] == [(1, "高新区", 10), (2, "经开区", 1)]


def test_the_meeting_docx_contains_the_figures(report, tmp_path):
    doc = Document(str(render(report, tmp_path / "专案分析会.docx")))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"18,000 万元", "智能传感器产线", "2,500.5", "用地指标调剂", "自然资源局"} <= cells
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本期新增线索 1 个，计划投资合计 2,500.5 万元。" in text
    assert "自然资源局（1 项）" in text


def test_the_meeting_pdf_embeds_the_cjk_font_and_reads_back(
    report, tmp_path, cjk_font_required, pdf_text, pdf_embedded_truetype_fonts
):
    path = render(report, tmp_path / "专案分析会.pdf")
    assert pdf_embedded_truetype_fonts(path)
    text = pdf_text(path)
    for expected in (
        "专案分析会材料",
        "六、逾期协调事项（按部门）",
        "用地指标调剂",
        "精密模具厂",
        "18,000万元",
    ):
        assert expected in text
