"""Chain exports (assignments, target list, chain file) never write a formula from a firm or node name."""

from __future__ import annotations

import pytest
from tests.tabular.xlsx_checks import PLANTED, assert_planted_is_text

from zhaoshang.chains import services

pytestmark = pytest.mark.django_db


def test_planted_firm_names_come_out_of_the_assignments_and_the_target_list_as_text(
    cast, chain, make_firm, client_for
):
    make_firm(PLANTED + "IGBT公司", "IGBT模块", region_code="430211", organisation=cast.park)
    make_firm(PLANTED + "制动公司", "制动系统", region_code="320583", organisation=cast.park)
    services.classify_enterprises(cast.admin)
    client = client_for(cast.owner)
    assignments = client.get("/chains/mini-rail/assignments.xlsx?region=430200")
    assert assignments.status_code == 200
    found = assert_planted_is_text(assignments.content)
    assert any(c.data_type == "n" for c in found)  # the node score stays a number
    targets = client.get("/chains/mini-rail/targets.xlsx?region=430200")
    assert targets.status_code == 200
    found = assert_planted_is_text(targets.content)
    assert any(c.data_type == "n" and c.value == 1 for c in found)  # the rank stays a number
