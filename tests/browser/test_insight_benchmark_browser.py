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


def test_the_peers_and_import_pages_fit_a_phone_and_the_peers_form_saves(page, login, officer, tmp_path):
    page.set_viewport_size({"width": 360, "height": 740})
    login(*officer)
    for path in ("/insight/benchmark/import/", "/insight/benchmark/peers/"):
        page.goto(page.base_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"horizontal scroll of {overflow}px on {path}"
    page.fill("input[name=peers]", "湘潭、深圳")
    page.click("[data-testid=peers-form] button[type=submit]")
    page.wait_for_url("**/insight/benchmark/")
    assert "湘潭市、深圳市" in page.locator("[data-testid=peer-list]").inner_text()
    assert page.locator("[data-testid=lag-table] tbody tr").count() == 5 * 2
    page.screenshot(path=str(tmp_path / "peers-saved-360.png"), full_page=True)
