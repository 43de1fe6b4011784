"""Notifications in the reader's language: the centre and the workbench panel in the viewer's active language, the
e-mails, group-bot messages and digests in the recipient's stored language (Chinese unchanged), the language switch
storing that preference."""

from __future__ import annotations

import datetime as dt
import email
from email.header import decode_header, make_header

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from zhaoshang.accounts.services import set_language
from zhaoshang.notifications import services
from zhaoshang.notifications.messages import NOTICES, Notice, say
from zhaoshang.notifications.models import Delivery, Notification
from zhaoshang.pipeline import services as pipeline

DAY = dt.date(2026, 12, 4)
PROJECT = "英文通知测试项目"
ENGLISH = f"Follow-up due today: {PROJECT} — 寄送资料"
CHINESE = f"今日跟进到期：{PROJECT} — 寄送资料"


@pytest.fixture
def today():
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield DAY


@pytest.fixture
def follow_up_due(cast, make_project, today):
    """A follow-up of the owner due today: the hourly job's only reminder (kind followup_due)."""
    project = make_project(PROJECT)
    pipeline.record_followup(
        cast.owner,
        project,
        date=today - dt.timedelta(days=3),
        content="初次接触",
        next_action="寄送资料",
        next_due=today,
    )
    project.tasks.update(done_at=timezone.now())  # its callback: not due in these tests
    return project


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def _mail(received) -> tuple[str, str]:
    mail = email.message_from_bytes(received.content)
    return str(make_header(decode_header(mail["Subject"]))), mail.get_payload(decode=True).decode("utf-8")


# --- shown: the viewer's active language ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_english_reader_sees_the_hourly_jobs_follow_up_reminder_in_english(
    cast, client_for, follow_up_due, today
):
    services.run_reminders(today)
    note = Notification.objects.get(user=cast.owner, kind="followup_due")
    assert note.text == CHINESE  # stored in the installation's language, as before
    assert note.message_code == "followup_due"
    client = _english(client_for(cast.owner))
    centre = client.get(reverse("notifications:centre")).content.decode()
    assert ENGLISH in centre and "今日跟进到期" not in centre
    workbench = client.get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-notification">' + ENGLISH + "<" in workbench


@pytest.mark.django_db
def test_a_chinese_reader_sees_the_same_reminder_unchanged(cast, client_for, follow_up_due, today):
    services.run_reminders(today)
    client = client_for(cast.owner)
    centre = client.get(reverse("notifications:centre")).content.decode()
    assert 'data-testid="notification">' + CHINESE + "<" in centre and "Follow-up due" not in centre
    workbench = client.get(reverse("web:workbench")).content.decode()
    assert 'data-testid="panel-notification">' + CHINESE + "<" in workbench


@pytest.mark.django_db
def test_a_notification_made_in_an_english_request_is_stored_in_chinese_and_said_in_each_readers_language(
    cast, make_project
):
    project = make_project("移交测试项目")
    with translation.override("en"):  # the person handing over works in English
        pipeline.update_project(cast.owner, project, owner=cast.colleague)
    note = Notification.objects.get(user=cast.colleague, kind="project_handed_over")
    by = cast.owner.display_name
    assert note.text == f"{by} 已将项目「移交测试项目」移交给您"
    assert note.message == note.text
    with translation.override("en"):
        assert note.message == f"移交测试项目 was handed over to you by {by}"
        told = Notification.objects.get(user=cast.owner, kind="project_handed_over")
        assert told.message == f"移交测试项目 was handed over to {cast.colleague.display_name}"


@pytest.mark.django_db
def test_a_notification_without_a_message_code_shows_its_stored_text_in_any_language(cast, client_for):
    services.notify(cast.owner, "followup_due", None, "旧的提醒：项目乙")
    page = _english(client_for(cast.owner)).get(reverse("notifications:centre")).content.decode()
    assert 'data-testid="notification">旧的提醒：项目乙<' in page


def test_every_registered_notice_has_its_chinese_sentence_and_a_wrong_parameter_falls_back():
    assert {"followup_due", "appeal_overdue", "promise_overdue", "visits_planned"} <= set(NOTICES)
    for code, sentence in NOTICES.items():
        with translation.override("en"):
            english = str(sentence)
        with translation.override("zh-hans"):
            assert str(sentence) != english, code
    with translation.override("en"):
        assert say("visits_planned", {"n": 3}) == "3 visits planned for you"
        assert say("visits_planned", {}, "旧文本") == "旧文本"
        assert say("no_such_notice", {"n": 3}, "旧文本") == "旧文本"
    with translation.override("zh-hans"):
        assert str(Notice("visits_planned", {"n": 3})) == "已为您安排 3 次走访"


def test_the_promise_escalation_notice_of_the_core_is_said_in_english_and_unchanged_in_chinese():
    from zhaoshang.approvals.core import promises

    record = promises.PromiseRecord(
        7, "甲项目", "交付净地", "自然资源局", "甲园区", dt.date(2026, 3, 1), "open"
    )
    (escalation,) = promises.due_escalations([record], dt.date(2026, 3, 4))
    assert escalation.code == "promise_overdue_escalation"
    with translation.override("en"):
        assert say(escalation.code, escalation.params) == (
            "Government promise “交付净地” (project: 甲项目, responsible department: 自然资源局) is 3 days overdue; "
            "it was due on 2026-03-01."
        )
    with translation.override("zh-hans"):
        assert say(escalation.code, escalation.params) == escalation.message
    assert (
        escalation.message
        == "政府承诺事项「交付净地」（项目：甲项目，责任部门：自然资源局）已逾期3天，截止日期2026-03-01。"
    )


# --- sent: the recipient's language -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "expected"), [("en", ENGLISH), ("", CHINESE), ("zh-hans", CHINESE)])
def test_an_email_at_once_is_in_the_recipients_language(
    cast, smtp_server, follow_up_due, today, language, expected
):
    set_language(cast.owner, cast.owner, language)
    services.add_channel(
        cast.owner, user=cast.owner, kind="email", target="owner@example.org", immediate=True
    )
    with translation.override(
        "zh-hans" if language == "en" else "en"
    ):  # whoever runs the job does not matter
        services.run_reminders(today)
    assert len(smtp_server) == 1
    subject, body = _mail(smtp_server[0])
    assert subject == expected and body.startswith(expected)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "expected"), [("en", ENGLISH), ("", CHINESE)])
def test_a_group_bot_message_is_in_the_recipients_language_with_the_bots_own_keys(
    cast, bot_server, follow_up_due, today, language, expected
):
    set_language(cast.owner, cast.owner, language)
    services.add_channel(
        cast.owner, user=cast.owner, kind="wecom", target=bot_server.url + "/send?key=K", immediate=True
    )
    services.run_reminders(today)
    (request,) = bot_server.requests
    assert set(request["body"]) == {"msgtype", "markdown"} and request["body"]["msgtype"] == "markdown"
    content = request["body"]["markdown"]["content"]
    assert content.startswith(f"**{expected}**") and "/pipeline/" in content


@pytest.mark.django_db(transaction=True)
def test_a_notice_given_to_notify_is_sent_in_the_recipients_language(cast, bot_server):
    set_language(cast.owner, cast.owner, "en")
    services.add_channel(
        cast.owner, user=cast.owner, kind="feishu", target=bot_server.url + "/hook", immediate=True
    )
    bot_server.answer = {"code": 0, "msg": "success"}
    with translation.override("zh-hans"):
        services.notify(cast.owner, "visits_planned", None, Notice("visits_planned", {"n": 2}), "/service/")
    text = bot_server.requests[0]["body"]["content"]["text"]
    assert text.startswith("2 visits planned for you\n2 visits planned for you")
    assert Notification.objects.get().text == "已为您安排 2 次走访"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [("en", "Your reminders for 2026-12-04", "· " + ENGLISH), ("", "您 2026-12-04 的提醒", "· " + CHINESE)],
)
def test_the_daily_digest_is_in_the_recipients_language(
    cast, smtp_server, follow_up_due, language, subject, line
):
    set_language(cast.owner, cast.owner, language)
    services.add_channel(
        cast.owner, user=cast.owner, kind="email", target="owner@example.org", immediate=False
    )
    services.set_digest_time(cast.owner, dt.time(8, 0))
    services.run_reminders(DAY)
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, 5, tzinfo=timezone.get_current_timezone())):
        assert services.send_digests() == 1
    got_subject, body = _mail(smtp_server[0])
    assert got_subject == subject and body.startswith(line)


@pytest.mark.django_db(transaction=True)
def test_an_organisations_bot_digest_stays_in_the_installations_language(cast, bot_server, follow_up_due):
    set_language(cast.owner, cast.owner, "en")
    services.add_channel(
        cast.admin,
        organisation=cast.park,
        kind="wecom",
        target=bot_server.url + "/send?key=ORG",
        digest_time=dt.time(9, 0),
    )
    services.run_reminders(DAY)
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 30, tzinfo=timezone.get_current_timezone())):
        with translation.override("en"):
            assert services.send_digests() == 1
    content = bot_server.requests[0]["body"]["markdown"]["content"]
    assert f"· {cast.owner.display_name}：{CHINESE}" in content and "reminders for" not in content


@pytest.mark.django_db(transaction=True)
def test_a_test_message_is_in_the_channels_language(cast, client_for, bot_server):
    set_language(cast.owner, cast.owner, "en")
    channel = services.add_channel(
        cast.owner, user=cast.owner, kind="wecom", target=bot_server.url + "/send?key=K"
    )
    client_for(cast.owner).post(reverse("notifications:channel_test", args=[channel.pk]))
    delivery = Delivery.objects.get()
    assert delivery.subject == "zhaoshang: test message" and delivery.body.startswith("This channel works.")


# --- the preference -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_switching_the_language_stores_the_users_preference(cast, client_for):
    client = client_for(cast.owner)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    cast.owner.refresh_from_db()
    assert cast.owner.language == "en"
    assert "Notifications" in client.get(reverse("notifications:centre")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    cast.owner.refresh_from_db()
    assert cast.owner.language == "zh-hans"


@pytest.mark.django_db
def test_a_language_the_product_does_not_have_is_not_stored_and_a_visitor_can_still_switch(
    cast, client, client_for
):
    officer = client_for(cast.owner)
    officer.post(reverse("set_language"), {"language": "fr", "next": "/"})
    cast.owner.refresh_from_db()
    assert cast.owner.language == ""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_the_notification_settings_page_sets_the_language_of_what_is_sent(cast, client_for):
    client = client_for(cast.owner)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'data-testid="language-form"' in page and "发送给我的消息所用语言" in page
    client.post(reverse("notifications:settings"), {"form": "language", "language": "en"})
    cast.owner.refresh_from_db()
    assert cast.owner.language == "en"
    client.post(reverse("notifications:settings"), {"form": "language", "language": ""})
    cast.owner.refresh_from_db()
    assert cast.owner.language == ""
    assert (
        client.post(reverse("notifications:settings"), {"form": "language", "language": "fr"}).status_code
        == 400
    )
