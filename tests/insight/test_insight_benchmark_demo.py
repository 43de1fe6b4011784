"""The demo indicators: every figure marked 示例, loaded through the import, idempotent."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_indicators_are_all_marked_as_examples_and_a_rerun_changes_nothing():
    from zhaoshang.core.models import AuditEntry
    from zhaoshang.demo import DemoContext
    from zhaoshang.insight import benchmark, demo
    from zhaoshang.insight.models import IndicatorValue

    demo.build(DemoContext())
    values = IndicatorValue.objects.all()
    assert values.count() == len(demo.CITIES) * len(demo.INDICATORS) * len(demo.YEARS)
    assert not values.filter(example=False).exists()
    assert set(values.values_list("source", flat=True)) == {demo.SOURCE}
    fdi = values.get(region="株洲市", indicator__name="实际使用外资", year=2012)
    assert fdi.unit == "亿美元" and fdi.value == pytest.approx(6.2)  # 62,000 万美元
    audited = AuditEntry.objects.count()
    demo.build(DemoContext())
    assert IndicatorValue.objects.count() == values.count() and AuditEntry.objects.count() == audited
    rows = benchmark.lag_between("株洲", "昆山")
    gdp = next(r for r in rows if r.indicator == "地区生产总值")
    assert gdp.example and gdp.lag.status == "reached" and gdp.lag.gap_years > 5
    sim = benchmark.similar_cities(
        benchmark.collect(IndicatorValue.objects.all()), "株洲市", ["地区生产总值", "常住人口"]
    )
    assert sim.year == 2023 and sim.ranking[0][0] == "湘潭市"


def test_the_benchmark_page_runs_a_fixed_number_of_queries(client_for, cast, django_assert_max_num_queries):
    from zhaoshang.demo import DemoContext
    from zhaoshang.insight import demo

    demo.build(DemoContext())
    c = client_for(cast.officer)
    c.get("/insight/benchmark/")  # warm the session
    with django_assert_max_num_queries(12):
        response = c.get("/insight/benchmark/")
    assert response.status_code == 200 and response.content.decode().count('data-testid="chart"') == 5
