"""The service desk's plain-Python core: 12345 values and headers, rates from counts, clustering."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from zhaoshang.service.core import values
from zhaoshang.service.core.clustering import bigrams, cluster_texts
from zhaoshang.service.core.headers import map_headers
from zhaoshang.service.core.rates import Rates, median


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-01-05 09:30:00", datetime(2025, 1, 5, 9, 30)),
        ("2025/1/5 9:30", datetime(2025, 1, 5, 9, 30)),
        ("2025.01.05", datetime(2025, 1, 5)),
        ("2025年1月5日 9时30分", datetime(2025, 1, 5, 9, 30)),
        ("2025-01-05T09:30:15", datetime(2025, 1, 5, 9, 30, 15)),
        ("20250105", datetime(2025, 1, 5)),
        ("20250105093000", datetime(2025, 1, 5, 9, 30)),
        (45662.5, datetime(2025, 1, 5, 12, 0)),
        ("45662", datetime(2025, 1, 5)),
        (date(2025, 1, 5), datetime(2025, 1, 5)),
        ("", None),
        ("-", None),
    ],
)
def test_it_reads_the_date_times_exports_write(raw, expected):
    assert values.parse_datetime(raw) == expected


@pytest.mark.parametrize("raw", ["2025-02-30 10:00", "明天", "5/1"])
def test_it_rejects_a_date_time_it_cannot_read(raw):
    with pytest.raises(values.ValueProblem):
        values.parse_datetime(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", "solved"),
        ("已解决", "solved"),
        ("否", "unsolved"),
        ("未解决", "unsolved"),
        ("部分解决", "partly"),
        ("", None),
    ],
)
def test_it_reads_whether_an_appeal_was_solved(raw, expected):
    assert values.parse_result(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("满意", "satisfied"),
        ("非常满意", "satisfied"),
        ("基本满意", "basic"),
        ("一般", "basic"),
        ("不满意", "unsatisfied"),
        ("未评价", "unrated"),
    ],
)
def test_it_reads_the_satisfaction_scale(raw, expected):
    assert values.parse_satisfaction(raw) == expected


def test_an_unknown_satisfaction_is_a_problem_not_a_guess():
    with pytest.raises(values.ValueProblem):
        values.parse_satisfaction("还行吧")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5", values.Limit(days=5)),
        (5, values.Limit(days=5)),
        ("5个工作日", values.Limit(days=5)),
        ("15个自然日", values.Limit(days=15, calendar_days=True)),
        ("2025-01-10 18:00", values.Limit(due=date(2025, 1, 10))),
        (datetime(2025, 1, 10, 18), values.Limit(due=date(2025, 1, 10))),
        (45667, values.Limit(due=date(2025, 1, 10))),
        ("", None),
    ],
)
def test_it_reads_a_handling_limit_in_days_or_as_a_due_date(raw, expected):
    assert values.parse_limit(raw) == expected


def test_it_maps_header_variants_to_one_field_each():
    columns, unknown = map_headers(
        ["工单号", "来电时间", "企业名称", "办结时限（工作日）", "是否解决", "备注"]
    )
    assert columns == {"ticket": 0, "received_at": 1, "firm_name": 2, "limit": 3, "result": 4}
    assert unknown == ["备注"]


def test_rates_come_from_their_counts_and_an_empty_denominator_gives_none():
    rates = Rates(
        counts={
            "received": 4,
            "responded": 3,
            "responded_in_time": 3,
            "closed": 2,
            "solved": 1,
            "closed_on_time": 2,
            "rated": 0,
            "satisfied": 0,
            "unsatisfied": 0,
            "reopened": 1,
        }
    )
    out = rates.as_dict()
    assert out["response_rate"] == 0.75
    assert out["solve_rate"] == 0.5
    assert out["on_time_rate"] == 1.0
    assert out["satisfaction_rate"] is None
    assert out["reopen_rate"] == 0.25


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


def test_bigrams_stay_inside_runs_of_characters():
    assert bigrams("路灯不亮，请修") == ["路灯", "灯不", "不亮", "请修"]


PLANTED = ["园区路灯不亮", "路灯坏了不亮", "晚上路灯一直不亮", "厂区路灯不亮了好几天"]
OTHERS = [
    "厂区门口道路积水严重",
    "施工许可证办理太慢",
    "用工缺口大招不到焊工",
    "电费补贴何时兑现",
    "希望尽快兑现电费补贴",
    "贷款审批需要抵押物",
    "物流车辆进城限行",
    "员工子女入学难",
    "天然气价格上涨",
    "厂房消防验收排队",
]


def test_it_groups_the_same_problem_told_in_different_words():
    clusters = cluster_texts(PLANTED + OTHERS)
    lamp = [c for c in clusters if any(m.index == 0 for m in c.members)]
    assert len(lamp) == 1
    assert sorted(m.index for m in lamp[0].members) == [0, 1, 2, 3]
    assert "路灯" in lamp[0].label
    for member in lamp[0].members:
        assert "路灯" in "".join(member.shared_terms)


def test_unrelated_appeals_stay_out_of_every_cluster():
    clusters = cluster_texts(PLANTED + OTHERS)
    clustered = {m.index for c in clusters for m in c.members}
    assert not clustered & {4, 5, 6, 9, 10, 11, 12, 13}


def test_too_few_texts_make_no_cluster():
    assert cluster_texts(["路灯不亮", "路灯坏了"]) == []
