"""The small things: handover keeps history and tells both owners, the carrier price's unit, the investor picked
from the registry, the chain-node field on the new-project form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.notifications.models import Notification
from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import Project, Task

pytestmark = pytest.mark.django_db


def test_a_handover_keeps_the_history_moves_open_callbacks_and_tells_both_owners(cast, make_project):
    project = make_project()
    services.record_followup(cast.owner, project, date=dt.date(2026, 12, 1), content="初次接触")
    before = list(project.followups.values_list("pk", flat=True))
    services.update_project(cast.owner, project, owner=cast.colleague)
    project.refresh_from_db()
    assert project.owner == cast.colleague
    assert list(project.followups.values_list("pk", flat=True)) == before
    assert Task.objects.get(project=project, kind=Task.Kind.CALLBACK).assignee == cast.colleague
    assert Notification.objects.filter(user=cast.colleague, kind="project_handed_over").exists()
    assert Notification.objects.filter(user=cast.owner, kind="project_handed_over").exists()


def test_a_carriers_price_shows_its_unit(cast, client_for):
    services.save_carrier(
        cast.owner, organisation=cast.park, name="一号地块", kind="land", price=Decimal("25")
    )
    services.save_carrier(
        cast.owner, organisation=cast.park, name="二号厂房", kind="factory", price=Decimal("18")
    )
    page = client_for(cast.owner).get(reverse("pipeline:carriers")).content.decode()
    assert "万元/亩" in page and "元/㎡·月" in page


def test_the_investor_is_suggested_from_the_shared_registry(cast, client_for):
    from zhaoshang.registry.models import Enterprise

    Enterprise.objects.create(
        name="甲园区电池科技有限公司", name_key="甲园区电池科技", organisation=cast.park
    )
    Enterprise.objects.create(
        name="乙园区电池材料有限公司", name_key="乙园区电池材料", organisation=cast.other_park
    )
    page = (
        client_for(cast.owner)
        .get(reverse("pipeline:investor_options"), {"investor_name": "电池"})
        .content.decode()
    )
    # the registry is shared (issue 8): a firm another park imported is suggested too
    assert "甲园区电池科技有限公司" in page and "乙园区电池材料有限公司" in page
    assert (
        client_for(cast.handler)
        .get(reverse("pipeline:investor_options"), {"investor_name": "电池"})
        .status_code
        == 403
    )


def test_the_new_project_form_has_a_chain_node_field_and_saves_it(cast, client_for):
    from zhaoshang.chains.models import Chain, ChainNode

    chain = Chain.objects.create(slug="rail", name="轨道交通")
    node = ChainNode.objects.create(chain=chain, key="bogie", name="转向架", path="bogie")
    client = client_for(cast.owner)
    page = client.get(reverse("pipeline:new")).content.decode()
    assert 'name="nodes"' in page and "轨道交通 · 转向架" in page and 'list="investor-options"' in page
    response = client.post(
        reverse("pipeline:new"),
        {
            "name": "转向架项目",
            "organisation": cast.park.pk,
            "owner": cast.owner.pk,
            "source": "other",
            "nodes": [node.pk],
            "investor_name": "转向架制造有限公司",
            "need_area_unit": "m2",
        },
    )
    assert response.status_code == 302
    assert list(Project.objects.get(name="转向架项目").nodes.all()) == [node]


def test_stage_names_follow_the_users_language(cast, client_for, make_project):
    from django.utils import translation

    from zhaoshang.pipeline import config

    with translation.override("en"):
        assert config.stage_name("signed") == "Signed"
    with translation.override("zh-hans"):
        assert config.stage_name("signed") == "签约"
    project = make_project()
    client = client_for(cast.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("pipeline:detail", args=[project.pk])).content.decode()
    assert "Lead" in page and "Negotiation" in page
