"""Lag-years on hand-computed cases: interpolation, not reached, declining series, growth needed."""

from __future__ import annotations

import pytest

from zhaoshang.insight.errors import InsightError
from zhaoshang.insight.lagyears import lag_years, required_growth, year_reached

SHENZHEN = {2005: 100.0, 2010: 200.0, 2015: 400.0, 2020: 600.0}


def test_the_year_is_interpolated_between_the_two_observed_years_around_the_crossing():
    # 300 lies halfway between 200 (2010) and 400 (2015): 2012.5
    lag = lag_years({2019: 250.0, 2020: 300.0}, SHENZHEN)
    assert lag.status == "reached"
    assert lag.reached_year == pytest.approx(2012.5)
    assert lag.gap_years == pytest.approx(7.5)
    assert lag.benchmark_value == 600.0 and lag.benchmark_year == 2020


def test_an_exact_observed_value_gives_that_year():
    assert year_reached(SHENZHEN, 400.0) == ("reached", 2015.0)


def test_a_value_the_benchmark_never_reached_is_stated_as_not_reached():
    lag = lag_years({2020: 700.0}, SHENZHEN)
    assert lag.status == "not_reached"
    assert lag.reached_year is None and lag.gap_years is None
    assert lag.required_growth is None  # the city is ahead: nothing to catch up


def test_a_value_below_the_first_observation_is_a_lower_bound_on_the_gap():
    lag = lag_years({2020: 50.0}, SHENZHEN)
    assert lag.status == "before_data"
    assert lag.reached_year == 2005.0 and lag.gap_years == 15.0


def test_a_declining_benchmark_is_read_at_its_first_crossing():
    # the benchmark rose to 500 then declined: the city's 450 was first reached between 2010 (400) and 2012 (500)
    declining = {2008: 300.0, 2010: 400.0, 2012: 500.0, 2016: 350.0, 2020: 320.0}
    lag = lag_years({2020: 450.0}, declining)
    assert lag.status == "reached"
    assert lag.reached_year == pytest.approx(2011.0)
    assert lag.gap_years == pytest.approx(9.0)
    assert lag.required_growth is None  # the benchmark's latest value (320) is below the city's


def test_lower_is_better_indicators_cross_downwards():
    # energy per unit of GDP: the benchmark fell from 1.0 (2010) to 0.6 (2020); the city is at 0.8 → 2015
    lag = lag_years({2020: 0.8}, {2010: 1.0, 2020: 0.6}, higher_is_better=False)
    assert lag.status == "reached" and lag.reached_year == pytest.approx(2015.0)


def test_the_growth_needed_to_reach_the_benchmarks_latest_value_in_n_years():
    lag = lag_years({2020: 300.0}, SHENZHEN, years=5)
    assert lag.required_growth == pytest.approx(2 ** (1 / 5) - 1)  # 300 → 600 in 5 years: 14.87 % a year
    assert required_growth(100.0, 121.0, 2) == pytest.approx(0.1)
    assert required_growth(0.0, 10.0, 3) is None


def test_a_chosen_year_of_the_city_and_bad_series_are_refused_clearly():
    lag = lag_years({2015: 200.0, 2020: 300.0}, SHENZHEN, year=2015)
    assert lag.reached_year == 2010.0 and lag.gap_years == 5.0
    with pytest.raises(InsightError, match="2013"):
        lag_years({2015: 200.0}, SHENZHEN, year=2013)
    with pytest.raises(InsightError):
        lag_years({}, SHENZHEN)
    with pytest.raises(InsightError, match="两个"):
        lag_years({2020: 1.0}, [(2019, 1.0), (2019, 2.0)])
