"""The notification centre, the bell, settings and organisation channels: own data only, login everywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.notifications import services
from zhaoshang.notifications.models import Channel, Notification


@pytest.fixture
def note(cast):
    return services.notify(cast.owner, "followup_due", None, "今天回访：甲项目", "/pipeline/")


@pytest.mark.parametrize("name", ["notifications:centre", "notifications:settings", "notifications:channels"])
def test_every_page_needs_a_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_bell_shows_the_unread_count_on_every_page(cast, client_for, note):
    page = client_for(cast.owner).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    page = client_for(cast.colleague).get(reverse("web:workbench")).content.decode()
    assert 'data-testid="unread-count"' not in page


def test_the_centre_lists_only_my_notifications(cast, client_for, note, django_assert_max_num_queries):
    services.notify(cast.outsider, "followup_due", None, "别人的提醒")
    client = client_for(cast.owner)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("notifications:centre")).content.decode()
    assert "今天回访：甲项目" in page and "别人的提醒" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_the_object(cast, client_for, note):
    response = client_for(cast.owner).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/pipeline/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_users_notification_is_not_found(cast, client_for, note):
    client = client_for(cast.colleague)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:toggle", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_an_outside_link_is_never_followed(cast, client_for):
    bad = Notification.objects.create(user=cast.owner, kind="x", text="t", url="https://evil.example/")
    response = client_for(cast.owner).get(reverse("notifications:open", args=[bad.pk]))
    assert response["Location"] == reverse("notifications:centre")


def test_read_and_unread_toggle_and_mark_all(cast, client_for, note):
    client = client_for(cast.owner)
    client.post(reverse("notifications:toggle", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is not None
    client.post(reverse("notifications:toggle", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is None
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=cast.owner, read_at__isnull=True).exists()


def test_a_user_adds_a_channel_and_sees_it_masked(cast, client_for):
    client = client_for(cast.owner)
    response = client.post(
        reverse("notifications:settings"),
        {
            "form": "channel",
            "kind": "wecom",
            "target": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=HIDDENKEY",
            "name": "我的群",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "qyapi.weixin.qq.com" in page and "HIDDENKEY" not in page


def test_a_bad_channel_address_is_a_form_error_not_a_500(cast, client_for):
    response = client_for(cast.owner).post(
        reverse("notifications:settings"), {"form": "channel", "kind": "email", "target": "nope"}
    )
    assert response.status_code == 400 and not Channel.objects.exists()


def test_a_user_sets_the_time_of_the_digest(cast, client_for):
    client_for(cast.owner).post(reverse("notifications:settings"), {"form": "digest", "digest_time": "07:45"})
    assert str(services.preference_for(cast.owner).digest_time) == "07:45:00"


def test_nobody_removes_another_users_channel(cast, client_for):
    channel = services.add_channel(cast.owner, user=cast.owner, kind="email", target="a@example.org")
    assert (
        client_for(cast.outsider).post(reverse("notifications:channel_delete", args=[channel.pk])).status_code
        == 404
    )
    assert Channel.objects.filter(pk=channel.pk).exists()


def test_organisation_channels_are_for_administrators(cast, client_for):
    assert client_for(cast.leader).get(reverse("notifications:channels")).status_code == 403
    response = client_for(cast.admin).post(
        reverse("notifications:channels"),
        {
            "organisation": cast.park.pk,
            "kind": "dingtalk",
            "target": "https://oapi.dingtalk.com/robot/send?access_token=T",
            "secret": "SEC1",
            "digest_time": "09:00",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.organisation == cast.park and channel.secret == "SEC1"
    assert (
        client_for(cast.owner).post(reverse("notifications:channel_delete", args=[channel.pk])).status_code
        == 404
    )
