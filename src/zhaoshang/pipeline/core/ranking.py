"""Team ranking (招商主体排名) for the 专案分析会: points for stages newly reached in a period.

Rules (documented for the teams being ranked):

- A project earns a stage's points the first time it reaches that stage; the points go to the team named on
  the movement. "First time" looks at all movements given, including those before the period: pass earlier
  movements too, so a project that had already signed before the period and signs again after going back does
  not earn twice. Within the period, going back and forward again earns nothing the second time.
- Jumping forward over stages reaches the skipped stages too (their requirements had to be met), so
  洽谈 → 注册 earns 签约's and 注册's points. A movement's ``from_stage`` counts as already reached.
- 暂缓 / 终止 earn their configured points (0 by default) at most once per project in the period.
- ``projects_moved``: distinct projects with any movement of the team in the period, in any direction.
- ``signed_count`` / ``signed_amount_wan``: projects that newly reached the signed stage in the period, with
  their signed amounts (万元) from ``signed_amounts`` (missing amounts count as 0).
- Order: points (high first), then signed amount (high first), then team name; ranks are 1, 2, 3, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhaoshang.core.errors import DomainError

from .stages import DEFAULT_STAGE_MODEL, StageError, StageModel
from .units import to_wan


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
class TeamRankRow:
    rank: int
    team: str
    points: int
    projects_moved: int
    signed_count: int
    signed_amount_wan: Decimal


@dataclass
class _Tally:
    points: int = 0
    moved: set[object] = field(default_factory=set)
    signed: set[object] = field(default_factory=set)


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
) -> list[TeamRankRow]:
    """Rank teams by the points of stages newly reached between ``start`` and ``end`` (inclusive).

    ``teams`` lists teams to show even with no movement; ``points`` overrides the model's points per stage code.
    """
    if end < start:
        raise RankingError(f"统计期间的结束日期 {end} 早于开始日期 {start}")
    model = model or DEFAULT_STAGE_MODEL
    signed_amounts = signed_amounts or {}
    try:
        model.get(signed_stage)
        for code in points or {}:
            model.get(code)
    except StageError as exc:
        raise RankingError(f"排名配置有误：{exc}") from None

    def stage_points(code: str) -> int:
        return (points or {}).get(code, model.get(code).points)

    tallies: dict[str, _Tally] = {team: _Tally() for team in teams}
    high_water: dict[object, int] = {}
    side_earned: set[tuple[object, str]] = set()

    ordered = sorted(enumerate(movements), key=lambda pair: (pair[1].date, pair[0]))
    for _, mv in ordered:
        if mv.date > end:
            continue
        try:
            target = model.get(mv.to_stage)
            origin = model.get(mv.from_stage) if mv.from_stage else None
        except StageError as exc:
            raise RankingError(f"项目 {mv.project_id} 在 {mv.date} 的阶段变动有误：{exc}") from None
        reached = high_water.get(mv.project_id)
        for stage in (origin, target) if mv.date < start else (origin,):
            if stage is not None and stage.kind == "main":
                reached = stage.order if reached is None else max(reached, stage.order)
        if mv.date < start:
            if reached is not None:
                high_water[mv.project_id] = reached
            continue

        tally = tallies.setdefault(mv.team, _Tally())
        tally.moved.add(mv.project_id)
        if target.kind == "main":
            for stage in model.main_stages_between(reached, target.order):
                tally.points += stage_points(stage.code)
                if stage.code == signed_stage:
                    tally.signed.add(mv.project_id)
            reached = target.order if reached is None else max(reached, target.order)
        elif (mv.project_id, target.code) not in side_earned:
            side_earned.add((mv.project_id, target.code))
            tally.points += stage_points(target.code)
        if reached is not None:
            high_water[mv.project_id] = reached

    rows = []
    for team, tally in tallies.items():
        amount = sum((to_wan(signed_amounts.get(pid)) for pid in tally.signed), Decimal(0))
        rows.append((team, tally.points, len(tally.moved), len(tally.signed), amount))
    rows.sort(key=lambda r: (-r[1], -r[4], r[0]))
    return [TeamRankRow(i, *row) for i, row in enumerate(rows, start=1)]
