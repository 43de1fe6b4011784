"""The monthly service report: XLSX (rates by department, category, channel; the appeals) and DOCX.

Language: headers, titles, section names, units and sentences come through gettext in the **active language** —
the user's language for a web download, the installation's (``LANGUAGE_CODE``, Chinese by default) for a command.
Data stays as it is (firm, department and category names). Neither file is read back by an import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhaoshang.service import services as s
from zhaoshang.service.models import Appeal
from zhaoshang.tabular import Bold, Sheet, write_workbook


def rate_headers() -> tuple[str, ...]:  # a function: said in the language active when written
    return (
        _("Name"),
        _("Received"),
        _("Responded in time"),
        _("Response rate"),
        _("Closed appeals"),
        _("Solved"),
        _("Solve rate"),
        _("Rated"),
        _("Satisfied + basically satisfied"),
        _("Satisfaction rate"),
        _("Closed on time"),
        _("On-time closing rate"),
    )


def _period(start: date, end: date) -> str:
    return _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


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
    headers = rate_headers()
    rates: list[Sequence[Any]] = [
        Bold((_("Handling of enterprise appeals %(period)s") % {"period": _period(start, end)},)),
        (),
    ]
    for title, rows in (
        (_("Whole city"), [(_("Whole city"), overall)]),
        (_("By handling department"), [(d["name"], d) for d in s.rates_by(qs, "department")]),
        (_("By appeal type"), [(d["name"], d) for d in s.rates_by(qs, "category")]),
        (_("By channel"), [(d["name"], d) for d in s.rates_by(qs, "channel")]),
    ):
        rates.append(Bold((title,)))
        rates.append(Bold(headers))
        rates.extend(_rate_row(name, r) for name, r in rows)
        rates.append(())
    rates.append(Bold((_("Definitions"),)))
    rates.extend((str(name), str(definition)) for _key, name, definition in s.RATE_DEFINITIONS)
    # a list for people (phones masked, statuses in words), not an import file: its headers are translated too
    list_headers = (
        _("Ticket number"),
        _("Tracking code"),
        _("Date received"),
        _("Firm"),
        _("Appeal type"),
        _("Handling department"),
        _("Status"),
        _("Response due"),
        _("Closing due"),
        _("Closed at"),
        _("Solved?"),
        _("Satisfaction"),
        _("Times reopened"),
        _("Contact phone"),
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
        [Sheet(_("Rates"), rows=rates, freeze=None), Sheet(_("Appeals list"), list_headers, detail)],
    )


def monthly_docx(qs: QuerySet[Appeal], start: date, end: date, out: IO[bytes] | str) -> None:
    import tempfile
    from pathlib import Path

    from zhaoshang.reports.document import KeyFigure, KeyFigures, Paragraph, Report, Section, Table, render

    overall = s.compute_rates(qs).as_dict()
    figures = KeyFigures(
        tuple(KeyFigure(str(name), _pct(overall[key])) for key, name, _d in s.RATE_DEFINITIONS[:4])
        + (
            KeyFigure(_("Received"), overall["received"], _("appeal(s)")),
            KeyFigure(_("Closed appeals"), overall["closed"], _("appeal(s)")),
            KeyFigure(_("Reopened appeals"), overall["reopened"], _("appeal(s)")),
        )
    )
    median = _("Median days to close: %(days)s") % {"days": overall["median_days_to_close"] or "—"}
    sections = [Section(_("Overall"), (figures, Paragraph(median)))]
    headers = rate_headers()
    for title, dim in (
        (_("By handling department"), "department"),
        (_("By appeal type"), "category"),
        (_("By channel"), "channel"),
    ):
        rows = tuple(_rate_row(d["name"], d) for d in s.rates_by(qs, dim))
        sections.append(Section(title, (Table(headers, rows, empty_text=_("(none)")),)))
    sections.append(
        Section(
            _("Definitions of the rates"),
            tuple(
                Paragraph(_("%(name)s: %(definition)s") % {"name": name, "definition": definition})
                for _k, name, definition in s.RATE_DEFINITIONS
            ),
        )
    )
    report = Report(
        title=_("Monthly report on enterprise appeals"),
        subtitle=_period(start, end),
        sections=tuple(sections),
    )
    if isinstance(out, str):
        render(report, out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.docx"
        render(report, path)
        out.write(path.read_bytes())
