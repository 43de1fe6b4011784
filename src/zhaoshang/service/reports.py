"""The monthly service report: XLSX (rates by department, category, channel; the appeals) and DOCX."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO, Any

from django.db.models import QuerySet

from zhaoshang.service import services as s
from zhaoshang.service.models import Appeal
from zhaoshang.tabular import Bold, Sheet, write_workbook

RATE_HEADERS = (
    "名称",
    "受理",
    "按时响应",
    "响应率",
    "办结",
    "解决",
    "解决率",
    "已评价",
    "满意+基本满意",
    "满意率",
    "按时办结",
    "按时办结率",
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rate_row(name: str, r: dict) -> tuple:
    return (
        name,
        r["received"],
        r["responded_in_time"],
        _pct(r["response_rate"]),
        r["closed"],
        r["solved"],
        _pct(r["solve_rate"]),
        r["rated"],
        r["satisfied"],
        _pct(r["satisfaction_rate"]),
        r["closed_on_time"],
        _pct(r["on_time_rate"]),
    )


def monthly_xlsx(qs: QuerySet[Appeal], start: date, end: date, out: IO[bytes] | str) -> None:
    """The month's rates and the appeals list as XLSX, through the shared writer (``zhaoshang.tabular``): a firm
    name or text beginning with ``= + - @`` is written as text, never as a formula; counts stay numbers."""
    overall = s.compute_rates(qs).as_dict()
    rates: list[Sequence[Any]] = [Bold((f"企业诉求办理情况 {start.isoformat()} 至 {end.isoformat()}",)), ()]
    for title, rows in (
        ("全市", [("全市", overall)]),
        ("按承办单位", [(d["name"], d) for d in s.rates_by(qs, "department")]),
        ("按诉求类型", [(d["name"], d) for d in s.rates_by(qs, "category")]),
        ("按渠道", [(d["name"], d) for d in s.rates_by(qs, "channel")]),
    ):
        rates.append(Bold((title,)))
        rates.append(Bold(RATE_HEADERS))
        rates.extend(_rate_row(name, r) for name, r in rows)
        rates.append(())
    rates.append(Bold(("口径",)))
    rates.extend((str(name), str(definition)) for _key, name, definition in s.RATE_DEFINITIONS)
    headers = (
        "工单编号",
        "查询码",
        "受理日期",
        "企业",
        "诉求类型",
        "承办单位",
        "状态",
        "响应到期",
        "办结到期",
        "办结时间",
        "是否解决",
        "满意度",
        "重办次数",
        "联系电话",
    )
    detail = (
        (
            a.ticket or "",
            a.tracking_code,
            a.received_date.isoformat(),
            a.firm_name,
            a.category.name if a.category else a.category_text,
            a.department.name if a.department else a.department_text,
            a.get_status_display(),
            a.response_due.isoformat(),
            a.handling_due.isoformat(),
            a.closed_at.date().isoformat() if a.closed_at else "",
            a.get_result_display(),
            a.get_satisfaction_display(),
            a.reopen_count,
            s.mask_phone(a.phone),
        )
        for a in qs.select_related("category", "department")
        .order_by("received_date", "id")
        .iterator(chunk_size=2000)
    )
    write_workbook(
        out,
        [Sheet("三率", rows=rates, freeze=None), Sheet("诉求清单", headers, detail)],
    )


def monthly_docx(qs: QuerySet[Appeal], start: date, end: date, out: IO[bytes] | str) -> None:
    import tempfile
    from pathlib import Path

    from zhaoshang.reports.document import KeyFigure, KeyFigures, Paragraph, Report, Section, Table, render

    overall = s.compute_rates(qs).as_dict()
    figures = KeyFigures(
        tuple(KeyFigure(str(name), _pct(overall[key])) for key, name, _d in s.RATE_DEFINITIONS[:4])
        + (
            KeyFigure("受理", overall["received"], "件"),
            KeyFigure("办结", overall["closed"], "件"),
            KeyFigure("重办", overall["reopened"], "件"),
        )
    )
    sections = [
        Section(
            "总体情况", (figures, Paragraph(f"办结天数中位数：{overall['median_days_to_close'] or '—'} 天"))
        )
    ]
    for title, dim in (("按承办单位", "department"), ("按诉求类型", "category"), ("按渠道", "channel")):
        rows = tuple(_rate_row(d["name"], d) for d in s.rates_by(qs, dim))
        sections.append(Section(title, (Table(RATE_HEADERS, rows),)))
    sections.append(
        Section(
            "口径说明",
            tuple(Paragraph(f"{name}：{definition}") for _k, name, definition in s.RATE_DEFINITIONS),
        )
    )
    report = Report(
        title="企业诉求办理月报",
        subtitle=f"{start.isoformat()} 至 {end.isoformat()}",
        sections=tuple(sections),
    )
    if isinstance(out, str):
        render(report, out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.docx"
        render(report, path)
        out.write(path.read_bytes())
