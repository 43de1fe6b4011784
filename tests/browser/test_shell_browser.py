import pytest
from playwright.sync_api import expect
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_logs_in_switches_to_english_and_logs_out(page, login, transactional_db):
    from tests.conftest import Cast

    Cast()
    login("t-owner", PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"
    assert "甲园区" in page.content()
    page.select_option("[data-testid=language]", "en")
    # The switch submits a form; wait for the reloaded page rather than the current one.
    expect(page.locator("h1")).to_have_text("Workbench")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")
    assert page.locator("input[name=username]").is_visible()
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url


def test_the_menu_folds_on_a_phone(page, login, transactional_db, tmp_path):
    from tests.conftest import Cast

    Cast()
    page.set_viewport_size({"width": 375, "height": 740})
    login("t-owner", PASSWORD)
    assert not page.locator(".mainnav").is_visible()
    page.click(".nav-toggle-label")
    assert page.locator(".mainnav").is_visible()
    shot = tmp_path / "phone.png"  # a picture to look at when the layout breaks
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 0
