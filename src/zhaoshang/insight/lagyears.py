"""Lag-years: how many years a city is behind a benchmark on one indicator (plain Python, no Django).

"Kunshan is ten years behind Shenzhen": the year in which the benchmark reached the city's current value,
interpolated linearly between the two observed years around the crossing, and the gap to the city's year. When
the benchmark never reached that value within its data the result says so (``not_reached``: the city is ahead of
everything observed); when it was already there in its first observed year the gap is a lower bound
(``before_data``). ``higher_is_better=False`` reads the indicator the other way (energy per unit of GDP, ...).

Also the growth rate the city needs to reach the benchmark's latest value in ``years`` years.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from zhaoshang.insight.errors import InsightError

Status = Literal["reached", "before_data", "not_reached"]
STATUSES: Final = ("reached", "before_data", "not_reached")


@dataclass(frozen=True)
class Lag:
    """One indicator against one benchmark (codes and numbers; the edges translate ``status``)."""

    city_year: int
    city_value: float
    status: Status
    reached_year: float | None  # fractional year (interpolated); the first observed year for before_data
    gap_years: float | None  # city_year - reached_year (a lower bound for before_data)
    benchmark_year: int
    benchmark_value: float
    required_growth: float | None  # per year, to reach benchmark_value in `years`; None when already there
    years: int


def _series(points: Mapping[int, float] | Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
    items = points.items() if isinstance(points, Mapping) else points
    out = []
    for year, value in items:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        out.append((int(year), float(value)))
    out.sort()
    for (y0, _), (y1, _) in zip(out, out[1:], strict=False):
        if y0 == y1:
            raise InsightError(f"同一年（{y0}）出现了两个数值", code="lag_year_repeated", year=y0)
    return out


def year_reached(
    benchmark: Mapping[int, float] | Iterable[tuple[int, float]],
    target: float,
    *,
    higher_is_better: bool = True,
) -> tuple[Status, float | None]:
    """When the benchmark first reached ``target``: ``(status, year)`` (see the module documentation)."""
    series = _series(benchmark)
    if not series:
        raise InsightError("对标城市没有数据", code="lag_benchmark_no_data")
    sign = 1.0 if higher_is_better else -1.0

    def at_least(v: float) -> bool:
        return sign * v >= sign * target

    first_year, first_value = series[0]
    if at_least(first_value):
        return "before_data", float(first_year)
    for (y0, v0), (y1, v1) in zip(series, series[1:], strict=False):
        if at_least(v1):
            # v0 < target <= v1 (in the indicator's direction): linear interpolation
            return "reached", y0 + (target - v0) / (v1 - v0) * (y1 - y0)
    return "not_reached", None


def required_growth(current: float, target: float, years: int) -> float | None:
    """Yearly growth rate that takes ``current`` to ``target`` in ``years`` years (None when not meaningful)."""
    if years <= 0 or current <= 0 or target <= 0:
        return None
    return (target / current) ** (1.0 / years) - 1.0


def lag_years(
    city: Mapping[int, float] | Iterable[tuple[int, float]],
    benchmark: Mapping[int, float] | Iterable[tuple[int, float]],
    *,
    year: int | None = None,
    years: int = 5,
    higher_is_better: bool = True,
) -> Lag:
    """The city's latest value (or the value of ``year``) against the benchmark's whole series."""
    city_series = _series(city)
    bench_series = _series(benchmark)
    if not city_series:
        raise InsightError("本市没有数据", code="lag_city_no_data")
    if not bench_series:
        raise InsightError("对标城市没有数据", code="lag_benchmark_no_data")
    if year is None:
        city_year, city_value = city_series[-1]
    else:
        found = dict(city_series).get(int(year))
        if found is None:
            raise InsightError(f"本市没有{year}年的数据", code="lag_city_no_data_for_year", year=year)
        city_year, city_value = int(year), found
    bench_year, bench_value = bench_series[-1]
    status, reached = year_reached(bench_series, city_value, higher_is_better=higher_is_better)
    gap = None if reached is None else city_year - reached
    behind = (bench_value > city_value) if higher_is_better else (bench_value < city_value)
    growth = required_growth(city_value, bench_value, years) if behind else None
    return Lag(
        city_year=city_year,
        city_value=city_value,
        status=status,
        reached_year=reached,
        gap_years=gap,
        benchmark_year=bench_year,
        benchmark_value=bench_value,
        required_growth=growth,
        years=years,
    )


def lag_phrase(lag: Lag | None, *, short: bool = False) -> tuple[str, dict[str, str]]:
    """How a lag is said, as ``(code, params)``: the edges say the code's sentence in the user's language
    (``zhaoshang.insight.messages.LAG_TEXTS``). ``short`` is the report's table cell; ``None`` is no data."""
    if lag is None:
        return "lag_no_data", {}
    if lag.status == "not_reached":
        return ("lag_not_reached_short" if short else "lag_not_reached"), {}
    gap = lag.gap_years or 0.0
    if lag.status == "before_data":
        return ("lag_before_data_short" if short else "lag_before_data"), {"gap": f"{gap:.1f}"}
    if gap < 0:
        return "lag_ahead", {"gap": f"{-gap:.1f}"}
    return "lag_behind", {"gap": f"{gap:.1f}"}
