from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.pipeline.core.meeting import (
    CoordinationItem,
    FollowUpRecord,
    MeetingPackError,
    Period,
    ProjectRecord,
    StageEvent,
    build_meeting_pack,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


PROJECTS = [
    ProjectRecord("P1", "智能传感器产线", "高新区", "signed", d(1, 10), 20000, 18000, signed_date=d(3, 12)),
    ProjectRecord(
        "P2",
        "新能源电池包",
        "经开区",
        "construction",
        d(6, 1, 2025),
        50000,
        45000,
        signed_date=d(12, 1, 2025),
        construction_start_date=d(3, 20),
    ),
    ProjectRecord("P3", "半导体设计公司", "高新区", "lead", d(3, 5), 3000),
    ProjectRecord("P4", "冷链物流中心", "经开区", "contact", d(3, 18)),
    ProjectRecord("P5", "精密模具厂", "商务局一科", "negotiation", d(11, 1, 2025), 8000),
    ProjectRecord(
        "P6",
        "光伏组件",
        "商务局一科",
        "production",
        d(1, 1, 2024),
        32000,
        30000,
        signed_date=d(3, 1, 2024),
        construction_start_date=d(9, 1, 2024),
        production_start_date=d(3, 28),
    ),
    ProjectRecord("P7", "停摆的老项目", "高新区", "dropped", d(1, 1, 2024)),
]

EVENTS = [
    StageEvent("P1", "visit", "negotiation", d(2, 20)),
    StageEvent("P1", "negotiation", "signed", d(3, 12)),
    StageEvent("P2", "registered", "construction", d(3, 20)),
    StageEvent("P3", None, "lead", d(3, 5)),
    StageEvent("P4", None, "lead", d(3, 18)),
    StageEvent("P4", "lead", "contact", d(3, 25)),
    StageEvent("P5", "negotiation", "visit", d(3, 10), reason="需再次考察厂房"),
    StageEvent("P5", "visit", "negotiation", d(3, 15)),
    StageEvent("P6", "construction", "production", d(3, 28)),
]

FOLLOWUPS = [
    FollowUpRecord("P1", d(3, 12)),
    FollowUpRecord("P2", d(3, 20)),
    FollowUpRecord("P5", d(2, 3)),
    FollowUpRecord("P5", d(3, 1)),
    FollowUpRecord("P5", d(4, 2)),  # after the meeting date: does not count
    FollowUpRecord("P6", d(3, 28)),
]

ITEMS = [
    CoordinationItem("C1", "用地指标调剂", "自然资源局", d(3, 20), "open", "P2"),
    CoordinationItem("C2", "环评批复", "生态环境局", d(3, 25), "open", "P1"),
    CoordinationItem("C3", "施工许可", "住建局", d(3, 10), "done", "P2", done_date=d(3, 9)),
    CoordinationItem("C4", "电力增容", "供电公司", d(3, 31), "open", "P6"),
    CoordinationItem("C5", "土地规划调整", "自然资源局", d(3, 1), "done", "P5", done_date=d(4, 3)),
    CoordinationItem("C6", "道路接入", "住建局", d(4, 15), "open", "P2"),
]


@pytest.fixture
def pack():
    return build_meeting_pack(
        organisation="测试市招商局",
        period=MARCH,
        projects=PROJECTS,
        stage_events=EVENTS,
        followups=FOLLOWUPS,
        coordination_items=ITEMS,
    )


def test_new_leads_are_the_projects_created_in_the_period(pack):
    assert [r.project_id for r in pack.new_leads.rows] == ["P3", "P4"]
    assert pack.new_leads.totals == {"count": 2, "planned_investment_wan": Decimal("3000")}


def test_stage_movements_count_events_projects_and_directions(pack):
    rows = pack.stage_movements.rows
    assert [(r.date.day, r.project_id, r.direction_zh) for r in rows] == [
        (5, "P3", "新建"),
        (10, "P5", "退回"),
        (12, "P1", "推进"),
        (15, "P5", "推进"),
        (18, "P4", "新建"),
        (20, "P2", "推进"),
        (25, "P4", "推进"),
        (28, "P6", "推进"),
    ]
    assert rows[1].reason == "需再次考察厂房"
    assert (rows[2].from_zh, rows[2].to_zh) == ("洽谈", "签约")
    assert pack.stage_movements.totals == {"count": 8, "projects": 6, "forward": 5, "backward": 1}


def test_signed_started_and_producing_projects_carry_their_signed_amounts(pack):
    assert [r.project_id for r in pack.signed.rows] == ["P1"]
    assert pack.signed.totals == {"count": 1, "amount_wan": Decimal("18000")}
    assert pack.started.totals == {"count": 1, "amount_wan": Decimal("45000")}
    assert [r.name for r in pack.producing.rows] == ["光伏组件"]
    assert pack.producing.totals == {"count": 1, "amount_wan": Decimal("30000")}


def test_going_cold_uses_the_last_follow_up_on_or_before_the_meeting_date(pack):
    [row] = pack.cold.rows
    assert (row.project_id, row.stage_zh, row.quiet_since, row.days_quiet, row.limit) == (
        "P5",
        "洽谈",
        d(3, 1),
        30,
        14,
    )
    assert pack.cold.totals == {"count": 1}


def test_overdue_coordination_items_are_grouped_by_department(pack):
    departments = pack.overdue_by_department.rows
    assert [(g.department, g.count, g.max_days_overdue) for g in departments] == [
        ("自然资源局", 2, 30),
        ("生态环境局", 1, 6),
    ]
    assert [(i.item_id, i.project_name, i.days_overdue) for i in departments[0].items] == [
        ("C5", "精密模具厂", 30),  # settled only after the meeting date
        ("C1", "新能源电池包", 11),
    ]
    assert pack.overdue_by_department.totals == {"count": 3, "departments": 2}


def test_team_ranking_breaks_the_tie_on_points_by_signed_amount(pack):
    rows = [
        (r.rank, r.team, r.points, r.projects_moved, r.signed_count, r.signed_amount_wan)
        for r in pack.ranking.rows
    ]
    assert rows == [
        (1, "高新区", 10 + 1, 2, 1, Decimal("18000")),
        (2, "经开区", 8 + 1 + 2, 2, 0, Decimal("0")),
        (3, "商务局一科", 10, 2, 0, Decimal("0")),  # P5 back and forth earns nothing
    ]
    assert pack.ranking.totals == {
        "teams": 3,
        "points": 32,
        "signed_count": 1,
        "signed_amount_wan": Decimal("18000"),
    }


def test_the_pack_is_dated_at_the_end_of_the_period_unless_told_otherwise(pack):
    assert pack.as_of == d(3, 31)
    earlier = build_meeting_pack(
        organisation="测试市招商局", period=MARCH, projects=PROJECTS, coordination_items=ITEMS, as_of=d(3, 21)
    )
    assert earlier.overdue_by_department.totals == {"count": 2, "departments": 1}


def test_a_stage_event_for_an_unknown_project_is_refused():
    with pytest.raises(MeetingPackError, match="引用了不存在的项目 P99"):
        build_meeting_pack(
            organisation="x",
            period=MARCH,
            projects=PROJECTS,
            stage_events=[StageEvent("P99", None, "lead", d(3, 2))],
        )


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(MeetingPackError, match="结束日期 2026-03-01 早于开始日期 2026-03-31"):
        Period(d(3, 31), d(3, 1))
