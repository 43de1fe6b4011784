"""The chain map, review queue, region comparison and target export in a real browser."""

from __future__ import annotations

import re

import openpyxl
import pytest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def rail(transactional_db, cast):
    from zhaoshang.chains import services
    from zhaoshang.chains.analysis.spec import from_dict
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    spec = from_dict(
        {
            "slug": "mini-rail",
            "name": "迷你轨交链",
            "nodes": [
                {
                    "key": "up",
                    "name": "上游",
                    "weight": 0.4,
                    "children": [
                        {
                            "key": "igbt",
                            "name": "IGBT模块",
                            "weight": 0.5,
                            "key_node": True,
                            "keywords": ["IGBT"],
                            "card": {"what": "功率半导体器件"},
                        },
                        {"key": "bearing", "name": "轴承", "weight": 0.5, "keywords": ["轴承"]},
                    ],
                },
                {
                    "key": "mid",
                    "name": "中游",
                    "weight": 0.6,
                    "children": [
                        {"key": "brake", "name": "制动系统", "weight": 1.0, "keywords": ["制动系统"]}
                    ],
                },
            ],
        }
    )
    chain = services.load_chain(cast.admin, spec)
    for i, (name, scope, region) in enumerate(
        [
            ("株洲一", "IGBT模块", "430211"),
            ("株洲二", "IGBT", "430211"),
            ("株洲三", "IGBT芯片", "430211"),
            ("株洲四", "制动系统", "430211"),
            ("洛阳轴承示例", "轴承制造", "410305"),
            ("长沙制动示例", "制动系统", "430104"),
        ]
    ):
        audit.create(
            cast.admin,
            Enterprise,
            name=name,
            name_key=f"k{i}",
            scope=scope,
            region_code=region,
            organisation=cast.city,
        )
    services.classify_enterprises(cast.admin)
    return chain


def test_the_chain_office_walks_the_map_the_queue_the_comparison_and_the_export(
    page, login, rail, cast, tmp_path
):
    login(cast.chain_office.username, PASSWORD)
    page.goto(page.base_url + "/chains/mini-rail/?region=430200")
    page.wait_for_selector("#chain-map[data-ready='1'] canvas")
    assert (
        page.inner_text("[data-testid=completeness]").strip() == "50%"
    )  # igbt strong 0.2 + brake weak 0.6 × 0.5; bearing missing
    # a real click on the map's 轴承 node opens its card
    point = page.evaluate("""() => {
        const chart = document.getElementById('chain-map').chart;
        const series = chart.getModel().getSeriesByIndex(0);
        const data = series.getData();
        const origin = series.layoutInfo || {x: 0, y: 0};
        for (let i = 0; i < data.count(); i++) {
            if (data.getRawDataItem(i).key === 'bearing') { const p = data.getItemLayout(i); return {x: p.x + origin.x, y: p.y + origin.y}; }
        }
        return null;
    }""")
    # the drawn tree is coloured by status: igbt strong, brake weak, bearing missing
    colours = page.evaluate("""() => {
        const data = document.getElementById('chain-map').chart.getModel().getSeriesByIndex(0).getData();
        const out = {};
        for (let i = 0; i < data.count(); i++) {
            const key = data.getRawDataItem(i).key;
            if (key) out[key] = data.getItemVisual(i, 'style').fill;
        }
        return out;
    }""")
    from zhaoshang.chains.views import STATUS_COLOURS

    assert (colours["igbt"], colours["brake"], colours["bearing"]) == (
        STATUS_COLOURS["strong"],
        STATUS_COLOURS["weak"],
        STATUS_COLOURS["missing"],
    )
    box = page.locator("#chain-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    card = page.wait_for_selector("[data-testid=node-card][data-node=bearing]")
    assert "洛阳轴承示例" in card.inner_text()
    page.click("[data-testid=node-table] >> text=IGBT模块")
    page.wait_for_selector("[data-testid=node-card][data-node=igbt]")
    assert "功率半导体器件" in page.inner_text("[data-testid=node-card]")
    assert "株洲一" in page.inner_text("[data-testid=local-firms]")

    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    path = tmp_path / "targets.xlsx"
    download.value.save_as(path)
    text = " ".join(
        str(c.value) for row in openpyxl.load_workbook(path).active.iter_rows() for c in row if c.value
    )
    assert "洛阳轴承示例" in text and "长沙制动示例" in text
    with page.expect_download() as download:
        page.click("[data-testid=export-docx]")
    assert download.value.suggested_filename.endswith(".docx")
    import docx

    path = tmp_path / "targets.docx"
    download.value.save_as(path)
    document = docx.Document(path)
    words = " ".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "洛阳轴承示例" in words and "长沙制动示例" in words

    page.goto(page.base_url + "/chains/review/")
    row = page.locator("[data-testid=review-table] tr", has_text="株洲一")
    row.get_by_role("button", name=re.compile("确认|Confirm")).click()
    page.wait_for_selector(
        "[data-testid=review-table] tr:has-text('株洲一') .badge:not([data-evidence])"
    )  # the decision's badge
    from zhaoshang.chains.models import NodeAssignment

    assert NodeAssignment.objects.get(enterprise__name="株洲一").status == "confirmed"

    page.goto(page.base_url + "/chains/mini-rail/compare/?regions=430200,430100")
    table = page.inner_text("[data-testid=compare-table]")
    assert "株洲市" in table and "长沙市" in table
