"""A chain target becomes a lead with one click: the view, its scoping and the button the chains page includes."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from zhaoshang.pipeline.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(cast):
    from zhaoshang.chains.models import Chain, ChainNode
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    chain = Chain.objects.create(slug="rail", name="轨道交通")
    node = ChainNode.objects.create(chain=chain, key="bogie", name="转向架", path="转向架")
    firm = audit.create(
        cast.admin, Enterprise, name="某转向架科技有限公司", name_key="某转向架科技", organisation=cast.park
    )
    hidden = audit.create(
        cast.admin,
        Enterprise,
        name="乙园区的企业有限公司",
        name_key="乙园区的企业",
        organisation=cast.other_park,
    )
    return {"chain": chain, "node": node, "firm": firm, "hidden": hidden}


def _post(client, target, firm=None, **extra):
    data = {"chain": "rail", "node": "bogie", "enterprise": (firm or target["firm"]).pk, **extra}
    return client.post(reverse("pipeline:from_target"), data)


def test_one_click_makes_the_target_a_lead_of_the_users_team_and_a_second_click_finds_it(
    cast, client_for, target
):
    client = client_for(cast.owner)
    response = _post(client, target)
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "pipeline:detail", args=[project.pk]
    )
    assert (project.stage, project.source, project.organisation, project.owner) == (
        "lead",
        "target_list",
        cast.park,
        cast.owner,
    )
    assert project.investor == target["firm"] and list(project.nodes.all()) == [target["node"]]
    again = _post(client, target)
    assert again["Location"] == response["Location"] and Project.objects.count() == 1


def test_the_one_click_needs_a_login_and_the_right_to_add_projects(cast, client, client_for, target):
    response = _post(client, target)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _post(client_for(cast.leader), target).status_code == 403
    assert _post(client_for(cast.handler), target).status_code == 403
    assert Project.objects.count() == 0


def test_a_firm_another_organisation_imported_becomes_a_lead_of_the_users_own_team_with_the_duplicate_warning(
    cast, client_for, target
):
    from zhaoshang.pipeline import services

    first = _post(
        client_for(cast.outsider), target, firm=target["hidden"]
    )  # the importing park works it already
    assert first.status_code == 302
    response = _post(client_for(cast.owner), target, firm=target["hidden"])
    assert response.status_code == 302 and Project.objects.count() == 2
    mine = Project.objects.get(organisation=cast.park)
    assert mine.investor == target["hidden"] and mine.owner == cast.owner
    assert services.duplicate_investor_warning(
        mine
    )  # the other team's project on the same investor is flagged
    assert (
        client_for(cast.owner)
        .get(reverse("pipeline:detail", args=[Project.objects.get(organisation=cast.other_park).pk]))
        .status_code
        == 404
    )


def test_an_unknown_firm_cannot_be_made_a_lead(cast, client_for, target):
    response = _post(client_for(cast.owner), target, firm=type("F", (), {"pk": 999999})())
    assert response.status_code == 404 and Project.objects.count() == 0


def test_an_unknown_node_says_so_and_never_redirects_off_site(cast, client_for, target):
    client = client_for(cast.owner)
    response = client.post(
        reverse("pipeline:from_target"),
        {"chain": "rail", "node": "nope", "enterprise": target["firm"].pk, "next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == reverse("pipeline:list")
    assert "产业链「rail」中没有节点「nope」" in response.content.decode()
    response = client.post(
        reverse("pipeline:from_target"),
        {
            "chain": "rail",
            "node": "nope",
            "enterprise": target["firm"].pk,
            "next": "/chains/rail/?node=bogie",
        },
    )
    assert response["Location"] == "/chains/rail/?node=bogie"


def _render_button(user, target):
    request = RequestFactory().get(
        "/chains/rail/node/bogie/", HTTP_HX_CURRENT_URL="http://testserver/chains/rail/?node=bogie"
    )
    request.user = user
    template = Template("{% load pipeline_leads %}{% lead_button chain.slug node.key firm.pk %}")
    return template.render(
        Context(
            {"request": request, "chain": target["chain"], "node": target["node"], "firm": target["firm"]}
        )
    )


def test_the_button_for_the_chains_target_list_posts_to_the_one_click_view_for_users_who_may_add(
    cast, target
):
    html = _render_button(cast.owner, target)
    assert f'action="{reverse("pipeline:from_target")}"' in html
    for name, value in (("chain", "rail"), ("node", "bogie"), ("enterprise", str(target["firm"].pk))):
        assert f'name="{name}" value="{value}"' in html
    assert 'name="next" value="http://testserver/chains/rail/?node=bogie"' in html
    assert "from-target" not in _render_button(cast.leader, target)
