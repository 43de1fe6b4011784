"""A small report model and its DOCX and PDF renderers, shared by every report of the product.

A :class:`Report` has a title, a subtitle and sections; a section has a heading and blocks: sub-headings,
paragraphs, key figures and tables. :func:`render` writes it to ``.docx`` (python-docx, with East-Asian fonts
set through ``w:eastAsia`` so Word shows Chinese in a Chinese face) or ``.pdf`` (reportlab, embedding the
CJK font found by :mod:`zhaoshang.reports.fonts`, CJK line breaking, table headers repeated on every page and
"第 N 页" — or the report's ``page_label`` — at the foot of each page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from .errors import InvalidReport, UnsupportedReportFormat
from .fonts import CjkFont, register_cjk_font

Cell = str | int | float | Decimal | date | None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 2 or 3; the section heading is level 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: Cell
    unit: str = ""


@dataclass(frozen=True)
class KeyFigures:
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    empty_text: str = "（无）"


Block = Heading | Paragraph | KeyFigures | Table


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)
    # the foot of each page, ``{page}`` being its number (an edge passes it in the reader's language)
    page_label: str = "第 {page} 页"


def format_cell(value: Cell) -> str:
    """How a value is written in a report: thousands separators, no trailing zeros, ISO dates, "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (float, Decimal)):
        text = f"{Decimal(str(value)):,.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def _is_numeric(value: Cell) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _figure_text(fig: KeyFigure) -> str:
    return f"{format_cell(fig.value)}{(' ' + fig.unit) if fig.unit else ''}"


def validate(report: Report) -> None:
    """Raise :class:`InvalidReport` when a table row does not have as many cells as the header."""
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                name = block.caption or section.heading
                for n, row in enumerate(block.rows, start=1):
                    if len(row) != len(block.headers):
                        raise InvalidReport(
                            f"表格「{name}」第 {n} 行有 {len(row)} 个单元格，但表头有 {len(block.headers)} 列",
                            code="report_row_width_mismatch",
                            table=name,
                            row=n,
                            cells=len(row),
                            columns=len(block.headers),
                        )


def render(report: Report, path: str | Path, **options: object) -> Path:
    """Write the report to ``path``; the suffix (.docx or .pdf) picks the format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        render_docx(report, path, **options)  # type: ignore[arg-type]
    elif suffix == ".pdf":
        render_pdf(report, path, **options)  # type: ignore[arg-type]
    else:
        raise UnsupportedReportFormat(
            f"不支持的报告格式「{suffix or path.name}」，请使用 .docx 或 .pdf",
            code="report_format_unsupported",
            format=suffix or path.name,
        )
    return path


# ---------------------------------------------------------------------------------------------------------
# DOCX


def _set_run_fonts(rpr_owner: object, latin: str, east_asia: str) -> None:
    """Set ascii/hAnsi/eastAsia fonts on an element that has an rPr (a style or a run), dropping theme fonts."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def render_docx(
    report: Report,
    path: str | Path,
    *,
    body_font: str = "宋体",
    heading_font: str = "黑体",
    latin_font: str = "Times New Roman",
) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    validate(report)
    doc = Document()
    _set_run_fonts(doc.styles["Normal"].element, latin_font, body_font)
    doc.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        _set_run_fonts(style.element, latin_font, heading_font)
        style.font.color.rgb = RGBColor(0, 0, 0)

    def add_run(paragraph: object, text: str, *, font: str = body_font, bold: bool = False) -> None:
        run = paragraph.add_run(text)  # type: ignore[attr-defined]
        _set_run_fonts(run._element, latin_font, font)
        if bold:  # not bold is the default: writing <w:b w:val="0"/> into every run only costs time
            run.bold = True

    title = doc.add_paragraph(style="Title")
    add_run(title, report.title, font=heading_font)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.subtitle:
        sub = doc.add_paragraph(style="Subtitle")
        add_run(sub, report.subtitle, font=heading_font)
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for section in report.sections:
        add_run(doc.add_paragraph(style="Heading 1"), section.heading, font=heading_font)
        for block in section.blocks:
            if isinstance(block, Heading):
                level = min(max(block.level, 2), 3)
                add_run(doc.add_paragraph(style=f"Heading {level}"), block.text, font=heading_font)
            elif isinstance(block, Paragraph):
                add_run(doc.add_paragraph(), block.text)
            elif isinstance(block, KeyFigures):
                if not block.figures:
                    continue
                table = doc.add_table(rows=2, cols=len(block.figures))
                table.style = "Table Grid"
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                for i, fig in enumerate(block.figures):
                    label, value = table.cell(0, i).paragraphs[0], table.cell(1, i).paragraphs[0]
                    add_run(label, fig.label)
                    add_run(value, _figure_text(fig), font=heading_font, bold=True)
                    label.alignment = value.alignment = WD_ALIGN_PARAGRAPH.CENTER
                doc.add_paragraph()
            elif isinstance(block, Table):
                if block.caption:
                    add_run(doc.add_paragraph(), block.caption, font=heading_font, bold=True)
                if not block.rows:
                    add_run(doc.add_paragraph(), block.empty_text)
                    continue
                table = doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
                table.style = "Table Grid"
                header = table.rows[0]
                tr_pr = header._tr.get_or_add_trPr()
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                tr_pr.append(repeat)
                for i, text in enumerate(block.headers):
                    add_run(header.cells[i].paragraphs[0], text, font=heading_font, bold=True)
                table_rows = list(
                    table.rows
                )  # table.rows[r] walks every row each time: quadratic on long tables
                for r, row in enumerate(block.rows, start=1):
                    cells = table_rows[r].cells
                    for i, value in enumerate(row):
                        para = cells[i].paragraphs[0]
                        add_run(para, format_cell(value))
                        if _is_numeric(value):
                            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = report.page_label.partition("{page}")
    add_run(footer, before)
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    footer._p.append(page)
    add_run(footer, after)
    doc.core_properties.title = report.title
    doc.save(str(path))


# ---------------------------------------------------------------------------------------------------------
# PDF


def render_pdf(report: Report, path: str | Path, *, font: CjkFont | None = None) -> None:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as T

    validate(report)
    name = register_cjk_font(font)

    def style(key: str, size: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(
            key,
            fontName=name,
            fontSize=size,
            leading=size * 1.45,
            wordWrap="CJK",
            **kw,  # type: ignore[arg-type]
        )

    title_s = style("zs-title", 20, alignment=TA_CENTER, spaceAfter=4)
    subtitle_s = style(
        "zs-subtitle", 11, alignment=TA_CENTER, textColor=colors.HexColor("#444444"), spaceAfter=10
    )
    h1_s = style("zs-h1", 15, spaceBefore=12, spaceAfter=6)
    h2_s = style("zs-h2", 12.5, spaceBefore=8, spaceAfter=4)
    h3_s = style("zs-h3", 11, spaceBefore=6, spaceAfter=3)
    body_s = style("zs-body", 10.5, spaceAfter=4)
    cell_s = style("zs-cell", 9)
    cell_r = style("zs-cell-r", 9, alignment=TA_RIGHT)
    head_s = style("zs-head", 9, textColor=colors.white)
    fig_label_s = style("zs-fig-label", 9, alignment=TA_CENTER, textColor=colors.HexColor("#555555"))
    fig_value_s = style("zs-fig-value", 15, alignment=TA_CENTER)

    margin = 18 * mm
    width = A4[0] - 2 * margin
    story: list[object] = [P(escape(report.title), title_s)]
    if report.subtitle:
        story.append(P(escape(report.subtitle), subtitle_s))

    grid = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for section in report.sections:
        # A heading or caption needs room for a few lines after it, or it starts the next page.
        keep = CondPageBreak(35 * mm)
        story += [keep, P(escape(section.heading), h1_s)]
        for block in section.blocks:
            if isinstance(block, Heading):
                story += [keep, P(escape(block.text), h2_s if block.level <= 2 else h3_s)]
            elif isinstance(block, Paragraph):
                story.append(P(escape(block.text), body_s))
            elif isinstance(block, KeyFigures):
                figs = list(block.figures)
                for start in range(0, len(figs), 4):
                    chunk = figs[start : start + 4]
                    data = [
                        [P(escape(f.label), fig_label_s) for f in chunk],
                        [P(escape(_figure_text(f)), fig_value_s) for f in chunk],
                    ]
                    t = T(data, colWidths=[width / len(chunk)] * len(chunk))
                    t.setStyle(
                        TableStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F0F0"))])
                    )
                    story += [t, Spacer(1, 6)]
            elif isinstance(block, Table):
                if block.caption:
                    story += [keep, P(escape(block.caption), h3_s)]
                if not block.rows:
                    story.append(P(escape(block.empty_text), body_s))
                    continue
                data = [[P(escape(h), head_s) for h in block.headers]]
                for row in block.rows:
                    data.append(
                        [P(escape(format_cell(v)), cell_r if _is_numeric(v) else cell_s) for v in row]
                    )
                t = T(data, colWidths=_column_widths(block, width), repeatRows=1)
                t.setStyle(TableStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3A5A80"))]))
                story += [t, Spacer(1, 8)]

    def page_number(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(name, 9)  # type: ignore[attr-defined]
        label = report.page_label.replace("{page}", str(doc.page))  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, 10 * mm, label)  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=report.title,
        subject=report.subtitle,
        creator="zhaoshang",
    )
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)


def _column_widths(table: Table, width: float) -> list[float]:
    """Share the width by each column's longest text (CJK counted double), within sensible bounds."""

    def text_width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    weights = []
    for i, header in enumerate(table.headers):
        longest = max([text_width(header)] + [text_width(format_cell(row[i])) for row in table.rows])
        weights.append(min(max(longest, 6), 40))
    total = sum(weights)
    return [width * w / total for w in weights]
