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


def test_jumping_over_stages_earns_the_points_of_the_skipped_stages_too():
    rows = rank_teams([mv("P1", "商务局一科", "negotiation", "registered", 9)], start=START, end=END)
    assert rows[0].points == 10 + 5
    assert rows[0].signed_count == 1


def test_a_new_project_entered_at_a_later_stage_earns_every_stage_up_to_it():
    rows = rank_teams([mv("P1", "商务局一科", None, "visit", 9)], start=START, end=END)
    assert rows[0].points == 1 + 2 + 3


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
