"""The chain map on a 360 px phone: no sideways scroll, the chain as an expandable list of segments → nodes, a
tapped node's panel opens right where the tap was, and 确认 / 否定 sit under the thumb."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def _leaf(key, name, keywords, **extra):
    return {"key": key, "name": name, "weight": 1 / 6, "keywords": keywords, **extra}


@pytest.fixture
def long_chain(transactional_db, cast):
    """Three segments of six nodes each (a page far taller than the phone), a missing key node whose only local
    firm fits by industry code (a candidate to verify)."""
    from zhaoshang.chains import services
    from zhaoshang.chains.analysis.spec import from_dict
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    segments = []
    for s, seg in enumerate(("上游", "中游", "下游")):
        leaves = [_leaf(f"n{s}{i}", f"{seg}环节{i}", [f"{seg}环节{i}产品"]) for i in range(6)]
        segments.append({"key": f"s{s}", "name": seg, "weight": 1 / 3, "children": leaves})
    segments[2]["children"][5] = _leaf(
        "turnout", "道岔", ["道岔"], key_node=True, industry_codes=["3716"], card={"what": "轨道转辙设备"}
    )
    chain = services.load_chain(
        cast.admin, from_dict({"slug": "phone-rail", "name": "手机轨交链", "nodes": segments})
    )
    for i, (name, scope, code) in enumerate(
        [
            ("株洲上游一号有限公司", "上游环节0产品", ""),
            ("株洲中游二号有限公司", "中游环节1产品", ""),
            ("株洲轨道配件有限公司", "机械零部件加工与销售", "3716"),
        ]
    ):
        audit.create(
            cast.admin,
            Enterprise,
            name=name,
            name_key=f"phone{i}",
            scope=scope,
            region_code="430211",
            industry_code=code,
            organisation=cast.park,
        )
    services.classify_enterprises(cast.admin)
    return chain


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    page.goto(page.base_url + "/accounts/login/")
    yield page
    context.close()


def _login(page, user):
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def _fits(page) -> bool:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width <= inner


def _in_view(page, box) -> bool:
    height = page.evaluate("window.innerHeight")
    return box is not None and 0 <= box["y"] < height and box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_the_chain_map_on_a_phone_is_a_list_and_a_tapped_nodes_panel_opens_where_the_tap_was(
    phone, cast, long_chain, tmp_path
):
    from zhaoshang.chains.models import NodeAssignment

    _login(phone, cast.chain_office)
    phone.goto(phone.base_url + "/chains/phone-rail/?region=430200")
    assert _fits(phone)
    assert not phone.is_visible("#chain-map")  # the unreadable 20 px chart is not drawn on a phone
    tree = phone.locator("[data-testid=phone-tree]")
    assert tree.is_visible()
    # the segment holding the missing key node is open; the others open with a tap
    assert phone.locator("details[data-segment=s2]").get_attribute("open") is not None
    assert phone.locator("details[data-segment=s0]").get_attribute("open") is None
    phone.locator("details[data-segment=s0] > summary").tap()
    assert phone.locator("li[data-node=n00]").is_visible()
    assert "上游环节0" in phone.inner_text("li[data-node=n00]")

    # a node far down the page: its panel opens right under it, in the viewport
    node = phone.locator("li[data-node=n24] .tree-tap")
    node.scroll_into_view_if_needed()
    tapped = node.bounding_box()
    node.tap()
    card = phone.wait_for_selector("#slot-n24 [data-testid=node-card][data-node=n24]")
    box = card.bounding_box()
    assert _in_view(phone, box), box
    assert 0 <= box["y"] - (tapped["y"] + tapped["height"]) < 120  # just below the tapped name
    assert phone.evaluate("window.scrollY") > 740  # far down the page, not the top where the chart would be
    assert _fits(phone)

    # the key node with a candidate to verify: 确认 under the thumb, decided in place
    key = phone.locator("li[data-node=turnout] .tree-tap")
    key.scroll_into_view_if_needed()
    key.tap()
    card = phone.wait_for_selector("#slot-turnout [data-testid=node-card]")
    assert "轨道转辙设备" in card.inner_text()
    confirm = phone.locator("#slot-turnout [data-testid=candidates] button[data-verb=confirm]")
    confirm.scroll_into_view_if_needed()
    button = confirm.bounding_box()
    assert _in_view(phone, button) and button["height"] >= 44, button
    assert _in_view(phone, phone.locator("#slot-turnout button[data-verb=reject]").bounding_box())
    confirm.tap()
    phone.wait_for_selector("#slot-turnout [data-testid=local-firms] >> text=株洲轨道配件有限公司")
    assert NodeAssignment.objects.get(node__key="turnout").status == NodeAssignment.Status.CONFIRMED
    assert _fits(phone)
    phone.screenshot(path=tmp_path / "chain-map-phone.png")


def test_the_review_queue_on_a_phone_puts_confirm_and_reject_under_the_thumb(phone, cast, long_chain):
    _login(phone, cast.chain_office)
    phone.goto(phone.base_url + "/chains/review/")
    assert _fits(phone)
    row = phone.locator("[data-testid=review-table] tbody tr").first
    for verb in ("Confirm", "确认"), ("Reject", "否定"):
        button = row.locator(f"button:has-text('{verb[1]}'), button:has-text('{verb[0]}')").first
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert _in_view(phone, box) and box["height"] >= 44, (verb, box)
    row.locator("button.primary").tap()
    phone.wait_for_selector("[data-testid=review-table] tbody tr >> text=已确认")
    assert _fits(phone)
