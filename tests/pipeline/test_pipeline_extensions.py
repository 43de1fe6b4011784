"""Deadlines change by request: the department asks, the item's owner decides; audited, notified, in the pack."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from zhaoshang.core.models import AuditEntry
from zhaoshang.notifications.models import Notification
from zhaoshang.pipeline import services
from zhaoshang.pipeline.models import CoordinationItem, ExtensionRequest

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield


@pytest.fixture
def item(cast, make_project):
    project = make_project()
    return services.create_coordination_item(
        cast.owner, project, title="用地指标调剂", department=cast.dept, due=dt.date(2026, 11, 23)
    )


def test_a_handler_cannot_move_the_deadline_and_the_item_stays_overdue(cast, item):
    with pytest.raises(services.PipelineError, match="延期申请"):
        services.update_coordination_item(cast.handler, item, due=dt.date(2027, 1, 31), note="部门自行延期")
    item.refresh_from_db()
    assert item.due == dt.date(2026, 11, 23)
    assert services.overdue_items(CoordinationItem.objects.all(), TODAY).filter(pk=item.pk).exists()


def test_a_request_leaves_the_item_overdue_until_approved_and_notifies_the_owner(cast, item):
    request = services.request_extension(
        cast.handler, item, new_due=dt.date(2027, 1, 31), reason="需省厅批复"
    )
    item.refresh_from_db()
    assert item.due == dt.date(2026, 11, 23) and request.status == "pending"
    assert services.overdue_items(CoordinationItem.objects.all(), TODAY).filter(pk=item.pk).exists()
    note = Notification.objects.get(user=cast.owner, kind="extension_requested")
    assert note.url == f"/pipeline/items/{item.pk}/"

    services.decide_extension(cast.owner, request, approve=True, note="同意")
    item.refresh_from_db()
    assert item.due == dt.date(2027, 1, 31)
    assert not services.overdue_items(CoordinationItem.objects.all(), TODAY).filter(pk=item.pk).exists()
    assert Notification.objects.filter(user=cast.handler, kind="extension_decided").exists()
    logged = AuditEntry.objects.filter(model="pipeline.extensionrequest", object_id=str(request.pk))
    assert sorted(logged.values_list("action", flat=True)) == ["create", "update"]


def test_a_rejected_request_keeps_the_old_deadline(cast, item):
    request = services.request_extension(cast.handler, item, new_due=dt.date(2027, 1, 31), reason="人手不足")
    services.decide_extension(cast.owner, request, approve=False, note="请按期办理")
    item.refresh_from_db()
    assert item.due == dt.date(2026, 11, 23) and ExtensionRequest.objects.get().status == "rejected"


def test_the_department_cannot_approve_its_own_request(cast, item):
    request = services.request_extension(cast.handler, item, new_due=dt.date(2027, 1, 31), reason="x")
    with pytest.raises(services.PipelineError, match="负责方"):
        services.decide_extension(cast.handler, request, approve=True)


@pytest.mark.parametrize(
    ("new_due", "reason", "message"),
    [(dt.date(2026, 11, 20), "早于原期限", "须晚于"), (dt.date(2027, 1, 31), "  ", "理由")],
)
def test_a_request_needs_a_later_date_and_a_reason(cast, item, new_due, reason, message):
    with pytest.raises(services.PipelineError, match=message):
        services.request_extension(cast.handler, item, new_due=new_due, reason=reason)


def test_only_one_pending_request_per_item(cast, item):
    services.request_extension(cast.handler, item, new_due=dt.date(2027, 1, 31), reason="一")
    with pytest.raises(services.PipelineError, match="待审批"):
        services.request_extension(cast.handler, item, new_due=dt.date(2027, 2, 28), reason="二")


def test_the_meeting_pack_shows_requests_per_department(cast, item):
    request = services.request_extension(
        cast.handler, item, new_due=dt.date(2027, 1, 31), reason="需省厅批复"
    )
    services.decide_extension(cast.owner, request, approve=True)
    pack = services.meeting_pack(None, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    [dept] = pack.extensions.rows
    assert (dept.department, dept.requested, dept.approved, dept.pending) == ("自然资源局", 1, 1, 0)


def test_the_handler_asks_on_the_page_and_the_owner_approves_on_the_page(cast, client_for, item):
    handler = client_for(cast.handler)
    page = handler.get(reverse("pipeline:item", args=[item.pk])).content.decode()
    assert 'data-testid="extension-form"' in page and 'name="due"' not in page
    response = handler.post(
        reverse("pipeline:item_extension", args=[item.pk]), {"new_due": "2027-01-31", "reason": "需省厅批复"}
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    assert (
        handler.post(
            reverse("pipeline:extension_decide", args=[extension.pk]), {"decision": "approve"}
        ).status_code
        == 302
    )
    assert ExtensionRequest.objects.get().status == "pending"  # refused: the department is not the owner
    owner_page = client_for(cast.owner).get(reverse("pipeline:item", args=[item.pk])).content.decode()
    assert 'data-testid="extension-approve"' in owner_page
    client_for(cast.owner).post(
        reverse("pipeline:extension_decide", args=[extension.pk]), {"decision": "approve"}
    )
    item.refresh_from_db()
    assert item.due == dt.date(2027, 1, 31)


def test_another_park_cannot_see_or_decide_a_request(cast, client_for, item):
    extension = services.request_extension(cast.handler, item, new_due=dt.date(2027, 1, 31), reason="x")
    outsider = client_for(cast.outsider)
    assert (
        outsider.post(
            reverse("pipeline:extension_decide", args=[extension.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    assert (
        outsider.post(
            reverse("pipeline:item_extension", args=[item.pk]), {"new_due": "2027-02-01", "reason": "x"}
        ).status_code
        == 404
    )


def test_a_handler_marks_an_item_done_in_one_tap(cast, client_for, item):
    response = client_for(cast.handler).post(reverse("pipeline:item_done", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.done_on == TODAY


def test_the_meeting_pack_never_ends_in_the_future(cast, item):
    pack = services.meeting_pack(None, dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert pack.period.end == TODAY and pack.as_of == TODAY
    [dept] = pack.overdue_by_department.rows
    assert dept.items[0].days_overdue == (TODAY - dt.date(2026, 11, 23)).days  # 11, not 38
    with pytest.raises(services.PipelineError, match="未来"):
        services.meeting_pack(None, dt.date(2027, 1, 1), dt.date(2027, 1, 31))


def test_the_default_period_is_the_last_full_month_up_to_today(settings):
    assert services.default_meeting_period(TODAY) == (dt.date(2026, 11, 1), TODAY)
    settings.PIPELINE_MEETING_PERIOD = "quarter"
    assert services.default_meeting_period(TODAY) == (dt.date(2026, 7, 1), TODAY)
    assert services.default_meeting_period(dt.date(2026, 2, 10)) == (
        dt.date(2025, 10, 1),
        dt.date(2026, 2, 10),
    )


def test_the_meeting_page_defaults_to_a_period_ending_today(cast, client_for):
    page = client_for(cast.leader).get(reverse("pipeline:meeting")).content.decode()
    assert 'value="2026-11-01"' in page and 'value="2026-12-04"' in page and "2026-12-31" not in page


def test_going_cold_is_judged_as_of_today_not_the_periods_end(cast, make_project):
    project = make_project(created_on=dt.date(2026, 11, 1))
    services.record_followup(cast.owner, project, date=TODAY, content="今天跟进")
    pack = services.meeting_pack(None, dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert project.pk not in [r.project_id for r in pack.cold.rows]
