"""The 专案分析会 material: a :class:`~zhaoshang.pipeline.core.meeting.MeetingPack` as a report model.

Render it with :func:`zhaoshang.reports.document.render` (``.docx`` or ``.pdf``).
"""

from __future__ import annotations

from decimal import Decimal

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


def meeting_report(pack: MeetingPack, *, title: str = "专案分析会材料", max_rows: int | None = None) -> Report:
    """Sections in meeting order: 概况, 新增线索, 阶段推进, 签约/开工/投产项目, 趋冷项目, 逾期协调事项, 招商主体排名.

    ``max_rows`` caps each detail table (the first rows in the pack's order, followed by a note of how many
    were left out); the totals and key figures always count every row.
    """

    def table(headers: tuple[str, ...], rows: tuple, **kw: object) -> tuple[Table | Paragraph, ...]:
        if max_rows is None or len(rows) <= max_rows:
            return (Table(headers, rows, **kw),)
        note = Paragraph(f"共 {len(rows):,} 项，此处列出前 {max_rows:,} 项；完整清单请在系统中查看。")
        return (Table(headers, rows[:max_rows], **kw), note)

    leads, moves, cold = pack.new_leads, pack.stage_movements, pack.cold
    overdue, ranking = pack.overdue_by_department, pack.ranking

    overview = Section(
        "一、总体情况",
        (
            KeyFigures(
                (
                    KeyFigure("新增线索", leads.totals["count"], "个"),
                    KeyFigure("阶段推进", moves.totals["count"], "次"),
                    KeyFigure("签约项目", pack.signed.totals["count"], "个"),
                    KeyFigure("签约金额", pack.signed.totals["amount_wan"], "万元"),
                    KeyFigure("开工项目", pack.started.totals["count"], "个"),
                    KeyFigure("投产项目", pack.producing.totals["count"], "个"),
                    KeyFigure("趋冷项目", cold.totals["count"], "个"),
                    KeyFigure("逾期协调事项", overdue.totals["count"], "项"),
                )
            ),
        ),
    )

    new_leads = Section(
        "二、新增线索",
        (
            Paragraph(
                f"本期新增线索 {leads.totals['count']} 个，计划投资合计 "
                f"{_wan(leads.totals['planned_investment_wan'])} 万元。"
            ),
            *table(
                ("项目", "招商主体", "当前阶段", "录入日期", "计划投资（万元）"),
                tuple((r.name, r.team, r.stage_zh, r.created, r.planned_investment_wan) for r in leads.rows),
            ),
        ),
    )

    movements = Section(
        "三、阶段推进",
        (
            Paragraph(
                f"本期阶段变动 {moves.totals['count']} 次，涉及项目 {moves.totals['projects']} 个，"
                f"其中推进 {moves.totals['forward']} 次、退回 {moves.totals['backward']} 次。"
            ),
            *table(
                ("日期", "项目", "招商主体", "原阶段", "新阶段", "变动", "原因"),
                tuple(
                    (r.date, r.name, r.team, r.from_zh, r.to_zh, r.direction_zh, r.reason or "")
                    for r in moves.rows
                ),
            ),
        ),
    )

    milestones = Section(
        "四、签约、开工、投产项目",
        tuple(
            block
            for heading, section in (
                ("签约项目", pack.signed),
                ("开工项目", pack.started),
                ("投产项目", pack.producing),
            )
            for block in _milestone_blocks(heading, section, table)
        ),
    )

    cold_section = Section(
        "五、趋冷项目",
        (
            Paragraph(f"超过本阶段跟进时限未跟进的项目 {cold.totals['count']} 个。"),
            *table(
                ("项目", "招商主体", "阶段", "最近跟进", "未跟进天数", "时限（天）"),
                tuple((r.name, r.team, r.stage_zh, r.quiet_since, r.days_quiet, r.limit) for r in cold.rows),
            ),
        ),
    )

    overdue_blocks: list[Heading | Paragraph | Table] = [
        Paragraph(
            f"截至 {pack.as_of.isoformat()}，逾期未办结的协调事项 {overdue.totals['count']} 项，"
            f"涉及部门 {overdue.totals['departments']} 个。"
        ),
        Table(
            ("部门", "逾期事项", "最长逾期（天）"),
            tuple((d.department, d.count, d.max_days_overdue) for d in overdue.rows),
        ),
    ]
    for dept in overdue.rows:
        overdue_blocks.append(Heading(f"{dept.department}（{dept.count} 项）", level=3))
        overdue_blocks.extend(
            table(
                ("事项", "项目", "应办结日期", "逾期天数"),
                tuple((i.title, i.project_name or "—", i.due, i.days_overdue) for i in dept.items),
            )
        )
    overdue_section = Section("六、逾期协调事项（按部门）", tuple(overdue_blocks))

    ranking_section = Section(
        "七、招商主体排名",
        (
            Paragraph("积分为本期项目首次到达各阶段的分值之和；同分按签约金额、再按名称排序。"),
            Table(
                ("名次", "招商主体", "积分", "推进项目", "签约项目", "签约金额（万元）"),
                tuple(
                    (r.rank, r.team, r.points, r.projects_moved, r.signed_count, r.signed_amount_wan)
                    for r in ranking.rows
                ),
            ),
        ),
    )

    return Report(
        title=title,
        subtitle=f"{pack.organisation}　{pack.period.label_zh}",
        sections=(overview, new_leads, movements, milestones, cold_section, overdue_section, ranking_section),
    )


def _wan(value: int | Decimal) -> str:
    return format_cell(value)


def _milestone_blocks(
    heading: str, section: PackSection[MilestoneRow], table
) -> tuple[Heading | Paragraph | Table, ...]:
    return (
        Heading(
            f"{heading}（{section.totals['count']} 个，签约金额 {_wan(section.totals['amount_wan'])} 万元）"
        ),
        *table(
            ("项目", "招商主体", "日期", "签约金额（万元）"),
            tuple((r.name, r.team, r.date, r.amount_wan) for r in section.rows),
        ),
    )
