"""The benchmark page in a real browser: line charts drawn, no horizontal scroll at 360 px, and on a desktop."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(tmp_path):
    from tests.conftest import PASSWORD, Cast

    from zhaoshang.demo import DemoContext
    from zhaoshang.insight import demo

    cast = Cast()
    demo.build(DemoContext())
    return cast.officer.username, PASSWORD


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 900)])
def test_the_benchmark_page_draws_a_line_chart_per_indicator(page, login, officer, width, height, tmp_path):
    page.set_viewport_size({"width": width, "height": height})
    login(*officer)
    page.goto(page.base_url + "/insight/benchmark/")
    charts = page.locator("[data-testid=chart]")
    assert charts.count() == 5
    page.wait_for_selector("#bm-chart-0[data-ready='1']")
    assert page.locator("#bm-chart-0 canvas").count() >= 1
    assert page.locator("[data-testid=lag-table] tbody tr").count() == 5 * 4
    assert page.locator("[data-testid=example-warning]").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
    page.screenshot(path=str(tmp_path / f"benchmark-{width}.png"), full_page=False)
