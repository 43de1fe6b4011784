"""Data shown in charts never runs as HTML, and the pages load under a self-only Content-Security-Policy."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PLANTED = '<img src=x onerror="window.__planted=1">'


@pytest.fixture
def planted_chain(transactional_db, cast):
    from zhaoshang.chains import services
    from zhaoshang.chains.analysis.spec import from_dict

    spec = from_dict(
        {
            "slug": "planted",
            "name": "植入链",
            "nodes": [{"key": "bad", "name": PLANTED, "weight": 1.0, "keywords": ["x"]}],
        }
    )
    return services.load_chain(cast.admin, spec)


def test_a_node_name_holding_html_is_shown_as_text_in_the_map_tooltip(page, login, planted_chain, cast):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    login(cast.chain_office.username, PASSWORD)
    response = page.goto(page.base_url + "/chains/planted/?region=430200")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#chain-map[data-ready='1'] canvas")
    shown = page.evaluate(
        """() => {
        const chart = document.getElementById('chain-map').chart;
        const data = chart.getModel().getSeriesByIndex(0).getData();
        for (let i = 0; i < data.count(); i++) {
            if (data.getRawDataItem(i).key === 'bad') {
                chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});
                return true;
            }
        }
        return false;
    }"""
    )
    assert shown
    page.wait_for_function(
        "() => [...document.querySelectorAll('div')].some(d => d.innerText.includes('onerror'))"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__planted") is None
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    assert errors == []


def test_the_language_switch_works_without_inline_script(page, login, cast):
    login(cast.officer.username, PASSWORD)
    page.goto(page.base_url + "/")
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert page.evaluate("() => document.documentElement.lang") == "en"
