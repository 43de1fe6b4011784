"""Optimistic locking: two people editing the same project or item — the later, stale save is refused with
"已被他人修改" and the other person's changes; the API answers 409."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.core.locking import StaleEdit
from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem

pytestmark = pytest.mark.django_db


def _edit_form(client, project):
    page = client.get(f"/pipeline/{project.pk}/edit/")
    form = page.context["form"]
    data = {
        name: field.widget.format_value(form.initial.get(name, field.initial))
        for name, field in form.fields.items()
    }
    out = {}
    for key, value in data.items():
        if isinstance(value, list):  # a select's values: a multiple select posts each, an empty one nothing
            if not value:
                continue
            value = value if len(value) > 1 or form.fields[key].widget.allow_multiple_selected else value[0]
        out[key] = "" if value is None else value
    return out


def test_a_stale_project_form_is_refused_with_the_other_persons_changes(cast, client_for, make_project):
    project = make_project(planned_investment_wan=Decimal("100"), description="原说明")
    first, second = client_for(cast.owner), client_for(cast.colleague)
    form_a, form_b = _edit_form(first, project), _edit_form(second, project)
    saved = first.post(f"/pipeline/{project.pk}/edit/", {**form_a, "planned_investment_wan": "250"})
    assert saved.status_code == 302, saved.context["form"].errors
    response = second.post(f"/pipeline/{project.pk}/edit/", {**form_b, "description": "乙的说明"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "已被他人修改" in text and "250" in text
    project.refresh_from_db()
    assert project.planned_investment_wan == Decimal("250") and project.description == "原说明"
    # after reading the other change, saving again goes through and keeps both edits
    again = response.context["form"].data.copy()
    assert second.post(f"/pipeline/{project.pk}/edit/", again).status_code == 302
    project.refresh_from_db()
    assert project.planned_investment_wan == Decimal("250") and project.description == "乙的说明"


def test_the_api_answers_409_to_a_change_over_a_newer_version(cast, client_for, make_project):
    project = make_project()
    client = client_for(cast.owner)
    version = client.get(f"/api/projects/{project.pk}/").json()["version"]
    ok = client.patch(
        f"/api/projects/{project.pk}/",
        {"description": "甲", "version": version},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    stale = client.patch(
        f"/api/projects/{project.pk}/",
        {"description": "乙", "version": version},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "edited_by_someone_else"
    assert stale.json()["changes"]
    project.refresh_from_db()
    assert project.description == "甲"


def test_a_stale_coordination_item_update_is_refused(cast, make_project):
    project = make_project()
    item = services.create_coordination_item(
        cast.owner, project, title="用地报批", department=cast.dept, due=dt.date(2026, 3, 20)
    )
    read = item.version or 0
    services.update_coordination_item(
        cast.handler, CoordinationItem.objects.get(pk=item.pk), status="in_progress", expected_version=read
    )
    with pytest.raises(StaleEdit, match="已被他人修改"):
        services.update_coordination_item(
            cast.owner,
            CoordinationItem.objects.get(pk=item.pk),
            due=dt.date(2026, 4, 1),
            expected_version=read,
        )
    item.refresh_from_db()
    assert item.status == "in_progress" and item.due == dt.date(2026, 3, 20)
