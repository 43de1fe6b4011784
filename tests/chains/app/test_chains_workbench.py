"""The chain office's workbench: missing key nodes, candidates to verify by impact, new targets since the last
visit; only the chain office gets it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from tests.chains.app.test_chains_small_city import city  # noqa: F401 - the small city fixture

from zhaoshang.accounts.roles import Role
from zhaoshang.chains import services
from zhaoshang.chains.models import TargetsSeen

pytestmark = pytest.mark.django_db
CN = dt.timezone(dt.timedelta(hours=8))


def _at(day: int):
    return time_machine.travel(dt.datetime(2026, 12, day, 9, 0, tzinfo=CN), tick=False)


def _panel(page: str) -> str:
    start = page.index('data-testid="panel-chain-office"')
    return page[start : page.index("</section>", start)]


def _list(panel: str, testid: str) -> list[str]:
    block = panel[panel.index(f'data-testid="{testid}"') :]
    block = block[: block.index("</ul>")]
    return re.findall(r'data-(?:node|target)="([^"]+)"', block)


def test_the_chain_office_sees_missing_key_nodes_and_candidates_highest_impact_first(cast, client_for, city):  # noqa: F811
    with _at(4):
        page = client_for(cast.chain_office).get(reverse("web:workbench")).content.decode()
    panel = _panel(page)
    assert "小城轨交链" in panel
    assert _list(panel, "office-missing-key") == ["turnout", "cbtc"]  # key nodes, by weight
    assert "外地目标 2 家" in panel  # 秦皇岛 and 长沙 make turnouts
    # key nodes first, a missing one (where one confirmation counts most) before a strong one; then the others
    assert _list(panel, "office-candidates")[:3] == ["turnout", "bogie", "door"]
    assert 'data-node="turnout" data-count="8"' in panel
    link = f"{reverse('chains:review')}?chain=city-rail&amp;node=turnout&amp;evidence=code_prior"
    assert link in panel


def test_the_review_link_of_a_node_lists_only_that_nodes_candidates(cast, client_for, city):  # noqa: F811
    page = client_for(cast.chain_office).get(
        reverse("chains:review"), {"chain": "city-rail", "node": "turnout", "evidence": "code_prior"}
    )
    html = page.content.decode()
    rows = re.findall(r"小城轨交链 / ([^<]+)</td>", html)
    assert set(rows) == {"部件 / 道岔"}
    firms = re.findall(r'<tr id="assignment-\d+">\s*<td>([^<]+)</td>', html)
    # the 8 local candidates the panel counts come first, then the one elsewhere
    assert (
        len(firms) == 9
        and all(f.startswith("株洲") for f in firms[:8])
        and firms[8] == "长沙轨道装备有限公司"
    )


def test_new_targets_are_those_not_on_the_list_at_the_previous_days_visit(cast, client_for, city, make_firm):  # noqa: F811
    client = client_for(cast.chain_office)
    with _at(3):
        first = _panel(client.get(reverse("web:workbench")).content.decode())
    assert 'data-testid="office-first-visit"' in first and _list(first, "office-new-targets") == []
    with _at(4):  # a maker of CBTC elsewhere arrives (classified on arrival)
        newcomer = make_firm(
            "上海信号系统有限公司", "CBTC信号系统研发", region_code="310115", industry_code="3891"
        )
        services.classify_enterprises(cast.admin)
        again = _panel(client.get(reverse("web:workbench")).content.decode())
        same_day = _panel(client.get(reverse("web:workbench")).content.decode())
    expected = [f"city-rail/cbtc/{newcomer.pk}"]
    assert _list(again, "office-new-targets") == expected
    assert _list(same_day, "office-new-targets") == expected  # a reload the same day still shows it
    assert "上海信号系统有限公司" in again
    with _at(5):
        next_day = _panel(client.get(reverse("web:workbench")).content.decode())
    assert _list(next_day, "office-new-targets") == []
    assert TargetsSeen.objects.filter(user=cast.chain_office).count() == 1


def test_an_office_named_after_a_chain_sees_that_chain_only(cast, client_for, city, chain):  # noqa: F811
    from tests.conftest import PASSWORD

    from zhaoshang.accounts.services import ensure_organisation, ensure_user

    office = ensure_organisation(
        None, code="t-rail-office", name="小城轨交链链长办", kind="bureau", parent=cast.city
    )
    user = ensure_user(
        None, username="t-rail", password=PASSWORD, organisation=office, role=Role.CHAIN_OFFICE
    )
    panel = _panel(client_for(user).get(reverse("web:workbench")).content.decode())
    assert 'data-chain="city-rail"' in panel and 'data-chain="mini-rail"' not in panel
    city_wide = _panel(client_for(cast.chain_office).get(reverse("web:workbench")).content.decode())
    assert 'data-chain="city-rail"' in city_wide and 'data-chain="mini-rail"' in city_wide


@pytest.mark.parametrize(
    "role",
    [
        Role.CITY_LEADER,
        Role.INVESTMENT_OFFICER,
        Role.PARK_ADMIN,
        Role.SERVICE_OFFICER,
        Role.DEPARTMENT_HANDLER,
        Role.SYSTEM_ADMIN,
    ],
)
def test_no_other_role_gets_the_chain_office_panel(cast, client_for, city, role):  # noqa: F811
    page = client_for(cast.by_role(role)).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-chain-office"' not in page
    assert not TargetsSeen.objects.exists()


def test_the_workbench_needs_login(client, city):  # noqa: F811
    response = client.get(reverse("web:workbench"))
    assert response.status_code == 302 and "login" in response["Location"]
