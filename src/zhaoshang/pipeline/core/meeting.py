"""The 专案分析会 (project analysis meeting) pack as plain data, assembled from plain records.

Every figure is derived from the inputs alone, as of ``period.end`` (or an explicit ``as_of``):

- 新增线索: projects whose ``created`` falls in the period; total count and Σ planned investment (万元).
- 阶段推进: stage events dated in the period, oldest first; counts of events, distinct projects, forward
  moves and backward moves (to 暂缓/终止 and resumptions are neither).
- 签约 / 开工 / 投产: projects whose ``signed_date`` / ``construction_start_date`` / ``production_start_date``
  is in the period; count and Σ signed amount (万元) of those projects.
- 趋冷项目: :func:`~zhaoshang.pipeline.core.followup.cold_projects` as of the end date, quiet since the last
  follow-up on or before that date (else since creation); projects created after it are left out.
- 逾期协调事项（按部门）: items not done as of the end date (status not ``done``, or done only after it) whose due
  date is before it; grouped by department, the department with most items first.
- 招商主体排名: :func:`~zhaoshang.pipeline.core.ranking.rank_teams` over all stage events (earlier ones count
  as history), every project's team listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from zhaoshang.core.errors import DomainError
from zhaoshang.core.workdays import WorkdayCalendar

from .followup import ProjectActivity, cold_projects, days_overdue, is_overdue
from .ranking import StageMovement, TeamRankRow, rank_teams
from .stages import DEFAULT_STAGE_MODEL, StageError, StageModel
from .units import to_wan

RowT = TypeVar("RowT")


class MeetingPackError(DomainError):
    """Inputs from which no meeting pack can be made; the message is in Chinese for the user."""


# --- inputs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise MeetingPackError(
                f"统计期间的结束日期 {self.end} 早于开始日期 {self.start}",
                code="period_end_before_start",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
            )

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    @property
    def label_zh(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


@dataclass(frozen=True)
class ProjectRecord:
    id: object
    name: str
    team: str
    stage: str
    created: date
    planned_investment_wan: object = None
    signed_amount_wan: object = None
    signed_date: date | None = None
    construction_start_date: date | None = None
    production_start_date: date | None = None


@dataclass(frozen=True)
class StageEvent:
    project_id: object
    from_stage: str | None
    to_stage: str
    date: date
    team: str | None = None  # the project's team when not given
    reason: str | None = None


@dataclass(frozen=True)
class FollowUpRecord:
    project_id: object
    date: date
    note: str = ""


@dataclass(frozen=True)
class CoordinationItem:
    id: object
    title: str
    department: str
    due: date
    status: str = "open"  # "done" when settled
    project_id: object | None = None
    done_date: date | None = None


@dataclass(frozen=True)
class ExtensionRequest:
    """A handler's request to move a coordination item's deadline; ``status`` pending / approved / rejected."""

    id: object
    item_title: str
    department: str
    old_due: date
    new_due: date
    requested_on: date
    status: str = "pending"
    decided_on: date | None = None
    reason: str = ""


# --- output -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section(Generic[RowT]):
    title_zh: str
    rows: tuple[RowT, ...]
    totals: dict[str, int | Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class LeadRow:
    project_id: object
    name: str
    team: str
    stage_zh: str
    created: date
    planned_investment_wan: Decimal


@dataclass(frozen=True)
class MovementRow:
    date: date
    project_id: object
    name: str
    team: str
    from_zh: str
    to_zh: str
    direction_zh: str  # 推进 / 退回 / 暂缓 / 终止 / 恢复 / 新建
    reason: str | None


@dataclass(frozen=True)
class MilestoneRow:
    project_id: object
    name: str
    team: str
    date: date
    amount_wan: Decimal


@dataclass(frozen=True)
class ColdRow:
    project_id: object
    name: str
    team: str
    stage_zh: str
    quiet_since: date
    days_quiet: int
    limit: int


@dataclass(frozen=True)
class OverdueItemRow:
    item_id: object
    title: str
    project_name: str
    due: date
    days_overdue: int


@dataclass(frozen=True)
class DepartmentOverdue:
    department: str
    count: int
    max_days_overdue: int
    items: tuple[OverdueItemRow, ...]


@dataclass(frozen=True)
class DepartmentExtensions:
    department: str
    requested: int
    approved: int
    rejected: int
    pending: int
    rows: tuple[ExtensionRequest, ...]


@dataclass(frozen=True)
class MeetingPack:
    organisation: str
    period: Period
    as_of: date
    new_leads: Section[LeadRow]
    stage_movements: Section[MovementRow]
    signed: Section[MilestoneRow]
    started: Section[MilestoneRow]
    producing: Section[MilestoneRow]
    cold: Section[ColdRow]
    overdue_by_department: Section[DepartmentOverdue]
    ranking: Section[TeamRankRow]
    extensions: Section[DepartmentExtensions] = Section("延期申请（按部门）", ())
    project_names: dict = field(default_factory=dict)
    stage_names: dict = field(default_factory=dict)


# --- assembly -----------------------------------------------------------------------------------------------


def build_meeting_pack(
    *,
    organisation: str,
    period: Period,
    projects: Iterable[ProjectRecord],
    stage_events: Iterable[StageEvent] = (),
    followups: Iterable[FollowUpRecord] = (),
    coordination_items: Iterable[CoordinationItem] = (),
    model: StageModel | None = None,
    calendar: WorkdayCalendar | None = None,
    as_of: date | None = None,
    points: Mapping[str, int] | None = None,
    evidence: Mapping[object, Mapping[str, object]] | None = None,
    extension_requests: Iterable[ExtensionRequest] = (),
) -> MeetingPack:
    """Assemble the pack. ``calendar`` makes going-cold count working days; ``as_of`` defaults to the end date;
    ``points`` overrides the stages' points in the team ranking."""
    model = model or DEFAULT_STAGE_MODEL
    as_of = as_of or period.end
    by_id: dict[object, ProjectRecord] = {}
    for p in projects:
        if p.id in by_id:
            raise MeetingPackError(
                f"项目编号 {p.id} 重复", code="meeting_project_repeated", project=str(p.id)
            )
        by_id[p.id] = p
    events = list(stage_events)
    try:
        for p in by_id.values():
            model.get(p.stage)
        for e in events:
            model.get(e.to_stage)
            if e.from_stage:
                model.get(e.from_stage)
    except StageError as exc:
        raise MeetingPackError(
            f"项目阶段有误：{exc}", code="meeting_stage_unknown", stage=exc.params.get("stage", "")
        ) from None
    for e in events:
        if e.project_id not in by_id:
            raise MeetingPackError(
                f"阶段变动（{e.date}）引用了不存在的项目 {e.project_id}",
                code="meeting_event_project_unknown",
                date=str(e.date),
                project=str(e.project_id),
            )

    def stage_zh(code: str | None) -> str:
        return model.get(code).name_zh if code else "—"

    # 新增线索
    leads = tuple(
        LeadRow(p.id, p.name, p.team, stage_zh(p.stage), p.created, to_wan(p.planned_investment_wan))
        for p in sorted(by_id.values(), key=lambda p: (p.created, str(p.id)))
        if p.created in period
    )
    new_leads = Section(
        "新增线索",
        leads,
        {
            "count": len(leads),
            "planned_investment_wan": sum((r.planned_investment_wan for r in leads), Decimal(0)),
        },
    )

    # 阶段推进
    in_period = sorted((e for e in events if e.date in period), key=lambda e: (e.date, str(e.project_id)))
    moves = tuple(
        MovementRow(
            e.date,
            e.project_id,
            by_id[e.project_id].name,
            e.team or by_id[e.project_id].team,
            stage_zh(e.from_stage),
            stage_zh(e.to_stage),
            _direction(model, e.from_stage, e.to_stage),
            e.reason,
        )
        for e in in_period
    )
    stage_movements = Section(
        "阶段推进",
        moves,
        {
            "count": len(moves),
            "projects": len({m.project_id for m in moves}),
            "forward": sum(1 for m in moves if m.direction_zh == "推进"),
            "backward": sum(1 for m in moves if m.direction_zh == "退回"),
        },
    )

    # 签约 / 开工 / 投产
    def milestone(title: str, attr: str) -> Section[MilestoneRow]:
        rows = tuple(
            MilestoneRow(p.id, p.name, p.team, getattr(p, attr), to_wan(p.signed_amount_wan))
            for p in sorted(by_id.values(), key=lambda p: (getattr(p, attr) or date.min, str(p.id)))
            if getattr(p, attr) in period
        )
        return Section(
            title, rows, {"count": len(rows), "amount_wan": sum((r.amount_wan for r in rows), Decimal(0))}
        )

    # 趋冷项目
    last: dict[object, date] = {}
    for f in followups:
        if (
            f.project_id in by_id
            and f.date <= as_of
            and (f.project_id not in last or f.date > last[f.project_id])
        ):
            last[f.project_id] = f.date
    activities = [
        ProjectActivity(p.id, p.stage, last.get(p.id), p.created)
        for p in by_id.values()
        if p.created <= as_of
    ]
    cold_rows = tuple(
        ColdRow(
            c.id, by_id[c.id].name, by_id[c.id].team, stage_zh(c.stage), c.quiet_since, c.days_quiet, c.limit
        )
        for c in cold_projects(activities, model, today=as_of, calendar=calendar)
    )
    cold = Section("趋冷项目", cold_rows, {"count": len(cold_rows)})

    # 逾期协调事项（按部门）
    groups: dict[str, list[OverdueItemRow]] = defaultdict(list)
    for item in coordination_items:
        settled = item.status == "done" and (item.done_date is None or item.done_date <= as_of)
        if settled or not is_overdue(item.due, as_of):
            continue
        project = by_id.get(item.project_id)
        groups[item.department].append(
            OverdueItemRow(
                item.id, item.title, project.name if project else "", item.due, days_overdue(item.due, as_of)
            )
        )
    departments = sorted(
        (
            DepartmentOverdue(
                dept,
                len(rows),
                max(r.days_overdue for r in rows),
                tuple(sorted(rows, key=lambda r: (-r.days_overdue, str(r.item_id)))),
            )
            for dept, rows in groups.items()
        ),
        key=lambda d: (-d.count, -d.max_days_overdue, d.department),
    )
    overdue = Section(
        "逾期协调事项（按部门）",
        tuple(departments),
        {"count": sum(d.count for d in departments), "departments": len(departments)},
    )

    # 招商主体排名
    ranking_rows = rank_teams(
        (
            StageMovement(e.project_id, e.team or by_id[e.project_id].team, e.from_stage, e.to_stage, e.date)
            for e in events
        ),
        start=period.start,
        end=period.end,
        model=model,
        signed_amounts={p.id: p.signed_amount_wan for p in by_id.values()},
        teams=sorted({p.team for p in by_id.values()}),
        points=points,
        evidence=evidence,
        as_of=as_of,
    )
    ranking = Section(
        "招商主体排名",
        tuple(ranking_rows),
        {
            "teams": len(ranking_rows),
            "points": sum(r.points for r in ranking_rows),
            "signed_count": sum(r.signed_count for r in ranking_rows),
            "signed_amount_wan": sum((r.signed_amount_wan for r in ranking_rows), Decimal(0)),
        },
    )

    # 延期申请（按部门）: requests made in the period, by department (most requests first)
    per_dept: dict[str, list[ExtensionRequest]] = defaultdict(list)
    for request in extension_requests:
        if request.requested_on in period:
            per_dept[request.department].append(request)
    extension_rows = tuple(
        sorted(
            (
                DepartmentExtensions(
                    dept,
                    len(rows),
                    sum(1 for r in rows if r.status == "approved"),
                    sum(1 for r in rows if r.status == "rejected"),
                    sum(1 for r in rows if r.status == "pending"),
                    tuple(sorted(rows, key=lambda r: (r.requested_on, str(r.id)))),
                )
                for dept, rows in per_dept.items()
            ),
            key=lambda d: (-d.requested, d.department),
        )
    )
    extensions = Section(
        "延期申请（按部门）",
        extension_rows,
        {
            "requested": sum(d.requested for d in extension_rows),
            "approved": sum(d.approved for d in extension_rows),
            "rejected": sum(d.rejected for d in extension_rows),
            "pending": sum(d.pending for d in extension_rows),
        },
    )

    return MeetingPack(
        organisation=organisation,
        period=period,
        as_of=as_of,
        new_leads=new_leads,
        stage_movements=stage_movements,
        signed=milestone("签约项目", "signed_date"),
        started=milestone("开工项目", "construction_start_date"),
        producing=milestone("投产项目", "production_start_date"),
        cold=cold,
        overdue_by_department=overdue,
        ranking=ranking,
        extensions=extensions,
        project_names={p.id: p.name for p in by_id.values()},
        stage_names={s.code: s.name_zh for s in model.stages},
    )


def _direction(model: StageModel, from_code: str | None, to_code: str) -> str:
    target = model.get(to_code)
    if target.kind == "on_hold":
        return "暂缓"
    if target.kind == "dropped":
        return "终止"
    if not from_code:
        return "新建"
    origin = model.get(from_code)
    if origin.kind != "main":
        return "恢复"
    return "推进" if target.order > origin.order else "退回"
