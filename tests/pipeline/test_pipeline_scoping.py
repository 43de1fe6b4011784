"""The scope decisions the pipeline's pages and API make, asked of `accounts.scoping` (no role check in a view)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import attachable, may_attach, report_organisations, sees_all
from zhaoshang.pipeline.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects(cast, make_project):
    return make_project("甲园区的项目"), make_project(
        "乙园区的项目", team=cast.other_park, owner=cast.outsider
    )


def test_only_a_superuser_or_a_role_scoped_to_all_sees_every_project(cast):
    assert sees_all(cast.admin, "project") and sees_all(cast.leader, "project")
    assert not sees_all(cast.owner, "project") and not sees_all(cast.outsider, "project")


def test_a_park_may_attach_follow_ups_only_to_its_own_projects(cast, two_projects):
    ours, theirs = two_projects
    assert list(attachable(cast.owner, "followup", Project.objects.all())) == [ours]
    assert list(attachable(cast.outsider, "followup", Project.objects.all())) == [theirs]
    assert may_attach(cast.owner, "followup", ours.organisation)
    assert not may_attach(cast.owner, "followup", theirs.organisation)
    assert not may_attach(cast.outsider, "coordination_item", ours.organisation)


def test_a_leader_sees_every_project_but_may_attach_nothing(cast, two_projects):
    assert set(attachable(cast.leader, "followup", Project.objects.all())) == set(two_projects)
    assert not may_attach(cast.leader, "followup", two_projects[0].organisation)
    assert may_attach(cast.admin, "followup", two_projects[1].organisation)


def test_a_user_without_an_organisation_may_attach_to_nothing(cast, two_projects):
    cast.owner.organisation = None
    assert not attachable(cast.owner, "followup", Project.objects.all()).exists()
    assert not may_attach(cast.owner, "followup", two_projects[0].organisation)


def test_the_meeting_pack_offers_a_park_its_own_subtree_and_a_leader_every_organisation(cast):
    assert set(report_organisations(cast.owner, "project")) == {cast.park}
    assert set(report_organisations(cast.leader, "project")) == set(Organisation.objects.all())


def test_the_meeting_page_offers_a_park_only_its_own_organisation(cast, client_for):
    page = client_for(cast.owner).get(reverse("pipeline:meeting")).content.decode()
    assert "甲园区" in page and "乙园区" not in page
    page = client_for(cast.leader).get(reverse("pipeline:meeting")).content.decode()
    assert "甲园区" in page and "乙园区" in page
