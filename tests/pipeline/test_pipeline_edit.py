"""Editing a project's own data on the web: scoped, audited, bad input answered with the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditEntry
from zhaoshang.pipeline.models import Project

pytestmark = pytest.mark.django_db


def _form_data(project: Project, **changes) -> dict:
    data = {
        "name": project.name,
        "owner": project.owner_id,
        "source": project.source,
        "description": project.description,
        "planned_investment_wan": project.planned_investment_wan or "",
        "need_area_unit": project.need_area_unit,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_owner_edits_the_project_and_the_audit_log_shows_what_changed(cast, client_for, make_project):
    project = make_project("动力电池项目", planned_investment_wan=Decimal("1000"))
    client = client_for(cast.owner)
    page = client.get(reverse("pipeline:edit", args=[project.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "动力电池项目" in html and 'name="investor_name"' not in html and 'name="organisation"' not in html

    response = client.post(
        reverse("pipeline:edit", args=[project.pk]),
        _form_data(project, planned_investment_wan="25000", owner=cast.colleague.pk, description="二期扩产"),
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "pipeline:detail", args=[project.pk]
    )
    project.refresh_from_db()
    assert project.planned_investment_wan == Decimal("25000")
    assert project.owner == cast.colleague and project.description == "二期扩产"
    assert project.stage == "lead" and project.investor.name  # stage and investor untouched
    entry = AuditEntry.objects.filter(object_id=str(project.pk), action=AuditEntry.Action.UPDATE).latest("id")
    assert entry.actor == cast.owner
    assert set(entry.changes) == {"planned_investment_wan", "owner", "description"}


def test_saving_an_unchanged_form_records_nothing(cast, client_for, make_project):
    project = make_project("无变化项目", planned_investment_wan=Decimal("500"))
    before = AuditEntry.objects.count()
    response = client_for(cast.owner).post(reverse("pipeline:edit", args=[project.pk]), _form_data(project))
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before


def test_bad_input_comes_back_with_the_form_and_changes_nothing(cast, client_for, make_project):
    project = make_project("坏输入项目", planned_investment_wan=Decimal("500"))
    response = client_for(cast.owner).post(
        reverse("pipeline:edit", args=[project.pk]),
        _form_data(project, planned_investment_wan="很多", name=""),
    )
    assert response.status_code == 400
    assert 'data-testid="project-form"' in response.content.decode()
    project.refresh_from_db()
    assert project.name == "坏输入项目" and project.planned_investment_wan == Decimal("500")


def test_another_park_and_a_leader_cannot_edit(cast, client_for, make_project):
    project = make_project("甲园区机密项目", planned_investment_wan=Decimal("500"))
    url = reverse("pipeline:edit", args=[project.pk])
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.outsider).post(url, _form_data(project, name="改名")).status_code == 404
    assert client_for(cast.leader).post(url, _form_data(project, name="改名")).status_code == 403
    project.refresh_from_db()
    assert project.name == "甲园区机密项目"
    assert (
        client_for(cast.leader)
        .get(reverse("pipeline:detail", args=[project.pk]))
        .content.decode()
        .count('data-testid="edit-project"')
        == 0
    )
    assert (
        'data-testid="edit-project"'
        in client_for(cast.owner).get(reverse("pipeline:detail", args=[project.pk])).content.decode()
    )


def test_the_owner_can_only_be_someone_the_editor_may_assign(cast, client_for, make_project):
    project = make_project("指派项目")
    response = client_for(cast.owner).post(
        reverse("pipeline:edit", args=[project.pk]), _form_data(project, owner=cast.outsider.pk)
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.owner != cast.outsider


def test_the_edit_page_needs_a_login(client, make_project):
    project = make_project("登录项目")
    response = client.get(reverse("pipeline:edit", args=[project.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_owner_who_has_left_does_not_block_other_edits(cast, client_for, make_project):
    project = make_project("负责人离职项目", planned_investment_wan=Decimal("500"))
    project.owner.is_active = False
    project.owner.save(update_fields=["is_active"])
    response = client_for(cast.colleague).post(
        reverse("pipeline:edit", args=[project.pk]),
        _form_data(project, description="交接给新负责人前补充情况"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.description == "交接给新负责人前补充情况"
