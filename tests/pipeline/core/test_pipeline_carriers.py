from __future__ import annotations

from datetime import date

import pytest

from zhaoshang.pipeline.core.carriers import Carrier, CarrierError, CarrierNeeds, match_carriers
from zhaoshang.pipeline.core.units import mu_to_m2

NEEDS = CarrierNeeds(kind="factory", area=5000, floor_load_kn_m2=5, power_kva=800, max_price=25)


def reasons(match):
    return match.reasons_zh


def test_a_carrier_meeting_every_need_is_matched_with_reasons_in_chinese():
    carrier = Carrier("F1", "高新区", "factory", area=5200, floor_load_kn_m2=8, power_kva=1000, price=22)
    [match] = match_carriers(NEEDS, [carrier])
    assert match.complete
    assert "面积 5,200㎡ 满足需求 5,000㎡" in reasons(match)
    assert "承重 8 kN/㎡ 满足要求 5 kN/㎡" in reasons(match)
    assert "电力容量 1,000 kVA 满足要求 800 kVA" in reasons(match)
    assert "价格 22 元/㎡·月 不超过上限 25 元/㎡·月" in reasons(match)


def test_a_hard_failure_is_left_out_unless_partial_matches_are_asked_for():
    weak_floor = Carrier("F2", "经开区", "factory", area=6000, floor_load_kn_m2=3, power_kva=1000, price=20)
    assert match_carriers(NEEDS, [weak_floor]) == []
    [match] = match_carriers(NEEDS, [weak_floor], include_partial=True)
    assert not match.complete
    assert "承重 3 kN/㎡ 低于要求 5 kN/㎡" in reasons(match)


def test_a_figure_unknown_on_the_carrier_side_is_unknown_not_a_failure():
    no_power = Carrier("F3", "高新区", "factory", area=5000, floor_load_kn_m2=5, power_kva=None, price=None)
    [match] = match_carriers(NEEDS, [no_power])
    assert match.complete
    assert match.unknown_count == 2
    assert "电力容量未知" in reasons(match)
    assert "价格未知" in reasons(match)


def test_land_needed_in_mu_is_compared_in_square_metres():
    assert mu_to_m2(7.5) == 5000
    needs = CarrierNeeds(kind="land", area=7.5, area_unit="mu")
    plots = [
        Carrier("L1", "高新区", "land", area=5000),  # exactly 7.5 亩
        Carrier("L2", "高新区", "land", area=4999),
        Carrier("L3", "高新区", "land", area=8, area_unit="mu"),
    ]
    matches = match_carriers(needs, plots)
    assert [m.carrier.id for m in matches] == ["L1", "L3"]
    assert "面积 7.5亩（5,000㎡） 满足需求 7.5亩（5,000㎡）" in reasons(matches[0])
    assert "面积 8亩（5,333㎡） 满足需求 7.5亩（5,000㎡）" in reasons(matches[1])


def test_other_kinds_and_occupied_carriers_are_never_listed():
    carriers = [
        Carrier("O1", "高新区", "office", area=9000),
        Carrier("F4", "高新区", "factory", area=9000, status="occupied"),
        Carrier("F5", "高新区", "factory", area=9000, status="reserved"),
    ]
    needs = CarrierNeeds(kind="factory", area=5000)
    assert match_carriers(needs, carriers) == []
    [reserved] = match_carriers(needs, carriers, include_partial=True)
    assert reserved.carrier.id == "F5"
    assert "状态：已预留" in reasons(reserved)


def test_a_carrier_available_too_late_fails_and_one_in_time_passes():
    needs = CarrierNeeds(kind="office", area=800, available_by=date(2026, 6, 30))
    late = Carrier("B1", "中央商务区", "office", area=900, available_from=date(2026, 9, 1))
    soon = Carrier("B2", "中央商务区", "office", area=900, available_from=date(2026, 5, 1))
    [match] = match_carriers(needs, [late, soon])
    assert match.carrier.id == "B2"
    assert "2026-05-01 可交付，不晚于需求日期 2026-06-30" in reasons(match)
    partial = match_carriers(needs, [late], include_partial=True)
    assert "2026-09-01 才可交付，晚于需求日期 2026-06-30" in reasons(partial[0])


def test_matches_rank_preferred_parks_first_then_fewer_unknowns_then_the_tightest_fit():
    needs = CarrierNeeds(kind="factory", area=5000, power_kva=500, preferred_parks=("高新区",))
    carriers = [
        Carrier("far-big", "经开区", "factory", area=9000, power_kva=600),
        Carrier("pref-unknown", "高新区", "factory", area=5100, power_kva=None),
        Carrier("pref-big", "高新区", "factory", area=8000, power_kva=600),
        Carrier("pref-snug", "高新区", "factory", area=5100, power_kva=600),
    ]
    ranked = [m.carrier.id for m in match_carriers(needs, carriers)]
    assert ranked == ["pref-snug", "pref-big", "pref-unknown", "far-big"]
    far = match_carriers(needs, carriers)[-1]
    assert far.complete  # outside the preferred parks is a preference, not a failure
    assert "不在意向园区（高新区）内" in reasons(far)


def test_an_unknown_area_unit_is_refused_in_chinese():
    with pytest.raises(CarrierError, match="未知的面积单位「acre」"):
        match_carriers(
            CarrierNeeds(kind="land", area=3, area_unit="acre"), [Carrier("L", "高新区", "land", area=1)]
        )
