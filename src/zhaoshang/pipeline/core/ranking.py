"""Team ranking (招商主体排名) for the 专案分析会: points for results, each explained line by line.

Rules (documented in docs/PIPELINE.md for the teams being ranked; points per stage come from the city's YAML):

- **Newly reached.** A project earns a main stage's points when it reaches a stage it does not hold credit for.
  When a project's first movement given starts from a main stage, that stage and those below it count as
  reached before the history given: they earn nothing, ever, and have nothing to take back; pass earlier
  movements so credit and take-backs are right.
- **One stage per project per day.** Of the stages a project newly reaches on one day (a jump over stages, or
  several moves within minutes), only the one worth most points is credited (ties: the later stage); the others
  get a ``same_day`` line worth 0 and are not credited later either.
- **Evidence.** Stages that need evidence (``evidence_stages``: by default 签约 and later) earn points only when
  the project records that stage's evidence — its date (签约日期, 开工日期, 投产日期) not after ``as_of``, or for
  注册 the registered company's credit code — else a ``no_evidence`` line worth 0. Without ``evidence`` the rule
  is not applied (plain data from elsewhere).
- **Reverted stages take their points back.** Moving back along the main stages (or resuming from 暂缓 at a lower
  stage) deducts the points of every credited stage above the new one, from the team that had them (``reverted``
  line); reaching the stage again earns it again.
- 暂缓 / 终止 earn their configured points (0 by default) at most once per project.
- Only lines dated within the period count; earlier movements are history that decides credit and take-backs.
- ``projects_moved``: distinct projects with any movement of the team in the period, in any direction.
- ``signed_count`` / ``signed_amount_wan``: projects whose 签约 credit the team gained in the period (net of
  take-backs), with their signed amounts (万元) from ``signed_amounts`` (missing amounts count as 0).
- Order: points (high first), then signed amount (high first), then team name; ranks are 1, 2, 3, ...

Lines carry codes (``reached``, ``same_day``, ``no_evidence``, ``reverted``); the edges translate them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhaoshang.core.errors import DomainError

from .stages import DEFAULT_STAGE_MODEL, StageConfig, StageError, StageModel
from .units import to_wan

RULES = ("reached", "same_day", "no_evidence", "reverted")


class RankingError(DomainError):
    """Bad input to the ranking; the message is in Chinese for the user."""


@dataclass(frozen=True)
class StageMovement:
    project_id: object
    team: str
    from_stage: str | None
    to_stage: str
    date: date


@dataclass(frozen=True)
class ScoreLine:
    """One line of a team's score: on ``date``, ``project_id`` reached (or lost) ``stage`` under ``rule``."""

    date: date
    project_id: object
    team: str
    stage: str
    points: int
    rule: str


@dataclass(frozen=True)
class TeamRankRow:
    rank: int
    team: str
    points: int
    projects_moved: int
    signed_count: int
    signed_amount_wan: Decimal
    lines: tuple[ScoreLine, ...] = field(default=(), compare=False)


def _has_evidence(value: object, as_of: date) -> bool:
    if value is None or value == "" or value is False:
        return False
    if isinstance(value, date):
        return value <= as_of
    return True


def score_lines(
    movements: Iterable[StageMovement],
    *,
    model: StageModel,
    points: Mapping[str, int] | None = None,
    evidence: Mapping[object, Mapping[str, object]] | None = None,
    evidence_stages: Iterable[str] | None = None,
    as_of: date | None = None,
    end: date | None = None,
) -> list[ScoreLine]:
    """Every score line of the movements up to ``end``, in date order (the rules in the module's docstring)."""
    ordered = [mv for _, mv in sorted(enumerate(movements), key=lambda pair: (pair[1].date, pair[0]))]

    def stage_points(stage: StageConfig) -> int:
        return (points or {}).get(stage.code, stage.points)

    needs_evidence = set(evidence_stages) if evidence_stages is not None else set()
    lines: list[ScoreLine] = []
    position: dict[object, int | None] = {}
    credited: dict[object, dict[str, tuple[str, int]]] = defaultdict(dict)
    forfeited: dict[object, set[str]] = defaultdict(set)
    side_done: set[tuple[object, str]] = set()

    day_index = 0
    while day_index < len(ordered):
        day = ordered[day_index].date
        todays = []
        while day_index < len(ordered) and ordered[day_index].date == day:
            todays.append(ordered[day_index])
            day_index += 1
        if end is not None and day > end:
            break
        candidates: dict[object, dict[str, tuple[StageConfig, str]]] = defaultdict(dict)
        for mv in todays:
            try:
                target = model.get(mv.to_stage)
                origin = model.get(mv.from_stage) if mv.from_stage else None
            except StageError as exc:
                raise RankingError(
                    f"项目 {mv.project_id} 在 {mv.date} 的阶段变动有误：{exc}",
                    code="ranking_movement_stage_unknown",
                    project=str(mv.project_id),
                    date=str(mv.date),
                    stage=exc.params.get("stage", ""),
                ) from None
            pid = mv.project_id
            if pid not in position:
                start_order = origin.order if origin is not None and origin.kind == "main" else None
                position[pid] = start_order
                if start_order is not None:  # reached before the history given: never earned here
                    forfeited[pid].update(s.code for s in model.main_stages_between(None, start_order))
            current = position[pid]
            if target.kind != "main":
                if (pid, target.code) not in side_done:
                    side_done.add((pid, target.code))
                    lines.append(ScoreLine(day, pid, mv.team, target.code, stage_points(target), "reached"))
                continue
            if current is not None and target.order < current:
                for stage in sorted(model.main_stages, key=lambda s: -s.order):
                    if stage.order > target.order and stage.code in credited[pid]:
                        team, value = credited[pid].pop(stage.code)
                        lines.append(ScoreLine(day, pid, team, stage.code, -value, "reverted"))
                for code in [c for c, (s, _t) in candidates[pid].items() if s.order > target.order]:
                    del candidates[pid][code]
            else:
                for stage in model.main_stages_between(current, target.order):
                    if stage.code not in credited[pid] and stage.code not in forfeited[pid]:
                        candidates[pid][stage.code] = (stage, mv.team)
            position[pid] = target.order
        for pid, found in candidates.items():
            if not found:
                continue
            eligible: list[tuple[StageConfig, str]] = []
            blocked: list[tuple[StageConfig, str]] = []
            for stage, team in found.values():
                ok = stage.code not in needs_evidence or (
                    evidence is None or _has_evidence((evidence.get(pid) or {}).get(stage.code), as_of or day)
                )
                (eligible if ok else blocked).append((stage, team))
            best = max(eligible, key=lambda pair: (stage_points(pair[0]), pair[0].order), default=None)
            for stage, team in sorted(found.values(), key=lambda pair: pair[0].order):
                if best is not None and stage.code == best[0].code:
                    value = stage_points(stage)
                    credited[pid][stage.code] = (team, value)
                    lines.append(ScoreLine(day, pid, team, stage.code, value, "reached"))
                elif (stage, team) in blocked:
                    lines.append(ScoreLine(day, pid, team, stage.code, 0, "no_evidence"))
                else:
                    forfeited[pid].add(stage.code)
                    lines.append(ScoreLine(day, pid, team, stage.code, 0, "same_day"))
    return lines


def rank_teams(
    movements: Iterable[StageMovement],
    *,
    start: date,
    end: date,
    model: StageModel | None = None,
    signed_amounts: Mapping[object, object] | None = None,
    teams: Iterable[str] = (),
    points: Mapping[str, int] | None = None,
    signed_stage: str = "signed",
    evidence: Mapping[object, Mapping[str, object]] | None = None,
    evidence_stages: Iterable[str] | None = None,
    as_of: date | None = None,
) -> list[TeamRankRow]:
    """Rank teams by the points of their score lines dated between ``start`` and ``end`` (inclusive).

    ``teams`` lists teams to show even with no movement; ``points`` overrides the model's points per stage code;
    ``evidence`` maps a project to {stage code: its evidence} for ``evidence_stages`` (default: ``signed_stage``
    and every later main stage), judged as of ``as_of`` (default ``end``).
    """
    if end < start:
        raise RankingError(
            f"统计期间的结束日期 {end} 早于开始日期 {start}",
            code="period_end_before_start",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    model = model or DEFAULT_STAGE_MODEL
    signed_amounts = signed_amounts or {}
    try:
        signed = model.get(signed_stage)
        for code in points or {}:
            model.get(code)
    except StageError as exc:
        raise RankingError(
            f"排名配置有误：{exc}", code="ranking_stage_unknown", stage=exc.params.get("stage", "")
        ) from None
    if evidence_stages is None:
        evidence_stages = [s.code for s in model.main_stages if s.order >= signed.order]
    movements = list(movements)
    lines = score_lines(
        movements,
        model=model,
        points=points,
        evidence=evidence,
        evidence_stages=evidence_stages,
        as_of=as_of or end,
        end=end,
    )

    by_team: dict[str, list[ScoreLine]] = {team: [] for team in teams}
    moved: dict[str, set[object]] = defaultdict(set)
    for mv in movements:
        if start <= mv.date <= end:
            moved[mv.team].add(mv.project_id)
            by_team.setdefault(mv.team, [])
    for line in lines:
        if start <= line.date <= end:
            by_team.setdefault(line.team, []).append(line)

    rows = []
    for team, team_lines in by_team.items():
        net_signed: dict[object, int] = defaultdict(int)
        for line in team_lines:
            if line.stage == signed_stage and line.rule in ("reached", "reverted") and line.points:
                net_signed[line.project_id] += 1 if line.points > 0 else -1
        signed_ids = [pid for pid, n in net_signed.items() if n > 0]
        amount = sum((to_wan(signed_amounts.get(pid)) for pid in signed_ids), Decimal(0))
        total = sum(line.points for line in team_lines)
        rows.append((team, total, len(moved.get(team, ())), len(signed_ids), amount, tuple(team_lines)))
    rows.sort(key=lambda r: (-r[1], -r[4], r[0]))
    return [TeamRankRow(i, *row) for i, row in enumerate(rows, start=1)]
