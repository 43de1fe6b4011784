"""The pipeline's reminder sources through the periodic job: who is reminded of what, once a day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from zhaoshang.notifications import services
from zhaoshang.notifications.models import Notification
from zhaoshang.notifications.registry import Reminder, register_source, sources
from zhaoshang.pipeline import services as pipeline
from zhaoshang.pipeline.models import Task

DAY = dt.date(2026, 12, 4)


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def today():
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield DAY


def test_a_follow_up_due_today_reminds_the_person_who_recorded_it_once_a_day(cast, make_project, today):
    project = make_project()
    pipeline.record_followup(
        cast.owner,
        project,
        date=today - dt.timedelta(days=3),
        content="初次接触",
        next_action="寄送资料",
        next_due=today,
    )
    made = services.run_reminders(today)
    assert made["followup_due"] == 1
    assert services.run_reminders(today)["followup_due"] == 0
    note = Notification.objects.get(user=cast.owner, kind="followup_due")
    assert "寄送资料" in note.text and note.url == f"/pipeline/{project.pk}/"
    assert services.run_reminders(today + dt.timedelta(days=1))["followup_overdue"] == 1


def test_a_callback_task_reminds_its_assignee_when_due(cast, make_project, today):
    project = make_project()
    pipeline.record_followup(cast.owner, project, date=today - dt.timedelta(days=10), content="初次接触")
    task = Task.objects.get(kind=Task.Kind.CALLBACK)
    assert task.due <= today
    services.run_reminders(today)
    assert "callback_due" in _kinds(cast.owner)
    assert "callback_due" not in _kinds(cast.colleague)


def test_a_new_registration_task_without_assignee_reminds_the_teams_officers(cast, today):
    from zhaoshang.registry.models import Enterprise

    firm = Enterprise.objects.create(
        name="新注册测试有限公司",
        name_key="新注册测试",
        region_code="430211",
        founded=today,
        organisation=cast.park,
    )
    Task.objects.create(
        kind=Task.Kind.NEW_REGISTRATION,
        title="新注册企业首次服务",
        organisation=cast.park,
        enterprise=firm,
        due=today + dt.timedelta(days=1),
    )
    services.run_reminders(today)
    assert "new_registration" in _kinds(cast.owner) and "new_registration" in _kinds(cast.colleague)
    assert "new_registration" not in _kinds(cast.outsider)


def test_a_coordination_item_due_soon_or_overdue_reminds_the_departments_handlers_and_its_creator(
    cast, make_project, today
):
    project = make_project()
    pipeline.create_coordination_item(
        cast.owner, project, title="用地指标", department=cast.dept, due=today - dt.timedelta(days=2)
    )
    pipeline.create_coordination_item(
        cast.owner, project, title="环评", department=cast.dept, due=today + dt.timedelta(days=30)
    )
    services.run_reminders(today)
    handler_notes = list(Notification.objects.filter(user=cast.handler))
    assert [n.kind for n in handler_notes] == ["item_overdue"] and "用地指标" in handler_notes[0].text
    assert "item_overdue" in _kinds(cast.owner)


def test_a_project_going_cold_reminds_its_owner(cast, make_project, today):
    make_project(created_on=today - dt.timedelta(days=90))
    services.run_reminders(today)
    assert "project_cold" in _kinds(cast.owner)


def test_another_app_adds_its_own_reminders_through_the_registry(cast, today):
    @register_source("tests.promises")
    def promises(day):
        yield Reminder(cast.service, "promise_due", None, f"承诺事项到期 {day}", "/")

    try:
        services.run_reminders(today)
    finally:
        from zhaoshang.notifications import registry

        registry._SOURCES.pop("tests.promises")
    assert "tests.promises" not in sources()
    assert Notification.objects.get(user=cast.service).text == "承诺事项到期 2026-12-04"


def test_a_failing_source_does_not_stop_the_others(cast, make_project, today):
    @register_source("tests.broken")
    def broken(day):
        raise RuntimeError("boom")

    try:
        make_project(created_on=today - dt.timedelta(days=90))
        made = services.run_reminders(today)
    finally:
        from zhaoshang.notifications import registry

        registry._SOURCES.pop("tests.broken")
    assert made["project_cold"] == 1


def test_reminder_texts_are_in_the_installations_language(cast, make_project, today):
    make_project(created_on=today - dt.timedelta(days=90))
    services.run_reminders(today)
    assert "趋冷" in Notification.objects.get(kind="project_cold").text


def test_the_command_runs_the_reminders_and_prints_only_json(cast, make_project, today, capsys):
    import json

    from django.core.management import call_command

    make_project(created_on=today - dt.timedelta(days=90))
    call_command("notifications", "remind", "--date", today.isoformat(), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == {"project_cold": 1} and out["total"] == 1


def test_the_time_is_local(cast):
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


@pytest.mark.django_db(transaction=True)
def test_the_job_sends_at_once_to_a_users_immediate_channel_and_not_again(cast, make_project, bot_server):
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        services.add_channel(
            cast.owner, user=cast.owner, kind="wecom", target=bot_server.url + "/send?key=K", immediate=True
        )
        make_project(created_on=DAY - dt.timedelta(days=90))
        services.run_reminders(DAY)
        services.run_reminders(DAY)
    assert len(bot_server.requests) == 1
    assert "趋冷" in bot_server.requests[0]["body"]["markdown"]["content"]
