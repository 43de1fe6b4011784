"""The 专案分析会 material: a :class:`~zhaoshang.pipeline.core.meeting.MeetingPack` as a report model.

Render it with :func:`zhaoshang.reports.document.render` (``.docx`` or ``.pdf``).

Language: every heading, table header, sentence and value word (stage names, directions, rules, states) comes
through gettext in the active language — Chinese by default (``LANGUAGE_CODE``); the web download follows the
language the user has chosen (the language switch), the ``pipeline meeting`` command writes Chinese. The core
(``pipeline/core/meeting.py``) hands Chinese stage names and direction words; they are mapped back here.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from zhaoshang.pipeline.core.meeting import MeetingPack, MilestoneRow
from zhaoshang.pipeline.core.meeting import Section as PackSection
from zhaoshang.reports.document import (
    Heading,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Report,
    Section,
    Table,
    format_cell,
)


def _words():
    """The core's Chinese value words → the active language (stage names through the configured names)."""
    from zhaoshang.pipeline import config

    stages = {s.name_zh: config.stage_name(s.code) for s in config.stage_model().stages}
    directions = {
        "推进": _("forward"),
        "退回": _("back"),
        "暂缓": _("on hold"),
        "终止": _("dropped"),
        "恢复": _("resumed"),
        "新建": _("new"),
    }
    return stages, directions


def default_title(organisation: str = "") -> str:
    if organisation:
        return _("%(organisation)s case analysis meeting pack") % {"organisation": organisation}
    return _("Case analysis meeting pack")


def meeting_report(pack: MeetingPack, *, title: str | None = None, max_rows: int | None = None) -> Report:
    """Sections in meeting order: 概况, 新增线索, 阶段推进, 签约/开工/投产项目, 趋冷项目, 逾期协调事项, 招商主体排名,
    延期申请.

    ``max_rows`` caps each detail table (the first rows in the pack's order, followed by a note of how many
    were left out); the totals and key figures always count every row.
    """
    stages, directions = _words()
    none = _("(none)")

    def stage(name: str) -> str:
        return stages.get(name, name)

    def table(headers: tuple[str, ...], rows: tuple, **kw: object) -> tuple[Table | Paragraph, ...]:
        if max_rows is None or len(rows) <= max_rows:
            return (Table(headers, rows, empty_text=none, **kw),)
        note = Paragraph(
            _("%(total)s rows in all, the first %(shown)s listed here; see the full list in the system.")
            % {"total": f"{len(rows):,}", "shown": f"{max_rows:,}"}
        )
        return (Table(headers, rows[:max_rows], empty_text=none, **kw), note)

    leads, moves, cold = pack.new_leads, pack.stage_movements, pack.cold
    overdue, ranking = pack.overdue_by_department, pack.ranking
    projects, times, items = _("projects"), _("times"), _("item(s)")

    overview = Section(
        _("1. Overview"),
        (
            KeyFigures(
                (
                    KeyFigure(_("New leads"), leads.totals["count"], projects),
                    KeyFigure(_("Stage moves"), moves.totals["count"], times),
                    KeyFigure(_("Signed projects"), pack.signed.totals["count"], projects),
                    KeyFigure(_("Signed amount"), pack.signed.totals["amount_wan"], _("10k yuan")),
                    KeyFigure(_("Started projects"), pack.started.totals["count"], projects),
                    KeyFigure(_("Producing projects"), pack.producing.totals["count"], projects),
                    KeyFigure(_("Going-cold projects"), cold.totals["count"], projects),
                    KeyFigure(_("Overdue coordination items"), overdue.totals["count"], items),
                )
            ),
        ),
    )

    new_leads = Section(
        _("2. New leads"),
        (
            Paragraph(
                _("New leads this period: %(count)s, planned investment in all %(amount)s (10k yuan).")
                % {"count": leads.totals["count"], "amount": _wan(leads.totals["planned_investment_wan"])}
            ),
            *table(
                (
                    _("Project"),
                    _("Team"),
                    _("Current stage"),
                    _("Entered on"),
                    _("Planned investment (10k yuan)"),
                ),
                tuple(
                    (r.name, r.team, stage(r.stage_zh), r.created, r.planned_investment_wan)
                    for r in leads.rows
                ),
            ),
        ),
    )

    movements = Section(
        _("3. Stage moves"),
        (
            Paragraph(
                _(
                    "Stage changes this period: %(count)s in %(projects)s projects, of which %(forward)s forward and %(backward)s back."
                )
                % {
                    "count": moves.totals["count"],
                    "projects": moves.totals["projects"],
                    "forward": moves.totals["forward"],
                    "backward": moves.totals["backward"],
                }
            ),
            *table(
                (
                    _("Date"),
                    _("Project"),
                    _("Team"),
                    _("From stage"),
                    _("To stage"),
                    _("Change"),
                    _("Reason for the move"),
                ),
                tuple(
                    (
                        r.date,
                        r.name,
                        r.team,
                        stage(r.from_zh),
                        stage(r.to_zh),
                        directions.get(r.direction_zh, r.direction_zh),
                        r.reason or "",
                    )
                    for r in moves.rows
                ),
            ),
        ),
    )

    milestones = Section(
        _("4. Signed, started and producing projects"),
        tuple(
            block
            for heading, section in (
                (_("Signed projects"), pack.signed),
                (_("Started projects"), pack.started),
                (_("Producing projects"), pack.producing),
            )
            for block in _milestone_blocks(heading, section, table)
        ),
    )

    cold_section = Section(
        _("5. Going-cold projects"),
        (
            Paragraph(
                _("Projects not followed up within their stage's limit: %(count)s.")
                % {"count": cold.totals["count"]}
            ),
            *table(
                (
                    _("Project"),
                    _("Team"),
                    _("Stage"),
                    _("Last follow-up"),
                    _("Days quiet"),
                    _("Limit (days)"),
                ),
                tuple(
                    (r.name, r.team, stage(r.stage_zh), r.quiet_since, r.days_quiet, r.limit)
                    for r in cold.rows
                ),
            ),
        ),
    )

    overdue_blocks: list[Heading | Paragraph | Table] = [
        Paragraph(
            _("As of %(date)s, %(count)s coordination items are overdue, in %(departments)s departments.")
            % {
                "date": pack.as_of.isoformat(),
                "count": overdue.totals["count"],
                "departments": overdue.totals["departments"],
            }
        ),
        Table(
            (_("Department"), _("Items overdue"), _("Longest overdue (days)")),
            tuple((d.department, d.count, d.max_days_overdue) for d in overdue.rows),
            empty_text=none,
        ),
    ]
    for dept in overdue.rows:
        overdue_blocks.append(
            Heading(
                _("%(department)s (%(count)s items)") % {"department": dept.department, "count": dept.count},
                level=3,
            )
        )
        overdue_blocks.extend(
            table(
                (_("Item"), _("Project"), _("Due by"), _("Days overdue")),
                tuple((i.title, i.project_name or "—", i.due, i.days_overdue) for i in dept.items),
            )
        )
    overdue_section = Section(_("6. Overdue coordination items (by department)"), tuple(overdue_blocks))

    ranking_section = Section(
        _("7. Team ranking"),
        (
            Paragraph(
                _(
                    "Points are the sum of the stages projects newly reached this period: one stage per project per day; signing and later stages need a date that has happened (or the registered firm's credit code) as evidence; a stage moved back takes its points back. Ties go by signed amount, then name. Each team's points are itemised below."
                )
            ),
            Table(
                (
                    _("Rank"),
                    _("Team"),
                    _("Points"),
                    _("Projects advanced"),
                    _("Projects signed"),
                    _("Signed amount (10k yuan)"),
                ),
                tuple(
                    (r.rank, r.team, r.points, r.projects_moved, r.signed_count, r.signed_amount_wan)
                    for r in ranking.rows
                ),
                empty_text=none,
            ),
        ),
    )

    rules = {
        "reached": _("stage reached"),
        "same_day": _("not counted: one stage per project per day"),
        "no_evidence": _("not counted: no evidence (date missing or in the future)"),
        "reverted": _("stage moved back: points taken back"),
    }
    ranking_blocks: list[Heading | Paragraph | Table] = []
    for r in ranking.rows:
        if r.lines:
            ranking_blocks.append(
                Heading(
                    _("%(team)s (%(points)s points): itemised") % {"team": r.team, "points": r.points},
                    level=3,
                )
            )
            ranking_blocks.extend(
                table(
                    (_("Date"), _("Project"), _("Stage"), _("Points"), _("Rule")),
                    tuple(
                        (
                            line.date,
                            pack.project_names.get(line.project_id, str(line.project_id)),
                            stage(pack.stage_names.get(line.stage, line.stage)),
                            line.points,
                            rules.get(line.rule, line.rule),
                        )
                        for line in r.lines
                    ),
                )
            )
    ranking_section = Section(ranking_section.heading, (*ranking_section.blocks, *ranking_blocks))

    ext = pack.extensions
    states = {"pending": _("awaiting approval"), "approved": _("approved"), "rejected": _("rejected")}
    extension_blocks: list[Heading | Paragraph | Table] = [
        Paragraph(
            _(
                "Extensions asked this period: %(requested)s; approved %(approved)s, rejected %(rejected)s, awaiting approval %(pending)s."
            )
            % {
                "requested": ext.totals.get("requested", 0),
                "approved": ext.totals.get("approved", 0),
                "rejected": ext.totals.get("rejected", 0),
                "pending": ext.totals.get("pending", 0),
            }
        ),
        Table(
            (_("Department"), _("Asked"), _("Granted"), _("Refused"), _("Awaiting approval")),
            tuple((d.department, d.requested, d.approved, d.rejected, d.pending) for d in ext.rows),
            empty_text=none,
        ),
    ]
    for d in ext.rows:
        extension_blocks.append(
            Heading(
                _("%(department)s (%(count)s items)") % {"department": d.department, "count": d.requested},
                level=3,
            )
        )
        extension_blocks.extend(
            table(
                (_("Item"), _("Old deadline"), _("Asked deadline"), _("State"), _("Reason given")),
                tuple(
                    (x.item_title, x.old_due, x.new_due, states.get(x.status, x.status), x.reason)
                    for x in d.rows
                ),
            )
        )
    extension_section = Section(_("8. Extension requests (by department)"), tuple(extension_blocks))

    period = _("%(start)s to %(end)s") % {
        "start": pack.period.start.isoformat(),
        "end": pack.period.end.isoformat(),
    }
    return Report(
        title=title or default_title(),
        subtitle=f"{pack.organisation}\u3000{period}",
        sections=(
            overview,
            new_leads,
            movements,
            milestones,
            cold_section,
            overdue_section,
            ranking_section,
            extension_section,
        ),
    )


def _wan(value: int | Decimal) -> str:
    return format_cell(value)


def _milestone_blocks(
    heading: str, section: PackSection[MilestoneRow], table
) -> tuple[Heading | Paragraph | Table, ...]:
    return (
        Heading(
            _("%(heading)s (%(count)s, signed amount %(amount)s (10k yuan))")
            % {
                "heading": heading,
                "count": section.totals["count"],
                "amount": _wan(section.totals["amount_wan"]),
            }
        ),
        *table(
            (_("Project"), _("Team"), _("Date"), _("Signed amount (10k yuan)")),
            tuple((r.name, r.team, r.date, r.amount_wan) for r in section.rows),
        ),
    )
