from __future__ import annotations

import math
from typing import Any

import pytest
from tests.shared_data import SHARED_DATA, absent

from zhaoshang.chains.analysis.bom import GROUPS, WEIGHT_SOURCE, bom_to_chain, read_bom, summary
from zhaoshang.chains.analysis.spec import from_dict

BOM_DIR = SHARED_DATA / "bom"
pytestmark = pytest.mark.skipif(
    absent(BOM_DIR), reason=f"{BOM_DIR} not found: ../shared is not beside the project"
)
NODE_FIELDS = {
    "key",
    "name",
    "name_en",
    "weight",
    "weight_source",
    "weight_estimate",
    "key_node",
    "aliases",
    "keywords",
    "exclude",
    "industry_codes",
    "hs_codes",
    "card",
    "children",
}


@pytest.fixture(scope="module")
def chain() -> dict[str, Any]:
    return bom_to_chain(
        read_bom(BOM_DIR / "mnt_reform_motherboard.csv", name="MNT Reform 主板"), slug="mnt-reform-mb"
    )


def test_the_chain_has_the_schema_fields_and_groups_at_level_one(chain: dict[str, Any]) -> None:
    assert set(chain) == {"slug", "name", "name_en", "description", "source", "nodes", "links"}
    assert chain["slug"] == "mnt-reform-mb" and chain["links"] == []
    assert [node["key"] for node in chain["nodes"]] == [
        "passive",
        "semiconductor",
        "electromechanical",
        "other",
    ]
    assert {node["name"] for node in chain["nodes"]} == {name for name, _ in GROUPS.values()}
    for group in chain["nodes"]:
        assert set(group) == NODE_FIELDS
        for child in group["children"]:
            assert set(child) == NODE_FIELDS and child["children"] == []
            assert child["key"].isascii() and child["weight_source"] == WEIGHT_SOURCE


def test_sibling_weights_sum_to_one_at_both_levels(chain: dict[str, Any]) -> None:
    assert math.isclose(sum(node["weight"] for node in chain["nodes"]), 1.0, abs_tol=1e-9)
    for group in chain["nodes"]:
        assert math.isclose(sum(child["weight"] for child in group["children"]), 1.0, abs_tol=1e-9)


def test_weights_are_shares_of_the_part_count(chain: dict[str, Any]) -> None:
    passive = next(node for node in chain["nodes"] if node["key"] == "passive")
    capacitor = next(child for child in passive["children"] if child["key"] == "capacitor")
    passive_parts = sum(child["card"]["bom_parts"] for child in passive["children"])
    assert capacitor["card"]["bom_parts"] == 170
    assert capacitor["weight"] == pytest.approx(170 / passive_parts, abs=1e-4)
    assert passive["weight"] == pytest.approx(passive_parts / 492, abs=1e-4)
    assert capacitor["hs_codes"] == ["8532"] and capacitor["industry_codes"] == ["3981"]


def test_the_chain_loads_with_the_chain_file_parser(chain: dict[str, Any]) -> None:
    spec = from_dict(chain, file="mnt.yaml")
    assert spec.node("ic_power").name == "集成电路-电源管理"
    assert spec.node("ic_power").key_node is True
    assert sum(spec.node(key).abs_weight for key in spec.leaves) == pytest.approx(1.0)


def test_the_chain_leaves_are_the_summary_nodes() -> None:
    bom = read_bom(BOM_DIR / "mnt_reform_keyboard.csv", name="键盘")
    chain = bom_to_chain(bom)
    leaves = {child["name"] for group in chain["nodes"] for child in group["children"]}
    assert leaves == {node["name"] for node in summary(bom)["nodes"]}
    assert chain["slug"].isascii() and chain["slug"]
