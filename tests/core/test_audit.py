import pytest

from zhaoshang.accounts.models import Organisation
from zhaoshang.core import audit
from zhaoshang.core.models import AuditEntry


def entries_for(obj):
    return list(AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id"))


def test_create_update_and_delete_are_recorded_with_who_and_what(cast):
    org = audit.create(cast.admin, Organisation, code="t-new", name="新园区", kind="park", parent=cast.city)
    changed = audit.update(cast.admin, org, name="新园区（更名）")
    audit.delete(cast.admin, org)
    created, updated, deleted = entries_for(org)
    assert (created.action, created.actor, created.changes["name"]) == (
        "create",
        cast.admin,
        [None, "新园区"],
    )
    assert changed == {"name": ["新园区", "新园区（更名）"]}
    assert updated.changes == {"name": ["新园区", "新园区（更名）"]} and updated.actor_name == "t-admin"
    assert deleted.action == "delete" and deleted.changes["name"] == ["新园区（更名）", None]
    assert not Organisation.objects.filter(code="t-new").exists()


def test_an_update_that_changes_nothing_records_nothing(cast):
    before = AuditEntry.objects.count()
    assert audit.update(cast.admin, cast.park, name=cast.park.name) == {}
    assert AuditEntry.objects.count() == before


def test_nobody_can_edit_or_delete_the_audit_log(cast):
    entry = AuditEntry.objects.first()
    entry.note = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_admin_changes_are_audited_too(cast, client_for):
    client = client_for(cast.admin)
    response = client.post(
        f"/admin/accounts/organisation/{cast.dept.pk}/change/",
        {
            "code": cast.dept.code,
            "name": "自然资源和规划局",
            "kind": "department",
            "parent": cast.city.pk,
            "region_code": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    last = entries_for(cast.dept)[-1]
    assert last.note == "admin" and last.changes["name"][1] == "自然资源和规划局"


def test_administrators_filter_the_audit_log_by_object_type_and_actor(cast, client_for):
    audit.update(cast.admin, cast.park, name="甲园区二期")
    page = client_for(cast.admin).get("/audit/", {"model": "accounts.organisation", "actor": "t-admin"})
    text = page.content.decode()
    assert "甲园区二期" in text
    assert (
        page.context["page"].paginator.count
        == AuditEntry.objects.filter(model="accounts.organisation", actor_name__icontains="t-admin").count()
    )
    fragment = client_for(cast.admin).get("/audit/", {"model": "accounts.user"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "t-owner" in fragment.content.decode()


@pytest.mark.django_db
def test_an_audited_edit_moves_last_changed(cast):
    import datetime as dt

    import time_machine

    from zhaoshang.core import audit
    from zhaoshang.core.models import CalendarOverride

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        day = audit.create(cast.admin, CalendarOverride, day=dt.date(2027, 1, 1), is_working_day=False)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        audit.update(cast.admin, day, is_working_day=True)
    day.refresh_from_db()
    assert day.updated_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
