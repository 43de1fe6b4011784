from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.pipeline.core.ranking import RankingError, StageMovement, TeamRankRow, rank_teams

START, END = date(2026, 3, 1), date(2026, 3, 31)
# Default points: 线索 1, 接洽 2, 考察 3, 洽谈 5, 签约 10, 注册 5, 开工 8, 投产 10.


def mv(pid, team, frm, to, day):
    return StageMovement(pid, team, frm, to, date(2026, 3, day) if isinstance(day, int) else day)


def test_a_project_signing_from_negotiation_earns_the_signed_points_once():
    rows = rank_teams(
        [mv("P1", "高新区", "negotiation", "signed", 5)], start=START, end=END, signed_amounts={"P1": 12000}
    )
    assert rows == [TeamRankRow(1, "高新区", 10, 1, 1, Decimal("12000"))]


def test_moving_back_and_forth_within_the_period_does_not_earn_twice():
    rows = rank_teams(
        [
            mv("P1", "高新区", "negotiation", "signed", 5),
            mv("P1", "高新区", "signed", "negotiation", 10),
            mv("P1", "高新区", "negotiation", "signed", 20),
        ],
        start=START,
        end=END,
        signed_amounts={"P1": 12000},
    )
    assert (rows[0].points, rows[0].projects_moved, rows[0].signed_count) == (10, 1, 1)
    assert rows[0].signed_amount_wan == Decimal("12000")


def test_a_stage_already_reached_before_the_period_earns_nothing_when_reached_again():
    rows = rank_teams(
        [
            mv("P1", "经开区", "negotiation", "signed", date(2026, 2, 10)),
            mv("P1", "经开区", "signed", "negotiation", 3),
            mv("P1", "经开区", "negotiation", "signed", 25),
        ],
        start=START,
        end=END,
        signed_amounts={"P1": 5000},
    )
    assert (rows[0].points, rows[0].projects_moved, rows[0].signed_count) == (0, 1, 0)
    assert rows[0].signed_amount_wan == 0


def test_jumping_over_stages_in_one_day_earns_only_the_best_stage_reached():
    rows = rank_teams([mv("P1", "商务局一科", "negotiation", "registered", 9)], start=START, end=END)
    assert rows[0].points == 10  # 签约 (10) beats 注册 (5): one stage per project per day
    assert rows[0].signed_count == 1
    assert [(line.stage, line.points, line.rule) for line in rows[0].lines] == [
        ("signed", 10, "reached"),
        ("registered", 0, "same_day"),
    ]


def test_a_new_project_entered_at_a_later_stage_earns_only_that_stage():
    rows = rank_teams([mv("P1", "商务局一科", None, "visit", 9)], start=START, end=END)
    assert rows[0].points == 3


def test_movements_outside_the_period_earn_nothing_but_teams_asked_for_are_listed():
    rows = rank_teams(
        [mv("P1", "高新区", "lead", "contact", date(2026, 4, 1))],
        start=START,
        end=END,
        teams=["高新区", "经开区"],
    )
    assert [(r.team, r.points, r.projects_moved) for r in rows] == [("经开区", 0, 0), ("高新区", 0, 0)]


def test_ties_on_points_are_broken_by_signed_amount_then_by_name():
    rows = rank_teams(
        [
            mv("A1", "乙园区", "negotiation", "signed", 2),
            mv("B1", "甲园区", "negotiation", "signed", 3),
            mv("C1", "丙园区", "negotiation", "signed", 4),
            mv("D1", "丁园区", "lead", "contact", 4),
        ],
        start=START,
        end=END,
        signed_amounts={"A1": 3000, "B1": 3000, "C1": Decimal("8000.5")},
    )
    assert [(r.rank, r.team, r.points) for r in rows] == [
        (1, "丙园区", 10),
        (2, "乙园区", 10),  # "乙" (U+4E59) sorts before "甲" (U+7532)
        (3, "甲园区", 10),
        (4, "丁园区", 2),
    ]
    assert rows[0].signed_amount_wan == Decimal("8000.5")


def test_points_can_be_configured_per_stage():
    rows = rank_teams(
        [mv("P1", "高新区", "negotiation", "signed", 5)], start=START, end=END, points={"signed": 30}
    )
    assert rows[0].points == 30


def test_dropping_a_project_earns_nothing_by_default_but_counts_as_a_movement():
    rows = rank_teams([mv("P1", "高新区", "visit", "dropped", 5)], start=START, end=END)
    assert (rows[0].points, rows[0].projects_moved) == (0, 1)


def test_a_movement_to_an_unknown_stage_is_reported_with_its_project():
    with pytest.raises(RankingError, match="项目 P9 在 2026-03-05 的阶段变动有误：未知的阶段「won」"):
        rank_teams([mv("P9", "高新区", "negotiation", "won", 5)], start=START, end=END)


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(RankingError, match="结束日期"):
        rank_teams([], start=END, end=START)


def test_a_lead_created_and_moved_twice_within_minutes_earns_one_stage():
    rows = rank_teams(
        [
            mv("P1", "招商一处", None, "lead", 4),
            mv("P1", "招商一处", "lead", "contact", 4),
            mv("P1", "招商一处", "contact", "visit", 4),
        ],
        start=START,
        end=END,
    )
    assert rows[0].points == 3
    assert sorted(line.rule for line in rows[0].lines) == ["reached", "same_day", "same_day"]


def test_a_stage_skipped_on_a_busy_day_is_not_earned_later_by_going_back_and_forth():
    rows = rank_teams(
        [
            mv("P1", "甲", "lead", "visit", 2),
            mv("P1", "甲", "visit", "lead", 3),
            mv("P1", "甲", "lead", "contact", 4),
        ],
        start=START,
        end=END,
    )
    # visit +3, reverted -3, contact was forfeited on day 2: nothing
    assert rows[0].points == 0


def test_signing_without_a_recorded_date_or_with_a_future_date_earns_nothing():
    movements = [mv("P1", "甲", "negotiation", "signed", 5), mv("P2", "乙", "negotiation", "signed", 5)]
    evidence = {"P1": {"signed": None}, "P2": {"signed": date(2026, 4, 30)}}
    rows = rank_teams(movements, start=START, end=END, evidence=evidence, as_of=END)
    assert [(r.team, r.points, r.signed_count) for r in rows] == [("乙", 0, 0), ("甲", 0, 0)]
    assert {line.rule for r in rows for line in r.lines} == {"no_evidence"}


def test_signing_with_its_date_recorded_earns_the_points():
    rows = rank_teams(
        [mv("P1", "甲", "negotiation", "signed", 5)],
        start=START,
        end=END,
        evidence={"P1": {"signed": date(2026, 3, 5)}},
        signed_amounts={"P1": 900},
    )
    assert (rows[0].points, rows[0].signed_count, rows[0].signed_amount_wan) == (10, 1, Decimal(900))


def test_a_reverted_stage_takes_its_points_back_from_the_team_that_earned_them():
    rows = rank_teams(
        [mv("P1", "甲", "negotiation", "signed", 5), mv("P1", "乙", "signed", "negotiation", 12)],
        start=START,
        end=END,
    )
    by_team = {r.team: r for r in rows}
    assert by_team["甲"].points == 0 and by_team["甲"].signed_count == 0
    assert [(line.points, line.rule) for line in by_team["甲"].lines] == [(10, "reached"), (-10, "reverted")]
    assert by_team["乙"].points == 0


def test_points_earned_before_the_period_and_reverted_within_it_are_taken_back_in_the_period():
    rows = rank_teams(
        [mv("P1", "甲", "negotiation", "signed", date(2026, 2, 1)), mv("P1", "甲", "signed", "visit", 10)],
        start=START,
        end=END,
    )
    assert rows[0].points == -10
