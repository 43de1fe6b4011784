"""What to attract next in a real browser: the opportunity list at 360 px and on a desktop, a strategy change
through htmx, the explanation and the link to the chain's target list; the complexity space draws."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD
from tests.insight.analysis_world import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, cast):
    from zhaoshang.insight.analysis_services import build_snapshot

    build_world(cast)
    build_snapshot(cast.admin, by="node", level="city")
    return cast


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_opportunity_page_works_on_a_phone_and_a_desktop(world, page, login, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 800})
    login(world.officer.username, PASSWORD)
    page.goto(page.base_url + "/insight/next/")
    first = page.locator("[data-testid=opportunities] li.opp").first
    assert "IGBT模块" in first.inner_text()
    assert "牵引变流器" in first.locator("[data-testid=explanation]").inner_text()
    assert _no_horizontal_scroll(page)
    # a strategy change re-ranks through htmx, without a full page load, and says its weights
    page.select_option("[data-testid=preset]", "low_hanging")
    page.locator("[data-testid=weights]").filter(has_text="60%").wait_for()
    assert "preset=low_hanging" in page.url
    assert _no_horizontal_scroll(page)
    # the target list of the nodes we can do next downloads from the chains app
    with page.expect_download() as download:
        page.locator("[data-testid=target-list]").first.click()
    assert download.value.suggested_filename.startswith("targets-mini-rail")
    page.screenshot(path=str(tmp_path / f"next-{width}.png"), full_page=True)


def test_the_complexity_space_draws_with_the_present_activities(world, page, login):
    page.set_viewport_size({"width": 360, "height": 800})
    login(world.officer.username, PASSWORD)
    page.goto(page.base_url + "/insight/space/")
    page.wait_for_selector("#space-chart[data-ready='1']")
    assert page.locator("#space-chart canvas").count() >= 1
    assert _no_horizontal_scroll(page)


def test_the_supply_gap_page_fits_a_phone(world, page, login):
    import numpy as np

    from zhaoshang.insight.io import IOTable
    from zhaoshang.insight.models import InputOutputTable

    InputOutputTable.objects.create(
        name="t3",
        sectors=3,
        data=IOTable(
            codes=["1", "2", "3"],
            names=["农产品", "电子元器件", "铁路运输和城市轨道交通设备"],
            names_en=["a", "b", "c"],
            flows=np.array([[10.0, 20, 0], [30, 10, 40], [0, 10, 20]]),
            output=np.array([100.0, 200, 100]),
        ).to_json(),
    )
    page.set_viewport_size({"width": 360, "height": 800})
    login(world.officer.username, PASSWORD)
    page.goto(page.base_url + "/insight/supply/")
    page.select_option("[data-testid=sector]", "3")
    page.click("[data-testid=supply-form] button[type=submit]")
    page.locator("[data-testid=supply-table] tr[data-code='2']").wait_for()
    assert "电子元器件" in page.locator("[data-testid=supply-table]").inner_text()
    assert _no_horizontal_scroll(page)
