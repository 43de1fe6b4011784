"""Target ranking: unknown factors are unknown, not zero, and every rank comes with reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zhaoshang.chains.analysis.errors import AnalysisInputError
from zhaoshang.chains.analysis.gap import analyse_gaps
from zhaoshang.chains.analysis.spec import from_dict
from zhaoshang.chains.analysis.targets import Factors, rank_targets, region_prefix, select_candidates


def by_id(ranked: pd.DataFrame) -> dict:
    return {row.firm_id: row for row in ranked.itertuples()}


def test_a_firm_without_revenue_is_not_ranked_as_if_its_revenue_were_zero():
    df = pd.DataFrame(
        {
            "firm_id": ["unknown", "zero", "big"],
            "node_score": [0.8, 0.8, 0.8],
            "revenue_wan": [np.nan, 0.0, 50_000.0],
            "revenue_growth": [np.nan, 0.0, 0.1],
        }
    )
    r = by_id(rank_targets(df))
    assert np.isnan(r["unknown"].score_size) and np.isnan(r["unknown"].score_growth)
    assert r["unknown"].total == pytest.approx(0.8)  # judged on what is known: the node score
    assert r["unknown"].total > r["zero"].total
    assert r["unknown"].coverage == pytest.approx(0.30)
    assert r["zero"].coverage == pytest.approx(0.70)


def test_the_total_is_renormalised_over_the_known_factors():
    df = pd.DataFrame({"firm_id": [1], "node_score": [0.5], "distance_km": [0.0]})
    [row] = rank_targets(
        df, weights=Factors(node=3, size=0, growth=0, listed=0, distance=1, links=0)
    ).itertuples()
    assert row.total == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)
    assert row.coverage == pytest.approx(1.0)


def test_each_row_explains_the_factors_known_for_it_in_chinese():
    df = pd.DataFrame(
        {
            "firm_id": ["a", "b"],
            "node_score": [0.85, 0.3],
            "matched_words": [["IGBT模块", "碳化硅"], None],
            "capital_wan_cny": [52_000.0, 800.0],
            "revenue_growth": [0.23, np.nan],
            "listed": [True, None],
            "distance_km": [42.0, np.nan],
            "leader_links": [2, np.nan],
            "local_buyers": [["株洲甲车辆", "株洲乙电气"], []],
        }
    )
    r = by_id(rank_targets(df))
    assert r["a"].reasons == [
        "产品相符：「IGBT模块」、「碳化硅」",
        "注册资本 5.2 亿元，规模居候选前 50%",
        "营收增长 23%",
        "上市公司",
        "距本地 42 公里",
        "已向本地企业「株洲甲车辆」、「株洲乙电气」供货",
    ]
    # what is unknown is not said: a sentence true of every row would tell the reader nothing
    assert r["b"].reasons == ["环节匹配度低（0.30）", "注册资本 800 万元，规模居候选前 100%"]


def test_size_is_a_percentile_among_candidates_and_reported_as_top_share():
    df = pd.DataFrame({"firm_id": range(10), "capital_wan_cny": [100.0 * (i + 1) for i in range(10)]})
    ranked = rank_targets(df)
    assert ranked.iloc[0].firm_id == 9
    assert ranked.iloc[0].reasons[0] == "注册资本 1,000 万元，规模居候选前 10%"


def test_growth_can_come_from_two_years_of_revenue():
    df = pd.DataFrame({"firm_id": [1], "revenue_wan": [1200.0], "revenue_prev_wan": [1000.0]})
    [row] = rank_targets(df).itertuples()
    assert row.score_growth == pytest.approx((0.2 + 0.1) / 0.4)
    assert "营收增长 20%" in row.reasons


def test_distance_comes_from_coordinates_when_an_origin_is_given():
    # 株洲 (27.83, 113.13) to 长沙 (28.23, 112.94): about 48 km
    df = pd.DataFrame({"firm_id": [1], "lat": [28.23], "lon": [112.94]})
    [row] = rank_targets(df, origin=(27.83, 113.13)).itertuples()
    assert any(r.startswith("距本地 4") and r.endswith("公里") for r in row.reasons)
    assert 0.85 < row.score_distance < 0.9


def test_closer_firms_and_more_leader_links_rank_higher_all_else_equal():
    df = pd.DataFrame(
        {
            "firm_id": ["near", "far"],
            "node_score": [0.6, 0.6],
            "distance_km": [50, 1500],
            "leader_links": [3, 0],
        }
    )
    assert rank_targets(df)["firm_id"].tolist() == ["near", "far"]


def test_min_coverage_moves_little_known_firms_below_the_rest():
    df = pd.DataFrame(
        {
            "firm_id": ["thin", "full"],
            "node_score": [1.0, 0.5],
            "distance_km": [np.nan, 900.0],
            "listed": [None, False],
            "leader_links": [np.nan, 0],
        }
    )
    assert rank_targets(df)["firm_id"].tolist() == ["thin", "full"]
    assert rank_targets(df, min_coverage=0.5)["firm_id"].tolist() == ["full", "thin"]


def test_bad_weights_and_scores_are_refused_in_chinese():
    with pytest.raises(AnalysisInputError, match="因素权重「size」应为非负数"):
        Factors(size=-1)
    with pytest.raises(AnalysisInputError, match="node_score 应在 0 到 1 之间"):
        rank_targets(pd.DataFrame({"firm_id": [1], "node_score": [3.0]}))


def test_candidates_are_firms_outside_the_region_on_gap_nodes():
    spec = from_dict(
        {"slug": "t", "name": "T", "nodes": [{"key": "x", "name": "X"}, {"key": "y", "name": "Y"}]}
    )
    local = pd.DataFrame({"firm_id": ["l1", "l2", "l3"], "node_key": ["x", "x", "x"]})
    gaps = analyse_gaps(spec, local)
    national = pd.DataFrame(
        {
            "firm_id": ["zz-y", "cs-y", "cs-x"],
            "node_key": ["y", "y", "x"],
            "region_code": ["430211", "430102", "430102"],
        }
    )
    out = select_candidates(national, gaps, home_region="430200")
    assert out["firm_id"].tolist() == ["cs-y"]
    assert out["gap_status"].tolist() == ["missing"]


def test_region_prefixes_follow_gb_t_2260_levels():
    assert [region_prefix(c) for c in ("430000", "430200", "430211")] == ["43", "4302", "430211"]
    with pytest.raises(AnalysisInputError, match="6 位数字"):
        region_prefix("4302")
