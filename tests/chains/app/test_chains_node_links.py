"""A node panel's local firms link to their registry pages (only firms the user may see)."""

from __future__ import annotations

import pytest

from zhaoshang.chains import services

pytestmark = pytest.mark.django_db


def test_local_firms_in_a_node_panel_are_links_to_their_pages(client_for, cast, chain, make_firm):
    own = make_firm("株洲甲园区IGBT公司", "IGBT模块", region_code="430211", organisation=cast.park)
    other = make_firm("株洲乙园区IGBT公司", "IGBT模块", region_code="430202", organisation=cast.other_park)
    services.classify_enterprises(cast.admin)
    page = client_for(cast.owner).get("/chains/mini-rail/nodes/igbt/").content.decode()
    assert f'<a href="/registry/{own.pk}/">株洲甲园区IGBT公司</a>' in page
    assert f"/registry/{other.pk}/" not in page
