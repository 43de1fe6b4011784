from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn

from zhaoshang.reports.document import (
    Heading,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Report,
    Section,
    Table,
    format_cell,
    render,
)
from zhaoshang.reports.errors import InvalidReport, UnsupportedReportFormat

REPORT = Report(
    title="招商引资月报",
    subtitle="测试市招商局　2026年3月",
    sections=(
        Section(
            "一、总体情况",
            (
                KeyFigures(
                    (KeyFigure("签约项目", 3, "个"), KeyFigure("签约金额", Decimal("123456.5"), "万元"))
                ),
                Paragraph("本月新签约项目三个，均已明确落户载体。"),
            ),
        ),
        Section(
            "二、签约项目",
            (
                Heading("重点项目"),
                Table(
                    ("项目", "招商主体", "签约日期", "签约金额（万元）"),
                    (
                        ("智能传感器产线", "高新区", date(2026, 3, 12), 18000),
                        ("新能源电池包", "经开区", date(2026, 3, 20), Decimal("105456.5")),
                    ),
                ),
                Table(("项目", "原因"), (), caption="暂缓项目"),
            ),
        ),
    ),
)


def test_cells_are_written_with_thousands_separators_iso_dates_and_a_dash_for_none():
    assert format_cell(123456) == "123,456"
    assert format_cell(Decimal("105456.50")) == "105,456.5"
    assert format_cell(2.0) == "2"
    assert format_cell(date(2026, 3, 1)) == "2026-03-01"
    assert format_cell(None) == "—"


def test_the_docx_contains_the_title_headings_and_figures(tmp_path):
    path = render(REPORT, tmp_path / "月报.docx")
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[:2] == ["招商引资月报", "测试市招商局　2026年3月"]
    assert {"一、总体情况", "二、签约项目", "重点项目", "本月新签约项目三个，均已明确落户载体。"} <= set(
        paragraphs
    )
    assert "（无）" in paragraphs  # the empty table
    figures, projects = doc.tables
    assert [c.text for c in figures.rows[1].cells] == ["3 个", "123,456.5 万元"]
    assert [c.text for c in projects.rows[0].cells] == ["项目", "招商主体", "签约日期", "签约金额（万元）"]
    assert [c.text for c in projects.rows[2].cells] == ["新能源电池包", "经开区", "2026-03-20", "105,456.5"]


def test_the_docx_sets_east_asian_fonts_so_word_shows_chinese_in_a_chinese_face(tmp_path):
    doc = Document(str(render(REPORT, tmp_path / "r.docx")))
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"
    heading = doc.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "黑体"
    assert heading.get(qn("w:eastAsiaTheme")) is None
    body_run = next(p for p in doc.paragraphs if p.text.startswith("本月")).runs[0]
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_the_docx_repeats_table_headers_and_numbers_pages(tmp_path):
    doc = Document(str(render(REPORT, tmp_path / "r.docx")))
    header_row = doc.tables[1].rows[0]._tr
    assert header_row.trPr.find(qn("w:tblHeader")) is not None
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.text == "第  页"  # the page number is a PAGE field between the two runs
    assert footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"


def test_the_pdf_embeds_a_cjk_truetype_font_and_its_text_reads_back_in_chinese(
    tmp_path, cjk_font_required, pdf_text, pdf_embedded_truetype_fonts
):
    path = render(REPORT, tmp_path / "月报.pdf")
    embedded = pdf_embedded_truetype_fonts(path)
    assert embedded and all(re.match(r"[A-Z]{6}\+", name) for name in embedded)  # subset, embedded
    text = pdf_text(path)
    for expected in (
        "招商引资月报",
        "一、总体情况",
        "签约金额",
        "123,456.5万元",
        "智能传感器产线",
        "105,456.5",
        "（无）",
    ):
        assert expected in text
    assert "第1页" in text


def test_long_chinese_text_wraps_within_the_page(tmp_path, cjk_font_required, pdf_pages_text):
    sentence = "招商引资是一号工程每个项目都有责任人和下一步" * 12  # no spaces to break on
    report = Report("换行", sections=(Section("正文", (Paragraph(sentence),)),))
    lines = [
        ln for ln in pdf_pages_text(render(report, tmp_path / "wrap.pdf"))[0].splitlines() if "招商" in ln
    ]
    assert len(lines) >= 3
    assert "".join("".join(lines).split()).count("一号工程") == 12


def test_a_long_pdf_table_repeats_its_header_on_every_page_and_numbers_the_pages(
    tmp_path, cjk_font_required, pdf_pages_text
):
    rows = tuple((f"项目{i:03d}", "高新区", i * 100) for i in range(1, 121))
    report = Report(
        "长表", sections=(Section("清单", (Table(("项目名称", "招商主体", "金额（万元）"), rows),)),)
    )
    pages = pdf_pages_text(render(report, tmp_path / "long.pdf"))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        flat = "".join(page.split())
        assert "项目名称" in flat
        assert f"第{number}页" in flat
    assert "项目120" in "".join(pages[-1].split())


def test_an_unsupported_suffix_is_refused_in_chinese(tmp_path):
    with pytest.raises(UnsupportedReportFormat, match="不支持的报告格式「.xlsx」，请使用 .docx 或 .pdf"):
        render(REPORT, tmp_path / "r.xlsx")


def test_a_table_row_of_the_wrong_width_is_refused_before_writing(tmp_path):
    bad = Report("坏表", sections=(Section("清单", (Table(("项目", "金额"), (("甲",),), caption="签约"),)),))
    with pytest.raises(InvalidReport, match="表格「签约」第 1 行有 1 个单元格，但表头有 2 列"):
        render(bad, tmp_path / "bad.docx")
    assert not (tmp_path / "bad.docx").exists()
