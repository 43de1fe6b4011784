"""Delivery through a local HTTP server (the group bots) and a local SMTP server: sent, failed, retried, recorded."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.utils import timezone

from zhaoshang.notifications import services
from zhaoshang.notifications.core.channels import MAX_ATTEMPTS
from zhaoshang.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _channel(user, kind, url, **extra):
    return services.add_channel(user, user=user, kind=kind, target=url, immediate=True, **extra)


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_an_immediate_group_bot_receives_the_notification_in_its_format(cast, bot_server, kind):
    bot_server.answer = {"code": 0, "msg": "success"} if kind == "feishu" else {"errcode": 0, "errmsg": "ok"}
    _channel(cast.owner, kind, bot_server.url + "/hook?key=K1")
    services.notify(cast.owner, "followup_due", None, "今天回访：项目甲", "/pipeline/1/")
    assert len(bot_server.requests) == 1
    body = bot_server.requests[0]["body"]
    text = (
        body["content"]["text"]
        if kind == "feishu"
        else body["markdown"]["content" if kind == "wecom" else "text"]
    )
    assert "今天回访：项目甲" in text and "/pipeline/1/" in text
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT and delivery.sent_at and delivery.attempts == 1


def test_a_signed_dingtalk_bot_gets_timestamp_and_sign_in_the_query(cast, bot_server):
    _channel(cast.owner, "dingtalk", bot_server.url + "/robot/send?access_token=T", secret="SECxyz")
    services.notify(cast.owner, "followup_due", None, "签名测试")
    path = bot_server.requests[0]["path"]
    assert "access_token=T" in path and "timestamp=" in path and "sign=" in path


def test_a_failing_bot_is_recorded_with_its_reason_and_retried_later(cast, bot_server, caplog):
    bot_server.status = 500
    _channel(cast.owner, "wecom", bot_server.url + "/send?key=TOPSECRETKEY", secret="")
    with caplog.at_level(logging.DEBUG):
        services.notify(cast.owner, "item_overdue", None, "逾期事项")
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.reason == "HTTP 500" and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert "TOPSECRETKEY" not in caplog.text and "TOPSECRETKEY" not in delivery.reason

    bot_server.status = 200
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert services.retry_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2 and delivery.reason == ""
    assert len(bot_server.requests) == 2


def test_after_the_last_attempt_a_delivery_is_failed_for_good(cast, bot_server):
    bot_server.answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
    _channel(cast.owner, "wecom", bot_server.url + "/send?key=K")
    services.notify(cast.owner, "followup_due", None, "频率限制")
    delivery = Delivery.objects.get()
    for _ in range(MAX_ATTEMPTS - 1):
        services.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert delivery.reason == "wecom 45009: api freq out of limit"
    services.deliver(delivery.pk)  # a failed delivery is not sent again
    assert len(bot_server.requests) == MAX_ATTEMPTS


def test_a_missing_hook_fails_at_once_without_retries(cast, bot_server):
    bot_server.status = 404
    _channel(cast.owner, "feishu", bot_server.url + "/gone")
    services.notify(cast.owner, "followup_due", None, "不存在")
    delivery = Delivery.objects.get()
    assert (
        delivery.status == Delivery.Status.FAILED and delivery.attempts == 1 and delivery.reason == "HTTP 404"
    )


def test_an_unreachable_bot_is_a_connection_failure_not_a_crash(cast):
    _channel(cast.owner, "wecom", "http://127.0.0.1:9/send?key=K")
    services.notify(cast.owner, "followup_due", None, "连不上")
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.reason.startswith("connection failed")


def test_email_goes_through_the_local_smtp_server(cast, smtp_server):
    _channel(cast.owner, "email", "owner@example.org")
    services.notify(cast.owner, "callback_due", None, "主动回访到期：测试企业", "/pipeline/7/")
    assert len(smtp_server) == 1
    envelope = smtp_server[0]
    assert envelope.rcpt_tos == ["owner@example.org"]
    content = envelope.content.decode("utf-8", "replace")
    assert "/pipeline/7/" in content
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_a_channel_only_for_the_digest_gets_nothing_at_once_and_one_digest_after_its_time(cast, smtp_server):
    services.add_channel(
        cast.owner, user=cast.owner, kind="email", target="owner@example.org", immediate=False
    )
    services.set_digest_time(cast.owner, dt.time(8, 0))
    with time_machine.travel(dt.datetime(2026, 12, 4, 7, 0, tzinfo=timezone.get_current_timezone())):
        services.notify(cast.owner, "followup_due", None, "第一条")
        services.notify(cast.owner, "item_due", None, "第二条")
        assert smtp_server == [] and services.send_digests() == 0
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, 5, tzinfo=timezone.get_current_timezone())):
        assert services.send_digests() == 1
        assert services.send_digests() == 0  # one digest per channel a day
    assert len(smtp_server) == 1
    import email
    from email.header import decode_header, make_header

    mail = email.message_from_bytes(smtp_server[0].content)
    assert "2026-12-04" in str(make_header(decode_header(mail["Subject"])))
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "第一条" in body and "第二条" in body
    assert Delivery.objects.get().digest_day == dt.date(2026, 12, 4)


def test_an_organisation_bot_gets_the_days_reminders_of_its_members(cast, bot_server):
    services.add_channel(
        cast.admin,
        organisation=cast.park,
        kind="wecom",
        target=bot_server.url + "/send?key=ORG",
        digest_time=dt.time(9, 0),
    )
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 30, tzinfo=timezone.get_current_timezone())):
        services.notify(cast.owner, "followup_due", None, "园区成员的提醒")
        services.notify(cast.outsider, "followup_due", None, "别的园区的提醒")
        assert services.send_digests() == 1
    content = bot_server.requests[0]["body"]["markdown"]["content"]
    assert "园区成员的提醒" in content and "别的园区的提醒" not in content


def test_the_audit_log_never_holds_a_channels_url_or_secret(cast):
    from zhaoshang.core.models import AuditEntry

    services.add_channel(
        cast.owner,
        user=cast.owner,
        kind="dingtalk",
        target="https://oapi.dingtalk.com/robot/send?access_token=TOK123",
        secret="SECRET456",
    )
    text = str(list(AuditEntry.objects.values_list("changes", "note", "object_repr")))
    assert "TOK123" not in text and "SECRET456" not in text


def test_a_bad_webhook_url_is_refused_with_a_domain_error(cast):
    with pytest.raises(services.NotificationError):
        services.add_channel(cast.owner, user=cast.owner, kind="wecom", target="not a url")


def test_one_notification_per_object_kind_and_person_a_day(cast, make_project):
    project = make_project()
    first = services.notify(cast.owner, "project_cold", project, "趋冷")
    again = services.notify(cast.owner, "project_cold", project, "趋冷")
    other_day = services.notify(
        cast.owner, "project_cold", project, "趋冷", day=timezone.localdate() + dt.timedelta(days=1)
    )
    assert first is not None and again is None and other_day is not None
    assert Notification.objects.filter(user=cast.owner).count() == 2
