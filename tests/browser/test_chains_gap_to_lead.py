"""An investment officer of a team finds a firm the administrator imported, opens the rail map, sees a missing key
node with its targets, and turns one into a lead — in a real browser."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

FIRMS = """企业名称,经营范围,行政区划代码,行业代码,注册资本
株洲畅映走行部有限公司,转向架的研发与制造,430211,3716,5000万元
株洲恒达走行部有限公司,转向架构架焊接,430202,3716,800万元
株洲远景走行部有限公司,转向架组装,430211,3716,300万元
株洲鼎盛轨道装备有限公司,轨道交通装备配件、机械零部件的加工与销售,430211,3716,1000万元
秦皇岛示例道岔有限公司,高速道岔、辙叉的研发与制造,130302,3716,50000万元
长沙示例道岔配件有限公司,道岔配件,430104,3716,900万元
"""


@pytest.fixture
def city(transactional_db, cast, tmp_path):
    from zhaoshang.chains import services
    from zhaoshang.chains.analysis.spec import from_dict
    from zhaoshang.registry.services import import_enterprises

    spec = from_dict(
        {
            "slug": "city-rail",
            "name": "小城轨交链",
            "nodes": [
                {
                    "key": "parts",
                    "name": "部件",
                    "weight": 1.0,
                    "children": [
                        {
                            "key": "bogie",
                            "name": "转向架",
                            "weight": 0.5,
                            "key_node": True,
                            "keywords": ["转向架"],
                            "industry_codes": ["3716"],
                        },
                        {
                            "key": "turnout",
                            "name": "道岔",
                            "weight": 0.5,
                            "key_node": True,
                            "keywords": ["道岔", "辙叉"],
                            "industry_codes": ["3716"],
                        },
                    ],
                },
            ],
        }
    )
    chain = services.load_chain(cast.admin, spec)
    path = tmp_path / "firms.csv"
    path.write_text(FIRMS, encoding="utf-8")
    import_enterprises(cast.admin, path, cast.city)  # the administrator imports; placed on nodes on arrival
    return chain


def test_an_officer_finds_the_administrators_firm_sees_a_missing_key_node_and_makes_a_target_a_lead(
    page, login, city, cast
):
    from zhaoshang.pipeline.models import Project
    from zhaoshang.registry.models import Enterprise

    assert (
        Enterprise.objects.get(name="株洲畅映走行部有限公司").organisation == cast.city
    )  # not the officer's team
    login(cast.officer.username, PASSWORD)
    page.goto(page.base_url + "/registry/?q=畅映")  # the brand in the middle of the name, two characters
    assert "株洲畅映走行部有限公司" in page.inner_text("main")

    page.goto(page.base_url + "/chains/city-rail/?region=430200")
    missing = page.locator("[data-testid=missing-key-nodes] li[data-node=turnout]")
    assert "秦皇岛示例道岔有限公司" in missing.inner_text()
    assert (
        "株洲鼎盛轨道装备有限公司" not in missing.inner_text()
    )  # a firm that fits by code only is no coverage
    assert page.inner_text("[data-testid=candidates-total]").strip() == "4"
    missing.locator("a").first.click()
    card = page.wait_for_selector("[data-testid=node-card][data-node=turnout]")
    assert "株洲鼎盛轨道装备有限公司" in page.inner_text("[data-testid=candidates]")
    target = page.locator("[data-testid=targets] li", has_text="秦皇岛示例道岔有限公司")
    assert "道岔" in target.inner_text() and card is not None
    target.locator("[data-testid=lead-from-target] button").click()
    page.wait_for_url("**/pipeline/**")
    project = Project.objects.get(investor__name="秦皇岛示例道岔有限公司")
    assert project.organisation == cast.officer.organisation and project.owner == cast.officer
    assert [n.key for n in project.nodes.all()] == ["turnout"]
    assert "秦皇岛示例道岔有限公司" in page.inner_text("main")
